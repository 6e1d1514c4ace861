"""The real providers (OpenAI-compatible language, speech and image; edge, piper, diffusers) against a fake server."""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import shutil
import wave
from pathlib import Path

import pytest
from PIL import Image

from showrunner.artifacts import Block, Brief, BriefHost, Critique, Outline, Research, Scene, Script, SourceDocument
from showrunner.config import load_config
from showrunner.errors import ConfigError, ProviderError
from showrunner.providers import REGISTRY, provider_for
from showrunner.providers.base import SpeechRequest
from showrunner.providers.calls import ModelCalls
from showrunner.providers.image.diffusers_local import generation_size
from showrunner.providers.image.openai_images import api_size
from showrunner.providers.language.openai_chat import OpenAILanguage
from showrunner.providers.language.tasks import OUTLINE, RESEARCH, SCRIPT_CRITIC, SCRIPT_WRITER, STORYBOARD
from showrunner.providers.speech.openai_tts import fix_wav_sizes
from tests.fake_openai import KEY, KEY_ENV, FakeOpenAI, raw_config, streamed_wav
from tests.project import Project

REPO = Path(__file__).resolve().parent.parent
CHAT = "/v1/chat/completions"


pytestmark = pytest.mark.usefixtures("api_key")


def episode_for(server, tmp_path, **kw):
    return load_config(raw_config(server.url, str(tmp_path / "cache"), **kw)).episode("ep")


def provider(kind: str, server, tmp_path, stage: str = "research", **kw):
    episode = episode_for(server, tmp_path, **kw)
    return provider_for(kind, episode, ModelCalls(episode, stage, tmp_path))


def brief(sources: bool = False) -> Brief:
    docs = []
    if sources:
        docs = [SourceDocument(path="sources/ep/caches.md", format="markdown", title="Caches", sha256="0" * 64,
                               blocks=[Block(kind="paragraph", text="A cache stores answers.", location="line 1")])]
    return Brief(slug="ep", title="How caches work", topic=None if sources else "How caches work",
                 show_name="Test Show", hosts=[BriefHost(id="ada", name="Ada"), BriefHost(id="ben", name="Ben")],
                 target_minutes=1, target_words=150, sources=docs)


def research_fixture() -> Research:
    return Research.model_validate({"slug": "ep", "facts": [
        {"id": f"f{i}", "text": f"fact {i}", "section": "s", "source": None} for i in (1, 2, 3)]})


def outline_fixture() -> Outline:
    return Outline.model_validate({"slug": "ep", "title": "How caches work", "sections": [
        {"id": "s1", "title": "Why cache", "key_points": ["waste"]},
        {"id": "s2", "title": "Keys", "key_points": ["whole request"]}]})


def script_fixture() -> Script:
    return Script.model_validate({"slug": "ep", "title": "How caches work", "segments": [
        {"id": "seg1", "speaker": "ada", "text": "Why do we cache at all?", "section_id": "s1"},
        {"id": "seg2", "speaker": "ben", "text": "Because repeated work is a waste.", "section_id": "s1"},
        {"id": "seg3", "speaker": "ada", "text": "What goes into the key?", "section_id": "s2"},
        {"id": "seg4", "speaker": "ben", "text": "Everything the answer depends on.", "section_id": "s2"}]})


# --- the language model: every task -------------------------------------------------------


def test_registry_names_every_real_provider():
    assert REGISTRY["language"]["openai"].endswith("openai_chat:OpenAILanguage")
    for kind, name in (("speech", "openai"), ("speech", "edge"), ("speech", "piper"), ("image", "openai"),
                       ("image", "diffusers")):
        module, cls = REGISTRY[kind][name].split(":")
        assert hasattr(importlib.import_module(module), cls)


def test_topic_only_research_gives_unsourced_facts(server, tmp_path):
    language = provider("language", server, tmp_path)
    assert isinstance(language, OpenAILanguage)
    research = language.write(RESEARCH, "Research the topic: how caches work.", brief=brief())
    assert [f.id for f in research.facts] == ["f1", "f2", "f3"]
    assert all(f.source is None and f.sourced is False for f in research.facts)
    Research.model_validate(research.model_dump())
    sent = server.bodies()[0]
    assert sent["messages"][0]["role"] == "system" and sent["messages"][1]["content"].startswith("Research the topic")
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["name"] == "research_reply"
    assert sent["response_format"]["json_schema"]["schema"]["properties"]["facts"]
    assert (sent["model"], sent["temperature"], sent["seed"], sent["max_tokens"]) == ("gpt-test", 0.2, 7, 1000)


def test_research_from_sources_keeps_only_real_sources(server, tmp_path):
    server.reply({"facts": [
        {"text": "A cache stores answers.", "section": "Basics", "source": "caches.md", "location": "line 1"},
        {"text": "Invented.", "section": "Basics", "source": "https://example.com", "location": "p. 4"},
        {"id": "f77", "text": "A third.", "section": "", "source": "Caches"}]})
    research = provider("language", server, tmp_path).write(RESEARCH, "prompt", brief=brief(sources=True))
    first, invented, third = research.facts
    assert (first.source, first.location, first.sourced) == ("sources/ep/caches.md", "line 1", True)
    assert (invented.source, invented.location, invented.sourced) == (None, None, False)
    assert third.id == "f3" and third.source == "sources/ep/caches.md" and third.section == "How caches work"


def test_outline_script_critique_storyboard(server, tmp_path):
    language = provider("language", server, tmp_path, stage="outline")
    research = research_fixture()
    outline = language.write(OUTLINE, "Outline it.", brief=brief(), research=research,
                             feedback=["More examples, please."])
    assert isinstance(outline, Outline) and [s.id for s in outline.sections] == ["s1", "s2"]
    assert outline.sections[0].fact_ids == ["f1"]  # f99 is not a research fact: dropped
    assert outline.feedback == ["More examples, please."] and outline.slug == "ep"
    assert "f1: fact 1" in server.bodies()[-1]["messages"][0]["content"]  # the prompt did not name the facts
    language.write(OUTLINE, "Facts: f1 one, f2 two, f3 three.", brief=brief(), research=research, feedback=[])
    assert "f1: fact 1" not in server.bodies()[-1]["messages"][0]["content"]  # it did: no need to repeat them

    script = language.write(SCRIPT_WRITER, "Write it.", brief=brief(), outline=outline, research=research)
    assert isinstance(script, Script) and [s.id for s in script.segments] == ["seg1", "seg2", "seg3", "seg4"]
    assert [s.speaker for s in script.segments] == ["ada", "ben", "ada", "ben"]  # "Ada" mapped to its id

    critique = language.write(SCRIPT_CRITIC, "Critique it.", brief=brief(), outline=outline, script=script)
    assert isinstance(critique, Critique) and critique.score == 72 and critique.reasons

    revised = language.write(SCRIPT_WRITER, "Revise it.", brief=brief(), outline=outline, research=research,
                             previous=script, critique=critique)
    assert isinstance(revised, Script)
    system = server.bodies()[-1]["messages"][0]["content"]
    assert "revise" in system and "second section needs an example" in system

    scenes = language.write(STORYBOARD, "Storyboard it.", brief=brief(), outline=outline, research=research,
                            script=script, words_per_minute=150, style={})
    assert [s.index for s in scenes] == [1, 2] and all(isinstance(s, Scene) for s in scenes)
    assert [seg.id for seg in scenes[0].segments] == ["seg1", "seg2"] and scenes[0].section_id == "s1"
    assert scenes[1].visual_prompt == "" and scenes[0].estimated_seconds > 0
    names = [b["response_format"]["json_schema"]["name"] for b in server.bodies()]
    assert names == ["outline_reply", "outline_reply", "script_reply", "critique_reply", "script_reply",
                     "storyboard_reply"]


def test_invalid_json_is_asked_again_with_the_error(server, tmp_path):
    server.reply("Sure! Here are some facts: caches are great.")
    research = provider("language", server, tmp_path).write(RESEARCH, "prompt", brief=brief())
    assert len(research.facts) == 3
    assert server.count(CHAT) == 2
    again = server.bodies()[1]["messages"]
    assert again[2] == {"role": "assistant", "content": "Sure! Here are some facts: caches are great."}
    assert again[3]["role"] == "user" and "not valid JSON" in again[3]["content"]


def test_wrong_schema_and_broken_rules_are_asked_again(server, tmp_path):
    server.reply({"facts": [{"statement": "no text field"}]})
    provider("language", server, tmp_path).write(RESEARCH, "prompt", brief=brief())
    assert "facts.0.text" in server.bodies()[1]["messages"][3]["content"]

    server.reply({"segments": [{"speaker": "carol", "text": "Hi.", "section_id": "s1"}]})
    script = provider("language", server, tmp_path, stage="script").write(
        SCRIPT_WRITER, "Write it.", brief=brief(), outline=outline_fixture(), research=research_fixture())
    assert script.segments[0].speaker in ("ada", "ben")
    assert "'carol' is not a host; use one of ada, ben" in server.bodies()[-1]["messages"][3]["content"]

    server.reply({"scenes": [{"title": "All", "segment_ids": ["seg1", "seg3"]}]})
    provider("language", server, tmp_path, stage="storyboard").write(
        STORYBOARD, "Storyboard it.", brief=brief(), outline=outline_fixture(), research=research_fixture(),
        script=script_fixture(), words_per_minute=150, style={})
    assert "missing seg2, seg4" in server.bodies()[-1]["messages"][3]["content"]


def test_gives_up_after_max_reasks_with_reply_and_error_logged(server, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    server.reply("```json\n{\"facts\": []}\n```", times=3)
    with pytest.raises(ProviderError, match=r"no usable research_reply after 3 attempt\(s\)") as err:
        provider("language", server, tmp_path, language={"max_reasks": 2}).write(RESEARCH, "prompt", brief=brief())
    assert "facts" in str(err.value)
    assert server.count(CHAT) == 3
    assert caplog.text.count('{"facts": []}') >= 3 and "List should have at least 1 item" in caplog.text


def test_a_rejected_reply_is_not_cached_a_good_one_is(server, tmp_path):
    server.reply("nonsense")
    language = provider("language", server, tmp_path)
    language.write(RESEARCH, "prompt", brief=brief())
    assert server.count(CHAT) == 2
    # rerun: the nonsense is asked again
    provider("language", server, tmp_path).write(RESEARCH, "prompt", brief=brief())
    assert server.count(CHAT) == 3  # ... the default reply is valid: no re-ask, and it is now cached
    provider("language", server, tmp_path).write(RESEARCH, "prompt", brief=brief())
    assert server.count(CHAT) == 3


def test_json_object_mode_and_token_param(server, tmp_path):
    language = provider("language", server, tmp_path, language={
        "options": {"response_format": "json_object", "token_limit_param": "max_completion_tokens"}})
    server.reply({"score": 90, "reasons": []})
    language.write(SCRIPT_CRITIC, "Critique it.", brief=brief(), outline=outline_fixture(), script=script_fixture())
    sent = server.bodies()[0]
    assert sent["response_format"] == {"type": "json_object"}
    assert sent["max_completion_tokens"] == 1000 and "max_tokens" not in sent
    assert "score" in sent["messages"][0]["content"]  # the schema travels in the system message


def test_missing_model_or_key_is_a_config_error(server, tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match="providers.language.model"):
        provider("language", server, tmp_path, language={"model": None})
    monkeypatch.delenv(KEY_ENV)
    with pytest.raises(ConfigError, match=f"environment variable {KEY_ENV} is not set"):
        provider("language", server, tmp_path).write(RESEARCH, "prompt", brief=brief())
    with pytest.raises(ConfigError, match="providers.language.api_key_env"):
        provider("language", server, tmp_path, language={"api_key_env": None, "base_url": None}).write(
            RESEARCH, "prompt", brief=brief())
    assert server.count() == 0


def test_an_unknown_choice_is_named_alike_at_startup_and_by_the_provider(server, tmp_path):
    episode = episode_for(server, tmp_path, language={"options": {"response_format": "xml"}})
    expected = "options.response_format", "'xml' is not one of json_schema, json_object, none"
    assert OpenAILanguage.check_settings(episode.providers.language, tmp_path) == [expected]
    with pytest.raises(ConfigError, match=f"^config.yaml: providers.language.{expected[0]}: {expected[1]}$"):
        provider_for("language", episode, ModelCalls(episode, "research", tmp_path))


def test_local_server_needs_no_key(tmp_path):
    with FakeOpenAI(key="no-key") as local:  # Ollama and friends ignore the key; the SDK sends a placeholder
        language = provider("language", local, tmp_path, language={"api_key_env": None})
        research = language.write(RESEARCH, "p", brief=brief())
    assert research.facts


# --- speech and images --------------------------------------------------------------------


def test_openai_tts_returns_valid_wav(server, tmp_path):
    speech = provider("speech", server, tmp_path, stage="scene_voice")
    audio = speech.speak(SpeechRequest(text="Hello there.", voice="alloy"))
    with wave.open(io.BytesIO(audio)) as wav:
        assert wav.getnframes() == len("Hello there.") * 40 and wav.getframerate() == 24000
    sent = server.bodies("/v1/audio/speech")[0]
    assert sent == {"model": "tts-test", "voice": "alloy", "input": "Hello there.", "response_format": "wav"}
    speech.speak(SpeechRequest(text="Hello there.", voice="alloy"))
    speech.speak(SpeechRequest(text="Hello there.", voice="echo"))  # the voice is part of the key
    assert server.count("/v1/audio/speech") == 2
    cost = json.loads((tmp_path / "results" / "ep" / "cost.json").read_text())
    assert cost["by_model"]["openai:tts-test"]["characters"] == 24
    assert cost["by_model"]["openai:tts-test"]["cost_usd"] == pytest.approx(24 * 15000 / 1e6)


def test_fix_wav_sizes_leaves_good_files_alone():
    streamed = streamed_wav("abc")
    fixed = fix_wav_sizes(streamed)
    assert fix_wav_sizes(fixed) == fixed and fix_wav_sizes(b"ID3 mp3 bytes") == b"ID3 mp3 bytes"


def test_openai_images_returns_png_at_the_exact_size(server, tmp_path):
    images = provider("image", server, tmp_path, stage="scene_image")
    scene = Scene(index=1, section_id="s1", title="Keys", bullets=["The whole request"], visual_prompt="a key",
                  segments=script_fixture().segments[:1], estimated_seconds=3)
    png = images.render(scene, (1920, 1080))
    with Image.open(io.BytesIO(png)) as picture:
        assert picture.format == "PNG" and picture.size == (1920, 1080)
    sent = server.bodies("/v1/images/generations")[0]
    assert sent["size"] == "1536x1024" and sent["model"] == "gpt-image-1" and "response_format" not in sent
    assert sent["prompt"].startswith("a key.")
    with Image.open(io.BytesIO(images.render(scene, (1280, 720)))) as smaller:  # the cached picture, fitted again
        assert smaller.size == (1280, 720)
    assert server.count("/v1/images/generations") == 1
    cost = json.loads((tmp_path / "results" / "ep" / "cost.json").read_text())
    assert cost["total_usd"] == pytest.approx(0.04) and cost["usage"]["images"] == 1


def test_image_sizes():
    assert api_size("dall-e-3", (1080, 1920)) == "1024x1792"
    assert api_size("some-local-model", (1920, 1080)) == "1024x1024"
    assert generation_size((1920, 1080), 1024) == (1024, 576)


def test_edge_without_the_package_names_the_extra(server, tmp_path):
    if importlib.util.find_spec("edge_tts") is not None:
        pytest.skip("edge-tts is installed here")
    speech = provider("speech", server, tmp_path, speech={"name": "edge", "model": None})
    with pytest.raises(ConfigError, match=r"pip install showrunner\[edge\]"):
        speech.speak(SpeechRequest(text="Hello.", voice="en-US-AriaNeural"))


def test_a_piper_voice_of_your_own_needs_its_file(server, tmp_path):
    speech = provider("speech", server, tmp_path, speech={"name": "piper"})
    with pytest.raises(ConfigError, match="needs providers.speech.model_path"):
        speech.speak(SpeechRequest(text="Hello.", voice="0"))
    speech = provider("speech", server, tmp_path, speech={"name": "piper", "model_path": "voices/none.onnx"})
    with pytest.raises(ConfigError, match="providers.speech.model_path: piper voice file .* not found"):
        speech.speak(SpeechRequest(text="Hello.", voice="0"))
    with pytest.raises(ConfigError, match="voice 'voices/mine.onnx': piper voice file .* not found"):
        speech.speak(SpeechRequest(text="Hello.", voice="voices/mine.onnx"))


def test_diffusers_is_optional_and_never_downloads(server, tmp_path):
    with pytest.raises(ConfigError, match="providers.image.model_path"):
        provider("image", server, tmp_path, image={"name": "diffusers"})
    model = tmp_path / "model"
    with pytest.raises(ConfigError, match="not a diffusers model folder"):
        provider("image", server, tmp_path, image={"name": "diffusers", "model_path": str(model)})
    if importlib.util.find_spec("diffusers") is not None:
        return
    model.mkdir()
    (model / "model_index.json").write_text("{}")
    images = provider("image", server, tmp_path, image={"name": "diffusers", "model_path": str(model)})
    scene = Scene(index=1, section_id="s1", title="Keys", segments=script_fixture().segments[:1], estimated_seconds=3)
    with pytest.raises(ConfigError, match=r"pip install showrunner\[diffusers\]"):
        images.render(scene, (640, 360))


# --- the key is nowhere --------------------------------------------------------------------


def test_the_key_reaches_no_file_and_no_log(server, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    log_file = tmp_path / "logs" / "providers.log"
    log_file.parent.mkdir()
    handler = logging.FileHandler(log_file)
    handler.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    try:
        server.fail(500, echo_auth=True, times=2)
        server.reply("not json")
        language = provider("language", server, tmp_path)
        language.write(RESEARCH, "prompt", brief=brief())
        provider("speech", server, tmp_path, stage="scene_voice").speak(SpeechRequest(text="Hi.", voice="alloy"))
        server.fail(500, echo_auth=True, times=3)
        with pytest.raises(ProviderError) as err:
            provider("image", server, tmp_path).render(
                Scene(index=1, section_id="s1", title="T", segments=script_fixture().segments[:1],
                      estimated_seconds=1), (64, 64))
        assert KEY not in str(err.value)
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert server.count() >= 6
    assert KEY not in caplog.text
    scanned = 0
    for path in tmp_path.rglob("*"):
        if path.is_file():
            scanned += 1
            assert KEY.encode() not in path.read_bytes(), path
    assert scanned > 5 and (tmp_path / "results" / "ep" / "cost.json").exists()


# --- a real Snakemake run, up to the outline ------------------------------------------------

WRITING_STAGE_FILES = ("showrunner/stages/brief.py", "showrunner/stages/research.py", "showrunner/stages/outline.py",
                       "prompts/research.j2", "prompts/outline.j2")


@pytest.mark.skipif(not all((REPO / f).exists() for f in WRITING_STAGE_FILES),
                    reason="the writing stages (brief, research, outline and their prompts) are not here yet")
def test_snakemake_topic_only_episode_with_openai_up_to_the_outline(server, tmp_path):
    config = raw_config(server.url, str(tmp_path / "cache"))
    config["episodes"] = {"ep": {"topic": "How caches work", "target_minutes": 1}}
    project = Project(tmp_path, config, sources={})  # the workflow's files, copied, with this config
    for extra in ("envs",):  # rules name envs/showrunner.yaml; older tests/project.py may not copy it
        if (REPO / extra).is_dir() and not (tmp_path / extra).exists():
            shutil.copytree(REPO / extra, tmp_path / extra)
    project.snakemake("results/ep/outline.md", env={KEY_ENV: KEY})
    results = tmp_path / "results" / "ep"
    research = Research.model_validate_json((results / "research.json").read_text())
    assert research.facts and all(not f.sourced for f in research.facts)
    outline = Outline.model_validate_json((results / "outline.json").read_text())
    assert [s.id for s in outline.sections] == ["s1", "s2"]
    assert (results / "outline.md").exists()
    names = [b["response_format"]["json_schema"]["name"] for b in server.bodies()]
    assert names == ["research_reply", "outline_reply"]
    cost = json.loads((results / "cost.json").read_text())
    assert set(cost["by_stage"]) == {"research", "outline"} and cost["total_usd"] > 0
    provenance = json.loads((results / "research.provenance.json").read_text())
    assert provenance["cost_usd"] == pytest.approx(cost["by_stage"]["research"]["cost_usd"], abs=1e-6)

    for name in ("outline.json", "outline.md"):  # as if the outline job had crashed
        (results / name).unlink()
    project.snakemake("results/ep/outline.md", env={KEY_ENV: KEY})
    assert server.count(CHAT) == 2  # the answered call came from the cache
    assert json.loads((results / "outline.provenance.json").read_text())["calls"][0]["cached"] is True
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


# --- Anthropic's Messages API (tests/fake_anthropic.py) ---------------------------------------


def test_anthropic_sends_the_schema_as_a_forced_tool_and_retries_overloaded(tmp_path, monkeypatch):
    from tests import fake_anthropic

    monkeypatch.setenv(fake_anthropic.KEY_ENV, fake_anthropic.KEY)
    with fake_anthropic.FakeAnthropic() as server:
        settings = {"name": "anthropic", "base_url": server.url, "api_key_env": fake_anthropic.KEY_ENV,
                    "model": "claude-test", "temperature": 0.2, "backoff_s": 0.01}
        language = provider("language", server, tmp_path, language=settings)
        server.fail(529, retry_after="0")  # Anthropic's "overloaded": retried
        research = language.write(RESEARCH, "Research the topic.", brief=brief())
        assert [f.id for f in research.facts] == ["f1", "f2", "f3"] and server.count() == 2
        sent, headers = server.bodies()[-1], server.headers()[-1]
        assert headers["x-api-key"] == fake_anthropic.KEY and headers["anthropic-version"] == "2023-06-01"
        assert sent["tool_choice"] == {"type": "tool", "name": "research_reply"}
        assert sent["tools"][0]["input_schema"]["properties"]["facts"] and sent["max_tokens"] == 1000
        assert sent["messages"] == [{"role": "user", "content": "Research the topic."}]
        assert "Your task: gather the facts" in sent["system"] and sent["temperature"] == 0.2

        text = provider("language", server, tmp_path, language={**settings, "options": {"reply_as": "text"}})
        server.reply("```json\n" + json.dumps({"score": 64, "reasons": ["Slow start."]}) + "\n```")
        critique = text.write(SCRIPT_CRITIC, "Critique it.", brief=brief(), outline=outline_fixture(),
                              script=script_fixture())
        assert critique.score == 64 and "tools" not in server.bodies()[-1]
    with pytest.raises(ConfigError, match="options.reply_as: 'xml' is not one of tool, text"):
        provider("language", server, tmp_path, language={**settings, "options": {"reply_as": "xml"}})
