"""OpenAI's image models (or any server speaking /v1/images/generations), fitted to the frame.

    providers:
      image:
        name: openai
        model: gpt-image-1            # or dall-e-3, or the model a compatible server names
        api_key_env: OPENAI_API_KEY
        options: {quality: medium, style_prompt: "flat vector illustration, muted colours"}

The picture is asked at the model's supported size closest to the frame's shape (or
options.size), returned as base64 and scaled and cropped to the exact frame size.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from showrunner.artifacts import Scene
from showrunner.errors import ProviderError
from showrunner.providers.base import ImageModel
from showrunner.providers.calls import CallResult, Usage
from showrunner.providers.image.picture import fit_png, picture_prompt
from showrunner.providers.openai_client import endpoint, model_needed, openai_client, require_model

VERSION = "openai-images-1"
OPTIONS = ("quality", "style", "background", "moderation")
SIZES = {  # model prefix -> (landscape, portrait, square)
    "gpt-image": ("1536x1024", "1024x1536", "1024x1024"),
    "dall-e-3": ("1792x1024", "1024x1792", "1024x1024"),
}
SQUARE_ONLY = ("1024x1024", "1024x1024", "1024x1024")


def api_size(model: str, size: tuple[int, int]) -> str:
    """The size to ask for: the model's supported one closest in shape to the frame."""
    landscape, portrait, square = next((s for prefix, s in SIZES.items() if model.startswith(prefix)), SQUARE_ONLY)
    width, height = size
    if width > height * 1.2:
        return landscape
    if height > width * 1.2:
        return portrait
    return square


class OpenAIImages(ImageModel):
    @classmethod
    def check_settings(cls, settings, root):
        return model_needed(settings, "gpt-image-1 or dall-e-3")

    def __init__(self, settings, calls, episode):
        super().__init__(settings, calls, episode)
        require_model(settings, "image", "gpt-image-1 or dall-e-3")
        self._client = None

    def render(self, scene: Scene, size: tuple[int, int]) -> bytes:
        options = self.settings.options
        body: dict[str, Any] = {"model": self.model, "prompt": picture_prompt(scene, self.episode,
                                                                             options.get("style_prompt")),
                                "size": options.get("size") or api_size(self.model, size), "n": 1}
        response_format = options.get("response_format", None if self.model.startswith("gpt-image") else "b64_json")
        if response_format:
            body["response_format"] = response_format
        body.update({k: options[k] for k in OPTIONS if k in options})
        result = self.calls.call(kind="image", provider=self.settings.name, model=self.model, version=VERSION,
                                 request={"base_url": endpoint(self.settings), "body": body},
                                 perform=lambda: self._generate(body), estimate=Usage(images=1),
                                 settings=self.settings)
        return fit_png(result.body, size)

    def _generate(self, body: dict[str, Any]) -> CallResult:
        if self._client is None:
            self._client = openai_client(self.settings, "image")
        response = self._client.images.generate(**body)
        data = response.data[0] if response.data else None
        if data is None or not data.b64_json:
            raise ProviderError(f"image model {self.model} returned no b64_json image (set "
                                "providers.image.options.response_format: b64_json if the server needs it)")
        try:
            image = base64.b64decode(data.b64_json, validate=False)
        except (binascii.Error, ValueError) as err:
            raise ProviderError(f"image model {self.model} returned invalid base64: {err}") from None
        return CallResult(body=image, usage=Usage(images=1))
