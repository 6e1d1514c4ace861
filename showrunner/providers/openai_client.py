"""The openai SDK client every OpenAI-compatible provider uses (OpenAI, Ollama, vLLM, LM Studio).

The base URL and the key are always passed explicitly, so the SDK never picks up
OPENAI_BASE_URL or OPENAI_API_KEY behind the config's back, and its own retries are off
(`max_retries=0`): ModelCalls is the only retry layer.
"""

from __future__ import annotations

from typing import Any

from showrunner.config import ProviderSettings
from showrunner.errors import ConfigError
from showrunner.secrets import api_key

OPENAI_BASE_URL = "https://api.openai.com/v1"
NO_KEY = "no-key"  # local servers ignore the key, the SDK insists on one


def endpoint(settings: ProviderSettings) -> str:
    """The base URL requests go to: part of every cache key, since another server gives other answers."""
    return (settings.base_url or OPENAI_BASE_URL).rstrip("/")


# Each check is written once, as check_settings's (key path, problem) pairs; the provider's
# constructor raises the same problem as a ConfigError (`refuse`).


def model_needed(settings: ProviderSettings, examples: str) -> list[tuple[str, str]]:
    """check_settings for an OpenAI-compatible provider: it needs a model."""
    if settings.model:
        return []
    return [("model", f"provider '{settings.name}' needs a model, e.g. {examples}")]


def choice_needed(settings: ProviderSettings, option: str, choices: tuple[str, ...]) -> list[tuple[str, str]]:
    """check_settings for an option that names one of `choices` (the first is its default)."""
    value = settings.options.get(option, choices[0])
    return [] if value in choices else [(f"options.{option}", f"'{value}' is not one of {', '.join(choices)}")]


def refuse(problems: list[tuple[str, str]], kind: str) -> None:
    """A ConfigError naming the first of check_settings's problems, if any."""
    for path, message in problems:
        raise ConfigError(f"config.yaml: providers.{kind}.{path}: {message}")


def require_model(settings: ProviderSettings, kind: str, examples: str) -> str:
    refuse(model_needed(settings, examples), kind)
    return str(settings.model)


def require_choice(settings: ProviderSettings, kind: str, option: str, choices: tuple[str, ...]) -> str:
    refuse(choice_needed(settings, option, choices), kind)
    return str(settings.options.get(option, choices[0]))


def openai_client(settings: ProviderSettings, kind: str) -> Any:
    """An `openai.OpenAI` client for these settings. Made on the first call that misses the cache."""
    import openai

    key = api_key(settings.api_key_env, kind)
    if key is None:
        if settings.base_url is None:
            raise ConfigError(
                f"config.yaml: providers.{kind}.api_key_env: name the environment variable that holds your "
                f"key for {OPENAI_BASE_URL} (e.g. OPENAI_API_KEY), or set providers.{kind}.base_url to a "
                "local server such as http://localhost:11434/v1 (Ollama)"
            )
        key = NO_KEY
    return openai.OpenAI(api_key=key, base_url=endpoint(settings), timeout=settings.timeout_s, max_retries=0)
