"""narration: every scene's voice in storyboard order, one WAV (shared by final and podcast)."""

from __future__ import annotations

import numpy as np

from showrunner import media
from showrunner.artifacts import SceneTimings
from showrunner.errors import ArtifactError
from showrunner.files import read_model
from showrunner.stage_job import StageJob


def run(job: StageJob) -> None:
    rate = job.episode.audio.sample_rate
    parts = []
    for voice, timings_path in zip(job.input["voices"], job.input["timings"], strict=True):
        samples, voice_rate = media.read_wav(voice)
        timings = read_model(timings_path, SceneTimings)
        if voice_rate != rate or timings.sample_rate != rate:
            raise ArtifactError(f"{voice}: sample rate {voice_rate} Hz, but audio.sample_rate is {rate} Hz "
                                "(the voice is out of date; rerun scene_voice)")
        if samples.size != timings.samples:
            raise ArtifactError(f"{voice}: {samples.size} samples, but {timings_path} says {timings.samples}")
        parts.append(samples)
    media.write_wav(job.output["narration"], np.concatenate(parts), rate)
