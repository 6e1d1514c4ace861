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
