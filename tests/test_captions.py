"""captions.srt / captions.vtt from the measured timings."""

from __future__ import annotations

import subprocess

import pytest

from showrunner.artifacts import SceneTimings, SegmentTiming
from showrunner.captions import _Clock, episode_cues, parse_srt, segment_cues, split_segment, to_srt, to_vtt, wrap
from showrunner.config import Acceptance, load_config
from showrunner.files import read_model
from showrunner.pronunciation import episode_lexicon

LIMITS = Acceptance()
LONG = ("A build cache remembers what it made, keyed by a hash of everything that went in, and when the same "
        "hash shows up again it simply hands back the stored output instead of running the task again.")


def _timings(scene: int, segments: list[tuple[str, float, float]], seconds: float, rate: int = 24000) -> SceneTimings:
    return SceneTimings(scene=scene, sample_rate=rate, samples=round(seconds * rate), fps=12,
                        frames=round(seconds * 12),
                        segments=[SegmentTiming(segment_id=f"seg{i}", speaker="ada", text=text, start=start, end=end)
                                  for i, (text, start, end) in enumerate(segments, start=1)])


def test_wrap_respects_the_width_and_keeps_the_words():
    rows = wrap(LONG, 42)
    assert all(len(row) <= 42 for row in rows)
    assert " ".join(rows) == LONG
    assert wrap("x" * 100, 42) == ["x" * 42, "x" * 42, "x" * 16]


def test_a_long_segment_becomes_cues_within_the_limits_broken_at_its_clauses():
    groups = split_segment(LONG, 12.0, LIMITS)
    assert len(groups) == 3
    assert all(len(g) <= 2 and all(len(row) <= 42 for row in g) for g in groups)
    assert " ".join(" ".join(g) for g in groups) == LONG
    assert groups[0][-1].endswith("made,")  # a clause ends the first cue, not a word in the middle of one
    assert min(len(" ".join(g)) for g in groups) >= 16  # no two-word flash


def test_a_segment_of_sentences_breaks_between_them():
    text = ("Every build tool answers one question. Is this output still good, or must it be made again? "
            "Getting it right is the whole job.")
    groups = [" ".join(g) for g in split_segment(text, 9.0, LIMITS)]
    assert all(g[-1] in ".?" for g in groups), groups


def test_an_even_split_where_no_mark_helps():
    text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
    sizes = [len(" ".join(g)) for g in split_segment(text, 8.0, LIMITS)]
    assert len(sizes) == 2 and abs(sizes[0] - sizes[1]) <= 12


def test_cues_share_the_measured_span_by_characters_and_keep_to_seven_seconds():
    rate = 24000
    cues = segment_cues(LONG, 2 * rate, 32 * rate, rate, LIMITS)  # a slow segment: 30 s
    assert cues[0].start == 2.0 and cues[-1].end == 32.0
    assert all(c.end - c.start <= LIMITS.caption_max_seconds for c in cues)
    for a, b in zip(cues, cues[1:], strict=False):
        assert a.end == b.start  # contiguous inside a segment
    chars = [len(" ".join(c.lines)) for c in cues]
    for cue, n in zip(cues, chars, strict=True):  # the space between two cues is shared by them
        assert cue.end - cue.start == pytest.approx(30 * n / sum(chars), abs=30 / len(LONG))


def test_a_cue_ends_at_the_pause_of_its_comma_not_at_a_gap_inside_a_word():
    # measured on ep1: an 80-100 ms gap (a stop consonant, "outpu_t") sits a second before the comma's
    # 420 ms pause; the cue that ends with "good," must end where that pause starts
    rate = 1000
    text = ("Every build tool answers one question over and over: is this output still good, "
            "or must it be made again? Getting the answer right is the difference.")
    pauses = [(550, 630), (3060, 3650), (4160, 4260), (4970, 5390), (6550, 6730)]
    cues = segment_cues(text, 0, 9500, rate, LIMITS, pauses)
    good = next(i for i, c in enumerate(cues) if c.lines[-1].endswith("good,"))
    assert (cues[good].end, cues[good + 1].start) == (4.97, 5.39)
    words = text.split()
    clock = _Clock(words, 0, 9500, pauses, rate)  # every mark the voice paused at, each with its own pause
    assert {words[i]: pause for i, pause in clock.matched.items()} == {
        "over:": (3060, 3650), "good,": (4970, 5390), "again?": (6550, 6730)}


def test_scene_offsets_are_exact_sample_counts():
    first = _timings(1, [("Hello there.", 0.0, 1.0)], seconds=1.5)
    second = _timings(2, [("And welcome back.", 0.25, 1.25)], seconds=2.0)
    cues = episode_cues([first, second], LIMITS)
    assert [(c.start, c.end) for c in cues] == [(0.0, 1.0), (1.75, 2.75)]


def test_srt_and_vtt_are_well_formed_and_read_back():
    cues = episode_cues([_timings(1, [(LONG, 0.0, 12.0), ("Short.", 12.5, 13.0)], seconds=13.5)], LIMITS)
    srt, vtt = to_srt(cues), to_vtt(cues)
    assert srt.startswith("1\n00:00:00,000 --> ") and vtt.startswith("WEBVTT\n\n00:00:00.000 --> ")
    assert "00:00:12,500 --> 00:00:13,000\nShort.\n" in srt
    assert "00:00:12.500 --> 00:00:13.000\nShort.\n" in vtt


def test_the_built_captions_line_up_with_the_timings(media_built):
    episode = media_built
    timings = [read_model(p, SceneTimings) for p in episode.each("timings.json")]
    cues = parse_srt(episode.path("captions.srt"))
    lexicon = episode_lexicon(load_config(episode.raw).episode(episode.slug))
    expected = episode_cues(timings, LIMITS, weigh=lexicon.spoken_letters)  # shared by the letters said
    assert [c.lines for c in cues] == [c.lines for c in expected]
    for got, want in zip(cues, expected, strict=True):  # written to the millisecond
        assert abs(got.start - want.start) <= 0.0005 and abs(got.end - want.end) <= 0.0005
    offset = 0.0
    spans = []
    for scene in timings:
        for segment in scene.segments:
            # the speech: the quiet a segment's trim kept at its edges (a pause reaching them) is not
            start = max([segment.start] + [b for a, b in segment.pauses if a <= segment.start])
            end = min([segment.end] + [a for a, b in segment.pauses if b >= segment.end])
            spans.append((offset + start, offset + end))
        offset += scene.samples / scene.sample_rate
    frame = 1 / 12
    for start, end in spans:  # every spoken segment is covered from its speech's start to its end, to a frame
        inside = [c for c in cues if c.end > start and c.start < end]
        assert abs(inside[0].start - start) < frame and abs(inside[-1].end - end) < frame
    for a, b in zip(cues, cues[1:], strict=False):
        assert a.start < a.end <= b.start


def test_ffmpeg_reads_both_caption_files(media_built):
    for name in ("captions.srt", "captions.vtt"):
        out = subprocess.run(["ffmpeg", "-v", "error", "-i", str(media_built.path(name)), "-f", "srt", "-"],
                             capture_output=True, text=True, check=True).stdout
        assert "Welcome to Plain Circuits." in out.replace("\n", " ")
