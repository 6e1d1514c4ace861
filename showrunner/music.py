"""The project's own music: a bed to loop under the narration and the podcast's intro and outro stings.

The bed is a slow four-chord pad with a soft plucked arpeggio, synthesised with numpy from a seed
(the same seed gives the same samples), as a seamless loop that final and podcast repeat to the
narration's length. Everything comes out at a fixed RMS level (`at_rms`), so audio.music.bed_gain_db
means the same for any bed. The music stage (showrunner.stages.music) writes them.
"""

from __future__ import annotations

import math

import numpy as np

from showrunner import audio
from showrunner.config import Music

BED_RMS_DBFS = -18.0
STING_RMS_DBFS = -24.0
BEAT_S = 1.0  # 60 beats a minute
CHORD_BEATS = 4
# A minor, F major, C major, G major (MIDI note numbers), voiced around middle C
PROGRESSION: list[tuple[int, ...]] = [(57, 60, 64, 69), (53, 57, 60, 65), (48, 52, 55, 60), (55, 59, 62, 67)]


def at_rms(samples: np.ndarray, dbfs: float) -> np.ndarray:
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if samples.size else 0.0
    if rms == 0.0:
        return samples.astype(np.float32)
    scaled = samples * (10 ** (dbfs / 20) / rms)
    peak = float(np.max(np.abs(scaled)))
    return (scaled / peak * 0.9 if peak > 0.9 else scaled).astype(np.float32)


def hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _add_wrapped(out: np.ndarray, start: int, data: np.ndarray) -> None:
    """Add `data` into the loop `out` from `start`, wrapping around its end."""
    n = out.size
    start %= n
    first = min(data.size, n - start)
    out[start:start + first] += data[:first]
    rest = data[first:]
    while rest.size:
        take = min(rest.size, n)
        out[:take] += rest[:take]
        rest = rest[take:]


def _pad_note(freq: float, length: int, rate: int, phase: float) -> np.ndarray:
    t = np.arange(length) / rate
    tone = (np.sin(2 * np.pi * freq * t + phase) + 0.25 * np.sin(2 * np.pi * 2 * freq * t + 2 * phase)
            + 0.08 * np.sin(2 * np.pi * 3 * freq * t + 3 * phase))
    envelope = np.sin(np.pi * np.arange(length) / length) ** 2  # slow swell in, slow swell out
    return (tone * envelope).astype(np.float32)


def _pluck(freq: float, length: int, rate: int, phase: float) -> np.ndarray:
    t = np.arange(length) / rate
    attack = np.minimum(t / 0.01, 1.0)
    tone = np.sin(2 * np.pi * freq * t + phase) + 0.3 * np.sin(2 * np.pi * 2 * freq * t + phase)
    return (tone * attack * np.exp(-t / 0.35)).astype(np.float32)


def generate_bed(rate: int, seed: int, progression: list[tuple[int, ...]] = PROGRESSION) -> np.ndarray:
    """A seamless loop: each chord swells over its bar and overlaps the next, the arpeggio plucks
    eighth notes; everything that runs past the end wraps to the start."""
    rng = np.random.default_rng(seed)
    bar = int(round(CHORD_BEATS * BEAT_S * rate))
    loop = np.zeros(bar * len(progression), dtype=np.float32)
    overlap = bar // 2
    step = bar // (CHORD_BEATS * 2)
    for k, chord in enumerate(progression):
        for note in (chord[0] - 12, *chord):
            detune = 1 + rng.uniform(-0.002, 0.002)
            gain = 0.6 if note == chord[0] - 12 else 0.35
            _add_wrapped(loop, k * bar - overlap // 2,
                         gain * _pad_note(hz(note) * detune, bar + overlap, rate, rng.uniform(0, 2 * math.pi)))
        pattern = rng.permutation(len(chord))
        for i in range(CHORD_BEATS * 2):
            note = chord[pattern[i % len(chord)]] + 12
            _add_wrapped(loop, k * bar + i * step, 0.12 * _pluck(hz(note), 2 * step, rate, rng.uniform(0, 2 * math.pi)))
    return loop


def stings(rate: int, music: Music) -> tuple[np.ndarray, np.ndarray]:
    """The intro (the first chord rising) and outro (the last chords settling), at the sting level."""
    rng = np.random.default_rng(music.seed + 1)

    def sting(seconds: float, chords: list[tuple[int, ...]], rising: bool) -> np.ndarray:
        length = audio.samples_of(seconds, rate)
        if length == 0:
            return np.zeros(0, dtype=np.float32)
        out = np.zeros(length, dtype=np.float32)
        per = max(length // len(chords), 1)
        for k, chord in enumerate(chords):
            start = k * per
            span = length - start
            for note in (chord[0] - 12, *chord):
                tone = _pad_note(hz(note), 2 * span, rate, rng.uniform(0, 2 * math.pi))[:span]
                out[start:] += (0.5 if note == chord[0] - 12 else 0.3) * tone
            notes = sorted(chord) if rising else sorted(chord, reverse=True)
            for i, note in enumerate(notes):
                at = start + i * min(per // len(notes), audio.samples_of(0.25, rate))
                if at < length:
                    pluck = _pluck(hz(note + 12), length - at, rate, rng.uniform(0, 2 * math.pi))
                    out[at:] += 0.25 * pluck
        shaped = audio.fade(out, rate, fade_in_s=min(0.2, seconds / 4), fade_out_s=min(1.5, seconds / 2))
        return at_rms(shaped, STING_RMS_DBFS)

    return sting(music.intro_seconds, PROGRESSION[:1], True), sting(music.outro_seconds, PROGRESSION[2:], False)
