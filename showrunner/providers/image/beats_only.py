"""`slides`, the offline default: no picture. Every beat is drawn from the document itself (its
points, code, tables, figures: showrunner/screen/draw.py); a generative provider (openai,
diffusers) adds a picture beside a scene's key points."""

from __future__ import annotations

from showrunner.artifacts import Scene
from showrunner.providers.base import ImageModel


class NoPicture(ImageModel):
    @property
    def model(self) -> str:
        return self.settings.model or "slides"

    def render(self, scene: Scene, size: tuple[int, int]) -> bytes | None:
        return None
