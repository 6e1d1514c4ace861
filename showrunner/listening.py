"""Listening to the narration: an offline recogniser, word error rate, and caption timing.

    transcribe     faster-whisper (CTranslate2, int8 on the CPU) on a Whisper model that ships in
                   pinned packages (showrunner.voices.WHISPER_MODELS: tiny.en, or base, whose model.bin
                   comes in two halves joined in memory), loaded from memory, with word timestamps; its own
                   voice activity filter (defaults: silences over 2 s) keeps Whisper from filling the
                   silence after a scene's last word ("see you in the next video" 30 times on ep1's
                   scene 3, measured), and its hallucination filter drops an improbable segment beside
                   a silence ("Thank you for watching." twice after the fd README's last line)
    speech         the stretches of speech in the same audio, by the Silero voice activity detector
                   that ships inside faster-whisper (an ONNX model in its wheel), each edge moved out
                   to where the audio itself falls below -50 dBFS (the detector lags by up to 100 ms),
                   and an end moved in to it (after a comma the detector ends up to 180 ms late)
    word_times     the recognised words' times, with each stretch's first word starting where the
                   stretch starts and its last word ending where it ends: Whisper's own word times
                   (cross-attention) land up to half a second late after a pause, the detector's
                   edges within a frame of 32 ms (measured on ep1: 45 of 62 cue edges within 150
                   ms of Whisper's times, 62 of 62 of these); words inside a stretch keep Whisper's,
                   but for a gap it left inside speech and a word it squeezed to nothing; a stretch
                   where no word was heard stands for the words said there
    word_error     jiwer's word error rate of what was heard against what the segments say, both
                   normalised by Whisper's own EnglishTextNormalizer (whisper-normalizer: numbers,
                   case, punctuation, spelling variants; British endings such as -isation and -tre
                   as American too, showrunner.pronunciation.american), then with spelled-out letters joined
                   ("S Q L" is "SQL") and a compound written apart on one side joined where the
                   other side writes it as one word ("back reference" is "backreference"), and a
                   heard word the segments do not hold written as their word of the same sounds
                   ("plane" for "plain", by the US gold lexicon in hibari-tts): the same sounds
                   spelled two ways are not errors; a lexicon term's respelling heard where the
                   segments say the term is the term ("standard error" for "stderr")
    terms_heard    each term a segment says (the lexicon's, the words no voice is sure of): heard as
                   itself or as the respelling the voice was told to say ("standard error"), or
                   not, with the scene and the time; the recogniser is given the scene's terms as
                   a glossary (Whisper's initial prompt: its first 30 s window), which helps it spell a
                   term it heard but does not make it write one it did not (tests/test_listening.py)
    cue_timing     each caption cue's start and end against the recognised words it holds
                   (tokens aligned with the fewest edits, ties broken by time; a stretch of speech
                   where no word was recognised stands for the words said there), and the worst
                   offender

Nothing here reaches the network: the model is a local folder, checked against its sha256.
"""

from __future__ import annotations

import functools
import importlib.metadata
import math
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from showrunner import voices
from showrunner.config import Listen
from showrunner.pronunciation import american, spelled_out

SAMPLE_RATE = 16000  # what Whisper listens at
PAD_S = 0.5  # silence around a scene while it is heard: the recogniser times first and last words better


@dataclass(frozen=True)
class Word:
    text: str
    start: float  # seconds from the start of the narration
    end: float
    probability: float = 1.0


def recogniser(settings: Listen) -> dict[str, str]:
    """What made a transcript: the model, the package that ships it, and faster-whisper's version."""
    bundled = voices.WHISPER_MODELS[settings.model]
    return {"model": settings.model, "package": bundled.distribution, "model_sha256": bundled.model_sha256,
            "faster_whisper": importlib.metadata.version("faster-whisper"), "beam_size": str(settings.beam_size),
            "prompt": "initial prompt 'Glossary: the scene's lexicon terms.', a hyphen inside one as a space",
            "speech": "silero-vad " + " ".join(f"{k}={v}" for k, v in VAD.items())
                      + f"; edges out to {EDGE_DBFS:g} dBFS across {EDGE_GAP_S:g} s, {EDGE_REACH_S:g} s at most"
                      + ", ends in to it too",
            "vad_filter": "faster-whisper defaults", "hallucination_silence_threshold": str(HALLUCINATION_SILENCE_S),
            "max_compression_ratio": str(MAX_COMPRESSION_RATIO),
            "relisten": f"a stretch of speech whose first {RELISTEN_MIN_S:g} s were heard as no word, again without "
                        f"the hallucination filter, {RELISTEN_PAD_S:g} s of silence and {PAD_S:g} s of padding around "
                        "it; where nothing was heard, the words over it or its start; else those before the first "
                        "word heard, when all were heard again in order"}


@functools.lru_cache(maxsize=1)
def _model(name: str, threads: int, cache_dir: Path | None):
    from faster_whisper import WhisperModel  # MIT

    # from memory: the files checked against their pinned sha256, model.bin joined from its parts; the tokenizer
    # is among them, so faster-whisper never fetches one
    files = voices.recogniser_files(voices.WHISPER_MODELS[name], cache_dir)
    return WhisperModel(f"whisper-{name}", device="cpu", compute_type="int8", cpu_threads=threads,
                        local_files_only=True, files=files)


# faster-whisper skips a segment it finds anomalous (improbable words, squeezed times) beside a silence this
# long: the "Thank you for watching." Whisper writes twice into the half second of padding after a scene's
# last word (the fd README, measured: 8 extra words of 152)
HALLUCINATION_SILENCE_S = 0.5


# Whisper's own test of a failed decoding: text that gzip compresses more than this is a loop ("see you in
# the next video, see you in the next video, ..."); Whisper then decodes again at a higher temperature,
# which would make transcripts random, so here the segment is dropped
MAX_COMPRESSION_RATIO = 2.4


def decoded(segments):
    """The segments Whisper decoded, without those that failed as a loop (MAX_COMPRESSION_RATIO)."""
    return [s for s in segments if s.compression_ratio <= MAX_COMPRESSION_RATIO]


def glossary(terms: list[str]) -> str | None:
    """The recogniser's prompt for these terms: how they are written, not how they sound; a hyphen
    inside a term as a space. Prompted with "async-await", Whisper began other words with a hyphen: "async -f
    n" for "async fn", "the data -weight operator" for "the dot await operator" (rust-async-await-beta, heard
    right with "async await"); a term heard as its parts is heard (key())."""
    return f"Glossary: {', '.join(_HYPHEN.sub(' ', t) for t in terms)}." if terms else None


_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")


def transcribe(samples: np.ndarray, settings: Listen, cache_dir: Path | None = None,
               threads: int = 1, vocabulary: list[str] | tuple[str, ...] = (),
               filtered: bool = True) -> tuple[list[Word], dict]:
    """Words heard in float32 mono samples at 16 kHz, and the cost (wall and CPU seconds); `vocabulary`:
    terms the speech may hold, given to the recogniser as a glossary; `filtered`: with the hallucination
    filter (HALLUCINATION_SILENCE_S)."""
    started, cpu = time.perf_counter(), time.process_time()
    model = _model(settings.model, threads, cache_dir)
    # the glossary is the initial prompt, which faster-whisper drops after the first 30 s window it decodes
    # (condition_on_previous_text=False): a longer scene's later words are heard without it ("Redgret supports",
    # scene 2 of ripgrep's README, 34 s). As hotwords, before every window, it was heard there, but the later
    # windows wrote what was never said into the padding after a scene ("Thank you very much for joining us
    # today.", subleq README 6.7 -> 14.2%; "Glossary", rust-async-await-beta): 16 seen documents pooled 4.6 -> 5.0%
    segments, _ = model.transcribe(np.asarray(samples, dtype=np.float32), language="en", beam_size=settings.beam_size,
                                   temperature=0.0, word_timestamps=True, condition_on_previous_text=False,
                                   vad_filter=True, initial_prompt=glossary(list(vocabulary)),
                                   hallucination_silence_threshold=HALLUCINATION_SILENCE_S if filtered else None)
    words = [Word(w.word.strip(), round(float(w.start), 3), round(float(w.end), 3), round(float(w.probability), 3))
             for segment in decoded(segments) for w in (segment.words or []) if w.word.strip()]
    cost = {"wall_s": round(time.perf_counter() - started, 3), "cpu_s": round(time.process_time() - cpu, 3),
            "audio_s": round(samples.size / SAMPLE_RATE, 3)}
    return words, cost


# The hallucination filter also drops real speech: a scene's opening phrase after the padding ("Tell us about
# the body of the paper," heard as nothing, then "Ben.", acm-sample-sigconf; "Tell us about the" of "Tell us
# about the introduction, Ben." heard as "introduction.", acm-sample-acmtog). Without the filter those are
# heard, but other scenes gain hallucinated words (12 of 16 documents 0.6-3.9 points worse, measured). So a
# stretch of speech (`speech`) that starts with RELISTEN_MIN_S or more heard as no word is listened to again
# without the filter, alone, with up to RELISTEN_PAD_S of the silence around it (never more than half the way
# to the next stretch) and as much padding as a scene has. A stretch no word was heard in takes the words
# heard again over it (timed over it, or over its start: the first may begin in the padding). One
# whose later words were heard takes only the words heard again before them, and only when it heard them all
# again, in order: else the second hearing is the worse ("alternative pick up algorithm" heard again as "I'll
# turn it to pick up algorithm", fdb-load-balancing), and what it adds after them is what the filter is for
# ("Introduction. Thank you for your attention.", subleq-paper).
RELISTEN_MIN_S = 0.4
RELISTEN_PAD_S = 0.3


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def relisten(samples: np.ndarray, words: list[Word], stretches: list[tuple[float, float]], settings: Listen,
             cache_dir: Path | None = None, threads: int = 1,
             vocabulary: list[str] | tuple[str, ...] = ()) -> tuple[list[Word], dict]:
    """`words` heard in `samples` (float32 mono, 16 kHz), and the words heard again without the hallucination
    filter at the start of each stretch of `stretches` that starts with RELISTEN_MIN_S or more heard as no
    word; and the cost of listening again."""
    cost = {"wall_s": 0.0, "cpu_s": 0.0, "audio_s": 0.0}
    if not stretches:
        return list(words), cost
    owner = _owners(stretches, words)
    heard = list(words)
    for k, (start, end) in enumerate(stretches):
        held = [w for w, o in zip(words, owner, strict=True) if o == k]
        if min([end] + [w.start for w in held]) - start < RELISTEN_MIN_S:
            continue
        before = stretches[k - 1][1] if k else 0.0
        after = stretches[k + 1][0] if k + 1 < len(stretches) else samples.size / SAMPLE_RATE
        low = max(start - min(RELISTEN_PAD_S, (start - before) / 2), 0.0)
        high = min(end + min(RELISTEN_PAD_S, (after - end) / 2), samples.size / SAMPLE_RATE)
        pad = np.zeros(round(PAD_S * SAMPLE_RATE), dtype=np.float32)  # as a scene is padded to be heard
        clip = np.concatenate([pad, samples[round(low * SAMPLE_RATE):round(high * SAMPLE_RATE)], pad])
        again, spent = transcribe(clip, settings, cache_dir, threads, vocabulary, filtered=False)
        for name in cost:
            cost[name] += spent[name]
        shift = low - PAD_S
        found = [Word(w.text, round(max(w.start + shift, 0.0), 3), round(w.end + shift, 3), w.probability)
                 for w in again]
        if not held:
            heard += [w for w in found if start <= (w.start + w.end) / 2 <= end or w.start < start < w.end]
            continue
        texts = [_letters(w.text) for w in found]
        at, first = 0, None
        for w in held:  # every word heard before, in order, in what was heard again
            while at < len(texts) and texts[at] != _letters(w.text):
                at += 1
            if at == len(texts):
                break
            first = at if first is None else first
            at += 1
        else:  # before the first word heard before, which keeps its time
            turn = held[0].start
            heard += [Word(w.text, min(w.start, turn), min(w.end, turn), w.probability) for w in found[:first]
                      if w.end > start]
    return sorted(heard, key=lambda w: (w.start, w.end)), {k: round(v, 3) for k, v in cost.items()}


# Silero VAD's settings: a pause of 60 ms (two of its frames) ends a stretch of speech, and a stretch ends
# where the speech probability falls below 0.45 (its default, 0.35, lags by about 200 ms); no padding.
VAD = {"threshold": 0.5, "neg_threshold": 0.45, "min_silence_duration_ms": 60, "speech_pad_ms": 0}
SNAP_REACH_S = 0.5  # a stretch's edge moves a word's time inside it this far at most
# a short word Whisper gives less than this probability and times in a silence (a hallucinated "in." or "on."
# in the padding after a scene) times nothing; a longer one does: a glossary term is often written right
# with a low probability ("ripgrep?" 0.09), and so does one timed in a stretch of speech ("GNU," 0.001)
UNSURE = 0.2


# The detector decides on frames of 32 ms and its probability rises after a sound begins and falls before it
# ends: it starts a stretch up to 100 ms after the voice begins ("Tell" at 23.80 s after silence, stretch from
# 23.896 s, ep1) and ends it before a last consonant's release ("rust." audible to 19.26 s, stretch to
# 19.168 s, rust-async-await-beta). So each edge moves outwards to where the audio itself falls below
# EDGE_DBFS (RMS over 10 ms, every 5 ms; the level at which the voice stage trims a segment's silence,
# audio.SILENCE_DBFS), across dips shorter than EDGE_GAP_S (a stop's closure), at most EDGE_REACH_S and
# halfway to the next stretch. A start never moves inwards; an end does: after a comma the detector also ends
# a stretch up to 180 ms after the audio went silent ("already," below -50 dBFS from 17.58 s, stretch to
# 17.76 s; "fields," from 47.0 s, to 47.156 s, rust-1.77.0), which measured cues ending on time as early.
EDGE_DBFS = -50.0
EDGE_GAP_S = 0.05
EDGE_REACH_S = 0.25
_HOP_S, _WINDOW_S = 0.005, 0.01


def speech(samples: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) seconds of each stretch of speech in float32 mono samples at 16 kHz: the Silero
    detector's stretches, each edge moved out to the audio's own (EDGE_DBFS)."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps  # MIT: Silero VAD, in the wheel

    audio = np.asarray(samples, dtype=np.float32)
    found = get_speech_timestamps(audio, VadOptions(**VAD), sampling_rate=SAMPLE_RATE)
    return _edges_outward(audio, [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in found])


def _edges_outward(audio: np.ndarray, stretches: list[tuple[float, float]]) -> list[tuple[float, float]]:
    hop, window = round(_HOP_S * SAMPLE_RATE), round(_WINDOW_S * SAMPLE_RATE)
    n = max((audio.size - window) // hop + 1, 0)
    if not n:
        return [(round(a, 3), round(b, 3)) for a, b in stretches]
    frames = np.lib.stride_tricks.sliding_window_view(audio.astype(np.float64), window)[::hop][:n]
    loud = 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-20) > EDGE_DBFS
    gap, reach = round(EDGE_GAP_S / _HOP_S), round(EDGE_REACH_S / _HOP_S)

    def out(i: int, step: int, limit: int) -> int:
        """From frame i, the farthest loud frame in direction `step` not past `limit`, across short dips."""
        far, quiet, j = i, 0, i + step
        while (j - limit) * step <= 0 and quiet < gap:
            if loud[j]:
                far, quiet = j, 0
            else:
                quiet += 1
            j += step
        return far

    edged: list[tuple[float, float]] = []
    for k, (start, end) in enumerate(stretches):
        # at most halfway to the stretch before and the one after
        before = (stretches[k - 1][1] + start) / 2 if k else 0.0
        after = (end + stretches[k + 1][0]) / 2 if k + 1 < len(stretches) else audio.size / SAMPLE_RATE
        first = min(max(round(start / _HOP_S), 0), n - 1)
        last = min(max(round(end / _HOP_S) - 1, first), n - 1)
        inside = np.flatnonzero(loud[first:last + 1])  # the stretch's loud frames
        if inside.size:
            low = max(first - reach, math.ceil(before / _HOP_S), 0)
            start = min(start, out(first + int(inside[0]), -1, low) * _HOP_S)
            high = min(last + reach, int((after - _WINDOW_S) / _HOP_S), n - 1)
            end = out(first + int(inside[-1]), 1, high) * _HOP_S + _WINDOW_S
        edged.append((round(start, 3), round(end, 3)))
    return edged


PHRASE_ENDS = ".,;:!?"
TAIL_GAP_S = 0.15  # a stretch that holds no word and follows another this closely is its word's tail


def _tails_joined(stretches: list[tuple[float, float]], words: list[Word]) -> list[tuple[float, float]]:
    """Stretches with a short one that no word belongs to (_owners) joined to the one before: the detector
    hears the hiss of a last "s" after a dip of a frame or two as speech of its own (ep1: "once." ends
    at 101.535 s, the stretch holding its middle at 101.279 s); else to the one after, as close after it:
    a word's first syllable before a stop ("rip" of "ripgrep", 21.305-21.488 s, then "grep" from 21.575 s
    heard as "Ripgrep", ripgrep README)."""
    owned = set(_owners(stretches, words))
    out: list[tuple[float, float]] = []
    onset: float | None = None
    for i, (start, end) in enumerate(stretches):
        if onset is not None:
            start, onset = onset, None
        if out and i not in owned and start - out[-1][1] <= TAIL_GAP_S:
            out[-1] = (out[-1][0], end)
        elif i not in owned and i + 1 < len(stretches) and stretches[i + 1][0] - end <= TAIL_GAP_S:
            onset = start  # its word's onset: the voice's stop inside "rip|grep" (87 ms) split one word in two
        else:
            out.append((start, end))
    return out


def _owners(stretches: list[tuple[float, float]], words: list[Word]) -> list[int]:
    """For each word, the stretch nearest its middle; but a word Whisper put in the pause between two
    stretches belongs to the one before when it ends a phrase ("works?" timed into the pause after it,
    quickfetch) and to the one after when the word before it ended one."""
    owner = []
    for k, w in enumerate(words):
        middle = (w.start + w.end) / 2
        nearest = min(range(len(stretches)),
                      key=lambda i: max(stretches[i][0] - middle, middle - stretches[i][1], 0.0))
        before = [i for i, (_, end) in enumerate(stretches) if end <= middle]
        in_gap = not stretches[nearest][0] <= middle <= stretches[nearest][1] and before \
            and before[-1] + 1 < len(stretches)
        if in_gap and w.text.rstrip()[-1:] in PHRASE_ENDS:
            nearest = before[-1]
        elif in_gap and k and words[k - 1].text.rstrip()[-1:] in PHRASE_ENDS:
            nearest = before[-1] + 1
        owner.append(nearest)
    return owner


UNHEARD = "\u2047"  # the text of a stretch of speech in which no word was recognised (word_times)
UNHEARD_MIN_S = 0.1  # a shorter one is a click or a hiss, not a word
SQUEEZED_S = 0.05  # a word Whisper timed shorter than this: its time went to the word before (word_times)


def word_times(words: list[Word], stretches: list[tuple[float, float]]) -> list[Word]:
    """The sure words, each stretch of speech's first starting at its start and last ending at its end.

    A word belongs to the stretch nearest its middle. The first word's start moves to its stretch's
    start when Whisper's word spans that start (however far it begins before: no word starts in a
    silence), begins inside the stretch (however late: nothing was heard before it there; Whisper puts
    some first words 0.6 s late) or within SNAP_REACH_S of it; the last word's end likewise; a
    stretch's only word spans it ("First," timed in the pause after it, fd README). Words inside a
    stretch keep Whisper's times. A stretch (UNHEARD_MIN_S or longer) in which no word was heard is
    given as one word of text UNHEARD: the words the recogniser left out were said there.
    """
    def said(w: Word) -> bool:  # timed in a stretch of speech (half of it at least), not in a silence
        inside = sum(max(0.0, min(b, w.end) - max(a, w.start)) for a, b in stretches)
        return inside >= (w.end - w.start) / 2 - 1e-6 if w.end > w.start else any(a <= w.start <= b
                                                                                 for a, b in stretches)

    sure = [w for w in words if w.probability >= UNSURE or sum(ch.isalnum() for ch in w.text) > 3 or said(w)]
    stretches = _tails_joined(stretches, sure) if stretches else []
    if not stretches:
        return sure
    owner = _owners(stretches, sure)
    out = list(sure)
    # a stretch of speech no word was heard in: words were said there that the recogniser left out ("Ben."
    # after "1.77.0 stable," rust-1.77.0); it stands for them, so a cue edge on them is measured (cue_timing)
    unheard = [Word(UNHEARD, start, end, 0.0) for i, (start, end) in enumerate(stretches)
               if i not in owner and end - start >= UNHEARD_MIN_S]
    for i, (start, end) in enumerate(stretches):
        held = [k for k, o in enumerate(owner) if o == i]
        if not held:
            continue
        first, last = held[0], held[-1]
        # the stretch's one word, timed in it or near it: it is said from the stretch's start to its end
        alone = first == last and start - SNAP_REACH_S <= out[first].end and out[first].start <= end + SNAP_REACH_S
        if alone or out[first].start < start < out[first].end or abs(out[first].start - start) <= SNAP_REACH_S \
                or start <= out[first].start <= end:
            w = out[first]
            out[first] = Word(w.text, start, max(w.end, start), w.probability)
        if alone or out[last].start < end < out[last].end or abs(out[last].end - end) <= SNAP_REACH_S \
                or start <= out[last].end <= end:
            w = out[last]
            out[last] = Word(w.text, min(w.start, end), end, w.probability)
    # two words of one stretch with a gap between them, the first ending no phrase: no pause was there
    # (the detector heard speech throughout), and Whisper's end of a word is the weaker time (it ends a
    # segment early: "transformer" at 9.8 s, "execute" at 10.18 s, the voice turned at 10.19 s, subleq
    # README): the first ends where the next starts. After a phrase's end the gap is a pause too short for
    # the detector ("requests." to 12.56 s, 90 ms of silence, "Two", fdb-load-balancing)
    # A word Whisper gave no time after such a gap, even after a phrase's end, was said in it: it starts where
    # the word before ended ("await," to 27.09 s, "you" 27.49-27.49 s; the voice ran on, "you" from 27.196 s
    # with no pause, rust-async-await-beta)
    for k in range(len(out) - 1):
        if owner[k] == owner[k + 1] and out[k].end < out[k + 1].start \
                and out[k].text.rstrip()[-1:] not in PHRASE_ENDS:
            out[k] = Word(out[k].text, out[k].start, out[k + 1].start, out[k].probability)
        elif owner[k] == owner[k + 1] and out[k].end < out[k + 1].start \
                and out[k + 1].end - out[k + 1].start < SQUEEZED_S:
            w = out[k + 1]
            out[k + 1] = Word(w.text, out[k].end, w.end, w.probability)
    # a word Whisper gave almost no time, right after a word of the same stretch: its alignment gave the
    # time of both to the first ("in" 14.18-14.78 s, "general" 14.78-14.8 s; the voice turned at 14.352 s,
    # acm-sample-acmtog): the two share it by their letters
    for k in range(1, len(out)):
        a, b = out[k - 1], out[k]
        if owner[k - 1] == owner[k] and b.end - b.start < SQUEEZED_S and abs(a.end - b.start) < 1e-6:
            sizes = [max(sum(ch.isalnum() for ch in w.text), 1) for w in (a, b)]
            turn = round(a.start + (b.end - a.start) * sizes[0] / sum(sizes), 3)
            out[k - 1], out[k] = Word(a.text, a.start, turn, a.probability), Word(b.text, turn, b.end, b.probability)
    return sorted(out + unheard, key=lambda w: w.start)


# --- comparing --------------------------------------------------------------------------------


@functools.cache
def _normaliser():
    from whisper_normalizer.english import EnglishTextNormalizer  # MIT: Whisper's own normaliser

    return EnglishTextNormalizer()


def tokens(text: str) -> list[str]:
    """The words of `text` as the comparison sees them: lower case, numbers as digits, no punctuation,
    American spelling ("optimisation" is "optimization": Whisper writes either for the same sounds). What
    stands in brackets is kept: Whisper's normaliser drops it, but the voices say it ("ripgrep (rg)"); a
    number's dots are dropped ("1.77.0" is "1770", as is "177 .0")."""
    text = re.sub(r"[()\[\]<>{}]", " ", text)
    # a version's dots ("1.77.0", heard "177 .0") joined away on both sides: Whisper's normaliser reads
    # "1.77.0" as "one.77.0", and the recogniser writes the same sounds in several ways
    text = re.sub(r"(?<=\d) ?\.(?=\d)", "", text)
    # a percent sign Whisper wrote as a word of its own ("100 %", subleq README) is the number's, as written
    text = re.sub(r"(?<=\d) +%", "%", text)
    return [american(w) for w in _normaliser()(text).split()]


def key(text: str) -> str:
    """A term as one token, however it is spaced or hyphenated: "SHA-256" and "sha 256" are "sha256"."""
    return "".join(tokens(text))


def _letters_joined(words: list[str]) -> list[str]:
    """Runs of two or more single letters as one word: "s q l" is "sql"."""
    out: list[str] = []
    run: list[str] = []
    for w in [*words, ""]:
        if len(w) == 1 and w.isalpha():
            run.append(w)
            continue
        out += ["".join(run)] if len(run) > 1 else run
        run = []
        if w:
            out.append(w)
    return out


def _compound_spans(words: list[str], vocabulary: set[str], longest: int = 3) -> list[tuple[int, int]]:
    """The words as spans [i, j): neighbouring words joined where the other text writes them as one
    word ("back reference"), the longest join first; every other word a span of its own."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        n = next((n for n in range(min(longest, len(words) - i), 1, -1)
                  if "".join(words[i:i + n]) in vocabulary), 1)
        spans.append((i, i + n))
        i += n
    return spans


def _compounds_joined(words: list[str], vocabulary: set[str], longest: int = 3) -> list[str]:
    """Neighbouring words joined where the other text writes them as one word ("back reference")."""
    return ["".join(words[i:j]) for i, j in _compound_spans(words, vocabulary, longest)]


class _Sounds(Mapping[str, frozenset[str]]):
    """{word: its American pronunciations, stress marks dropped}, each worked out when first asked for
    (a comparison asks for a few hundred of the lexicon's 90,000 words)."""

    def __init__(self, raw: dict):
        self._raw = raw
        self._said: dict[str, frozenset[str]] = {}

    def _kept(self, word: str) -> bool:  # words, not names, acronyms or the letters the lexicon spells out
        return word in self._raw and word.islower() and not spelled_out(word)

    def __getitem__(self, word: str) -> frozenset[str]:
        if word not in self._said:
            if not self._kept(word):
                raise KeyError(word)
            how = self._raw[word]
            self._said[word] = frozenset(p.replace("ˈ", "").replace("ˌ", "")
                                         for p in (how.values() if isinstance(how, dict) else [how]) if p)
        return self._said[word]

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._kept(word)

    def __iter__(self) -> Iterator[str]:
        return (word for word in self._raw if self._kept(word))

    def __len__(self) -> int:
        return sum(1 for _ in self)


@functools.cache
def _sounds() -> Mapping[str, frozenset[str]]:
    """{word: its American pronunciations, stress marks dropped}: the lower-case words of the gold lexicon
    (misaki's, Apache-2.0) that ships in hibari-tts, the voice package; {} where it is not installed. Not
    its acronyms: "sequel" is no way to hear SQL, which the lexicon spells out. The file is found without
    importing hibari (whose import loads scipy: about a second on acceptance's critical path)."""
    import gzip
    import importlib.util
    import json

    spec = importlib.util.find_spec("hibari")
    if spec is None or not spec.submodule_search_locations:
        return {}
    try:
        raw = json.loads(gzip.decompress((Path(spec.submodule_search_locations[0]) / "assets" /
                                          "lexicon_us_gold.json.gz").read_bytes()))
    except FileNotFoundError:
        return {}
    return _Sounds(raw)


def _homophones_joined(words: list[str], vocabulary: set[str]) -> list[str]:
    """Each word the other text does not hold, written as the other text's word that sounds the same
    ("plane" is "plain" where only the lines say "plain"): a recogniser cannot tell them apart."""
    sounds = _sounds()
    by_sound: dict[str, str] = {}
    for word in sorted(vocabulary):
        for sound in sounds.get(word, ()):
            by_sound.setdefault(sound, word)
    out = []
    for word in words:
        if word not in vocabulary:
            word = next((by_sound[s] for s in sorted(sounds.get(word, ())) if s in by_sound), word)
        out.append(word)
    return out


# words that sound like a letter's name: "R G" is heard as "are g", "C I" as "see i"
LETTER_NAMES = {"are": "r", "our": "r", "you": "u", "see": "c", "sea": "c", "why": "y", "eye": "i", "oh": "o",
                "be": "b", "bee": "b", "tea": "t", "tee": "t", "queue": "q", "cue": "q", "ex": "x", "jay": "j",
                "kay": "k", "pea": "p", "pee": "p", "es": "s", "em": "m", "en": "n", "el": "l", "ef": "f",
                "gee": "g", "aitch": "h", "zed": "z", "zee": "z", "dee": "d", "vee": "v"}


def _spelled_joined(words: list[str], vocabulary: set[str], longest: int = 5) -> list[str]:
    """Runs of letters and words that sound like letters joined where the other text holds the joined
    letters as a word ("are g" is "rg" where the lines say rg); every other word as it is."""
    def letter(word: str) -> str | None:
        return word if len(word) == 1 and word.isalpha() else LETTER_NAMES.get(word)
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 1, -1):
            letters = [letter(w) for w in words[i:i + n]]
            if all(letters) and "".join(letters) in vocabulary:  # type: ignore[arg-type]
                out.append("".join(letters))  # type: ignore[arg-type]
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _respellings_joined(words: list[str], vocabulary: set[str], respellings: Mapping[str, str]) -> list[str]:
    """Each run of heard words that is a lexicon term's respelling written as the term, where the other text
    says the term: "stderr" respelled "standard error" and heard so is "stderr", not two errors."""
    said = sorted(((tokens(say), key(term)) for term, say in respellings.items() if key(term) in vocabulary),
                  key=lambda pair: -len(pair[0]))
    said = [(run, term) for run, term in said if run and run != [term]]
    out: list[str] = []
    i = 0
    while i < len(words):
        for run, term in said:
            if words[i:i + len(run)] == run:
                out.append(term)
                i += len(run)
                break
        else:
            out.append(words[i])
            i += 1
    return out


def comparable(reference: str, heard: str, respellings: Mapping[str, str] | None = None) -> tuple[list[str], list[str]]:
    """Both texts as word lists where the same sounds are spelled the same way (see word_error);
    `respellings` ({term: how the voice is told to say it}): a term heard as its respelling is the term."""
    ref = _letters_joined(tokens(reference))
    ref_vocab = set(ref)
    hyp = _letters_joined(_spelled_joined(_respellings_joined(tokens(heard), ref_vocab, respellings or {}),
                                          ref_vocab))
    hyp_vocab = set(hyp)
    return _compounds_joined(ref, hyp_vocab), _homophones_joined(_compounds_joined(hyp, ref_vocab), ref_vocab)


@dataclass(frozen=True)
class ErrorRate:
    rate: float
    reference_words: int
    substitutions: int
    deletions: int
    insertions: int


def word_error(reference: str, heard: str, respellings: Mapping[str, str] | None = None) -> ErrorRate:
    """jiwer's word error rate of `heard` against `reference`, both made comparable (a lexicon term heard as
    its respelling, {term: say}, is no error)."""
    import jiwer  # Apache-2.0

    ref_words, hyp_words = comparable(reference, heard, respellings)
    ref, hyp = " ".join(ref_words), " ".join(hyp_words)
    if not ref:
        return ErrorRate(0.0 if not hyp else 1.0, 0, 0, 0, len(hyp.split()))
    if not hyp:
        count = len(ref.split())
        return ErrorRate(1.0, count, 0, count, 0)
    out = jiwer.process_words(ref, hyp)
    return ErrorRate(round(out.wer, 4), out.hits + out.substitutions + out.deletions, out.substitutions,
                     out.deletions, out.insertions)


@dataclass(frozen=True)
class Said:
    """One spoken segment (a host's turn): where it is in the episode and what it says."""

    scene: int
    start: float  # seconds from the start of the narration
    end: float
    text: str


@dataclass(frozen=True)
class TermHeard:
    term: str
    kind: str  # "lexicon" | "unsure"
    said: int  # segments that say it
    heard: int  # of those, segments where the recogniser wrote it
    missed: tuple[str, ...]  # where it was missed: "scene 02 at 0:41.2, heard 'engine x'"

    @property
    def passed(self) -> bool:
        return self.heard == self.said


REACH_S = 0.5  # a segment's words are those heard from this long before it starts to this long after it ends


def terms_heard(segments: list[Said], words: list[Word], terms: dict[str, str], longest: int = 6,
                respellings: Mapping[str, str] | None = None) -> list[TermHeard]:
    """For each term ({term: kind}) that the segments say, in how many segments it was heard as itself or as
    its respelling ({term: say}: the voice was told to say "stderr" as "standard error", and a recogniser
    that hears "standard error" heard it said right): its key (key()), or its respelling's, is the joined
    text of some run of the words heard in the segment's time."""
    out = []
    for term, kind in terms.items():
        wanted = key(term)
        wanted_too = {key(say) for say in [(respellings or {}).get(term)] if say} - {""}
        pattern = re.compile(rf"(?<![\w-]){re.escape(term)}(?:'s|s)?(?![\w-])", re.IGNORECASE)
        said = heard = 0
        missed: list[str] = []
        for segment in segments:
            if not pattern.search(segment.text):
                continue
            said += 1
            near = [t for w in words if segment.start - REACH_S <= (w.start + w.end) / 2 <= segment.end + REACH_S
                    for t in tokens(w.text)]
            runs = {"".join(near[i:i + n]) for i in range(len(near)) for n in range(1, longest + 1)}
            runs |= _unglued(near, set(tokens(segment.text)))
            if any(_same_term(r, w) for r in runs for w in {wanted, *wanted_too}):
                heard += 1
            else:
                minutes, seconds = divmod(segment.start, 60)
                missed.append(f"scene {segment.scene:02d} at {int(minutes)}:{seconds:04.1f}, heard "
                              f"{_nearest(near, wanted)!r}")
        if said:
            out.append(TermHeard(term, kind, said, heard, tuple(missed)))
    return out


def _unglued(heard: list[str], said: set[str]) -> set[str]:
    """What is left of each heard word that begins or ends with another word of the segment: Whisper writes
    "Run kubectl" as "runcubectl" now and then, and "like ls. fd also" as "LSFD"."""
    out = set()
    for word in heard:
        for k in range(2, len(word) - 1):
            if word[:k] in said:
                out.add(word[k:])
            if word[k:] in said:
                out.add(word[:k])
    return out


def _same_term(heard: str, wanted: str) -> bool:
    """The term as written, its plural, or (for a term of six letters or more) one letter off: "cubectl" is
    how Whisper spells "kubectl" said right; "cubicle" or "background" is not."""
    if heard in (wanted, wanted + "s", wanted + "es"):
        return True
    return len(wanted) >= 6 and abs(len(heard) - len(wanted)) <= 1 and _edits(heard, wanted) <= 1


def _edits(a: str, b: str) -> int:
    """Levenshtein distance."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, start=1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def _nearest(near: list[str], wanted: str) -> str:
    """The run of heard words most like the term (what it was heard as), for the report."""
    import difflib

    runs = [" ".join(near[i:i + n]) for i in range(len(near)) for n in (1, 2, 3)]
    best = max(runs, key=lambda r: difflib.SequenceMatcher(None, r.replace(" ", ""), wanted).ratio(), default="")
    return best


def _joined_in_time(words: list[str], times: list[tuple[float, float]], vocabulary: set[str],
                    longest: int = 3) -> tuple[list[str], list[tuple[float, float]]]:
    """Heard words joined as in comparable() (letters spelled out, a compound the cues write as one word),
    each joined word timed from its first part's start to its last part's end."""
    spans = _compound_spans(words, vocabulary, longest)
    return ["".join(words[i:j]) for i, j in spans], [(times[i][0], times[j - 1][1]) for i, j in spans]


@dataclass(frozen=True)
class CueOffset:
    cue: int  # 1-based, as in captions.srt
    edge: str  # "start" | "end"
    offset: float  # cue time minus the recognised word's time, in seconds
    text: str


RUN_MAX = 8  # an unheard stretch of speech stands for at most this many words (cue_timing)


def _aligned(ref: list[str], hyp: list[str], ref_at: list[float],
             hyp_at: list[tuple[float, float]]) -> list[tuple[str, int, int, int, int]]:
    """The fewest edits from the cue tokens to the heard ones, as (kind, ref start, ref end, hyp start, hyp
    end) chunks (kinds as jiwer's: equal, substitute, delete, insert; "joined": two or three ref words heard
    as one word of the same letters; and "unheard": ref words said in a stretch where none was recognised,
    UNHEARD, which stands for a run of up to RUN_MAX of them at the cost of one substitution). Among
    alignments with as few edits, the one that pairs words nearest in time (`ref_at`: where the captions
    put each cue word; `hyp_at`: each heard word's span): "Today: fd. | Fd is" heard as one "fd" is the
    second "fd", where it was heard, not the first."""
    n, m = len(ref), len(hyp)
    inf = (math.inf, math.inf)
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    step: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    best[0][0] = (0, 0.0)

    def apart(i: int, j: int) -> float:
        a, b = hyp_at[j]
        return max(a - ref_at[i], ref_at[i] - b, 0.0)

    for i in range(n + 1):
        for j in range(m + 1):
            edits, far = best[i][j]
            if edits == math.inf:
                continue
            moves = []
            if i < n:
                moves.append((1, 0, (edits + 1, far)))
            if j < m:
                moves.append((0, 1, (edits + 1, far)))
            if i < n and j < m:
                if hyp[j] == UNHEARD:
                    moves += [(k, 1, (edits + 1, far + sum(apart(i + r, j) for r in range(k))))
                              for k in range(1, min(RUN_MAX, n - i) + 1)]
                else:
                    moves.append((1, 1, (edits + (ref[i] != hyp[j]), far + apart(i, j))))
                    # cue words heard as one ("d ff" as "DFF"): the same letters
                    moves += [(k, 1, (edits, far + apart(i, j))) for k in (2, 3)
                              if i + k <= n and "".join(ref[i:i + k]) == hyp[j]]
            for di, dj, cost in moves:
                if cost < best[i + di][j + dj]:
                    best[i + di][j + dj], step[i + di][j + dj] = cost, (di, dj)
    chunks: list[tuple[str, int, int, int, int]] = []
    i, j = n, m
    while i or j:
        di, dj = step[i][j]
        if di and dj:
            kind = "unheard" if hyp[j - 1] == UNHEARD else "joined" if di > 1 \
                else "equal" if ref[i - 1] == hyp[j - 1] else "substitute"
        else:
            kind = "delete" if di else "insert"
        chunks.append((kind, i - di, i, j - dj, j))
        i, j = i - di, j - dj
    return chunks[::-1]


def cue_timing(cues: list[tuple[float, float, str]], words: list[Word]) -> tuple[list[CueOffset], int]:
    """Each cue's start against the start of its first recognised word, and its end against the end
    of its last; (the offsets measured, the number of cue edges whose word was not recognised).

    Cue words and heard words are aligned token by token (_aligned); an edge is measured when the
    cue's first (last) word was heard, as itself or as a substitute at that place, or was said in a
    stretch of speech where nothing was recognised (UNHEARD) and starts (ends) the run of words said there.
    """
    ref: list[str] = []
    owner: list[int] = []
    ref_at: list[float] = []
    for i, (start, end, text) in enumerate(cues):
        mine = tokens(text)
        for n, token in enumerate(mine):
            ref.append(token)
            owner.append(i)
            ref_at.append(start + (end - start) * (n + 0.5) / len(mine))
    hyp: list[str] = []
    times: list[tuple[float, float]] = []
    for word in words:
        for token in [UNHEARD] if word.text == UNHEARD else tokens(word.text):
            hyp.append(token)
            times.append((word.start, word.end))
    hyp, times = _joined_in_time(hyp, times, set(ref))
    heard_as: dict[int, int] = {}  # ref token -> hyp token
    misheard: set[int] = set()  # ref tokens heard as another word
    extra_before: dict[int, tuple[int, int]] = {}  # ref token -> hyp tokens heard just before it, matching none
    run_inside: set[tuple[int, int]] = set()  # (ref token, 0 start / 1 end) not at that edge of its unheard run
    if ref and hyp:
        for kind, r0, r1, h0, h1 in _aligned(ref, hyp, ref_at, times):
            if kind in ("equal", "substitute"):
                heard_as[r0] = h0
                if kind == "substitute":
                    misheard.add(r0)
            elif kind in ("unheard", "joined"):
                for k in range(r0, r1):
                    heard_as[k] = h0
                    if k > r0:
                        run_inside.add((k, 0))
                    if k < r1 - 1:
                        run_inside.add((k, 1))
            elif kind == "insert":  # consecutive ones as one run
                extra_before[r0] = (extra_before[r0][0] if r0 in extra_before else h0, h1)
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
            if k not in heard_as or (k, pick) in run_inside:
                unmeasured += 1
                continue
            heard = times[heard_as[k]][pick]
            # a misheard word heard as two ("input" as "and put"): the extra word beside it is its other half
            if k in misheard and edge == "start" and k in extra_before:
                heard = times[extra_before[k][0]][0]
            elif k in misheard and edge == "end" and k + 1 in extra_before:
                heard = times[extra_before[k + 1][1] - 1][1]
            offsets.append(CueOffset(i + 1, edge, round(cue_time - heard, 3), text))
    return offsets, unmeasured
