"""API keys come from environment variables named in config; they never reach a file or a log."""

from __future__ import annotations

import os
import re

from showrunner.errors import ConfigError

_KNOWN_ENV: set[str] = set()


def api_key(env_name: str | None, provider: str) -> str | None:
    """Read a key from the environment variable the config names, and remember it for redaction."""
    if not env_name:
        return None
    _KNOWN_ENV.add(env_name)
    value = os.environ.get(env_name)
    if not value:
        raise ConfigError(
            f"config.yaml: providers.{provider}.api_key_env: environment variable {env_name} is not set"
        )
    return value


def redact(text: str) -> str:
    """Replace every known key's value (and anything shaped like a bearer or sk- key) with ***."""
    for name in _KNOWN_ENV | {n for n in os.environ if n.endswith(("_API_KEY", "_TOKEN", "_SECRET"))}:
        value = os.environ.get(name)
        if value and len(value) >= 6:
            text = text.replace(value, "***")
    text = re.sub(r"(Bearer\s+)[A-Za-z0-9._\-]{8,}", r"\1***", text)
    # OpenAI-style keys, also as services echo them half-masked ("sk-proj-****...abcd")
    return re.sub(r"\bsk-[A-Za-z0-9_*.\-]{6,}", "sk-***", text)
