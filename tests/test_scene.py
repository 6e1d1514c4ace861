"""Per scene: the slide (scene_image), the voice with its timings (scene_voice), the clip (scene_clip)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from PIL import Image, ImageFont

from showrunner import media
from showrunner.artifacts import Beat, Scene, SceneTimings, Segment
from showrunner.config import Style, load_config
from showrunner.errors import ArtifactError
from showrunner.files import read_json, read_model, sha256_bytes
from showrunner.providers import provider_for
from showrunner.providers.base import SpeechRequest
from showrunner.providers.calls import ModelCalls
from showrunner.providers.speech import espeak
from tests.media_episode import media_config

STYLE = Style()


def _scene(**fields) -> Scene:
    base = {"index": 1, "section_id": "s1", "title": "A title", "estimated_seconds": 5,
            "segments": [Segment(id="seg1", speaker="ada", text="Hello.", section_id="s1")]}
    return Scene(**(base | fields))


def _ink_box(image: Image.Image) -> tuple[int, int, int, int]:
    """The bounding box of everything that is not background."""
    background = Image.new("RGB", image.size, STYLE.background)
    from PIL import ImageChops

    return ImageChops.difference(image.convert("RGB"), background).getbbox()


@pytest.mark.parametrize("aspect", ["16:9", "9:16", "1:1"])
def test_slides_come_at_the_configured_size_for_every_aspect(media_episode, aspect):
    episode = media_episode(media_config(video={"aspect": aspect, "height": 180}))
    episode.run("scene_image", "01")
    config = load_config(episode.raw)
    with Image.open(episode.media("01", "image.png")) as image:
        assert image.format == "PNG" and image.size == config.episode("ep1").video.size
    provenance = read_json(episode.media("01", "image.provenance.json"))
    assert provenance["provider"] == "slides" and provenance["parameters"]["beats"] >= 1
    listed = read_json(episode.media("01", "beats/beats.json"))["beats"]
    for beat in listed:  # every beat's still at the frame size, its text measured
        with Image.open(episode.media("01", f"beats/{beat['file']}")) as image:
            assert image.size == config.episode("ep1").video.size
        assert beat["smallest_text"] >= 0.025 and beat["lowest_contrast"] >= 4.5


@pytest.mark.parametrize("size", [(1920, 1080), (1080, 1920), (320, 180)])
def test_long_text_shrinks_and_wraps_and_is_never_cut_off(size, tmp_path):
    from showrunner.screen import draw, themes

    long_words = "a build cache remembers everything that went into every output " * 12
    heading = "An extraordinarily long title that goes on and on about build caches and hashes " * 3
    code = "\n".join(f"    value_{i} = compute(inputs[{i}], flags='-O2 -g -fno-omit-frame-pointer')" for i in range(30))
    pal = themes.palette("dark")
    fonts = draw.Fonts(STYLE.font, STYLE.font_bold, STYLE.font_mono)
    margin = round(min(size) * draw.MARGIN)
    for beat in (Beat(kind="points", segment_id="seg1", heading=heading,
                      points=[long_words, "Supercalifragilisticexpialidocious" * 6, "short"]),
                 Beat(kind="code", segment_id="seg1", heading=heading, text=code, label="python",
                      highlight=[12, 13], points=[long_words]),
                 Beat(kind="quote", segment_id="seg1", heading=heading, text=long_words, label=heading)):
        image, measured = draw.draw_beat(beat, size, pal, fonts, show="Plain Circuits", host="Ada", root=tmp_path)
        left, top, right, bottom = _ink_box(image)
        # everything drawn stays inside the margins (nothing runs off the picture), and stays readable
        assert left >= margin - 1 and top >= margin - 1, beat.kind
        assert right <= size[0] - margin + 1 and bottom <= size[1] - margin + 1, beat.kind
        assert measured.smallest_fraction >= 0.025, beat.kind


def test_wrapping_keeps_every_word_and_every_line_fits():
    from showrunner.screen.draw import wrap

    font = ImageFont.truetype(STYLE.font, 40)
    text = "Content hashes ask what changed, not when: Supercalifragilisticexpialidocious indeed."
    lines = wrap(text, font, 300)
    assert all(font.getlength(line) <= 300 for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())


def test_beats_are_identical_for_the_same_scene(tmp_path):
    from showrunner.screen import draw, themes

    pal, fonts = themes.palette("light"), draw.Fonts(STYLE.font, STYLE.font_bold, STYLE.font_mono)
    beat = Beat(kind="code", segment_id="seg1", heading="A title", text="print('hi')", label="python",
                points=["one"])

    def png(b: Beat) -> bytes:
        return draw.png_bytes(draw.draw_beat(b, (320, 180), pal, fonts, show="Show", host="Ada", root=tmp_path)[0])

    first = png(beat)
    assert first == png(beat)
    assert first != png(beat.model_copy(update={"heading": "Other"}))


def test_espeak_gives_each_host_a_distinct_voice_through_the_call_cache(tmp_path):
    config = load_config(media_config(cache={"dir": str(tmp_path / "cache")}))
    episode = config.episode("ep1")
    calls = ModelCalls(episode, "scene_voice", tmp_path)
    speech = provider_for("speech", episode, calls)
    assert isinstance(speech, espeak.EspeakSpeech)
    ada = speech.speak(SpeechRequest("The same words.", "en-us+f3"))
    ben = speech.speak(SpeechRequest("The same words.", "en-gb+m3"))
    assert ada[:4] == b"RIFF" and ada != ben
    again = speech.speak(SpeechRequest("The same words.", "en-us+f3"))
    assert again == ada
    assert [r.cached for r in calls.records] == [False, False, True]
    assert espeak.VERSION == sha256_bytes(open(espeak.__file__, "rb").read())


def test_scene_voice_is_a_whole_number_of_frames_with_measured_timings(media_built):
    episode = media_built
    config = load_config(episode.raw).episode("ep1")
    for name, scene in zip(episode.names, episode.scenes, strict=True):
        timings = read_model(episode.media(name, "timings.json"), SceneTimings)
        samples, rate = media.read_wav(episode.media(name, "voice.wav"))
        assert rate == timings.sample_rate == config.audio.sample_rate
        assert samples.size == timings.samples == timings.frames * rate // timings.fps
        assert timings.samples * timings.fps % rate == 0  # exactly whole frames
        assert [measured.segment_id for measured in timings.segments] == [s.id for s in scene.segments]
        previous_end = 0.0
        for measured, segment in zip(timings.segments, scene.segments, strict=True):
            assert previous_end <= measured.start < measured.end <= timings.duration
            a, b = round(measured.start * rate), round(measured.end * rate)
            assert np.abs(samples[a:b].astype(int)).max() > 1000  # speech where the timings say
            previous_end = measured.end
            assert measured.speaker == segment.speaker
        tail = samples[round(timings.segments[-1].end * rate):]
        assert tail.size >= config.audio.scene_tail_s * rate and not tail.any()
    provenance = read_json(episode.media("01", "voice.provenance.json"))
    assert set(provenance["tools"]) == {"ffmpeg", "espeak-ng"}
    assert provenance["parameters"]["voices"] == {"ada": "en-us+f3", "ben": "en-gb+m3"}


def test_the_pause_is_longer_when_the_speaker_changes(media_built):
    timings = read_model(media_built.media("02", "timings.json"), SceneTimings)
    same = timings.segments[1].start - timings.segments[0].end  # ben, ben
    change = timings.segments[2].start - timings.segments[1].end  # ben, ada
    assert same == pytest.approx(0.35, abs=1e-4) and change == pytest.approx(0.5, abs=1e-4)


def test_scene_clip_lasts_exactly_the_scene(media_built):
    for name in media_built.names:
        timings = read_model(media_built.media(name, "timings.json"), SceneTimings)
        decoded = media.decode_video(media_built.media(name, "clip.mp4"))
        assert decoded.ok and decoded.frames == timings.frames
        info = media.probe(media_built.media(name, "clip.mp4"))
        assert [s["codec_type"] for s in info["streams"]] == ["video"]  # video only
        assert float(info["streams"][0]["duration"]) == pytest.approx(timings.duration, abs=1e-6)


def test_a_segment_by_an_unknown_host_is_named(media_episode):
    scene = _scene(segments=[Segment(id="seg1", speaker="zed", text="Hi.", section_id="s1")])
    episode = media_episode(scenes=[scene])
    with pytest.raises(ArtifactError, match=r"01\.json: segments\.0\.speaker: 'zed'"):
        episode.run("scene_voice", "01")


def test_scene_image_checks_what_the_provider_returned():
    from showrunner.errors import ProviderError
    from showrunner.providers.image.picture import check_png

    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="PNG")
    check_png(out.getvalue(), (10, 10), "slides")
    with pytest.raises(ProviderError, match="not a PNG of 20x10"):
        check_png(out.getvalue(), (20, 10), "slides")
    with pytest.raises(ProviderError, match="not an image"):
        check_png(b"nope", (10, 10), "slides")


def test_the_voice_cache_is_keyed_by_the_text(media_episode):
    episode = media_episode()
    episode.run("scene_voice", "03")
    first = read_json(episode.media("03", "voice.provenance.json"))["calls"]
    episode.run("scene_voice", "03")
    second = read_json(episode.media("03", "voice.provenance.json"))["calls"]
    assert [c["cached"] for c in first] == [False] and [c["cached"] for c in second] == [True]
    data = json.loads(episode.path("scenes/03.json").read_text())
    data["segments"][0]["text"] = "Thanks for watching."
    episode.path("scenes/03.json").write_text(json.dumps(data))
    episode.run("scene_voice", "03")
    assert [c["cached"] for c in read_json(episode.media("03", "voice.provenance.json"))["calls"]] == [False]
