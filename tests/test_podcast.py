"""podcast.mp3: loudness, true peak, ID3 tags and chapters, reproducibility."""

from __future__ import annotations

import pytest

from showrunner import measurements, media
from showrunner.artifacts import SceneTimings
from showrunner.config import load_config
from showrunner.files import read_model
from tests.media_episode import SHOW, TITLE


def test_the_podcast_is_at_the_target_loudness_under_the_peak_ceiling(media_built):
    measured = media.loudness(media_built.path("podcast.mp3"))
    assert measured["integrated"] == pytest.approx(-16.0, abs=1.0)
    assert measured["true_peak"] <= -1.0


def test_the_podcast_has_id3_tags_and_a_chapter_per_section(media_built):
    info = media.probe(media_built.path("podcast.mp3"))
    tags = {k.lower(): v for k, v in info["format"]["tags"].items()}
    assert tags["title"] == TITLE and tags["album"] == SHOW and tags["artist"] == SHOW
    assert info["streams"][0]["codec_name"] == "mp3"
    chapters = info["chapters"]
    assert [c["tags"]["title"] for c in chapters] == ["Hashing inputs", "The key"]
    # chapter 2 starts where scene 2's voice starts, after the intro; chapter 1 takes the intro
    intro = 1.5
    first = read_model(media_built.media("01", "timings.json"), SceneTimings)
    assert float(chapters[0]["start_time"]) == 0.0
    assert float(chapters[1]["start_time"]) == pytest.approx(intro + first.duration, abs=0.002)
    duration = float(info["format"]["duration"])
    assert float(chapters[-1]["end_time"]) == pytest.approx(duration, abs=0.1)
    assert float(chapters[0]["end_time"]) == float(chapters[1]["start_time"])


def test_the_podcast_is_byte_identical_when_built_again(media_built, tmp_path):
    again = tmp_path / "again.mp3"
    media_built.run("podcast", podcast=again)
    assert again.read_bytes() == media_built.path("podcast.mp3").read_bytes()


def test_the_podcast_is_intro_narration_and_outro(media_built):
    narration = sum(media.read_wav(voice)[0].size for voice in media_built.each("voice.wav")) / 24000
    duration = float(media.probe(media_built.path("podcast.mp3"))["format"]["duration"])
    assert duration == pytest.approx(1.5 + narration + 1.5, abs=0.1)


def test_the_podcasts_own_loudness_measurement_is_kept_for_acceptance(media_built):
    """The podcast measures the file it wrote; acceptance recalls that for these very bytes."""
    def must_not_measure(path):
        raise AssertionError(f"{path} measured again")

    cache = measurements.folder(load_config(media_built.raw).episode(media_built.slug), media_built.root)
    recalled = measurements.recall(cache, "loudness", media_built.path("podcast.mp3"), must_not_measure)
    assert recalled == media.loudness(media_built.path("podcast.mp3"))
    # other bytes are measured, not recalled
    other = media_built.root / "other.mp3"
    other.write_bytes(media_built.path("podcast.mp3").read_bytes()[:-4096])
    with pytest.raises(AssertionError, match="measured again"):
        measurements.recall(cache, "loudness", other, must_not_measure)


def test_the_show_notes_are_the_podcasts_comment_with_its_chapter_times_and_the_videos_description(media_built):
    notes = media_built.path("show_notes.md").read_text()
    first = read_model(media_built.media("01", "timings.json"), SceneTimings)
    assert notes.startswith(f"# {TITLE}") and "## Chapters" in notes
    # the podcast's chapter times (after the 1.5 s intro); the video's have no intro
    assert "- 0:00 Hashing inputs" in notes and f"- 0:{int(1.5 + first.duration):02d} The key" in notes
    description = media_built.path("description.txt").read_text()
    assert "0:00 Hashing inputs" in description and f"0:{int(first.duration):02d} The key" in description
    tags = {k.lower(): v for k, v in media.probe(media_built.path("podcast.mp3"))["format"]["tags"].items()}
    assert "Hashing inputs" in tags["comment"] and "The key" in tags["comment"] and "##" not in tags["comment"]
