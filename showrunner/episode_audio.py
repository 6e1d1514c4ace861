"""The episode's spoken track, shared by the soundtrack of final.mp4 and by podcast.mp3: every
scene's voice in storyboard order, and that narration with the music bed ducked under it.

Both stages read the scene voices themselves (a few WAV files: milliseconds) rather than wait for
a joined narration file, so a one-scene edit goes from the voice straight to the joins.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from showrunner import audio, media
from showrunner.artifacts import SceneTimings
from showrunner.config import Audio
from showrunner.errors import ArtifactError
from showrunner.files import read_model


def narration(voices: Sequence[str | Path], timings: Sequence[str | Path], sample_rate: int) -> np.ndarray:
    """int16: every scene's voice in order, each checked against its timings.json."""
    if len(voices) != len(timings):
        raise ArtifactError(f"{len(voices)} voice files but {len(timings)} timings files")
    parts = []
    for voice, timings_path in zip(voices, timings, strict=True):
        samples, voice_rate = media.read_wav(voice)
        measured = read_model(timings_path, SceneTimings)
        if voice_rate != sample_rate or measured.sample_rate != sample_rate:
            raise ArtifactError(f"{voice}: sample rate {voice_rate} Hz, but audio.sample_rate is {sample_rate} Hz "
                                "(the voice is out of date; rerun scene_voice)")
        if samples.size != measured.samples:
            raise ArtifactError(f"{voice}: {samples.size} samples, but {timings_path} says {measured.samples}")
        parts.append(samples)
    if not parts:
        raise ArtifactError("no scene voices to join")
    return np.concatenate(parts)


def speech_over_bed(voices: Sequence[str | Path], timings: Sequence[str | Path], bed: str | Path,
                    settings: Audio) -> np.ndarray:
    """float32 at settings.sample_rate: the narration with the music bed ducked under it."""
    speech = narration(voices, timings, settings.sample_rate)
    music, bed_rate = media.read_wav(bed)
    if bed_rate != settings.sample_rate:
        raise ArtifactError(f"{bed}: {bed_rate} Hz, but audio.sample_rate is {settings.sample_rate} Hz: rerun music")
    return audio.mix_under(speech, music, settings.sample_rate, bed_gain_db=settings.music.bed_gain_db,
                           duck_db=settings.music.duck_db)
