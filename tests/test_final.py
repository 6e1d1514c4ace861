"""final.mp4: clips and one AAC soundtrack joined without re-encoding, captions; the soundtrack; music."""

from __future__ import annotations

import numpy as np
import pytest

from showrunner import audio, episode_audio, media, music
from showrunner.artifacts import SceneTimings
from showrunner.errors import ArtifactError
from showrunner.files import read_model
from tests.media_episode import media_config


def _streams(path) -> dict[str, dict]:
    return {s["codec_type"]: s for s in media.probe(path)["streams"]}


def test_final_has_h264_aac_and_soft_captions_that_agree_in_length(media_built):
    episode = media_built
    streams = _streams(episode.path("final.mp4"))
    video, sound, subs = streams["video"], streams["audio"], streams["subtitle"]
    assert (video["codec_name"], video["pix_fmt"], video["width"], video["height"]) == ("h264", "yuv420p", 320, 180)
    assert video["avg_frame_rate"] == "12/1" and sound["codec_name"] == "aac"
    assert subs["codec_name"] == "mov_text" and subs["tags"]["language"] == "eng"
    frames = sum(read_model(p, SceneTimings).frames for p in episode.each("timings.json"))
    assert int(video["nb_frames"]) == frames
    assert float(video["duration"]) == pytest.approx(frames / 12, abs=1e-6)
    assert abs(float(video["duration"]) - float(sound["duration"])) < 0.1  # within 100 ms
    data = episode.path("final.mp4").read_bytes()
    assert data.find(b"moov") < data.find(b"mdat")  # +faststart


def test_the_narration_is_every_voice_in_order_in_whole_frames(media_built):
    narration = episode_audio.narration(media_built.each("voice.wav"), media_built.each("timings.json"), 24000)
    voices = [media.read_wav(p)[0] for p in media_built.each("voice.wav")]
    assert np.array_equal(narration, np.concatenate(voices))
    assert narration.size * 12 % 24000 == 0  # whole frames


def test_a_voice_that_disagrees_with_its_timings_is_refused(media_built, tmp_path):
    voices = media_built.each("voice.wav")
    short = tmp_path / "short.wav"
    media.write_wav(short, media.read_wav(voices[1])[0][:-100], 24000)
    with pytest.raises(ArtifactError, match="short.wav: .* samples, but .*02/timings.json says"):
        episode_audio.narration([voices[0], short, *voices[2:]], media_built.each("timings.json"), 24000)


def test_final_takes_the_soundtrack_as_it_is(media_built):
    """The AAC stream in final.mp4 is soundtrack.m4a's, packet for packet: muxed, not re-encoded."""
    def packets(path):
        return media.ffmpeg(["-i", path, "-map", "0:a:0", "-c", "copy", "-f", "md5", "-"], what="hash").stdout
    assert packets(media_built.path("final.mp4")) == packets(media_built.path("soundtrack.m4a"))


def test_the_soundtrack_is_mastered_to_the_video_loudness(media_built):
    measured = media.loudness(media_built.path("soundtrack.m4a"))
    assert measured["integrated"] == pytest.approx(-16.0, abs=0.5)
    assert measured["true_peak"] <= -0.5


def test_final_is_byte_identical_when_built_again(media_built, tmp_path):
    again = tmp_path / "again.mp4"
    media_built.run("final", video=again)
    assert again.read_bytes() == media_built.path("final.mp4").read_bytes()


@pytest.mark.parametrize(("subtitles", "kinds"), [("none", ["video", "audio"]), ("burned", ["video", "audio"])])
def test_captions_can_be_left_out_or_burned_in(media_built, tmp_path, subtitles, kinds):
    raw = media_config(video={"subtitles": subtitles})
    episode = media_built
    original = episode.raw
    episode.raw = raw
    try:
        out = tmp_path / f"{subtitles}.mp4"
        episode.run("final", video=out)
    finally:
        episode.raw = original
    info = media.probe(out)
    assert [s["codec_type"] for s in info["streams"]] == kinds
    if subtitles == "burned":  # re-encoded with the captions in the picture: it differs from the soft one
        plain = media.decode_video(out)
        assert plain.ok and plain.frames == int(_streams(episode.path("final.mp4"))["video"]["nb_frames"])


def test_the_bed_is_ducked_under_the_speech(media_built):
    rate = 24000
    narration = episode_audio.narration(media_built.each("voice.wav"), media_built.each("timings.json"), rate)
    bed, _ = media.read_wav(media_built.path("music/bed.wav"))
    mix = audio.mix_under(narration, bed, rate, bed_gain_db=-20, duck_db=12)
    music_only = mix - audio.to_float(narration)
    timings = read_model(media_built.media("01", "timings.json"), SceneTimings)
    segment = timings.segments[1]
    during = music_only[round((segment.start + 0.5) * rate): round((segment.end - 0.5) * rate)]
    full = audio.fit_length(audio.to_float(bed), narration.size) * 10 ** (-20 / 20)
    reference = full[round((segment.start + 0.5) * rate): round((segment.end - 0.5) * rate)]
    ratio_db = 20 * np.log10(np.sqrt(np.mean(during ** 2)) / np.sqrt(np.mean(reference ** 2)))
    assert ratio_db == pytest.approx(-12, abs=0.5)


def test_the_generated_music_is_deterministic_and_loops(tmp_path):
    one, two = music.generate_bed(24000, 7), music.generate_bed(24000, 7)
    assert np.array_equal(one, two) and not np.array_equal(one, music.generate_bed(24000, 8))
    assert one.size == 16 * 24000
    seam = abs(float(one[0]) - float(one[-1]))  # the loop wraps smoothly
    assert seam < 0.05


def test_music_stage_writes_bed_and_stings_or_converts_the_users_bed(media_episode):
    episode = media_episode()
    episode.run("music")
    bed, rate = media.read_wav(episode.path("music/bed.wav"))
    intro, _ = media.read_wav(episode.path("music/intro.wav"))
    assert rate == 24000 and bed.size == 16 * rate and intro.size == int(1.5 * rate)
    rms = 20 * np.log10(np.sqrt(np.mean(audio.to_float(bed) ** 2)))
    assert rms == pytest.approx(music.BED_RMS_DBFS, abs=0.5)
    # a user's own bed: any file ffmpeg reads, converted and levelled the same way
    subprocess_tone = episode.root / "mine.mp3"
    media.ffmpeg(["-f", "lavfi", "-i", "sine=frequency=330:duration=3:sample_rate=44100", "-ac", "2",
                  subprocess_tone], what="make a test tone")
    raw = media_config(audio={"music": {"bed": "mine.mp3"}})
    episode.raw = raw
    episode.run("music")
    mine, rate = media.read_wav(episode.path("music/bed.wav"))
    assert rate == 24000 and abs(mine.size - 3 * rate) < 2000
    rms = 20 * np.log10(np.sqrt(np.mean(audio.to_float(mine) ** 2)))
    assert rms == pytest.approx(music.BED_RMS_DBFS, abs=0.5)


def test_a_zoom_episode_joins_as_exactly_as_a_still_one(media_built, tmp_path):
    import shutil

    from tests.media_episode import MediaEpisode

    episode = MediaEpisode.__new__(MediaEpisode)
    episode.root, episode.slug, episode.scenes = tmp_path / "zoom", media_built.slug, media_built.scenes
    shutil.copytree(media_built.root, episode.root)
    episode.raw = media_config(video={"motion": "zoom"})
    for name in episode.names:
        episode.run("scene_clip", name)
    episode.run("final")
    video = _streams(episode.path("final.mp4"))["video"]
    frames = sum(read_model(p, SceneTimings).frames for p in episode.each("timings.json"))
    assert int(video["nb_frames"]) == frames and video["avg_frame_rate"] == "12/1"
    assert media.decode_video(episode.path("final.mp4")).frames == frames
