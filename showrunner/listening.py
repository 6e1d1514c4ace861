"""Listening to the narration: an offline recogniser, word error rate, and caption timing.

    transcribe     faster-whisper (CTranslate2, int8 on the CPU) on a Whisper model that ships in a
                   pinned package (showrunner.voices.WHISPER_MODELS), with word timestamps
    speech         the stretches of speech in the same audio, by the Silero voice activity detector
                   that ships inside faster-whisper (an ONNX model in its wheel)
    word_times     the recognised words' times, with each stretch's first word starting where the
                   stretch starts and its last word ending where it ends: Whisper's own word times
                   (cross-attention) land up to half a second late after a pause, the detector's
                   edges within a frame of 32 ms (measured on ep1: 45 of 62 cue edges within 150
                   ms of Whisper's times, 62 of 62 of these); words inside a stretch keep Whisper's
    word_error     jiwer's word error rate of what was heard against what the lines say, both
                   normalised by Whisper's own EnglishTextNormalizer (whisper-normalizer: numbers,
                   case, punctuation, spelling variants)
    cue_timing     each caption cue's start and end against the recognised words it holds
                   (tokens aligned by jiwer), and the worst offender

Nothing here reaches the network: the model is a local folder, checked against its sha256.
"""

from __future__ import annotations

import functools
import importlib.metadata
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from showrunner import voices
from showrunner.config import Listen

SAMPLE_RATE = 16000  # what Whisper listens at


@dataclass(frozen=True)
class Word:
    text: str
    start: float  # seconds from the start of the narration
    end: float
    probability: float = 1.0


def recogniser(settings: Listen) -> dict[str, str]:
    """What made a transcript: the model, the package that ships it, and faster-whisper's version."""
    bundled = voices.WHISPER_MODELS[settings.model]
    return {"model": settings.model, "package": bundled.distribution, "model_sha256": bundled.files[0][1],
            "faster_whisper": importlib.metadata.version("faster-whisper"), "beam_size": str(settings.beam_size),
            "speech": "silero-vad " + " ".join(f"{k}={v}" for k, v in VAD.items())}


@functools.lru_cache(maxsize=1)
def _model(folder: str, threads: int):
    from faster_whisper import WhisperModel  # MIT

    return WhisperModel(folder, device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True)


def transcribe(samples: np.ndarray, settings: Listen, cache_dir: Path | None = None,
               threads: int = 1) -> tuple[list[Word], dict]:
    """Words heard in float32 mono samples at 16 kHz, and the cost (wall and CPU seconds)."""
    started, cpu = time.perf_counter(), time.process_time()
    folder = voices.verified_path(voices.WHISPER_MODELS[settings.model], cache_dir).parent
    model = _model(str(folder), threads)
    segments, _ = model.transcribe(np.asarray(samples, dtype=np.float32), language="en", beam_size=settings.beam_size,
                                   temperature=0.0, word_timestamps=True, condition_on_previous_text=False,
                                   vad_filter=False)
    words = [Word(w.word.strip(), round(float(w.start), 3), round(float(w.end), 3), round(float(w.probability), 3))
             for segment in segments for w in (segment.words or []) if w.word.strip()]
    cost = {"wall_s": round(time.perf_counter() - started, 3), "cpu_s": round(time.process_time() - cpu, 3),
            "audio_s": round(samples.size / SAMPLE_RATE, 3)}
    return words, cost


# Silero VAD's settings: a pause of 60 ms (two of its frames) ends a stretch of speech, and a stretch ends
# where the speech probability falls below 0.45 (its default, 0.35, lags by about 200 ms); no padding.
VAD = {"threshold": 0.5, "neg_threshold": 0.45, "min_silence_duration_ms": 60, "speech_pad_ms": 0}
SNAP_REACH_S = 0.5  # a stretch's edge moves a word's time only this far
UNSURE = 0.1  # a word Whisper gives less than this probability (often a hallucinated "in.") times nothing


def speech(samples: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch of speech in float32 mono samples at 16 kHz."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps  # MIT: Silero VAD, in the wheel

    found = get_speech_timestamps(np.asarray(samples, dtype=np.float32), VadOptions(**VAD), sampling_rate=SAMPLE_RATE)
    return [(round(s["start"] / SAMPLE_RATE, 3), round(s["end"] / SAMPLE_RATE, 3)) for s in found]


def word_times(words: list[Word], stretches: list[tuple[float, float]]) -> list[Word]:
    """The sure words, each stretch of speech's first starting at its start and last ending at its end.

    A word belongs to the stretch nearest its middle; Whisper's time is kept where no stretch edge
    is within SNAP_REACH_S of it, and for every word inside a stretch.
    """
    sure = [w for w in words if w.probability >= UNSURE]
    if not stretches:
        return sure
    owner = []
    for w in sure:
        middle = (w.start + w.end) / 2
        owner.append(min(range(len(stretches)),
                         key=lambda i: max(stretches[i][0] - middle, middle - stretches[i][1], 0.0)))
    out = list(sure)
    for i, (start, end) in enumerate(stretches):
        held = [k for k, o in enumerate(owner) if o == i]
        if not held:
            continue
        first, last = held[0], held[-1]
        if abs(out[first].start - start) <= SNAP_REACH_S:
            w = out[first]
            out[first] = Word(w.text, start, max(w.end, start), w.probability)
        if abs(out[last].end - end) <= SNAP_REACH_S:
            w = out[last]
            out[last] = Word(w.text, min(w.start, end), end, w.probability)
    return out


# --- comparing --------------------------------------------------------------------------------


@functools.cache
def _normaliser():
    from whisper_normalizer.english import EnglishTextNormalizer  # MIT: Whisper's own normaliser

    return EnglishTextNormalizer()


def tokens(text: str) -> list[str]:
    """The words of `text` as the comparison sees them: lower case, numbers as digits, no punctuation."""
    return _normaliser()(text).split()


@dataclass(frozen=True)
class ErrorRate:
    rate: float
    reference_words: int
    substitutions: int
    deletions: int
    insertions: int


def word_error(reference: str, heard: str) -> ErrorRate:
    """jiwer's word error rate of `heard` against `reference`, both normalised."""
    import jiwer  # Apache-2.0

    ref, hyp = " ".join(tokens(reference)), " ".join(tokens(heard))
    if not ref:
        return ErrorRate(0.0 if not hyp else 1.0, 0, 0, 0, len(hyp.split()))
    if not hyp:
        count = len(ref.split())
        return ErrorRate(1.0, count, 0, count, 0)
    out = jiwer.process_words(ref, hyp)
    return ErrorRate(round(out.wer, 4), out.hits + out.substitutions + out.deletions, out.substitutions,
                     out.deletions, out.insertions)


@dataclass(frozen=True)
class CueOffset:
    cue: int  # 1-based, as in captions.srt
    edge: str  # "start" | "end"
    offset: float  # cue time minus the recognised word's time, in seconds
    text: str


def cue_timing(cues: list[tuple[float, float, str]], words: list[Word]) -> tuple[list[CueOffset], int]:
    """Each cue's start against the start of its first recognised word, and its end against the end
    of its last; (the offsets measured, the number of cue edges whose word was not recognised).

    Cue words and heard words are aligned token by token (jiwer); an edge is measured when the
    cue's first (last) word was heard, as itself or as a substitute at that place.
    """
    import jiwer

    ref: list[str] = []
    owner: list[int] = []
    for i, (_, _, text) in enumerate(cues):
        for token in tokens(text):
            ref.append(token)
            owner.append(i)
    hyp: list[str] = []
    times: list[tuple[float, float]] = []
    for word in words:
        for token in tokens(word.text):
            hyp.append(token)
            times.append((word.start, word.end))
    heard_as: dict[int, int] = {}  # ref token -> hyp token
    if ref and hyp:
        for chunk in jiwer.process_words(" ".join(ref), " ".join(hyp)).alignments[0]:
            if chunk.type in ("equal", "substitute"):
                for k in range(chunk.ref_end_idx - chunk.ref_start_idx):
                    heard_as[chunk.ref_start_idx + k] = chunk.hyp_start_idx + k
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for k, cue in enumerate(owner):
        first.setdefault(cue, k)
        last[cue] = k
    offsets: list[CueOffset] = []
    unmeasured = 0
    for i, (start, end, text) in enumerate(cues):
        if i not in first:
            continue
        for edge, k, cue_time, pick in (("start", first[i], start, 0), ("end", last[i], end, 1)):
            if k in heard_as:
                offsets.append(CueOffset(i + 1, edge, round(cue_time - times[heard_as[k]][pick], 3), text))
            else:
                unmeasured += 1
    return offsets, unmeasured
