"""One small interface per kind of model. The offline provider of each kind is the reference.

Providers never touch files under results/: they take artifacts and a rendered prompt and
return artifacts (language), audio bytes (speech) or image bytes (image). Every request they
make goes through `ModelCalls.call`, which caches it, retries it, prices it and records it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from showrunner.artifacts import Brief, Critique, Outline, Research, Scene, SceneCritique, Script
from showrunner.config import Episode, ProviderSettings
from showrunner.providers.calls import ModelCalls


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
    kind = "language"

    @abstractmethod
    def research(self, brief: Brief, prompt: str) -> Research: ...

    @abstractmethod
    def outline(self, brief: Brief, research: Research, feedback: list[str], prompt: str) -> Outline: ...

    @abstractmethod
    def write_script(self, brief: Brief, outline: Outline, research: Research, prompt: str,
                     previous: Script | None = None, critique: Critique | None = None) -> Script:
        """Write a draft; with `previous` and `critique`, revise that draft to answer the critique."""

    @abstractmethod
    def critique(self, brief: Brief, outline: Outline, script: Script, prompt: str) -> Critique: ...

    @abstractmethod
    def storyboard(self, brief: Brief, outline: Outline, research: Research, script: Script,
                   prompt: str) -> list[Scene]: ...

    @abstractmethod
    def review_scenes(self, brief: Brief, outline: Outline, scenes: list[Scene], prompt: str,
                      measured: SceneCritique) -> SceneCritique:
        """Judge the scenes (each, and together); `measured` is what the measured checks found."""


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
        process) overrides this to speak the lines the cache lacks in one go."""
        return [self.speak(request) for request in requests]


class ImageModel(Provider, ABC):
    kind = "image"

    @abstractmethod
    def render(self, scene: Scene, size: tuple[int, int]) -> bytes:
        """PNG bytes of the scene's picture at `size` (width, height)."""
