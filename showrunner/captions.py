"""Captions from the measured segment timings: cues, and SRT and WebVTT to write and read back.

Scenes follow each other exactly (each lasts samples/sample_rate), so a segment's time in the
episode is its scene's offset plus its measured start. A long segment is split into cues of at
most `caption_max_lines` lines of `caption_max_chars` characters and `caption_max_seconds`,
breaking after sentences and clauses where it can, best where the voice paused (timings.json
measures the pauses inside each segment): there a cue ends where the pause starts and the next
begins where it ends; elsewhere the time between pauses is shared in proportion to characters.
Times are computed in samples and written to the millisecond: exact to well within a frame of
the audio.

The formats are simple enough to write (and read back, for acceptance) here, without a
dependency; ffmpeg, which reads them into final.mp4, checks them too. The captions stage writes
them (showrunner.stages.captions); acceptance reads them back (showrunner.acceptance_checks).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from pathlib import Path

from showrunner.artifacts import SceneTimings
from showrunner.config import Acceptance
from showrunner.errors import ArtifactError


@dataclass(frozen=True)
class Cue:
    start: float  # seconds from the start of the episode
    end: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


# --- cues ----------------------------------------------------------------------------------


def wrap(text: str, max_chars: int) -> list[str]:
    """Greedy word wrap to `max_chars`; a word longer than that is split."""
    rows: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > max_chars:
            if current:
                rows.append(current)
                current = ""
            rows.append(word[:max_chars])
            word = word[max_chars:]
        if not word:
            continue
        if current and len(current) + 1 + len(word) > max_chars:
            rows.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        rows.append(current)
    return rows


MARKS = ",;:.!?\u2014"  # where a voice may pause inside a segment
SENTENCE_ENDS = ".!?"

# Splitting a segment into cues (costs, in "bad breaks"): each cue costs GROUP; a break after a sentence
# costs nothing, after a clause mark CLAUSE, anywhere else PLAIN, and a break the voice paused at (its
# time measured there, not estimated) earns PAUSED back; a cue of fewer than SHORT_CHARS characters
# costs SHORT (a flash of two words); across a PLAIN break, the two cues' difference in length costs
# its square / BALANCE: where a break is arbitrary, it shares the words evenly.
GROUP, CLAUSE, PLAIN, PAUSED, SHORT, SHORT_CHARS, BALANCE = 2.0, 2.0, 6.0, 1.0, 6.0, 16, 200.0


def split_segment(text: str, seconds: float, limits: Acceptance) -> list[list[str]]:
    """The segment's words in cue-sized groups (each a list of rows), in order, for a segment with no pauses
    measured."""
    return [wrap(" ".join(group), limits.caption_max_chars) for group in _groups(text.split(), seconds, limits, set())]


def _groups(words: list[str], seconds: float, limits: Acceptance, paused: Container[int],
            lasts: Callable[[int, int], float] | None = None) -> list[list[str]]:
    """Cue-sized groups of words: the cheapest segmentation (above), by dynamic programming over
    consecutive pairs of cues.

    A cue holds at most max_lines rows of max_chars, and lasts at most max_seconds: `lasts(a, b)`, the
    seconds a cue of words[a:b] would be up, where the voice timed its words; otherwise at most the
    characters spoken in max_seconds at this segment's pace (times are shared by characters, so that
    keeps every cue short enough). `paused`: the indices of the words after which the voice paused.
    """
    n = len(words)
    total = len(" ".join(words))
    budget = math.inf if seconds <= limits.caption_max_seconds else total * limits.caption_max_seconds / seconds
    size = functools.cache(lambda a, b: len(" ".join(words[a:b])))

    @functools.cache
    def fits(a: int, b: int) -> bool:
        short = lasts(a, b) <= limits.caption_max_seconds if lasts else size(a, b) <= budget
        return b - a == 1 or (len(wrap(" ".join(words[a:b]), limits.caption_max_chars)) <= limits.caption_max_lines
                              and short)

    def plain(b: int) -> bool:
        return 0 < b < n and words[b - 1][-1] not in MARKS

    def cost(a: int, b: int) -> float:
        c = GROUP + (SHORT if size(a, b) < SHORT_CHARS < total else 0.0)
        if b < n:  # the break after words[b - 1]
            mark = words[b - 1][-1]
            c += 0.0 if mark in SENTENCE_ENDS else CLAUSE if mark in MARKS else PLAIN
            c -= PAUSED if b - 1 in paused else 0.0
        return c

    # best[(a, b)]: the cheapest segmentation of words[:b] whose last cue is words[a:b], and where the
    # cue before it starts (-1: none); ending[b]: the starts a of the cues words[a:b] segmented so far
    best: dict[tuple[int, int], tuple[float, int]] = {}
    ending: list[list[int]] = [[] for _ in range(n + 1)]
    for b in range(1, n + 1):
        for a in range(b - 1, -1, -1):
            if not fits(a, b):
                break
            if a == 0:
                best[(0, b)] = (cost(0, b), -1)
            else:
                options = [(best[(p, a)][0] + ((size(p, a) - size(a, b)) ** 2 / BALANCE if plain(a) else 0.0), p)
                           for p in ending[a]]
                if not options:
                    continue
                before, p = min(options)
                best[(a, b)] = (before + cost(a, b), p)
            ending[b].append(a)
    if not ending[n]:  # nothing fits (a word longer than a cue): one word per cue
        return [[w] for w in words]
    groups: list[list[str]] = []
    a, b = min(ending[n], key=lambda start: best[(start, n)][0]), n
    while True:
        groups.append(words[a:b])
        p = best[(a, b)][1]
        if p < 0:
            return groups[::-1]
        a, b = p, a


def segment_cues(text: str, start_sample: int, end_sample: int, rate: int, limits: Acceptance,
                 pauses: Sequence[tuple[int, int]] = (), weigh: Callable[[str], int] = len,
                 spoken: Sequence[tuple[int, int]] = ()) -> list[Cue]:
    """Cues for one spoken segment. `spoken`: where the voice said each word (samples), when it timed
    them: then every cue starts where its first word starts and ends where its last word ends (at a
    pause measured there, on the silence itself; where the words run on, where the next word starts).
    Without them: where a cue boundary falls on punctuation that the voice paused at (a measured
    pause), the cue ends where the pause starts and the next begins where it ends; elsewhere the
    measured span between such pauses is shared in proportion to `weigh` of each word (its
    characters, or better, the letters the voice says for it: pronunciation.spoken_letters)."""
    words = text.split()
    timed = len(spoken) == len(words) > 0
    # the quiet a segment's trim kept at its edges (a measured pause reaching its first or last sample: audio.
    # pauses_in) is no speech: its first cue starts after it, its last ends before it; not past a timed word
    for a, b in pauses:
        if a <= start_sample < b < end_sample and (not timed or b < spoken[0][1]):
            start_sample = b
        if start_sample < a < end_sample <= b and (not timed or a > spoken[-1][0]):
            end_sample = a
    pauses = [(a, b) for a, b in pauses if start_sample < a < b < end_sample]
    if end_sample <= start_sample or not words:
        return []
    clock: _Clock | _WordClock
    if timed:
        clock = _WordClock(words, spoken, pauses, rate)
    else:
        clock = _Clock(words, start_sample, end_sample, pauses, rate, weigh)
    def begin_at(first: int) -> int:  # where a cue whose first word is words[first] begins
        return start_sample if first == 0 else clock.after(first - 1)

    def finish_at(last: int) -> int:  # where a cue whose last word is words[last] ends
        return end_sample if last == len(words) - 1 else clock.before(last)

    # with the voice's word times a cue's length is known, not guessed from its characters: a slow stretch
    # ("1.77.0", 'c"abc"') made a cue of average characters 7.9 s long, cut at 7 s while speech went on
    lasts = (lambda a, b: (finish_at(b - 1) - begin_at(a)) / rate) if isinstance(clock, _WordClock) else None
    groups = _groups(words, (end_sample - start_sample) / rate, limits, clock.matched, lasts)
    cues = []
    first = 0  # index of the cue's first word
    for group in groups:
        last = first + len(group) - 1
        begin, finish = begin_at(first), finish_at(last)
        begin_s, finish_s = begin / rate, finish / rate
        if finish_s - begin_s > limits.caption_max_seconds:  # one very slow word: keep the limit
            finish_s = begin_s + limits.caption_max_seconds
        cues.append(Cue(begin_s, finish_s, tuple(wrap(" ".join(group), limits.caption_max_chars))))
        first = last + 1
    return cues


class _Clock:
    """Where in a segment each word boundary is spoken: at the pause measured there when the voice paused
    at that punctuation mark, elsewhere shared in proportion to characters between such pauses.

    Which pause belongs to which mark is one monotone alignment of the marks with the pauses (dynamic
    programming), so a short gap inside a word (a stop consonant) is not taken for the comma a second
    later: matching costs the squared distance on the speech clock (the segment's time without its
    pauses, against its letters), and leaving a long pause or a mark unmatched costs more.
    """

    DISTANCE_S = 0.6  # a match this far from where letters put the mark costs as much as skipping it
    PAUSE_S = 0.2  # an unmatched pause this long costs as much as skipping a mark

    def __init__(self, words: list[str], start: int, end: int, pauses: Sequence[tuple[int, int]], rate: int,
                 weigh: Callable[[str], int] = len):
        sizes = [max(weigh(w), 1) for w in words]
        self.positions = list(itertools.accumulate((n + 1 for n in sizes[:-1]), initial=0))
        self.ends = [p + n for p, n in zip(self.positions, sizes, strict=True)]  # one past each word
        inside = sorted(p for p in pauses if start < p[0] < p[1] < end)
        marks = [i for i, w in enumerate(words[:-1]) if w[-1] in MARKS]
        self.matched = self._align(words, marks, inside, start, end, rate, sizes)  # word index -> its pause
        anchors = [(0.0, float(start))]
        for i in sorted(self.matched):
            a, b = self.matched[i]
            anchors += [(float(self.ends[i]), float(a)), (float(self.positions[i + 1]), float(b))]
        anchors.append((float(self.ends[-1]), float(end)))
        self.chars, self.samples = zip(*anchors, strict=True)

    @classmethod
    def _align(cls, words, marks, pauses, start, end, rate, sizes) -> dict[int, tuple[int, int]]:
        if not marks or not pauses:
            return {}
        lengths = [(b - a) / rate for a, b in pauses]
        speech = max((end - start) / rate - sum(lengths), 1e-6)
        paused_before = list(itertools.accumulate(lengths, initial=0.0))
        at_pause = [(a - start) / rate - paused_before[j] for j, (a, _) in enumerate(pauses)]
        letters = list(itertools.accumulate(sizes))  # up to each word's end
        at_mark = [speech * letters[i] / max(letters[-1], 1) for i in marks]
        skip_mark = [2.0 if words[i][-1] in SENTENCE_ENDS else 1.0 for i in marks]
        skip_pause = [(d / cls.PAUSE_S) ** 2 for d in lengths]
        k_n, j_n = len(marks), len(pauses)
        inf = math.inf
        best = [[inf] * (j_n + 1) for _ in range(k_n + 1)]
        step: list[list[str]] = [[""] * (j_n + 1) for _ in range(k_n + 1)]
        best[0][0] = 0.0
        for k in range(k_n + 1):
            for j in range(j_n + 1):
                here = best[k][j]
                if here == inf:
                    continue
                if k < k_n and here + skip_mark[k] < best[k + 1][j]:
                    best[k + 1][j], step[k + 1][j] = here + skip_mark[k], "mark"
                if j < j_n and here + skip_pause[j] < best[k][j + 1]:
                    best[k][j + 1], step[k][j + 1] = here + skip_pause[j], "pause"
                if k < k_n and j < j_n:
                    c = here + ((at_mark[k] - at_pause[j]) / cls.DISTANCE_S) ** 2
                    if c < best[k + 1][j + 1]:
                        best[k + 1][j + 1], step[k + 1][j + 1] = c, "match"
        matched: dict[int, tuple[int, int]] = {}
        k, j = k_n, j_n
        while k or j:
            move = step[k][j]
            if move == "match":
                matched[marks[k - 1]] = pauses[j - 1]
            k, j = (k - 1, j - 1) if move == "match" else (k - 1, j) if move == "mark" else (k, j - 1)
        return matched

    def _at(self, char: float) -> int:
        import numpy as np
        return round(float(np.interp(char, self.chars, self.samples)))

    def before(self, i: int) -> int:
        """Where the cue whose last word is words[i] ends."""
        return self.matched[i][0] if i in self.matched else self._at(self.ends[i] + 0.5)

    def after(self, i: int) -> int:
        """Where the cue that starts after words[i] begins."""
        return self.matched[i][1] if i in self.matched else self._at(self.ends[i] + 0.5)


class _WordClock:
    """Where a cue boundary falls, from the times the voice gave its words: after words[i], the cue
    ends at the end of words[i] and the next begins at the start of words[i + 1].

    Where the voice paused at a punctuation mark, or without one for longer than a stop's closure
    (CLOSURE_S), the edges are those of the silence the audio measured (a pause that ends within
    AFTER_S of where the next word starts, or spans that start and ends within STRADDLE_S of it, and
    starts after words[i] began; a silent stop inside a phrase is no pause): a voice may hold the
    silence in the last sound's duration rather than in the comma's (hibari does), so the word's end
    is where its silence starts, not where its duration says; and `captions cover the speech` allows
    a measured pause uncaptioned. Elsewhere a cue lasts until the next word begins, where the next
    cue starts (no flicker between cues)."""

    AFTER_S = (-0.15, 0.06)  # where a pause may end, against the next word's start
    # or a pause that began before the next word's start and ends this much after it at most: the next word
    # cannot begin inside a silence (the voice's comma lasted longer than its durations said: acm-sample-
    # acmtog, "node, | which": the pause 55.28-55.76 s, "which" timed from 55.566 s)
    STRADDLE_S = 0.3
    # a silence longer than this between two words is a pause the voice made, punctuation or not: a stop's
    # closure at a word's edge is shorter ("that | fetch", 90 ms). Of the 80-120 ms silences between words
    # without punctuation in the 16 seen documents, the speech detector heard 12 of 136 as a pause; of the
    # longer ones, 27 of 33. A cue that ran on through one ended that much after its last word
    # (go-race-detector-blog: "conditions | only", 190 ms silent, +215 ms)
    CLOSURE_S = 0.12

    def __init__(self, words: Sequence[str], spoken: Sequence[tuple[int, int]], pauses: Sequence[tuple[int, int]],
                 rate: int):
        self.edges: list[tuple[int, int]] = []  # after words[i]: (where its cue ends, where the next begins)
        self.matched: set[int] = set()  # the words the voice paused after: a break there costs less (_groups)
        early, late = (round(s * rate) for s in self.AFTER_S)
        straddle, closure = round(self.STRADDLE_S * rate), round(self.CLOSURE_S * rate)
        for i in range(len(spoken) - 1):
            end, start = spoken[i][1], spoken[i + 1][0]
            found = [(a, b) for a, b in pauses if (words[i][-1] in MARKS or b - a > closure) and spoken[i][0] < a
                     and (start + early <= b <= start + late or a <= start < b <= start + straddle)]
            if found:  # the silence the audio measured there
                self.edges.append(min(found, key=lambda p: abs(p[1] - start)))
            else:  # a cue lasts until the next word begins
                self.edges.append((start, start))
            if found or start - end >= round(MIN_GAP_S * rate):
                self.matched.add(i)

    def before(self, i: int) -> int:
        return self.edges[i][0]

    def after(self, i: int) -> int:
        return self.edges[i][1]


MIN_GAP_S = 0.08  # a gap between two timed words this long is a pause the voice made (as audio.MIN_PAUSE_S)


def episode_cues(timings: list[SceneTimings], limits: Acceptance, weigh: Callable[[str], int] = len) -> list[Cue]:
    cues: list[Cue] = []
    offset = 0  # samples before this scene
    rate = timings[0].sample_rate if timings else 1
    for scene in timings:
        if scene.sample_rate != rate:
            raise ArtifactError(f"scene {scene.scene}: sample rate {scene.sample_rate}, other scenes {rate}")
        for segment in scene.segments:
            start = offset + round(segment.start * rate)
            end = offset + round(segment.end * rate)
            pauses = [(offset + round(a * rate), offset + round(b * rate)) for a, b in segment.pauses]
            spoken = [(offset + round(a * rate), offset + round(b * rate)) for a, b in segment.words]
            cues += segment_cues(segment.text, start, end, rate, limits, pauses, weigh, spoken)
        offset += scene.samples
    return cues


# --- SRT and WebVTT ------------------------------------------------------------------------


def _stamp(seconds: float, separator: str) -> str:
    ms = round(seconds * 1000)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def to_srt(cues: list[Cue]) -> str:
    return "".join(f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}\n\n"
                   for i, c in enumerate(cues, start=1))


def to_vtt(cues: list[Cue]) -> str:
    return "WEBVTT\n\n" + "".join(f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{c.text}\n\n" for c in cues)


_TIMES = re.compile(r"^(\d+):(\d{2}):(\d{2})[,.](\d{3}) --> (\d+):(\d{2}):(\d{2})[,.](\d{3})$")


def parse_srt(path: str | Path) -> list[Cue]:
    """Read an SRT file back; ArtifactError naming the cue when it is malformed."""
    text = Path(path).read_text(encoding="utf-8").replace("\r\n", "\n")
    cues = []
    for number, block in enumerate((b for b in text.strip().split("\n\n") if b.strip()), start=1):
        rows = block.strip("\n").split("\n")
        if len(rows) < 3 or not rows[0].strip().isdigit():
            raise ArtifactError(f"{path}: cue {number}: expected a number, a time line and text")
        found = _TIMES.match(rows[1].strip())
        if not found:
            raise ArtifactError(f"{path}: cue {number}: bad time line {rows[1]!r}")
        h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g) for g in found.groups())
        cues.append(Cue(h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000,
                        tuple(rows[2:])))
    return cues
