"""Every config mistake, unknown target and broken storyboard stops a real Snakemake run at startup,
naming the file (and line) and the key, before any job and without changing a finished file."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
import yaml

from showrunner.config_files import read_sources
from showrunner.providers.base import SpeechModel
from showrunner.providers.speech.espeak import EspeakSpeech
from tests.project import Project, small_config

pytestmark = pytest.mark.timeout(600)

KEY = "sk-proj-Zx81Qw0pLmN4bV7cR2tY9uIo"
TARGET = "results/tea/storyboard.json"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """An episode built up to its storyboard (approval: auto), shared: each test restores the config."""
    project = Project(tmp_path_factory.mktemp("startup"), small_config(approval="auto"))
    project.snakemake(TARGET)
    return project


def _refused(project, config: dict | None, *args: str) -> str:
    """Run snakemake with `config` written to config.yaml; it must refuse and change nothing."""
    before = project.snapshot()
    if config is not None:
        project.write_config(config)
    try:
        result = project.snakemake(*args, "--", TARGET, check=False)
    finally:
        project.write_config(small_config(approval="auto"))
    out = result.stdout + result.stderr
    assert result.returncode != 0, out
    assert "Traceback" not in out and "Exception" not in out, out
    assert project.snapshot() == before, "a refused run changed finished files"
    return out


def _config(mutate) -> dict:
    config = small_config(approval="auto")
    mutate(config)
    return config


def _line_of(project, pattern: str) -> int:
    lines = project.path("config.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if re.search(pattern, line))


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda c: c.update(providers={"speech": {"name": "espeek"}}),
     r"config\.yaml:\d+: providers\.speech\.name: unknown speech provider 'espeek' \(known: edge, espeak"),
    (lambda c: c.update(providers={"language": {"name": "openai", "base_url": "http://127.0.0.1:9/v1"}}),
     r"config\.yaml:\d+: providers\.language\.model: provider 'openai' needs a model"),
    (lambda c: c["show"].update(style={"font": "/no/such/font.ttf"}),
     r"config\.yaml:\d+: show\.style\.font: font file /no/such/font\.ttf not found"),
    (lambda c: c["show"]["hosts"][1].update(voice="en-xx+m3"),
     r"config\.yaml:\d+: show\.hosts\[1\]\.voice: host 'ben': espeak-ng has no voice 'en-xx'.*spoken by "
     r"'espeak'"),
    (lambda c: c["show"]["hosts"][0].update(voice="en-us+nosuch"),
     r"config\.yaml:\d+: show\.hosts\[0\]\.voice: host 'ada': espeak-ng has no variant 'nosuch'"),
    (lambda c: c["audio"]["music"].update(bed="music/my-bed.mp3"),
     r"config\.yaml:\d+: audio\.music\.bed: music bed music/my-bed\.mp3 not found"),
    (lambda c: c.update(providers={"image": {"name": "diffusers"}}),
     r"config\.yaml:\d+: providers\.image\.model_path: name the diffusers model folder"),
    (lambda c: c["episodes"]["tea"].update(overrides={"providers": {"speech": {"name": "nope"}}}),
     r"config\.yaml:\d+: episodes\.tea\.overrides\.providers\.speech\.name: unknown speech provider 'nope'"),
    (lambda c: c["video"].update(fps=0), r"config\.yaml:\d+: video\.fps: Input should be greater than or equal to 1"),
    (lambda c: c["audio"].update(sample_rate="fast"), r"config\.yaml:\d+: audio\.sample_rate: Input should be"),
])
def test_config_mistakes_are_refused_before_any_job(built, mutate, expected):
    out = _refused(built, _config(mutate))
    assert re.search(expected, out), out


def test_the_message_gives_the_line_that_holds_the_value(built):
    config = _config(lambda c: c["show"]["hosts"][1].update(voice="en-xx+m3"))
    built.write_config(config)
    line = _line_of(built, r"voice: en-xx\+m3")
    assert f"config.yaml:{line}: show.hosts[1].voice" in _refused(built, None)


def test_a_key_pasted_into_api_key_env_is_refused_and_never_repeated(built):
    config = _config(lambda c: c.update(providers={"language": {"name": "openai", "model": "m",
                                                                "api_key_env": KEY}}))
    out = _refused(built, config)
    assert re.search(r"config\.yaml:\d+: providers\.language\.api_key_env: (Value error, )?this looks like an API key",
                     out)
    assert KEY not in out and KEY[:12] not in out
    for path in [*built.path(".snakemake").rglob("*"), *built.path("logs").rglob("*")]:
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_the_key_variable_never_reaches_params_or_metadata(tmp_path):
    config = small_config(approval="auto")
    config["providers"] = {"language": {"name": "extractive", "api_key_env": "MY_VERY_OWN_KEY_VARIABLE"}}
    project = Project(tmp_path, config)
    project.snakemake("results/tea/research.json")
    metadata = b"".join(p.read_bytes() for p in project.path(".snakemake").rglob("*") if p.is_file())
    assert b"MY_VERY_OWN_KEY_VARIABLE" not in metadata


def test_a_yaml_syntax_error_names_config_yaml_and_its_line(built):
    before = built.snapshot()
    text = yaml.safe_dump(small_config(approval="auto"), sort_keys=False).splitlines()
    broken = next(i for i, line in enumerate(text) if line.strip().startswith("fps:"))
    text[broken] = text[broken].replace("fps:", "fps: [10")
    built.path("config.yaml").write_text("\n".join(text) + "\n")
    try:
        result = built.snakemake(TARGET, check=False)
    finally:
        built.write_config(small_config(approval="auto"))
    assert result.returncode != 0
    assert re.search(rf"config\.yaml:{broken + 2}:\d+: not valid YAML", result.stderr), result.stderr
    assert "Snakefile" not in result.stderr and built.snapshot() == before


@pytest.mark.parametrize(("text", "said"), [
    ("", "config.yaml: empty"),
    ("# every line commented out\n", "config.yaml: empty"),
    ("- show\n- episodes\n", "config.yaml:1: a list"),
    ("plain circuits\n", "config.yaml:1: a single value"),
])
def test_a_config_yaml_that_is_not_a_mapping_is_refused_naming_it(built, text, said):
    before = built.snapshot()
    built.path("config.yaml").write_text(text)
    try:
        result = built.snakemake(TARGET, check=False)
        status = built.showrunner("status", check=False)
    finally:
        built.write_config(small_config(approval="auto"))
    for refused in (result, status):
        out = refused.stdout + refused.stderr
        assert refused.returncode != 0 and f"{said}: the config must be a mapping of sections" in out, out
        assert "Traceback" not in out and "Snakefile" not in out and "must be given as JSON" not in out, out
    assert built.snapshot() == before


def test_a_mistake_in_another_configfile_names_that_file(built):
    built.path("night.yaml").write_text("video:\n  fps: 500\n")
    out = _refused(built, None, "--configfile", "night.yaml")
    assert "night.yaml:2: video.fps: Input should be less than or equal to 120" in out
    assert "config.yaml: video.fps" not in out


def test_command_line_values_work_as_the_readme_shows_and_are_named_when_wrong(built):
    out = _refused(built, None, "--config", "writing={critic: {threshold: 140}}")
    assert "--config: writing.critic.threshold: Input should be less than or equal to 100" in out
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "--config 'video={fps: 24}'" in readme
    planned = built.jobs_planned(TARGET)
    assert planned == []
    dry = built.snakemake("-n", "--config", "video={fps: 24}", "--", "results/tea/media/01/timings.json")
    assert "scene_voice" in dry.stdout + dry.stderr


def test_an_unknown_episode_as_a_target_is_named(built):
    before = built.snapshot()
    result = built.snakemake("results/nope/final.mp4", check=False)
    assert result.returncode != 0 and built.snapshot() == before
    assert "results/nope/final.mp4: there is no episode 'nope' in the config (episodes: tea)" in result.stderr
    assert "Exception" not in result.stderr


def test_a_deleted_scene_file_says_what_to_do_and_the_advice_works(built, tmp_path):
    project = Project(tmp_path, small_config(approval="auto"))
    for part in ("results", ".snakemake"):
        import shutil
        shutil.copytree(built.path(part), project.path(part))
    project.path("results/tea/scenes/02.json").unlink()
    before = project.snapshot()
    result = project.snakemake("results/tea/media/01/image.png", check=False)
    assert result.returncode != 0 and project.snapshot() == before
    assert "results/tea/scenes/02.json: missing, though results/tea/storyboard.json lists it" in result.stderr
    assert "snakemake --forcerun storyboard results/tea/final.mp4" in result.stderr
    project.snakemake("--forcerun", "storyboard", "results/tea/storyboard.json")
    assert project.path("results/tea/scenes/02.json").is_file()


@pytest.mark.parametrize("damage", ["{ not json", json.dumps({"slug": "tea", "title": "x", "scenes": "many"})])
def test_a_corrupt_storyboard_is_named_with_what_to_do(built, damage):
    path = built.path(TARGET)
    original = path.read_bytes()
    path.write_text(damage)
    try:
        result = built.snakemake("results/tea/final.mp4", check=False)
    finally:
        path.write_bytes(original)
    assert result.returncode != 0
    assert "results/tea/storyboard.json:" in result.stderr and "--forcerun storyboard" in result.stderr
    assert "Exception" not in result.stderr and "Traceback" not in result.stderr


def test_a_corrupt_scene_file_is_named_before_its_jobs_delete_anything(built):
    path = built.path("results/tea/scenes/01.json")
    original = path.read_bytes()
    path.write_text('{"index": 1, "title": ')
    try:
        result = built.snakemake("results/tea/media/01/image.png", check=False)
    finally:
        path.write_bytes(original)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "results/tea/scenes/01.json: not valid JSON" in result.stderr and "--forcerun storyboard" in result.stderr


def test_origins_follow_snakemakes_merge_order(tmp_path):
    (tmp_path / "a.yaml").write_text("video:\n  fps: 10\n  crf: 20\naudio:\n  sample_rate: 24000\n")
    (tmp_path / "b.yaml").write_text("\nvideo:\n  fps: 12\n")
    origins = read_sources([tmp_path / "a.yaml", tmp_path / "b.yaml"], {"audio": {"sample_rate": "16000"}})
    assert origins.where(("video", "fps")) == f"{tmp_path / 'b.yaml'}:3"
    assert origins.where(("video", "crf")) == f"{tmp_path / 'a.yaml'}:3"
    assert origins.where(("audio", "sample_rate")) == "--config"
    assert origins.where(("show", "name")) == str(tmp_path / "a.yaml")


def test_speech_providers_have_a_voice_hook():
    assert SpeechModel.check_voice(None, "anything", Path(".")) is None  # default: every voice
    assert EspeakSpeech.check_voice(None, "en-gb+m3", Path(".")) is None
    assert "no voice 'xx-yy'" in EspeakSpeech.check_voice(None, "xx-yy", Path("."))


def test_config_deepcopy_is_untouched_by_loading():
    raw = small_config()
    copied = copy.deepcopy(raw)
    from showrunner.config import load_config

    load_config(raw)
    assert raw == copied


def test_snakemakes_scheduler_keeps_one_timer_pending_and_it_never_holds_a_run_open():
    """Snakemake's rate limiter asked for one more threading.Timer at every scheduling round: they multiplied,
    each woke the scheduler, and the last (not a daemon) held every finished run open for up to a second."""
    import threading
    from types import SimpleNamespace

    from snakemake.scheduling.job_scheduler import JobScheduler

    from showrunner import startup

    startup.one_scheduler_timer()
    scheduler = SimpleNamespace(_open_jobs=threading.Semaphore(0))
    before = set(threading.enumerate())
    for _ in range(5):  # five scheduling rounds
        JobScheduler._schedule_reevalutation(scheduler, 0.2)
    timers = [t for t in set(threading.enumerate()) - before if isinstance(t, threading.Timer)]
    assert len(timers) == 1 and timers[0].daemon
    assert scheduler._open_jobs.acquire(timeout=5)  # and it still wakes the scheduler
