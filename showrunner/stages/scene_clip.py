"""scene_clip: the scene's beats as a video-only clip lasting exactly the scene's frames.

Each beat's still is shown from the moment the narration reaches it (the voice's measured
timings) to the next one's (showrunner/screen/clip.py). Each scene is encoded once, on its
own, with the same encoder settings as every other clip, so the episode joins them without
re-encoding and a changed scene re-encodes only itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from showrunner import media
from showrunner.artifacts import Scene, SceneTimings
from showrunner.errors import ArtifactError
from showrunner.files import read_model
from showrunner.progress import Progress
from showrunner.provenance import write_provenance
from showrunner.reads import settings_of
from showrunner.screen import clip, plan
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("video.aspect", "video.height", "video.fps", "video.motion", "video.preset", "video.crf",
         "video.threads")


def run(job: StageJob) -> None:
    timings = read_model(job.input["timings"], SceneTimings)
    scene = read_model(job.input["scene"], Scene)
    video = job.episode.video
    if timings.fps != video.fps:
        raise ArtifactError(f"{job.input['timings']}: fps: {timings.fps}, but video.fps is {video.fps} "
                            "(the voice stage is out of date; rerun it)")
    beats_dir = Path(job.input["beats"])
    manifest = json.loads((beats_dir / "beats.json").read_text(encoding="utf-8"))["beats"]
    beats = plan.scene_beats(scene)
    if len(manifest) != len(beats):
        raise ArtifactError(f"{beats_dir}/beats.json: {len(manifest)} stills for {len(beats)} beats "
                            "(scene_image is out of date; rerun it)")
    shown = clip.beat_frames(beats, scene, timings)
    encoded = Progress(job, total=100, unit="% encoded")
    clip.encode_beats([(beats_dir / manifest[k]["file"], frames) for k, frames in shown], job.output["clip"],
                      video=video, zoom_from=timings.scene,
                      progress=lambda fraction: encoded.update(round(100 * fraction)))
    encoded.update(100)
    fps = timings.fps
    at, schedule = 0, []
    for k, frames in shown:
        schedule.append({"beat": k + 1, "start": round(at / fps, 4), "seconds": round(frames / fps, 4),
                         "kind": beats[k].kind})
        at += frames
    write_provenance(job, job.output["provenance"],
                     parameters={"frames": timings.frames, "beats": schedule, **settings_of(job.episode, READS)},
                     tools=media.versions("ffmpeg"))
