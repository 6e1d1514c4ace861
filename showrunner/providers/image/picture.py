"""What the generative image providers share: the prompt a scene gives, and fitting the result.

A model draws at the sizes it supports; `fit_png` scales and centre-crops the picture to the
exact frame size the video needs, so the stage gets PNG bytes at `size` whatever the model.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from showrunner.artifacts import Scene
from showrunner.config import Episode
from showrunner.errors import ProviderError


def picture_prompt(scene: Scene, episode: Episode, style: str | None = None) -> str:
    """The scene's visual prompt (or its title and bullets), for a picture without any lettering."""
    subject = scene.visual_prompt.strip() or ". ".join([scene.title, *scene.bullets[:3]])
    parts = [subject.rstrip("."), f"An illustration for an explainer episode of '{episode.show.name}'",
             "no text, letters or captions in the picture"]
    if style:
        parts.append(style)
    return ". ".join(parts) + "."


def fit_png(data: bytes, size: tuple[int, int]) -> bytes:
    """Scale and centre-crop an image to exactly `size` (width, height); PNG bytes."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            picture = ImageOps.fit(image.convert("RGB"), size, method=Image.Resampling.LANCZOS)
    except (OSError, ValueError) as err:
        raise ProviderError(f"the image model returned something that is not an image: {err}") from None
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()

def check_png(data: bytes, size: tuple[int, int], provider: str) -> None:
    """The provider kept its promise: PNG bytes at exactly `size`."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or image.size != tuple(size):
                raise ProviderError(f"image provider '{provider}' returned a {image.format} of {image.size[0]}x"
                                    f"{image.size[1]}, not a PNG of {size[0]}x{size[1]}")
    except OSError as err:
        raise ProviderError(f"image provider '{provider}' returned something that is not an image: {err}") from None
