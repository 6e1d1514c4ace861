"""The providers' contract: every registered provider of each kind (showrunner.providers.REGISTRY)
goes through the same checks. Online providers talk to a fake server that speaks their real
protocol on 127.0.0.1 (tests/fake_openai.py, tests/fake_anthropic.py); a provider that cannot run
here (it needs the network, or weights that are not installed) is skipped, saying why, and a
registered provider this file does not know how to run fails the test.

    language  every task (tests/../tasks.TASKS) in a chain, each artifact valid and consistent with
              its inputs; an identical ask answered from the cache; online: a transient error
              retried, a reply that breaks a task's rule asked again with the error
    speech    audio bytes that decode to sound; an identical request answered from the cache
    image     a PNG at exactly the asked size (or none: `slides`); an identical request answered from the cache
"""

from __future__ import annotations

import importlib.util
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from showrunner.artifacts import (
    Block,
    Brief,
    BriefHost,
    Critique,
    Outline,
    Research,
    Scene,
    SceneCritique,
    SceneCritiqueItem,
    Script,
    SourceDocument,
)
from showrunner.config import load_config
from showrunner.media import decode_audio
from showrunner.providers import REGISTRY, provider_for
from showrunner.providers.base import SpeechRequest
from showrunner.providers.calls import ModelCalls
from showrunner.providers.language.tasks import (
    OUTLINE,
    RESEARCH,
    SCENE_CRITIC,
    SCRIPT_CRITIC,
    SCRIPT_WRITER,
    STORYBOARD,
    TASKS,
)
from showrunner.providers.speech import word_times
from tests import fake_anthropic, fake_openai
from tests.project import SMALL_SOURCE

# --- how to run each registered provider here --------------------------------------------------


@contextmanager
def language_settings(name: str, monkeypatch) -> Iterator[tuple[dict, object]]:
    """(providers.language settings, the fake server or None) for the provider called `name`."""
    if name == "extractive":
        yield {"name": "extractive"}, None
    elif name == "openai":
        monkeypatch.setenv(fake_openai.KEY_ENV, fake_openai.KEY)
        with fake_openai.FakeOpenAI() as server:
            yield fake_openai.provider_settings(server.url, model="gpt-test", max_tokens=1000), server
    elif name == "anthropic":
        monkeypatch.setenv(fake_anthropic.KEY_ENV, fake_anthropic.KEY)
        with fake_anthropic.FakeAnthropic() as server:
            yield fake_openai.provider_settings(server.url, name="anthropic", model="claude-test",
                                                api_key_env=fake_anthropic.KEY_ENV,
                                                max_tokens=1000), server
    else:
        raise AssertionError(f"language provider '{name}' is registered but tests/test_provider_contract.py "
                             "cannot run it: add it to language_settings")


SPEECH_VOICES = {"espeak": "en-us+f3", "hibari": "heart", "piper": "joe", "openai": "alloy", "edge": None}
WORD_TIMES = {"hibari", "piper"}  # the voices that time their words (providers/speech/word_times.py)
IMAGE_RUNS = {"slides": True, "openai": True, "diffusers": False}


def episode(tmp_path: Path, url: str = "http://127.0.0.1:9", **providers):
    raw = fake_openai.raw_config(url, str(tmp_path / "cache"))
    raw["providers"].update(providers)
    return load_config(raw).episode("ep")


def calls_for(ep, tmp_path: Path, stage: str) -> ModelCalls:
    return ModelCalls(ep, stage, tmp_path)


def brief() -> Brief:
    blocks = [Block(kind="heading" if line.startswith("#") else "paragraph", text=line.lstrip("# ").strip(),
                    level=len(line) - len(line.lstrip("#")) if line.startswith("#") else None, location=f"line {i}")
              for i, line in enumerate(SMALL_SOURCE.split("\n\n"), start=1)
              if line.strip() and not line.lstrip().startswith("-")]
    doc = SourceDocument(path="sources/tea.md", format="markdown", title="Why tea cools", sha256="0" * 64,
                         blocks=blocks)
    return Brief(slug="ep", title="Why tea cools", show_name="Test Show", hosts=[
        BriefHost(id="ada", name="Ada"), BriefHost(id="ben", name="Ben")], target_minutes=0.5, target_words=75,
        sources=[doc])


@contextmanager
def _settings(name: str, model: str, monkeypatch) -> Iterator[dict]:
    """A speech or image provider's settings: `openai` against the fake server (for as long as the
    block runs), the others as they come."""
    if name != "openai":
        yield {"name": name}
        return
    monkeypatch.setenv(fake_openai.KEY_ENV, fake_openai.KEY)
    with fake_openai.FakeOpenAI() as server:
        yield fake_openai.provider_settings(server.url, model=model)


# --- language --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REGISTRY["language"]))
def test_language_provider_writes_every_task(name, tmp_path, monkeypatch):
    with language_settings(name, monkeypatch) as (settings, server):
        ep = episode(tmp_path, language=settings)
        language = provider_for("language", ep, calls_for(ep, tmp_path, "contract"))
        b = brief()
        written = set()

        def write(task, **inputs):
            written.add(task.name)
            return language.write(task, f"Do the {task.name} for '{b.title}'.", **inputs)

        research = write(RESEARCH, brief=b)
        assert isinstance(research, Research) and research.slug == "ep"
        assert [f.id for f in research.facts] == [f"f{i}" for i in range(1, len(research.facts) + 1)]

        outline = write(OUTLINE, brief=b, research=research, feedback=["Shorter, please."])
        assert isinstance(outline, Outline) and outline.feedback == ["Shorter, please."]
        assert {f for s in outline.sections for f in s.fact_ids} <= {f.id for f in research.facts}

        script = write(SCRIPT_WRITER, brief=b, outline=outline, research=research, previous=None, critique=None)
        _check_script(script, b, outline)
        critique = write(SCRIPT_CRITIC, brief=b, outline=outline, script=script)
        assert isinstance(critique, Critique) and 0 <= critique.score <= 100
        revised = write(SCRIPT_WRITER, brief=b, outline=outline, research=research, previous=script,
                        critique=critique.model_copy(update={"reasons": ["too short"]}))
        _check_script(revised, b, outline)

        scenes = write(STORYBOARD, brief=b, outline=outline, research=research, script=script, words_per_minute=150,
                       style={})
        assert all(isinstance(s, Scene) for s in scenes) and [s.index for s in scenes] == \
            list(range(1, len(scenes) + 1))
        assert [seg for s in scenes for seg in s.segments] == script.segments  # every segment once, in order

        measured = SceneCritique(score=80, scenes=[SceneCritiqueItem(index=s.index, score=80) for s in scenes])
        judged = write(SCENE_CRITIC, brief=b, outline=outline, scenes=scenes, measured=measured)
        assert isinstance(judged, SceneCritique) and {s.index for s in judged.scenes} <= {s.index for s in scenes}
        assert written == set(TASKS)  # a new task joins this chain

        calls = language.calls
        made = len(calls.records)
        assert {r.provider for r in calls.records} == {name} and not any(r.cached for r in calls.records)
        assert write(RESEARCH, brief=b) == research and calls.records[made].cached  # the same ask: the cache
        if server is not None:
            assert server.count() == made


def _check_script(script: Script, b: Brief, outline: Outline) -> None:
    assert isinstance(script, Script) and script.slug == "ep"
    assert [s.id for s in script.segments] == [f"seg{i}" for i in range(1, len(script.segments) + 1)]
    assert {s.speaker for s in script.segments} <= {h.id for h in b.hosts}
    assert {s.section_id for s in script.segments} <= {s.id for s in outline.sections}


ONLINE_LANGUAGE = sorted(set(REGISTRY["language"]) - {"extractive"})


@pytest.mark.parametrize("name", ONLINE_LANGUAGE)
def test_online_language_provider_retries_and_asks_again(name, tmp_path, monkeypatch):
    with language_settings(name, monkeypatch) as (settings, server):
        ep = episode(tmp_path, language=settings)
        language = provider_for("language", ep, calls_for(ep, tmp_path, "contract"))
        server.fail(503)  # transient: retried by ModelCalls
        server.reply({"segments": [{"speaker": "carol", "text": "Hi.", "section_id": "s1"}]})  # breaks a rule
        outline = Outline.model_validate({"slug": "ep", "title": "Tea", "sections": [
            {"id": "s1", "title": "Heat", "key_points": ["evaporation"]},
            {"id": "s2", "title": "Milk", "key_points": ["milk first"]}]})
        script = language.write(SCRIPT_WRITER, "Write it.", brief=brief(), outline=outline,
                                research=Research.model_validate({"slug": "ep", "facts": [
                                    {"id": "f1", "text": "Tea cools.", "section": "Heat", "source": None}]}),
                                previous=None, critique=None)
        assert {s.speaker for s in script.segments} <= {"ada", "ben"}
        assert server.count() == 3  # the 503, the rejected reply, the good one
        reask = json.dumps(server.bodies()[-1])
        assert "'carol' is not a host; use one of ada, ben" in reask
        assert "Your reply could not be used" in reask
        first, second = language.calls.records
        assert first.attempts == 2 and second.attempts == 1


# --- speech ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REGISTRY["speech"]))
def test_speech_provider_speaks(name, tmp_path, monkeypatch):
    assert name in SPEECH_VOICES, f"speech provider '{name}' is registered but this test cannot run it"
    voice = SPEECH_VOICES[name]
    if voice is None:
        pytest.skip(f"{name} needs the network")
    with _settings(name, "tts-test", monkeypatch) as settings:
        ep = episode(tmp_path, speech=settings)
        speech = provider_for("speech", ep, calls_for(ep, tmp_path, "scene_voice"))
        request = SpeechRequest(text="A lid keeps the tea warm.", voice=voice)
        audio = speech.speak(request)
        (samples,) = decode_audio([audio], 24000)
        assert len(samples) > 0 and np.abs(samples).max() > 0  # sound, not silence
        assert speech.speak(request) == audio and speech.calls.records[-1].cached
        timed = word_times.read(audio)
        assert (timed is not None) == (name in WORD_TIMES)
        if timed is not None:  # every word placed, in order, inside the audio
            voice_words, rate = timed
            written = request.text.split()
            spans = word_times.align(written, [len(w) for w in written], voice_words)
            assert spans is not None and len(spans) == len(written)
            assert all(a < b <= c for (a, b), (c, _) in zip(spans, spans[1:], strict=False))
            assert spans[-1][1] <= len(samples) * rate / 24000


# --- images ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REGISTRY["image"]))
def test_image_provider_renders_at_the_asked_size(name, tmp_path, monkeypatch):
    assert name in IMAGE_RUNS, f"image provider '{name}' is registered but this test cannot run it"
    if not IMAGE_RUNS[name]:
        pytest.skip(f"{name} needs local weights" + ("" if importlib.util.find_spec("diffusers") else
                                                      " and the diffusers extra"))
    with _settings(name, "gpt-image-1", monkeypatch) as settings:
        ep = episode(tmp_path, image=settings)
        images = provider_for("image", ep, calls_for(ep, tmp_path, "scene_image"))
        scene = Scene(index=1, section_id="s1", title="Evaporation", bullets=["A lid slows it"],
                      visual_prompt="a cup of tea with a lid", segments=[
                          {"id": "seg1", "speaker": "ada", "text": "A lid keeps the tea warm.", "section_id": "s1"}],
                      estimated_seconds=2)
        png = images.render(scene, (320, 180))
        if name == "slides":  # the offline default gives no picture: the beats are drawn from the document
            assert png is None and not images.calls.records
            return
        assert png is not None
        with Image.open(io.BytesIO(png)) as picture:
            assert picture.format == "PNG" and picture.size == (320, 180)
        assert images.render(scene, (320, 180)) == png and images.calls.records[-1].cached


def test_every_task_has_its_prompt_template_and_a_rule_that_renders_it():
    from tests.workflow_rules import REPO, workflow_rules

    prompts = {value for rule in workflow_rules().values() for value in rule["input"].values()
               if isinstance(value, str) and value.startswith("prompts/")}
    for task in TASKS.values():
        assert (REPO / task.prompt).is_file() and task.prompt in prompts, task.name
