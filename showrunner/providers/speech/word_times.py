"""Where each word is spoken, as the voice itself timed it: carried inside the voice's WAV file.

A neural voice decides how long each phoneme lasts (its duration predictor) before it makes a
sample, so the times of its words are known exactly, not estimated: piper's durations (from the
seeded copy of its graph, showrunner.providers.speech.piper) and hibari's (its `Round`ed
durations) are read here from the phonemes the voice was given. A provider that knows them
writes them into the WAV it returns as a RIFF chunk of its own (`wrds`, JSON: each voice word's
phonemes and first and one-past-last sample); RIFF readers skip chunks they do not know
(ffmpeg, Python's wave), so the audio is the same, and the times are cached with it.

`align` then maps the words of the written segment (what captions show) onto the voice's words:
the lexicon may respell a word as two ("GNU" as "guh new"), espeak-ng may say two words as one
("of the" as "ʌvðə") and a number as several ("2026" as "two thousand twenty six"). A monotone
alignment by size (letters against phonemes) and punctuation places each written word on the
voice words that said it; where one voice word says several written words, its time is shared by
their letters (a few tens of milliseconds: such words are short).
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Sequence
from dataclasses import dataclass

CHUNK = b"wrds"
PUNCTUATION = ",;:.!?\u2014\u2026"  # said as a pause (or nothing), never as a sound of the word
STRESS = "ˈˌ"  # stress marks: part of a word, not a sound of their own


@dataclass(frozen=True)
class VoiceWord:
    said: str  # the phonemes (or letters) the voice said for it, punctuation after it included
    start: int  # first sample of the word's sounds, in the voice's own audio
    end: int  # one past the last


def from_symbols(symbols: Sequence[str], samples: Sequence[int], offset: int = 0) -> list[VoiceWord]:
    """Voice words from the voice's symbols (phonemes, spaces, punctuation) and each one's length in
    samples, starting at sample `offset`: a word is a run of symbols between spaces; its time is
    that of its sounds, its punctuation (a pause) left out."""
    words: list[VoiceWord] = []
    said, start, end = "", None, None
    position = offset
    for symbol, length in zip(symbols, samples, strict=True):
        if symbol.isspace():
            if said:
                words.append(VoiceWord(said, start if start is not None else position, end or position))
            said, start, end = "", None, None
        else:
            said += symbol
            if symbol not in PUNCTUATION:
                start = position if start is None else start
                end = position + length
        position += length
    if said:
        words.append(VoiceWord(said, start if start is not None else position, end or position))
    return [w for w in words if w.start < w.end]


# --- carried in the WAV file ---------------------------------------------------------------


def embed(wav: bytes, words: Sequence[VoiceWord]) -> bytes:
    """`wav` with the words' times appended as a `wrds` chunk (the RIFF size updated)."""
    if wav[:4] != b"RIFF" or wav[8:12] != b"WAVE":
        raise ValueError("not a RIFF WAVE file")
    body = json.dumps([[w.said, w.start, w.end] for w in words], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    if len(body) % 2:
        body += b" "  # RIFF chunks are word-aligned
    out = wav + CHUNK + struct.pack("<I", len(body)) + body
    return out[:4] + struct.pack("<I", len(out) - 8) + out[8:]


def read(audio: bytes) -> tuple[list[VoiceWord], int] | None:
    """(the voice words, the WAV's sample rate) when the file carries them; None otherwise (an MP3,
    a voice that does not time its words)."""
    if audio[:4] != b"RIFF" or audio[8:12] != b"WAVE":
        return None
    rate = None
    position = 12
    while position + 8 <= len(audio):
        name, size = audio[position:position + 4], struct.unpack("<I", audio[position + 4:position + 8])[0]
        data = audio[position + 8:position + 8 + size]
        if name == b"fmt " and len(data) >= 8:
            rate = struct.unpack("<I", data[4:8])[0]
        elif name == CHUNK and rate:
            return [VoiceWord(str(s), int(a), int(b)) for s, a, b in json.loads(data.decode("utf-8"))], rate
        position += 8 + size + (size % 2)
    return None


# --- the written words on the voice's words ------------------------------------------------

GROUP_MAX = 6  # at most this many words on either side of one step of the alignment
UNEVEN = 0.35  # what a step that is not one word for one word costs (so 1:1 wins where sizes agree)
PUNCT_MISMATCH = 1.0  # a written word ending a clause against a voice word that does not (or the reverse)
UNHEARD = 1.5  # what a written word costs whose consonants the voice words do not have (in part: the fraction)
UNSAID = 1.5  # a written word the voice said nothing for ("—")
# (written words, voice words) one step covers: one for one, several written as one, one said as several
STEPS = [(1, 1), *((k, 1) for k in range(2, GROUP_MAX + 1)), *((1, v) for v in range(2, GROUP_MAX + 1))]
# the sounds (IPA, as espeak-ng and misaki write them) a written consonant is said with, nearly always
CONSONANTS = {"b": "b", "c": "ksʃʧ", "d": "dɾtʤ", "f": "fv", "g": "ɡgʒʤ", "k": "k", "l": "lɫ", "m": "m", "n": "nŋ",
              "p": "pf", "q": "k", "r": "ɹrɚɝ", "s": "szʃʒ", "t": "tɾθðʃʧ", "v": "vf", "x": "ksz", "z": "zs"}


def _sounds(said: str) -> int:
    return sum(1 for ch in said if ch not in PUNCTUATION and ch not in STRESS and not ch.isspace())


def _consonants(words: Sequence[str]) -> list[str]:
    return [ch for word in words for ch in word.lower() if ch in CONSONANTS]


def align(written: Sequence[str], sizes: Sequence[int], voice: Sequence[VoiceWord],
          said_as: Sequence[str] | None = None) -> list[tuple[int, int]] | None:
    """Where each written word is spoken: (first sample, one past the last) in the voice's audio, or
    None when there is nothing to align. `sizes`: about how many letters the voice says for each
    written word (pronunciation.Lexicon.spoken_letters); `said_as`: each word as the voice was given
    it (its respelling), whose consonants the voice's phonemes should have."""
    n, m = len(written), len(voice)
    if not n or not m:
        return None
    sizes = [max(s, 0) for s in sizes]
    sounds = [max(_sounds(w.said), 1) for w in voice]
    ratio = sum(sounds) / max(sum(sizes), 1)
    letters = [_consonants([w]) for w in (said_as if said_as is not None else written)]

    def ends_clause(text: str) -> bool:
        return bool(text) and text.rstrip("\"'”’)]")[-1:] in PUNCTUATION

    def cost(a: int, b: int, c: int, d: int) -> float:
        size = sum(sizes[a:b]) * ratio
        said = sum(sounds[c:d])
        cost = math.log((said + 1) / (size + 1)) ** 2 + (UNEVEN if b - a > 1 or d - c > 1 else 0.0)
        if ends_clause(written[b - 1]) != ends_clause(voice[d - 1].said):
            cost += PUNCT_MISMATCH
        wanted = [ch for w in range(a, b) for ch in letters[w]]
        if wanted:
            heard = "".join(v.said for v in voice[c:d])
            cost += UNHEARD * sum(not any(s in heard for s in CONSONANTS[ch]) for ch in wanted) / len(wanted)
        return cost

    inf = math.inf
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    step: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            here = best[i][j]
            if here == inf:
                continue
            if i < n:  # a written word said as nothing
                c = here + UNSAID * (1 + sizes[i])
                if c < best[i + 1][j]:
                    best[i + 1][j], step[i + 1][j] = c, (1, 0)
            for k, v in STEPS:
                if i + k <= n and j + v <= m:
                    c = here + cost(i, i + k, j, j + v)
                    if c < best[i + k][j + v]:
                        best[i + k][j + v], step[i + k][j + v] = c, (k, v)
    if best[n][m] == inf:
        return None
    spans: list[tuple[int, int] | None] = [None] * n
    i, j = n, m
    while i or j:
        k, v = step[i][j]
        if v:
            first, last = voice[j - v], voice[j - 1]
            if k == 1:
                spans[i - 1] = (first.start, last.end)
            else:  # one voice word said several written words: its time shared by their letters
                weights = sizes[i - k:i] if sum(sizes[i - k:i]) else [1] * k  # a word said as nothing: no time
                at = float(first.start)
                for w in range(i - k, i):
                    share = (last.end - first.start) * weights[w - i + k] / sum(weights)
                    spans[w] = (round(at), round(at + share))
                    at += share
        i, j = i - k, j - v
    out: list[tuple[int, int]] = []
    for w, span in enumerate(spans):  # an unsaid word sits where the words around it meet
        if span is None:
            at = out[-1][1] if out else next((s[0] for s in spans[w + 1:] if s is not None), voice[0].start)
            span = (at, at)
        out.append(span)
    return out
