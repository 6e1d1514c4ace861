"""final: final.mp4, the scene clips and the soundtrack joined without re-encoding either, and the
captions as a soft (or burned) subtitle track."""

from __future__ import annotations

from showrunner import media
from showrunner.provenance import write_provenance
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("video", "show.language")


def run(job: StageJob) -> None:
    video = job.episode.video
    media.mux_episode(job.input["clips"], job.input["soundtrack"], job.output["video"],
                      captions=job.input["captions"], subtitles=video.subtitles, video=video,
                      language=job.episode.show.language)
    write_provenance(job, job.output["provenance"], tools=media.versions("ffmpeg"),
                     parameters={"video": video.model_dump(), "language": job.episode.show.language})
