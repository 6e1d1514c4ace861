"""One small interface per kind of model. The offline provider of each kind is the reference.

Providers never touch files under results/: they answer a task's ask with a reply (language,
made into the artifact by the task), audio bytes (speech) or image bytes (image). Every request they
make goes through `ModelCalls.call`, which caches it, retries it, prices it and records it.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from showrunner.artifacts import Scene
from showrunner.config import CALL_POLICY_FIELDS, Episode, ProviderSettings
from showrunner.providers.calls import Ask, CallResult, ModelCalls, Usage

if TYPE_CHECKING:
    from showrunner.providers.language.tasks import Task


class Provider:  # noqa: B024 (a base for the three abstract kinds below)
    kind: str = ""  # "language" | "speech" | "image"

    def __init__(self, settings: ProviderSettings, calls: ModelCalls, episode: Episode):
        self.settings = settings
        self.calls = calls
        self.episode = episode

    @property
    def model(self) -> str:
        return self.settings.model or self.settings.name

    @classmethod
    def check_settings(cls, settings: ProviderSettings, root: Path) -> list[tuple[str, str]]:
        """Problems with these settings, found at startup before any job: [(field, message)].

        Override to require fields (a model, a weights file that exists); the default finds none.
        """
        return []


class LanguageModel(Provider, ABC):
    """A language provider answers an `Ask` (a task's prompt, instructions and reply schema) with a
    reply: that is all it implements. `write` does the rest for every provider alike: the
    instructions and schema from the task, the call through `ModelCalls.ask` (cache, retry,
    breaker, budget, re-ask) and the reply's one validation into the artifact (the task's)."""

    kind = "language"
    version: str = ""  # part of the cache key: bump (or hash the code) to refuse every cached reply
    output_tokens_guess = 2048  # for the budget estimate when max_tokens is not set

    @abstractmethod
    def answer(self, ask: Ask) -> CallResult:
        """The reply to `ask`, as text (a JSON object that should fit `ask.schema`), and its usage.

        Called by ModelCalls under its policy: raise on failure (an HTTP error is retried when
        transient); never validate here, the task does that for every provider."""

    def write(self, task: Task, prompt: str, **inputs: Any) -> Any:
        """The artifact `task` makes from `inputs`, with the stage's rendered `prompt`."""
        schema = task.schema(inputs)
        ask = Ask(task=task.name, system=self.instructions(task, inputs, prompt, schema),
                  messages=({"role": "user", "content": prompt},), schema=schema, schema_name=task.schema_name,
                  inputs=inputs)
        return self.calls.ask(ask, provider=self.settings.name, model=self.model, version=self.version,
                              parameters=self.parameters(), answer=self.answer,
                              accept=lambda body: task.accept(body, inputs), estimate=self.estimate,
                              settings=self.settings)

    def instructions(self, task: Task, inputs: dict[str, Any], prompt: str, schema: dict) -> str:
        """The system message: the task, its notes, and the reply's JSON schema."""
        schema_text = json.dumps(schema, sort_keys=True, separators=(",", ":"))
        return "\n".join([
            f"You help make '{self.episode.show.name}', an explainer show. Your task: {task.about(inputs)}.",
            "Follow the instructions in the user message.",
            *task.notes(inputs, prompt),
            "Answer with one JSON object only (no prose, no markdown fences) that matches this JSON schema:",
            schema_text,
        ])

    def parameters(self) -> dict[str, Any]:
        """The settings the answer depends on (model, base_url, temperature, options...), for the cache key;
        never a secret, never the call policy."""
        return self.settings.model_dump(mode="json", exclude_none=True, exclude={*CALL_POLICY_FIELDS, "api_key_env"})

    def estimate(self, ask: Ask) -> Usage:
        """For the budget, before the call: ~4 characters a token in, max_tokens out."""
        chars = len(ask.system) + sum(len(m["content"]) for m in ask.messages)
        return Usage(input_tokens=chars // 4 + 1, output_tokens=self.settings.max_tokens or self.output_tokens_guess)


@dataclass(frozen=True)
class SpeechRequest:
    text: str
    voice: str  # the voice's name within its provider (the host's `voice` without "<provider>/")
    pace: float = 1.0  # the host's speaking rate against the voice's own


class SpeechModel(Provider, ABC):
    kind = "speech"

    @classmethod
    def check_voice(cls, settings: ProviderSettings, voice: str, root: Path) -> str | None:
        """Why this provider cannot speak with `voice` (a host's voice id), or None if it can.

        Called at startup for every host, so an unknown voice stops the run before any job.
        The default accepts every voice; a provider that can list its voices should override it.
        """
        return None

    @abstractmethod
    def speak(self, request: SpeechRequest) -> bytes:
        """Audio file bytes (WAV, MP3, ...) of the text in that voice; the stage decodes them."""

    def speak_all(self, requests: list[SpeechRequest]) -> list[bytes]:
        """Every request, in order. A provider with a costly start (a model loaded in a separate
        process) overrides this to speak the segments the cache lacks in one go."""
        return [self.speak(request) for request in requests]


class ImageModel(Provider, ABC):
    kind = "image"

    @abstractmethod
    def render(self, scene: Scene, size: tuple[int, int]) -> bytes | None:
        """PNG bytes of the scene's picture at `size` (width, height), or None: no picture (the
        beats are drawn from the document alone)."""
