"""soundtrack: the episode's audio for final.mp4, every scene's voice in order with the music bed
ducked under it, mastered to audio.video_lufs and encoded once as AAC (soundtrack.m4a).

It needs no clips, so it runs while the clips encode; final then takes it by stream copy.
"""

from __future__ import annotations

import logging

from showrunner import episode_audio, media
from showrunner.provenance import write_provenance
from showrunner.reads import settings_of
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("audio.sample_rate", "audio.video_lufs", "audio.music.bed_gain_db", "audio.music.duck_db", "video.fps")

log = logging.getLogger(__name__)

SAMPLE_PEAK_LIMIT = 10 ** (-2.0 / 20)  # -2 dBFS: room for AAC's inter-sample overshoot


def run(job: StageJob) -> None:
    settings, fps = job.episode.audio, job.episode.video.fps
    mix = episode_audio.speech_over_bed(job.input["voices"], job.input["timings"], job.input["bed"], settings)
    rate = settings.sample_rate
    log.info("soundtrack: %d samples = %.3f s = %.2f frames at %d fps", mix.size, mix.size / rate,
             mix.size * fps / rate, fps)
    mastered, loudness = media.master(mix, rate, lufs=settings.video_lufs, limit=SAMPLE_PEAK_LIMIT,
                                      what="soundtrack")
    log.info("soundtrack loudness: %s", loudness)
    media.encode_soundtrack(mastered, rate, job.output["soundtrack"])
    write_provenance(job, job.output["provenance"], tools=media.versions("ffmpeg"),
                     parameters={"settings": settings_of(job.episode, READS), "samples": int(mix.size),
                                 "sample_rate": rate, "codec": "aac", "bitrate": media.AAC_BITRATE,
                                 "loudness": loudness})
