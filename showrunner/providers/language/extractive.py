"""The offline language provider: writes every artifact from the sources' own sentences.

Deterministic, no network, no weights. It is the reference implementation of `LanguageModel`:
every method routes its work through `ModelCalls.call`, so its answers are cached and recorded
like any model's. The `version` in the cache key is a hash of this file, of every module in
showrunner/writing, where the work is done, and of showrunner/cleaning.py (diagram labels), so
changed code never serves an old answer.

- research: showrunner.writing.research
- outline: showrunner.writing.outline (reviewer feedback read by showrunner.writing.feedback)
- write_script: showrunner.writing.script_writer
- critique: showrunner.writing.critique (measured, not guessed: showrunner.writing.measures)
- storyboard: showrunner.writing.storyboard
- review_scenes: the measured scene review itself (showrunner.writing.scene_review)
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from showrunner.artifacts import Brief, Critique, Outline, Research, Scene, SceneCritique, Script
from showrunner.errors import ConfigError
from showrunner.files import canonical_json
from showrunner.providers.base import LanguageModel
from showrunner.providers.calls import CallResult
from showrunner.writing.critique import build_critique
from showrunner.writing.outline import build_outline
from showrunner.writing.research import build_research
from showrunner.writing.script_writer import ScriptWriter
from showrunner.writing.storyboard import build_storyboard

_WRITING_DIR = Path(__file__).resolve().parents[2] / "writing"
_CODE_FILES = [Path(__file__).resolve(), *sorted(_WRITING_DIR.glob("*.py")), _WRITING_DIR.parent / "cleaning.py"]
VERSION = hashlib.sha256(b"".join(p.read_bytes() for p in _CODE_FILES)).hexdigest()

TOPIC_ONLY = ("the extractive provider needs sources; for a topic-only episode configure providers.language "
              "with name: openai (any OpenAI-compatible endpoint, e.g. Ollama at http://localhost:11434/v1)")


class ExtractiveLanguage(LanguageModel):
    """Offline writing from the sources: see the module docstring."""

    def _call(self, method: str, request: dict[str, Any], compute: Callable[[], Any]) -> Any:
        def perform() -> CallResult:
            return CallResult(body=canonical_json(compute()).encode("utf-8"))

        result = self.calls.call(kind="language", provider="extractive", model="extractive", version=VERSION,
                                 request={"method": method, **request}, perform=perform)
        return json.loads(result.body)

    def _writing(self) -> dict[str, Any]:
        return self.episode.writing.model_dump(mode="json")

    def research(self, brief: Brief, prompt: str) -> Research:
        if not brief.sources:
            raise ConfigError(TOPIC_ONLY)
        data = self._call("research", {"brief": brief.model_dump(mode="json"), "prompt": prompt},
                          lambda: build_research(brief).model_dump(mode="json"))
        return Research.model_validate(data)

    def outline(self, brief: Brief, research: Research, feedback: list[str], prompt: str) -> Outline:
        request = {"brief": brief.model_dump(mode="json"), "research": research.model_dump(mode="json"),
                   "feedback": list(feedback), "writing": self._writing(), "prompt": prompt}
        data = self._call("outline", request,
                          lambda: build_outline(brief, research, list(feedback)).model_dump(mode="json"))
        return Outline.model_validate(data)

    def write_script(self, brief: Brief, outline: Outline, research: Research, prompt: str,
                     previous: Script | None = None, critique: Critique | None = None) -> Script:
        request = {"brief": brief.model_dump(mode="json"), "outline": outline.model_dump(mode="json"),
                   "research": research.model_dump(mode="json"), "writing": self._writing(), "prompt": prompt,
                   "previous": previous.model_dump(mode="json") if previous else None,
                   "critique": critique.model_dump(mode="json") if critique else None}
        writer = ScriptWriter(brief, outline, research, self.episode.writing.words_per_minute,
                              self.episode.writing.max_sentence_words)
        data = self._call("write_script", request,
                          lambda: writer.write(previous, critique).model_dump(mode="json"))
        return Script.model_validate(data)

    def critique(self, brief: Brief, outline: Outline, script: Script, prompt: str) -> Critique:
        request = {"brief": brief.model_dump(mode="json"), "outline": outline.model_dump(mode="json"),
                   "script": script.model_dump(mode="json"), "writing": self._writing(), "prompt": prompt}
        data = self._call("critique", request,
                          lambda: build_critique(brief, outline, script,
                                                 self.episode.writing.words_per_minute,
                                                 self.episode.writing.max_sentence_words).model_dump(mode="json"))
        return Critique.model_validate(data)

    def storyboard(self, brief: Brief, outline: Outline, research: Research, script: Script,
                   prompt: str) -> list[Scene]:
        style = self.episode.show.style.model_dump(mode="json")
        request = {"brief": brief.model_dump(mode="json"), "outline": outline.model_dump(mode="json"),
                   "research": research.model_dump(mode="json"), "script": script.model_dump(mode="json"),
                   "writing": self._writing(), "style": style, "prompt": prompt}
        writing = self.episode.writing

        def compute():
            scenes = build_storyboard(brief, outline, research, script, writing.words_per_minute,
                                      writing.max_scene_seconds, style)
            return {"scenes": [s.model_dump(mode="json") for s in scenes]}

        data = self._call("storyboard", request, compute)
        return [Scene.model_validate(s) for s in data["scenes"]]

    def review_scenes(self, brief: Brief, outline: Outline, scenes: list[Scene], prompt: str,
                      measured: SceneCritique) -> SceneCritique:
        """The offline critic's judgement is the measurement: it adds no guess of its own."""
        request = {"scenes": [s.model_dump(mode="json") for s in scenes], "measured": measured.model_dump(mode="json"),
                   "prompt": prompt}
        data = self._call("review_scenes", request, lambda: measured.model_dump(mode="json"))
        return SceneCritique.model_validate(data)
