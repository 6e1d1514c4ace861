"""acceptance: measured checks, the report, and failures that list every problem."""

from __future__ import annotations

import shutil

import pytest

from showrunner.errors import AcceptanceFailed
from showrunner.files import read_json
from tests.media_episode import MediaEpisode, media_config


def _copy(media_built, tmp_path, config: dict | None = None) -> MediaEpisode:
    root = tmp_path / "copy"
    shutil.copytree(media_built.root, root)
    episode = MediaEpisode.__new__(MediaEpisode)
    episode.root, episode.slug, episode.scenes = root, media_built.slug, media_built.scenes
    episode.raw = config if config is not None else media_built.raw
    return episode


def test_a_good_episode_passes_every_check(media_built, tmp_path):
    episode = _copy(media_built, tmp_path)
    episode.run("acceptance")
    report = read_json(episode.path("acceptance.json"))
    assert report["passed"] is True
    names = {c["name"] for c in report["checks"]}
    assert {"episode duration", "audio/video sync", "resolution", "frame rate", "video codec", "audio codec",
            "subtitles", "scene 01 clip", "scene 02 clip", "scene 03 clip", "captions in order", "caption limits",
            "captions cover the speech", "silence in final.mp4", "silence in the narration", "podcast loudness",
            "podcast true peak", "words heard", "caption timing"} <= names
    assert all(set(c) == {"name", "passed", "measured", "expected", "hard"} for c in report["checks"])
    markdown = episode.path("acceptance.md").read_text()
    assert "**PASSED**" in markdown and "| scene 02 clip | pass |" in markdown


def test_a_corrupted_clip_fails_acceptance_and_the_report_is_still_written(media_built, tmp_path):
    episode = _copy(media_built, tmp_path)
    clip = episode.media("02", "clip.mp4")
    data = bytearray(clip.read_bytes())
    start = data.find(b"mdat") + 64
    data[start:start + 1500] = bytes(range(256)) * 5 + bytes(220)
    clip.write_bytes(bytes(data))
    with pytest.raises(AcceptanceFailed, match="scene 02 clip"):
        episode.run("acceptance")
    report = read_json(episode.path("acceptance.json"))
    failed = {c["name"] for c in report["checks"] if not c["passed"]}
    assert failed == {"scene 02 clip"}
    assert "FAILED" in episode.path("acceptance.md").read_text()


def test_every_failure_is_listed(media_built, tmp_path):
    raw = media_config(episodes={"ep1": {"target_minutes": 5}}, acceptance={"duration_tolerance": 0.1,
                                                                            "max_silence_s": 0.3})
    episode = _copy(media_built, tmp_path, raw)
    episode.media("03", "clip.mp4").unlink()
    with pytest.raises(AcceptanceFailed) as err:
        episode.run("acceptance")
    message = str(err.value)
    for name in ("episode duration", "scene 03 clip", "silence in the narration"):
        assert name in message
    report = read_json(episode.path("acceptance.json"))
    assert report["passed"] is False
    assert {"episode duration", "scene 03 clip"} <= {c["name"] for c in report["checks"] if not c["passed"]}


def test_captions_off_their_words_fail_acceptance(media_built, tmp_path):
    """Caption timing is a hard check: cues moved off the words they hold fail the episode, naming the worst."""
    from showrunner.captions import parse_srt, to_srt

    episode = _copy(media_built, tmp_path)
    srt = episode.path("captions.srt")
    cues = parse_srt(srt)
    limit = 3.0  # media_config's tolerance for espeak-ng, which the recogniser times loosely
    srt.write_text(to_srt([type(c)(c.start + limit + 0.5, c.end + limit + 0.5, c.lines) for c in cues]))
    with pytest.raises(AcceptanceFailed, match="caption timing: measured .* within, .* worst: cue"):
        episode.run("acceptance")
    report = read_json(episode.path("acceptance.json"))
    timing = next(c for c in report["checks"] if c["name"] == "caption timing")
    assert timing["hard"] and not timing["passed"] and "+3" in timing["measured"]


def test_terms_are_reported_heard_or_missed_with_where(media_built, tmp_path):
    """Every lexicon term the segments say gets a verdict; one heard as another word is missed, naming the scene,
    the time and what was heard. (The transcript was made before these entries, so without them as a glossary:
    the recogniser writes espeak-ng's "cache" as "cash". A term heard as its own respelling is heard, so the
    respelling here is one the recogniser never writes.)"""
    raw = media_config(pronunciations={"cache": "kash", "Plain": "plane"})
    episode = _copy(media_built, tmp_path, raw)
    episode.run("acceptance")  # media_config: terms are soft for espeak-ng, so a warning
    checks = {c["name"]: c for c in read_json(episode.path("acceptance.json"))["checks"]}
    assert checks["terms heard"]["measured"] == "1 of 2 heard wherever said; missed: cache; heard: Plain"
    assert not checks["terms heard"]["passed"] and not checks["terms heard"]["hard"]
    assert checks["term cache"]["measured"] == ("heard in 0 of 2 segments; missed: scene 01 at 0:00.0, heard 'cash'; "
                                                "scene 01 at 0:04.4, heard 'cash'")
