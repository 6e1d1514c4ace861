"""scene_image: one scene's picture at the video's frame size, from the configured image provider."""

from __future__ import annotations

import io

import PIL
from PIL import Image

from showrunner.artifacts import Scene
from showrunner.errors import ProviderError
from showrunner.files import read_model, write_bytes
from showrunner.provenance import write_provenance
from showrunner.providers import provider_for
from showrunner.providers.calls import ModelCalls
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("show.name", "show.style", "providers.image", "video.aspect", "video.height")


def run(job: StageJob) -> None:
    scene = read_model(job.input["scene"], Scene)
    calls = ModelCalls(job.episode, job.stage, job.root)
    provider = provider_for("image", job.episode, calls)
    size = job.episode.video.size
    png = provider.render(scene, size)
    check_png(png, size, provider.settings.name)
    write_bytes(job.output["image"], png)
    write_provenance(job, job.output["provenance"], provider=provider.settings.name, model=provider.model,
                     parameters={"size": list(size), "style": job.episode.show.style.model_dump()},
                     calls=calls.records,
                     tools={"Pillow": PIL.__version__} if provider.settings.name == "slides" else {})


def check_png(data: bytes, size: tuple[int, int], provider: str) -> None:
    """The provider kept its promise: PNG bytes at exactly `size`."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG" or image.size != tuple(size):
                raise ProviderError(f"image provider '{provider}' returned a {image.format} of {image.size[0]}x"
                                    f"{image.size[1]}, not a PNG of {size[0]}x{size[1]}")
    except OSError as err:
        raise ProviderError(f"image provider '{provider}' returned something that is not an image: {err}") from None
