"""Prompt templates: jinja2, sandboxed, strict about undefined names."""

from __future__ import annotations

from pathlib import Path

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from showrunner.errors import ArtifactError

_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True,
                            trim_blocks=True, lstrip_blocks=True)


def render(template: str | Path, **context) -> str:
    """Render one template file with `context`; a missing name or a syntax error names the file."""
    path = Path(template)
    try:
        return _ENV.from_string(path.read_text(encoding="utf-8")).render(**context)
    except FileNotFoundError:
        raise ArtifactError(f"{path}: prompt template is missing") from None
    except TemplateError as err:
        line = getattr(err, "lineno", None)
        where = f" (line {line})" if line else ""
        raise ArtifactError(f"{path}{where}: {err.message or err}") from None
