"""scene_image: one still per visual beat of the scene, at the video's frame size, in the show's theme.

The beats come from the scene (planned by the storyboard; a scene without any gets one from its
slide). Each is drawn by showrunner/screen/draw.py; with a generative image provider (openai,
diffusers) the scene's picture illustrates its key points. Every still's text is measured as it
is drawn: a beat with text under 2.5% of the frame's height or under 4.5:1 contrast stops the
stage, naming the beat. media/NN/beats/ holds beats.json (what each still shows and its
measures) and the stills; image.png is the first still (the scene at a glance).
"""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path

import PIL

from showrunner.artifacts import Scene
from showrunner.errors import ArtifactError
from showrunner.files import canonical_json, read_model, temporary_prefix, write_bytes
from showrunner.provenance import write_provenance
from showrunner.providers import provider_for
from showrunner.providers.calls import ModelCalls
from showrunner.providers.image.picture import check_png
from showrunner.screen import draw, plan, themes
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("show.name", "show.style", "show.hosts", "providers.image", "video.aspect", "video.height")

MIN_TEXT = 0.025
MIN_CONTRAST = themes.MIN_CONTRAST


def run(job: StageJob) -> None:
    scene = read_model(job.input["scene"], Scene)
    episode = job.episode
    size = episode.video.size
    style = episode.show.style
    pal = themes.palette(style.theme, style.background, style.foreground, style.accent)
    fonts = draw.Fonts(style.font, style.font_bold, style.font_mono)
    hosts = {h.id: h.name for h in episode.show.hosts}
    speakers = {s.id: s.speaker for s in scene.segments}
    calls = ModelCalls(episode, job.stage, job.root)
    provider = provider_for("image", episode, calls)
    visual = draw.regions(size)["visual"]
    picture = provider.render(scene, (visual[2], visual[3]))  # None: no picture beside the points
    if picture is not None:
        check_png(picture, (visual[2], visual[3]), provider.settings.name)
    out_dir = Path(job.output["beats"])
    tmp = out_dir.parent / (temporary_prefix(out_dir.name) + "part")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    manifest = []
    first_png = b""
    for k, beat in enumerate(plan.scene_beats(scene), start=1):
        shown = beat
        if picture is not None and beat.kind == "points" and beat.points:
            shown = beat.model_copy(update={"kind": "illustration", "text": beat.points[-1]})
        image, measure = draw.draw_beat(shown, size, pal, fonts, show=episode.show.name,
                                        host=hosts.get(speakers.get(beat.segment_id, ""), ""), root=job.root,
                                        picture=picture)
        where = f"{job.input['scene']}: beats.{k - 1} ({beat.kind})"
        if measure.texts and measure.smallest_fraction < MIN_TEXT:
            raise ArtifactError(f"{where}: text {measure.smallest}px is under {MIN_TEXT:.1%} of the frame's "
                                f"{size[1]}px height")
        if measure.texts and measure.lowest < MIN_CONTRAST:
            raise ArtifactError(f"{where}: text contrast {measure.lowest:.2f}:1 is under {MIN_CONTRAST}:1")
        png = draw.png_bytes(image)
        first_png = first_png or png
        name = f"{k:02d}.png"
        (tmp / name).write_bytes(png)
        manifest.append({"file": name, "kind": beat.kind, "segment_id": beat.segment_id, "word": beat.word,
                         "element": beat.element, "path": beat.path,
                         "smallest_text": round(measure.smallest_fraction, 5),
                         "lowest_contrast": round(measure.lowest, 3),
                         **({"figure_text": round(measure.figure_text, 5)} if measure.figure_text is not None else {})})
    (tmp / "beats.json").write_text(canonical_json({"scene": scene.index, "size": list(size), "beats": manifest}),
                                    encoding="utf-8")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)
    write_bytes(job.output["image"], first_png)
    write_provenance(job, job.output["provenance"], provider=provider.settings.name, model=provider.model,
                     parameters={"size": list(size), "style": style.model_dump(), "beats": len(manifest)},
                     calls=calls.records, tools={"Pillow": PIL.__version__, **_tool_versions(),
                                                  **_pdfium_version(plan.scene_beats(scene))})


def _pdfium_version(beats) -> dict[str, str]:
    """PDFium draws a PDF's figure: its version is recorded only for a scene that shows one."""
    if not any(beat.region for beat in beats):
        return {}
    import pypdfium2  # type: ignore[import-untyped]

    return {"pypdfium2": str(pypdfium2.PYPDFIUM_INFO), "PDFium": str(pypdfium2.PDFIUM_INFO)}


def _tool_versions() -> dict[str, str]:
    import pygments

    # matplotlib's version from its installed metadata (the same string as matplotlib.__version__): importing
    # matplotlib to read it cost about 0.2 CPU s in every scene's picture job, most of which draw no chart
    return {"Pygments": pygments.__version__, "matplotlib": importlib.metadata.version("matplotlib")}
