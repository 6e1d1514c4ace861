"""scene_clip: the scene's picture as a video-only clip lasting exactly the scene's frames.

Each scene is encoded once, on its own, with the same encoder settings as every other clip,
so the episode joins them without re-encoding and a changed scene re-encodes only itself.
"""

from __future__ import annotations

from showrunner import media
from showrunner.artifacts import SceneTimings
from showrunner.errors import ArtifactError
from showrunner.files import read_model
from showrunner.progress import Progress
from showrunner.provenance import write_provenance
from showrunner.reads import settings_of
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("video.aspect", "video.height", "video.fps", "video.motion", "video.preset", "video.crf",
         "video.threads")


def run(job: StageJob) -> None:
    timings = read_model(job.input["timings"], SceneTimings)
    video = job.episode.video
    if timings.fps != video.fps:
        raise ArtifactError(f"{job.input['timings']}: fps: {timings.fps}, but video.fps is {video.fps} "
                            "(the voice stage is out of date; rerun it)")
    encoded = Progress(job, total=100, unit="% encoded")
    media.encode_clip(job.input["image"], job.output["clip"], frames=timings.frames, video=video,
                      zoom_in=timings.scene % 2 == 1, progress=lambda fraction: encoded.update(round(100 * fraction)))
    encoded.update(100)
    write_provenance(job, job.output["provenance"],
                     parameters={"frames": timings.frames, **settings_of(job.episode, READS)},
                     tools=media.versions("ffmpeg"))
