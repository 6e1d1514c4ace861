"""Each stage reads of the config only what it declares (READS), and that is what its rule's params hold."""

from __future__ import annotations

import importlib
import json

import pytest

from showrunner.approval import approve
from showrunner.config import load_config
from showrunner.reads import NOT_OUTPUT, covers, recording, stage_reads, undeclared
from showrunner.workflow import stage_settings
from tests.conftest import WRITING_STAGES, WritingProject
from tests.fake_openai import raw_config
from tests.media_episode import MEDIA_STAGES, SCENE_STAGES, MediaEpisode, media_config
from tests.project import small_config
from tests.workflow_rules import workflow_rules


def _run_recorded(project, stage: str, reads: dict[str, set[str]], scene: str | None = None) -> None:
    job = project.job(stage, scene) if scene else project.job(stage)
    job.episode = recording(job.episode, reads.setdefault(stage, set()))
    importlib.import_module(f"showrunner.stages.{stage}").run(job)


def _check(reads: dict[str, set[str]], exact: bool = False) -> None:
    problems = {stage: undeclared(stage, read) for stage, read in reads.items()}
    problems = {s: p for s, p in problems.items() if p}
    assert not problems, f"stages read settings their READS do not declare: {problems}"
    if exact:  # and declare nothing they never read: that would rerun them for nothing
        unused = {stage: [d for d in stage_reads(stage) if not any(covers(d, r) or covers(r, d) for r in read)]
                  for stage, read in reads.items()}
        unused = {s: u for s, u in unused.items() if u}
        assert not unused, f"stages declare settings they never read: {unused}"


def test_the_recording_sees_fields_properties_and_whole_sections():
    episode = load_config(small_config()).episode("tea")
    log: set[str] = set()
    view = recording(episode, log)
    assert view.video.size == episode.video.size
    assert view.title == episode.title
    view.show.style.model_dump()
    view.providers.speech.timeout_s  # noqa: B018
    assert log >= {"video.aspect", "video.height", "spec.title", "show.style", "providers.speech.timeout_s"}
    assert undeclared("scene_clip", {"video.fps", "providers.speech.timeout_s", "cache.dir"}) == []
    assert undeclared("scene_clip", {"show.name"}) == ["show.name"]
    assert covers("providers.*.timeout_s", "providers.image.timeout_s") and not covers("video.fps", "video")


def test_writing_stages_offline_read_only_what_they_declare(writing_project):
    project = writing_project()
    reads: dict[str, set[str]] = {}
    for stage in WRITING_STAGES:
        _run_recorded(project, stage, reads)
    _check(reads, exact=True)


def test_writing_stages_with_a_language_model_read_only_what_they_declare(server, api_key, tmp_path):
    project = WritingProject(tmp_path, raw_config(server.url, str(tmp_path / "cache")), sources={}, slug="ep")
    reads: dict[str, set[str]] = {}
    for stage in WRITING_STAGES:
        _run_recorded(project, stage, reads)
    _check(reads)


@pytest.mark.parametrize("providers", ["offline", "openai"])
def test_media_stages_read_only_what_they_declare(tmp_path, server, api_key, providers):
    config = media_config()
    if providers == "openai":
        online = raw_config(server.url, str(tmp_path / "cache"))["providers"]
        config["providers"] = {"speech": online["speech"], "image": online["image"]}
        config["prices"] = raw_config(server.url, "")["prices"]
    episode = MediaEpisode(tmp_path / "media", config)
    stages = SCENE_STAGES if providers == "openai" else MEDIA_STAGES
    reads: dict[str, set[str]] = {}
    for stage in stages:
        for scene in episode.names if stage in SCENE_STAGES else [None]:
            _run_recorded(episode, stage, reads, scene)
    _check(reads, exact=providers == "offline")
    assert "show.name" in reads["scene_image"] or providers == "openai"  # slides draw the show's name


def test_gate_and_show_memory_read_only_what_they_declare(writing_project):
    project = writing_project(config=small_config(sources=["sources/ep1/build-caches.md"]) | {"episodes": {
        "ep1": {"sources": ["sources/ep1/build-caches.md"], "target_minutes": 1}}})
    project.run_until("outline")
    approve(project.results, "ep1")
    reads: dict[str, set[str]] = {}
    job = project.job("outline")
    gate = type(job)(stage="approval_gate", config=job.config, episode=recording(job.episode, reads.setdefault(
        "approval_gate", set())), input={}, output={"flag": project.path("approved.flag")},
        wildcards={"slug": "ep1"}, root=project.root)
    importlib.import_module("showrunner.stages.approval_gate").run(gate)
    memory = type(job)(stage="show_memory", config=job.config, episode=recording(job.episode, reads.setdefault(
        "show_memory", set())), input={"outline": project.path("outline.json")},
        output={"memory": project.root / "results/show/episodes/ep1.json"}, wildcards={"slug": "ep1"},
        root=project.root)
    importlib.import_module("showrunner.stages.show_memory").run(memory)
    assert json.loads(project.path("approved.flag").read_text())["approval"] == "approved"
    _check(reads)


def test_every_rule_passes_exactly_its_stages_reads_as_params():
    config = load_config(small_config())
    rules = {name: rule for name, rule in workflow_rules().items() if name != "all"}
    assert set(rules) >= {"brief", "storyboard", "scene_image", "acceptance", "show_memory"}
    for name, rule in rules.items():
        assert rule["params"] == ["settings"], name
        assert set(stage_settings(config, "tea", name)) == set(stage_reads(name)), name


def test_params_never_hold_call_policy_or_the_key_variable():
    raw = small_config()
    raw["providers"] = {"language": {"name": "openai", "model": "m", "base_url": "http://127.0.0.1:9/v1",
                                     "api_key_env": "MY_KEY", "timeout_s": 5}}
    settings = stage_settings(load_config(raw), "tea", "research")["providers.language"]
    assert settings["model"] == "m" and "api_key_env" not in settings and "timeout_s" not in settings
    assert all(p.startswith(("slug", "cache", "prices", "spec.", "providers.")) for p in NOT_OUTPUT)
