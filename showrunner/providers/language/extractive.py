"""The offline language provider: writes every artifact from the sources' own sentences.

Deterministic, no network, no weights. It answers the same tasks as any language model
(showrunner.providers.language.tasks), in the same reply shapes, and its replies become
artifacts through the same validation; the work is done in showrunner.writing (answers.py
dispatches on the task's name). Its answers go through `ModelCalls` like any model's, so they
are cached and recorded. The `version` in the cache key is a hash of this file, of every module
in showrunner/writing and of showrunner/cleaning.py (diagram labels), so changed code never
serves an old answer.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from showrunner.errors import ConfigError
from showrunner.files import canonical_json
from showrunner.providers.base import LanguageModel
from showrunner.providers.calls import Ask, CallResult
from showrunner.writing.answers import answer

_WRITING_DIR = Path(__file__).resolve().parents[2] / "writing"
_CODE_FILES = [Path(__file__).resolve(), *sorted(_WRITING_DIR.glob("*.py")), _WRITING_DIR.parent / "cleaning.py"]
VERSION = hashlib.sha256(b"".join(p.read_bytes() for p in _CODE_FILES)).hexdigest()

TOPIC_ONLY = ("the extractive provider needs sources; for a topic-only episode configure providers.language "
              "with name: openai (any OpenAI-compatible endpoint, e.g. Ollama at http://localhost:11434/v1)")


class ExtractiveLanguage(LanguageModel):
    """Offline writing from the sources: see the module docstring."""

    version = VERSION

    def parameters(self) -> dict[str, Any]:
        return {"name": "extractive", "writing": self.episode.writing.model_dump(mode="json")}

    def answer(self, ask: Ask) -> CallResult:
        if ask.task == "research" and not ask.inputs["brief"].sources:
            raise ConfigError(TOPIC_ONLY)
        reply = answer(ask.task, ask.inputs, self.episode.writing)
        return CallResult(body=canonical_json(reply).encode("utf-8"))
