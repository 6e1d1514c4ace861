import pytest

from showrunner.checks import check_sources
from showrunner.config import load_config
from showrunner.errors import ConfigError
from showrunner.reads import stage_reads
from showrunner.workflow import default_targets, stage_settings
from tests.project import REPO, small_config
from tests.workflow_rules import workflow_rules


def test_valid_config_resolves_episode_with_overrides():
    raw = small_config(overrides={"video": {"fps": 24}, "writing": {"words_per_minute": 120}})
    config = load_config(raw)
    episode = config.episode("tea")
    assert episode.video.fps == 24 and config.video.fps == 10
    assert episode.target_words == 60  # 0.5 minutes x 120 wpm
    assert episode.approval == "required"


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda c: c["video"].update(fps="fast"), "config.yaml: video.fps:"),
        (lambda c: c["show"].update(colour="red"), "config.yaml: show.colour: Extra inputs are not permitted"),
        (lambda c: c["show"]["hosts"][1].update(id="ada"), "host ids must be unique"),
        (lambda c: c["episodes"].update({"../evil": {"topic": "x"}}), "episode slug '../evil' is not allowed"),
        (lambda c: c["episodes"].update({"show": {"topic": "x"}}), "reserved"),
        (lambda c: c["episodes"]["tea"].update(sources=[], topic=None), "episodes.tea: an episode needs"),
        (lambda c: c["episodes"]["tea"].update(overrides={"vidoe": {}}), "episodes.tea.overrides: unknown section"),
        (lambda c: c["episodes"]["tea"].update(overrides={"video": {"fps": 0}}),
         "episodes.tea.overrides.video.fps"),
        (lambda c: c.update(approval="sometimes"), "config.yaml: approval:"),
        (lambda c: c["video"].update(preset="warp"), "config.yaml: video.preset: Input should be 'ultrafast'"),
        (lambda c: c["audio"].update(podcast_bitrate="loud"), "config.yaml: audio.podcast_bitrate: String should"),
        (lambda c: c.update(acceptance={"caption_max_chars": 0}), "config.yaml: acceptance.caption_max_chars:"),
        (lambda c: c.update(prices={"openai:m": {"per_image": -1}}), "config.yaml: prices.openai:m.per_image:"),
        (lambda c: c["show"]["hosts"][0].update(voice=""), "config.yaml: show.hosts[0].voice:"),
    ],
)
def test_bad_config_names_the_key_path(mutate, expected):
    raw = small_config()
    mutate(raw)
    with pytest.raises(ConfigError) as err:
        load_config(raw)
    assert expected in str(err.value)


def test_openai_voices_are_checked_only_against_openai_itself():
    from showrunner.config import ProviderSettings
    from showrunner.providers.speech.openai_tts import OpenAISpeech

    hosted = ProviderSettings(name="openai", model="tts-1")
    assert OpenAISpeech.check_voice(hosted, "nova", REPO) is None
    assert "OpenAI has no voice 'en-us+f3'" in OpenAISpeech.check_voice(hosted, "en-us+f3", REPO)
    local = ProviderSettings(name="openai", model="kokoro", base_url="http://127.0.0.1:8880/v1")
    assert OpenAISpeech.check_voice(local, "af_bella", REPO) is None


def test_video_size_follows_aspect():
    for aspect, size in {"16:9": (1920, 1080), "9:16": (1080, 1920), "1:1": (1080, 1080)}.items():
        raw = small_config()
        raw["video"] = {"aspect": aspect, "height": 1080}
        assert load_config(raw).video.size == size


def test_sources_are_checked_before_any_job(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "empty.md").write_text("")
    (tmp_path / "sources" / "notes.docx").write_text("x")
    raw = small_config(sources=["sources/missing.md", "sources/empty.md", "sources/notes.docx", "../x.md"])
    with pytest.raises(ConfigError) as err:
        check_sources(load_config(raw), tmp_path)
    message = str(err.value)
    assert "episodes.tea.sources[0]: sources/missing.md: file not found" in message
    assert "episodes.tea.sources[1]: sources/empty.md: file is empty" in message
    assert "episodes.tea.sources[2]: sources/notes.docx: unsupported kind '.docx'" in message
    assert "episodes.tea.sources[3]" in message


def test_stage_settings_hold_only_what_the_stage_reads():
    config = load_config(small_config())
    clip = stage_settings(config, "tea", "scene_clip")
    assert set(clip) == set(stage_reads("scene_clip")) and clip["video.fps"] == 10
    changed = load_config(small_config(overrides={"audio": {"sample_rate": 16000}}))
    assert stage_settings(changed, "tea", "scene_clip") == clip  # audio does not touch clips
    assert stage_settings(changed, "tea", "scene_voice") != stage_settings(config, "tea", "scene_voice")


def test_default_targets_stop_unapproved_episodes_at_the_outline(tmp_path):
    config = load_config(small_config())
    assert default_targets(config, tmp_path, workflow_rules()) == ["results/tea/outline.md"]
    auto = load_config(small_config(approval="auto"))
    assert "results/tea/final.mp4" in default_targets(auto, tmp_path, workflow_rules())


def test_call_policy_is_not_a_rerun_trigger():
    base = stage_settings(load_config(small_config()), "tea", "outline")
    patient = small_config()
    patient["providers"] = {"language": {"name": "extractive", "timeout_s": 300, "max_attempts": 6}}
    assert stage_settings(load_config(patient), "tea", "outline") == base
    hotter = small_config()
    hotter["providers"] = {"language": {"name": "extractive", "temperature": 0.9}}
    assert stage_settings(load_config(hotter), "tea", "outline") != base


def test_topic_only_episode_with_the_offline_writer_is_refused_before_any_job(tmp_path):
    raw = small_config()
    raw["episodes"]["sky"] = {"topic": "Why the sky is blue"}
    with pytest.raises(ConfigError) as err:
        check_sources(load_config(raw), tmp_path / "nowhere")
    assert "episodes.sky.topic: a topic-only episode needs a language model" in str(err.value)
    raw["episodes"]["sky"]["overrides"] = {"providers": {"language": {"name": "openai", "model": "m"}}}
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "tea.md").write_text("# Tea\n\nTea cools.\n")
    check_sources(load_config(raw), tmp_path)
