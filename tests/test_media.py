"""showrunner.media (ffmpeg, ffprobe, espeak-ng) and showrunner.audio (sample arithmetic)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from showrunner import audio, media
from showrunner.config import Video
from showrunner.errors import MediaError, ToolMissing

SMALL = Video(height=180, fps=12, threads=2)


def test_a_missing_tool_names_itself_and_how_to_install_it(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ToolMissing) as err:
        media.require(media.FFMPEG, media.ESPEAK)
    message = str(err.value)
    assert "ffmpeg" in message and "espeak-ng" in message
    assert "sudo apt-get install ffmpeg espeak-ng" in message and "make demo" in message


def test_versions_are_recorded():
    assert media.version(media.FFMPEG).startswith("ffmpeg version")
    assert "eSpeak NG" in media.version(media.ESPEAK)


def test_a_version_is_asked_once_per_program_file(tmp_path, monkeypatch):
    """Kept across processes (jobs) by the program file: the same file is not started again, a replaced one is."""
    monkeypatch.setattr(media.tools.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    program = tmp_path / "bin" / "ffmpeg"
    program.parent.mkdir()
    calls = tmp_path / "calls"
    program.write_text(f"#!/bin/sh\necho run >> {calls}\necho 'ffmpeg version 1.0 Copyright (c) someone'\n")
    program.chmod(0o755)
    monkeypatch.setenv("PATH", f"{program.parent}:/usr/bin:/bin")
    media.version.cache_clear()
    try:
        assert media.version(media.FFMPEG) == "ffmpeg version 1.0"
        media.version.cache_clear()  # as in the next job's process
        assert media.version(media.FFMPEG) == "ffmpeg version 1.0"
        assert calls.read_text().count("run") == 1
        program.write_text(f"#!/bin/sh\necho run >> {calls}\necho 'ffmpeg version 1.1 Copyright (c) someone'\n")
        media.version.cache_clear()
        assert media.version(media.FFMPEG) == "ffmpeg version 1.1"  # upgraded: asked again
        assert calls.read_text().count("run") == 2
    finally:
        media.version.cache_clear()


def test_media_imports_no_numpy():
    """A job that only runs ffmpeg (final, scene_clip) or reads a WAV's length (show_notes) does not pay
    numpy's import (about 0.1 CPU s) by importing showrunner.media."""
    code = "import sys, showrunner.stage_job, showrunner.media, showrunner.captions; print('numpy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(("rate", "fps", "per_frame"), [(48000, 30, 1600), (24000, 12, 2000), (44100, 25, 1764)])
def test_whole_frames_when_a_frame_is_whole_samples(rate, fps, per_frame):
    assert audio.frame_quantum(rate, fps) == 1
    assert audio.whole_frames(1, rate, fps) == (1, per_frame)
    assert audio.whole_frames(per_frame, rate, fps) == (1, per_frame)
    assert audio.whole_frames(per_frame + 1, rate, fps) == (2, 2 * per_frame)


def test_whole_frames_rounds_up_to_exact_samples_when_a_frame_is_not():
    # 44100 Hz at 24 fps: a frame is 1837.5 samples, two frames are exactly 3675
    assert audio.frame_quantum(44100, 24) == 2
    frames, samples = audio.whole_frames(1, 44100, 24)
    assert (frames, samples) == (2, 3675)
    frames, samples = audio.whole_frames(10_000, 44100, 24)
    assert frames % 2 == 0 and samples == frames * 44100 // 24 and samples >= 10_000


def test_join_segments_pauses_by_speaker_and_pads_to_whole_frames():
    rate, fps = 24000, 12
    segments = [np.full(1000, 1000, np.int16), np.full(500, 1000, np.int16), np.full(700, 1000, np.int16)]
    voice, placed, frames = audio.join_segments(segments, ["ada", "ada", "ben"], sample_rate=rate, fps=fps,
                                                pause_between_segments_s=0.1, pause_between_speakers_s=0.5,
                                                tail_s=0.2)
    assert [(p.start, p.end) for p in placed] == [(0, 1000), (3400, 3900), (15900, 16600)]
    assert voice.size == frames * rate // fps and voice.size >= 16600 + 4800
    assert (frames - 1) * rate // fps < 16600 + 4800  # no more frames than needed
    assert not voice[1000:3400].any() and not voice[16600:].any()


def test_trim_silence_keeps_a_little_around_the_speech():
    rate = 24000
    samples = np.zeros(rate, np.int16)
    samples[10000:12000] = 5000
    trimmed = audio.trim_silence(samples, rate)
    keep = audio.samples_of(audio.EDGE_KEEP_S, rate)
    assert trimmed.size == 2000 + 2 * keep
    assert audio.trim_silence(np.zeros(100, np.int16), rate).size == 0


def test_the_bed_ducks_under_speech_and_comes_back_in_gaps():
    rate = 24000
    speech = np.zeros(rate * 6, np.int16)
    speech[rate * 2: rate * 3] = (8000 * np.sin(np.arange(rate) / 5)).astype(np.int16)
    gain = audio.duck_gain(speech, rate, duck_db=12)
    assert gain.size == speech.size
    low = 10 ** (-12 / 20)
    assert abs(gain[int(rate * 2.5)] - low) < 1e-3  # under speech
    assert gain[int(rate * 0.5)] == pytest.approx(1.0)  # long before it
    assert gain[int(rate * 5.5)] == pytest.approx(1.0)  # long after it
    assert gain[int(rate * 1.95)] < 0.6  # already going down just before speech starts


def test_wav_round_trip_is_exact_and_deterministic(tmp_path):
    samples = (np.arange(5000) % 300 - 150).astype(np.int16)
    media.write_wav(tmp_path / "a.wav", samples, 24000)
    media.write_wav(tmp_path / "b.wav", samples, 24000)
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    back, rate = media.read_wav(tmp_path / "a.wav")
    assert rate == 24000 and np.array_equal(back, samples)
    (tmp_path / "bad.wav").write_bytes(b"not a wav")
    with pytest.raises(MediaError, match="bad.wav"):
        media.read_wav(tmp_path / "bad.wav")


def test_decode_audio_resamples_every_blob_in_one_run():
    one = media.espeak("Hello.", "en-us+f3", speed=150)
    two = media.espeak("Hello there, again.", "en-gb+m3", speed=150)
    decoded = media.decode_audio([one, two], 24000)
    assert len(decoded) == 2 and all(d.dtype == np.int16 for d in decoded)
    assert decoded[1].size > decoded[0].size > 24000 // 4  # ~22050 Hz speech now at 24000 Hz


def test_a_clip_lasts_exactly_its_frames_and_clips_join_without_reencoding(tmp_path):
    from PIL import Image

    Image.new("RGB", SMALL.size, "#204060").save(tmp_path / "a.png")
    Image.new("RGB", SMALL.size, "#604020").save(tmp_path / "b.png")
    media.encode_clip(tmp_path / "a.png", tmp_path / "a.mp4", frames=17, video=SMALL)
    # b: longer than a 2 s still segment (24 frames at 12 fps): the segment twice, then its first 5 frames
    media.encode_clip(tmp_path / "b.png", tmp_path / "b.mp4", frames=53, video=SMALL)
    for name, frames in (("a.mp4", 17), ("b.mp4", 53)):
        decoded = media.decode_video(tmp_path / name)
        assert decoded.ok and decoded.frames == frames
        video = next(s for s in media.probe(tmp_path / name)["streams"] if s["codec_type"] == "video")
        assert (video["width"], video["height"], video["pix_fmt"]) == (320, 180, "yuv420p")
        assert float(video["duration"]) == pytest.approx(frames / 12, abs=1e-6)
    rate = 24000
    media.encode_soundtrack(np.zeros(70 * rate // 12, np.float32), rate, tmp_path / "soundtrack.m4a")
    media.mux_episode([tmp_path / "a.mp4", tmp_path / "b.mp4"], tmp_path / "soundtrack.m4a", tmp_path / "joined.mp4",
                      captions=None, subtitles="none", video=SMALL)
    info = media.probe(tmp_path / "joined.mp4")
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    assert int(video["nb_frames"]) == 70 and video["avg_frame_rate"] == "12/1"
    assert float(video["duration"]) == pytest.approx(70 / 12, abs=1e-6)  # no gap at the join
    assert [s["codec_type"] for s in info["streams"]] == ["video", "audio"]


def test_a_clips_stills_are_two_ffmpeg_runs_frame_exact_and_the_same_bytes_in_any_folder(tmp_path, monkeypatch):
    """One run encodes every still's chunk, one joins them: a still longer than its chunk (24 frames at 12 fps)
    repeats it and ends on its first frames, cut at a frame that is not a whole microsecond (5 / 12 s); a piece
    shorter than the one before it (9 after 24) once kept ffmpeg reading a looped picture for ever."""
    import subprocess

    from PIL import Image

    colours, frames = ["#c02020", "#20c020", "#2020c0", "#c0c020"], [17, 53, 30, 9]  # 17; 24 + 24 + 5; 24 + 6; 9
    runs = []
    real_run = media.tools.run
    monkeypatch.setattr(media.tools, "run", lambda cmd, **kw: runs.append(cmd) or real_run(cmd, **kw))
    clips = []
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        stills = []
        for n, (colour, count) in enumerate(zip(colours, frames, strict=True)):
            Image.new("RGB", SMALL.size, colour).save(tmp_path / folder / f"{n}.png")
            stills.append((tmp_path / folder / f"{n}.png", count, False))
        media.encode_stills(stills, tmp_path / folder / "clip.mp4", video=SMALL)
        clips.append((tmp_path / folder / "clip.mp4").read_bytes())
    assert len(runs) == 4 and clips[0] == clips[1]  # two ffmpeg runs a clip; the same bytes in either folder
    raw = subprocess.run([media.FFMPEG, "-v", "error", "-i", str(tmp_path / "one" / "clip.mp4"), "-vf", "scale=4:4",
                          "-f", "rawvideo", "-pix_fmt", "rgb24", "-"], capture_output=True, check=True).stdout
    mean = np.frombuffer(raw, np.uint8).reshape(-1, 16, 3).mean(axis=1)
    palette = np.array([[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in colours])
    shown = np.abs(mean[:, None, :] - palette[None, :, :]).sum(axis=2).argmin(axis=1)  # each frame's still
    assert shown.tolist() == [0] * 17 + [1] * 53 + [2] * 30 + [3] * 9
    video = next(s for s in media.probe(tmp_path / "one" / "clip.mp4")["streams"] if s["codec_type"] == "video")
    assert float(video["duration"]) == pytest.approx(109 / 12, abs=1e-6) and video["avg_frame_rate"] == "12/1"


def test_a_zoom_clip_has_its_frames_too(tmp_path):
    from PIL import Image

    zoom = SMALL.model_copy(update={"motion": "zoom"})
    Image.new("RGB", zoom.size, "#204060").save(tmp_path / "a.png")
    media.encode_clip(tmp_path / "a.png", tmp_path / "z.mp4", frames=13, video=zoom, zoom_in=False)
    assert media.decode_video(tmp_path / "z.mp4").frames == 13


def test_a_damaged_clip_does_not_decode_cleanly(tmp_path):
    from PIL import Image

    Image.effect_noise(SMALL.size, 60).convert("RGB").save(tmp_path / "a.png")
    media.encode_clip(tmp_path / "a.png", tmp_path / "a.mp4", frames=24, video=SMALL)
    data = bytearray((tmp_path / "a.mp4").read_bytes())
    start = data.find(b"mdat") + 200
    data[start:start + 2000] = bytes(range(256)) * 7 + bytes(208)
    (tmp_path / "a.mp4").write_bytes(bytes(data))
    assert not media.decode_video(tmp_path / "a.mp4").ok


def test_ffmetadata_escapes_and_lists_chapters():
    text = media.ffmetadata({"title": "A=B; #1"}, [media.Chapter(0, 1.5, "One\\two"), media.Chapter(1.5, 3, "Two")])
    assert text.startswith(";FFMETADATA1\n")
    assert "title=A\\=B\\; \\#1" in text
    assert "[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=One\\\\two" in text
    assert text.count("[CHAPTER]") == 2


def test_a_failed_ffmpeg_run_says_what_it_was_doing(tmp_path):
    with pytest.raises(MediaError, match="convert the test file"):
        media.decode_file(tmp_path / "missing.mp3", 24000, what="convert the test file")


def test_master_reaches_the_loudness_under_the_limiter_and_keeps_every_sample():
    rate = 24000
    t = np.arange(6 * rate) / rate
    # speech-like: quiet tone bursts with sharp peaks, far from -16 LUFS
    signal = (0.05 * np.sin(2 * np.pi * 220 * t) * (np.sin(2 * np.pi * 1.5 * t) > 0)).astype(np.float32)
    signal[:: rate // 4] = 0.6
    out, levels = media.master(signal, rate, lufs=-16.0, limit=10 ** (-3 / 20), what="test")
    assert out.dtype == np.float32 and out.size == signal.size
    measured = media.loudness_of(media.pcm_input(rate), stdin=out.astype("<f4").tobytes(), what="measure")
    assert measured["integrated"] == pytest.approx(-16.0, abs=0.2)
    peak_db = 20 * np.log10(np.abs(out).max())
    assert peak_db <= -3 + levels["residual_db"] + 0.1  # the limiter held the peaks; the residual moved them
    assert abs(levels["residual_db"]) <= media.RESIDUAL_AFTER_LIMIT_DB or len(levels["limited"]) == 2
    assert levels["mix"]["integrated"] < -25 and levels["gain_db"] > 9
