"""captions: captions.srt and captions.vtt from the measured line timings.

Scenes follow each other exactly (each lasts samples/sample_rate), so a line's time in the
episode is its scene's offset plus its measured start. A long line is split into cues of at
most `caption_max_lines` lines of `caption_max_chars` characters and `caption_max_seconds`,
its measured span shared among them in proportion to their characters between the pauses
measured after punctuation (timings.json), where cues meet. Times are computed in
samples and written to the millisecond: exact to well within a frame of the audio.

The formats are simple enough to write (and read back, for acceptance) here, without a
dependency; ffmpeg, which reads them into final.mp4, checks them too.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from showrunner.artifacts import SceneTimings
from showrunner.config import Acceptance
from showrunner.errors import ArtifactError
from showrunner.files import read_model, write_text
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("acceptance.caption_max_chars", "acceptance.caption_max_lines", "acceptance.caption_max_seconds")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Cue:
    start: float  # seconds from the start of the episode
    end: float
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def run(job: StageJob) -> None:
    timings = [read_model(path, SceneTimings) for path in job.input["timings"]]
    cues = episode_cues(timings, job.episode.acceptance)
    write_text(job.output["srt"], to_srt(cues))
    write_text(job.output["vtt"], to_vtt(cues))
    log.info("%d cues for %d scenes", len(cues), len(timings))


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


def split_line(text: str, seconds: float, limits: Acceptance) -> list[list[str]]:
    """The line's words in cue-sized groups (each a list of rows), in order.

    A cue holds at most max_lines rows of max_chars, and at most the characters spoken in
    max_seconds at this line's pace (times are shared by characters, so that keeps every cue
    short enough). The fewest cues that fit are used, balanced in length, so a line does not end
    with a flash of two words.
    """
    words = text.split()
    total = len(" ".join(words))
    budget = math.inf if seconds <= limits.caption_max_seconds else total * limits.caption_max_seconds / seconds

    def fits(group: list[str]) -> bool:
        joined = " ".join(group)
        return len(wrap(joined, limits.caption_max_chars)) <= limits.caption_max_lines and len(joined) <= budget

    greedy: list[list[str]] = []
    for word in words:
        if greedy and fits([*greedy[-1], word]):
            greedy[-1].append(word)
        else:
            greedy.append([word])
    for count in range(len(greedy), min(len(greedy) + 3, len(words)) + 1):
        balanced = _at_punctuation(_balanced(words, count), fits)
        if all(fits(group) for group in balanced):
            return [wrap(" ".join(group), limits.caption_max_chars) for group in balanced]
    return [wrap(" ".join(group), limits.caption_max_chars) for group in greedy]


def _at_punctuation(groups: list[list[str]], fits, reach: int = 5) -> list[list[str]]:
    """Each break moved (by up to `reach` words) to just after punctuation, where the voice pauses
    and its time is measured, when both cues still fit."""
    groups = [list(g) for g in groups]
    for i in range(len(groups) - 1):
        left, right = groups[i], groups[i + 1]
        if left[-1][-1] in _Clock.PUNCTUATION:
            continue
        moves = [-k for k in range(1, min(reach, len(left) - 1) + 1)] + list(range(1, min(reach, len(right) - 1) + 1))
        for move in sorted(moves, key=abs):
            new_left = left[:move] if move < 0 else left + right[:move]
            new_right = left[move:] + right if move < 0 else right[move:]
            if new_left[-1][-1] in _Clock.PUNCTUATION and fits(new_left) and fits(new_right):
                groups[i], groups[i + 1] = new_left, new_right
                break
    return groups


def _balanced(words: list[str], count: int) -> list[list[str]]:
    """`words` in `count` consecutive groups of about equal characters (a word goes where its middle falls)."""
    total = len(" ".join(words))
    groups: list[list[str]] = [[] for _ in range(count)]
    position = 0
    for word in words:
        middle = position + len(word) / 2
        groups[min(int(middle * count / max(total, 1)), count - 1)].append(word)
        position += len(word) + 1
    return [g for g in groups if g]


def line_cues(text: str, start_sample: int, end_sample: int, rate: int, limits: Acceptance,
              pauses: Sequence[tuple[int, int]] = ()) -> list[Cue]:
    """Cues for one spoken line. Where a cue boundary falls on punctuation that the voice paused at
    (a measured pause), the cue ends where the pause starts and the next begins where it ends;
    elsewhere the measured span between such pauses is shared in proportion to characters."""
    if end_sample <= start_sample or not text.split():
        return []
    groups = split_line(text, (end_sample - start_sample) / rate, limits)
    joined = [" ".join(rows) for rows in groups]
    clock = _Clock(joined, start_sample, end_sample, pauses, rate)
    cues = []
    position = 0  # characters of the groups before this one (spaces between groups not counted)
    for i, words in enumerate(joined):
        first, last = position, position + len(words)
        begin = start_sample if i == 0 else clock.after(first)
        finish = end_sample if i == len(joined) - 1 else clock.before(last)
        begin_s, finish_s = begin / rate, finish / rate
        if finish_s - begin_s > limits.caption_max_seconds:  # one very slow word: keep the limit
            finish_s = begin_s + limits.caption_max_seconds
        cues.append(Cue(begin_s, finish_s, tuple(groups[i])))
        position = last
    return cues


class _Clock:
    """Character position -> sample in a line: anchored at its measured pauses after punctuation."""

    PUNCTUATION = ",;:.!?\u2014"
    REACH_S = 0.8  # a pause is taken for a mark only this close to where characters put the mark

    def __init__(self, groups: list[str], start: int, end: int, pauses: Sequence[tuple[int, int]], rate: int):
        text = "".join(groups)
        boundaries = set(itertools.accumulate(len(g) for g in groups))
        self.anchors = [(0.0, float(start))]
        self.gaps: dict[int, tuple[int, int]] = {}  # character where a cue may break -> the pause there
        total = max(len(text), 1)
        free = [p for p in pauses if start < p[0] < p[1] < end]
        for c, char in enumerate(text):
            k = c + 1
            at_boundary = k in boundaries and k < len(text)
            if char not in self.PUNCTUATION or not (at_boundary or (k < len(text) and text[k] == " ")):
                continue
            expected = start + (end - start) * k / total
            near = [p for p in free if abs((p[0] + p[1]) / 2 - expected) <= self.REACH_S * rate
                    and p[0] > self.anchors[-1][1]]
            if not near:
                continue
            pause = min(near, key=lambda p: abs((p[0] + p[1]) / 2 - expected))
            free = [p for p in free if p[0] > pause[0]]
            self.anchors += [(float(k), float(pause[0])), (float(k if at_boundary else k + 1), float(pause[1]))]
            if at_boundary:
                self.gaps[k] = pause
        self.anchors.append((float(total), float(end)))

    def _at(self, char: float) -> int:
        chars, samples = zip(*self.anchors, strict=True)
        return round(float(np.interp(char, chars, samples)))

    def before(self, last: int) -> int:
        """Where the cue whose text ends at character `last` ends."""
        return self.gaps[last][0] if last in self.gaps else self._at(last)

    def after(self, first: int) -> int:
        """Where the cue whose text starts at character `first` begins."""
        return self.gaps[first][1] if first in self.gaps else self._at(first)


def episode_cues(timings: list[SceneTimings], limits: Acceptance) -> list[Cue]:
    cues: list[Cue] = []
    offset = 0  # samples before this scene
    rate = timings[0].sample_rate if timings else 1
    for scene in timings:
        if scene.sample_rate != rate:
            raise ArtifactError(f"scene {scene.scene}: sample rate {scene.sample_rate}, other scenes {rate}")
        for line in scene.lines:
            start = offset + round(line.start * rate)
            end = offset + round(line.end * rate)
            pauses = [(offset + round(a * rate), offset + round(b * rate)) for a, b in line.pauses]
            cues += line_cues(line.text, start, end, rate, limits, pauses)
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
