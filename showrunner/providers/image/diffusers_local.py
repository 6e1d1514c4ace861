"""A local diffusion model through Hugging Face diffusers (optional: pip install showrunner[diffusers]).

    providers:
      image:
        name: diffusers
        model_path: /models/sdxl-turbo      # a diffusers model folder on disk; never downloaded
        seed: 7
        options: {steps: 4, guidance_scale: 0.0, max_side: 1024, negative_prompt: "text, watermark"}

The model is loaded with local_files_only=True, on the GPU when torch sees one. It draws at
a size near the frame's shape (long side options.max_side, both sides multiples of 64), then
the picture is scaled and cropped to the exact frame size. Each scene's seed is the configured
seed plus its index, so the same config draws the same pictures.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import io
from typing import Any

from showrunner.artifacts import Scene
from showrunner.config import resolve_path
from showrunner.errors import ConfigError
from showrunner.files import sha256_file
from showrunner.providers.base import ImageModel
from showrunner.providers.calls import CallResult, Usage
from showrunner.providers.image.picture import fit_png, picture_prompt

DEFAULTS = {"steps": 30, "guidance_scale": 7.0, "max_side": 1024, "negative_prompt": "text, letters, watermark"}


def import_diffusers() -> tuple[Any, Any]:
    try:
        return importlib.import_module("diffusers"), importlib.import_module("torch")
    except ImportError:
        raise ConfigError("config.yaml: providers.image.name: 'diffusers' needs diffusers and torch: "
                          "pip install showrunner[diffusers]") from None


def generation_size(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """(width, height) with the frame's shape, long side `max_side`, both multiples of 64."""
    width, height = size
    scale = max_side / max(width, height)
    return max(64, round(width * scale / 64) * 64), max(64, round(height * scale / 64) * 64)


class DiffusersImages(ImageModel):
    @classmethod
    def check_settings(cls, settings, root):
        if not settings.model_path:
            return [("model_path", "name the diffusers model folder to use; showrunner never downloads weights")]
        if not (resolve_path(settings.model_path, root) / "model_index.json").is_file():
            return [("model_path", f"{settings.model_path} is not a diffusers model folder (no model_index.json)")]
        return []

    def __init__(self, settings, calls, episode):
        super().__init__(settings, calls, episode)
        if not settings.model_path:
            raise ConfigError("config.yaml: providers.image.model_path: name the diffusers model folder to use; "
                              "showrunner never downloads weights")
        self.model_dir = resolve_path(settings.model_path, calls.root)
        if not (self.model_dir / "model_index.json").is_file():
            raise ConfigError(f"config.yaml: providers.image.model_path: {self.model_dir} is not a diffusers model "
                              "folder (no model_index.json in it)")
        self.options = {**DEFAULTS, **settings.options}

    @property
    def model(self) -> str:
        return self.settings.model or self.model_dir.name

    def render(self, scene: Scene, size: tuple[int, int]) -> bytes:
        width, height = generation_size(size, int(self.options["max_side"]))
        request = {"model_index_sha256": sha256_file(self.model_dir / "model_index.json"),
                   "model_dir": str(self.model_dir),
                   "prompt": picture_prompt(scene, self.episode, self.options.get("style_prompt")),
                   "negative_prompt": self.options["negative_prompt"], "steps": int(self.options["steps"]),
                   "guidance_scale": float(self.options["guidance_scale"]),
                   "seed": (self.settings.seed or 0) + scene.index, "width": width, "height": height}
        result = self.calls.call(kind="image", provider=self.settings.name, model=self.model,
                                 version=_version(), request=request, perform=lambda: self._draw(request),
                                 estimate=Usage(images=1), settings=self.settings)
        return fit_png(result.body, size)

    def _draw(self, request: dict[str, Any]) -> CallResult:
        pipeline, torch, device = _pipeline(str(self.model_dir))
        generator = torch.Generator(device=device).manual_seed(request["seed"])
        image = pipeline(prompt=request["prompt"], negative_prompt=request["negative_prompt"] or None,
                         num_inference_steps=request["steps"], guidance_scale=request["guidance_scale"],
                         width=request["width"], height=request["height"], generator=generator).images[0]
        out = io.BytesIO()
        image.save(out, format="PNG")
        return CallResult(body=out.getvalue(), usage=Usage(images=1))


def _version() -> str:
    """Part of the cache key: another diffusers or torch may draw another picture."""
    try:
        return f"diffusers-{importlib.metadata.version('diffusers')}-torch-{importlib.metadata.version('torch')}"
    except importlib.metadata.PackageNotFoundError:
        import_diffusers()  # raises the ConfigError that says what to install
        raise


@functools.lru_cache(maxsize=1)
def _pipeline(model_dir: str) -> tuple[Any, Any, str]:
    diffusers, torch = import_diffusers()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = torch.float16 if device == "cuda" else torch.float32
    pipeline = diffusers.AutoPipelineForText2Image.from_pretrained(model_dir, local_files_only=True,
                                                                   torch_dtype=dtype)
    pipeline = pipeline.to(device)
    pipeline.set_progress_bar_config(disable=True)
    return pipeline, torch, device
