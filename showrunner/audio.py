"""Audio arithmetic on sample arrays (numpy): segments joined with pauses, lengths in whole video
frames, the music bed ducked under speech. Exact and deterministic; ffmpeg lives in showrunner.media.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SILENCE_DBFS = -50.0  # quieter than this at a segment's edges is trimmed off
EDGE_KEEP_S = 0.02  # what is kept of the quiet around a segment, so consonants are never clipped


def samples_of(seconds: float, sample_rate: int) -> int:
    return int(round(seconds * sample_rate))


def to_float(samples: np.ndarray) -> np.ndarray:
    return np.asarray(samples, dtype=np.float32) / 32768.0


def to_int16(samples: np.ndarray) -> np.ndarray:
    return np.clip(np.round(np.asarray(samples, dtype=np.float64) * 32767.0), -32768, 32767).astype(np.int16)


def trim_silence(samples: np.ndarray, sample_rate: int, threshold_dbfs: float = SILENCE_DBFS) -> np.ndarray:
    """The samples without the near-silence a synthesizer leaves before and after speech."""
    first, end = speech_span(samples, sample_rate, threshold_dbfs)
    return samples[first:end]


def speech_span(samples: np.ndarray, sample_rate: int, threshold_dbfs: float = SILENCE_DBFS) -> tuple[int, int]:
    """(first, one past last) sample that trim_silence keeps; (0, 0) for silence."""
    limit = 32768.0 * 10 ** (threshold_dbfs / 20)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > limit)
    if loud.size == 0:
        return 0, 0
    keep = samples_of(EDGE_KEEP_S, sample_rate)
    return int(max(loud[0] - keep, 0)), int(min(loud[-1] + 1 + keep, samples.size))


LOUDNESS_BLOCK_S = 0.4  # BS.1770's gating block: a shorter segment is measured looped to this length
PEAK_DBFS = -1.0  # levelling never lifts a segment's peak above this


def measurable(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """What a segment's loudness is measured on: the segment, looped to one gating block when shorter."""
    block = samples_of(LOUDNESS_BLOCK_S, sample_rate) + 1
    samples = np.asarray(samples, dtype=np.int16)
    return samples if samples.size == 0 or samples.size >= block else np.tile(samples, math.ceil(block / samples.size))


def level(samples: np.ndarray, loudness: float, lufs: float, peak_dbfs: float = PEAK_DBFS) -> np.ndarray:
    """int16: the segment with one gain that brings its `loudness` (LUFS, ITU-R BS.1770, measured on
    `measurable(samples)`: showrunner.media.integrated_loudness) to `lufs`, lowered if need be so that its
    peak stays at or below `peak_dbfs`. Silence, and a segment whose loudness is not finite, stay as they are."""
    x = np.asarray(samples, dtype=np.float64) / 32768.0
    peak = float(np.abs(x).max()) if x.size else 0.0
    if peak == 0.0 or not math.isfinite(loudness):
        return np.asarray(samples, dtype=np.int16)
    gain = min(10 ** ((lufs - loudness) / 20), 10 ** (peak_dbfs / 20) / peak)
    return to_int16(x * gain)


PAUSE_DBFS = -45.0  # quieter than this (10 ms blocks, after levelling) inside a segment is a pause
MIN_PAUSE_S = 0.08


def pauses_in(samples: np.ndarray, sample_rate: int, threshold_dbfs: float = PAUSE_DBFS,
              min_seconds: float = MIN_PAUSE_S) -> list[tuple[int, int]]:
    """(first, one past last) sample of each silence at least `min_seconds` long in a segment: inside it,
    and at its edges, where the trim kept quiet (a quiet end reaches the segment's last sample).

    The trim (speech_span) keeps all that a sample's peak lifts above SILENCE_DBFS before levelling; a
    voice levelled down leaves quiet there that nobody hears (fd README: "default." below -45 dBFS from
    47.14 s, a faint click at 47.26 s kept the segment, and the caption on its last word, to 47.32 s)."""
    block = max(samples_of(0.01, sample_rate), 1)
    n = samples.size // block
    if n == 0:
        return []
    x = np.asarray(samples[: n * block], dtype=np.float64).reshape(n, block) / 32768.0
    quiet = np.sqrt(np.mean(x**2, axis=1)) < 10 ** (threshold_dbfs / 20)
    if quiet.all():
        return []
    out, start = [], None
    for i, q in enumerate(np.append(quiet, False)):
        if q and start is None:
            start = i
        elif not q and start is not None:
            if (i - start) * block >= samples_of(min_seconds, sample_rate):
                out.append((start * block, samples.size if i == n else i * block))
            start = None
    return out


def frame_quantum(sample_rate: int, fps: int) -> int:
    """The smallest number of frames whose length is a whole number of samples."""
    return fps // math.gcd(sample_rate, fps)


def whole_frames(samples: int, sample_rate: int, fps: int) -> tuple[int, int]:
    """(frames, samples): the fewest frames covering `samples`, and their exact length in samples.

    With 48000 Hz and 30 fps one frame is 1600 samples; where a frame is not a whole number of
    samples (44100 Hz at 24 fps), frames are rounded up to a multiple that is.
    """
    quantum = frame_quantum(sample_rate, fps)
    frames = max(math.ceil(samples * fps / sample_rate), 1)
    frames = math.ceil(frames / quantum) * quantum
    return frames, frames * sample_rate // fps


@dataclass(frozen=True)
class Placed:
    start: int  # first sample of the segment
    end: int  # one past its last sample


def join_segments(segments: list[np.ndarray], speakers: list[str], *, sample_rate: int, fps: int,
                  pause_between_segments_s: float, pause_between_speakers_s: float,
                  tail_s: float) -> tuple[np.ndarray, list[Placed], int]:
    """One scene's voice: the segments in order with pauses between them (longer when the speaker
    changes) and a tail, padded with silence to a whole number of video frames.

    Returns the samples, where each segment sits, and the number of frames.
    """
    placed: list[Placed] = []
    pieces: list[np.ndarray] = []
    position = 0
    for i, segment in enumerate(segments):
        if i:
            pause = pause_between_speakers_s if speakers[i] != speakers[i - 1] else pause_between_segments_s
            gap = samples_of(pause, sample_rate)
            pieces.append(np.zeros(gap, dtype=np.int16))
            position += gap
        placed.append(Placed(position, position + segment.size))
        pieces.append(segment.astype(np.int16))
        position += segment.size
    position += samples_of(tail_s, sample_rate)
    frames, total = whole_frames(position, sample_rate, fps)
    voice = np.zeros(total, dtype=np.int16)
    joined = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)
    voice[: joined.size] = joined
    return voice, placed, frames


def fit_length(samples: np.ndarray, length: int) -> np.ndarray:
    """`samples` looped (or cut) to exactly `length` samples."""
    if samples.size == 0:
        return np.zeros(length, dtype=samples.dtype)
    return np.resize(samples, length)


def fade(samples: np.ndarray, sample_rate: int, fade_in_s: float = 0.0, fade_out_s: float = 0.0) -> np.ndarray:
    out = np.array(samples, dtype=np.float32)
    n_in = min(samples_of(fade_in_s, sample_rate), out.size)
    n_out = min(samples_of(fade_out_s, sample_rate), out.size)
    if n_in:
        out[:n_in] *= np.linspace(0.0, 1.0, n_in, endpoint=False, dtype=np.float32)
    if n_out:
        out[out.size - n_out:] *= np.linspace(1.0, 0.0, n_out, dtype=np.float32)
    return out


def duck_gain(speech: np.ndarray, sample_rate: int, *, duck_db: float, threshold_dbfs: float = -45.0,
              hold_s: float = 0.3, lead_s: float = 0.1, ramp_s: float = 0.4, block_s: float = 0.01) -> np.ndarray:
    """Per-sample gain for the music under `speech`: 1 in the gaps, -duck_db while anyone speaks.

    Speech is found in 10 ms blocks. The gain is computed offline, so it can look ahead: it is
    down `lead_s` before speech starts and stays down `hold_s` after it stops (short pauses
    between words and lines do not pump the music); changes are linear ramps of `ramp_s`.
    """
    block = max(samples_of(block_s, sample_rate), 1)
    n_blocks = math.ceil(speech.size / block)
    if n_blocks == 0:
        return np.ones(0, dtype=np.float32)
    padded = np.zeros(n_blocks * block, dtype=np.float32)
    padded[: speech.size] = to_float(speech)
    rms = np.sqrt(np.mean(padded.reshape(n_blocks, block) ** 2, axis=1))
    active = (rms > 10 ** (threshold_dbfs / 20)).astype(np.float64)
    hold = int(round(hold_s / block_s))
    ramp = max(int(round(ramp_s / block_s)), 1)
    lead = int(round(lead_s / block_s)) + ramp // 2  # the ramp is centred on the change
    after = hold - ramp // 2 if hold > ramp // 2 else 0
    # a block is ducked when speech starts within `lead` blocks after it or ended within `after` before it
    ducked = np.convolve(active, np.ones(lead + after + 1), mode="full")[lead: lead + n_blocks] > 0
    target = np.where(ducked, 10 ** (-duck_db / 20), 1.0)
    padded_target = np.pad(target, (ramp // 2, ramp - ramp // 2 - 1), mode="edge")
    smooth = np.convolve(padded_target, np.ones(ramp) / ramp, mode="valid")
    return np.repeat(smooth.astype(np.float32), block)[: speech.size]


def mix_under(speech: np.ndarray, bed: np.ndarray, sample_rate: int, *, bed_gain_db: float,
              duck_db: float, fade_s: float = 1.0) -> np.ndarray:
    """float32: the speech with the bed (looped to its length) ducked under it."""
    music = fade(fit_length(to_float(bed), speech.size), sample_rate, fade_in_s=fade_s, fade_out_s=fade_s)
    music *= np.float32(10 ** (bed_gain_db / 20)) * duck_gain(speech, sample_rate, duck_db=duck_db)
    return to_float(speech) + music
