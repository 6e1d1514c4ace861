"""Whole episodes through real Snakemake, ffmpeg and espeak-ng, small and short."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from showrunner.config import load_config
from showrunner.workflow import final_files
from tests.project import Project, small_config
from tests.workflow_rules import workflow_rules

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

# everything a finished episode leaves but its show memory: the media, acceptance and the report's pages
EPISODE = tuple(final_files(load_config(small_config(approval="auto")), "tea", workflow_rules()))
REPORTED = {"acceptance_verdict", "report_pages"}  # what follows acceptance.json
SCENE_JOBS = ["scene_image", "scene_voice", "scene_clip"]
JOINS = ["soundtrack", "captions", "final", "show_notes", "podcast", "transcript", "acceptance", "acceptance_verdict",
         "report_pages", "report_medium", "report_medium", "contact_sheet"]  # report_medium: video and podcast


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = Project(tmp_path_factory.mktemp("episode"), small_config(approval="auto"))
    project.snakemake(*EPISODE)
    return project


def test_episode_is_built_and_accepted(built):
    acceptance = json.loads(built.path("results/tea/acceptance.json").read_text())
    failed = [c for c in acceptance["checks"] if not c["passed"]]
    assert acceptance["passed"] and not failed
    scenes = json.loads(built.path("results/tea/storyboard.json").read_text())["scenes"]
    assert len(scenes) >= 2
    for ref in scenes:
        assert built.path("results/tea", ref["file"]).exists()


def test_every_stage_records_what_made_its_output(built):
    for stage in ("brief", "research", "outline", "script", "storyboard", "soundtrack", "final", "podcast",
                  "music/music"):
        record = json.loads(built.path(f"results/tea/{stage}.provenance.json").read_text())
        assert record["stage"] == stage.split("/")[0] and record["slug"] == "tea"
        assert record["inputs"] or stage == "music/music", stage
        assert record["duration_s"] >= 0
    outline = json.loads(built.path("results/tea/outline.provenance.json").read_text())
    assert outline["provider"] == "extractive" and set(outline["prompt_sha256"]) and outline["calls"]
    for kind in ("image", "voice", "clip"):
        record = json.loads(built.path(f"results/tea/media/01/{kind}.provenance.json").read_text())
        assert record["wildcards"] == {"slug": "tea", "scene": "01"}
    assert "ffmpeg" in json.loads(built.path("results/tea/media/01/clip.provenance.json").read_text())["tools"]


def test_second_run_does_nothing(built):
    assert built.jobs_planned(*EPISODE) == []


def _not_done(project) -> set[str]:
    rows = json.loads(project.showrunner("status", "--json", "tea").stdout)["tea"]
    return {row["stage"] for row in rows if row["state"] not in ("done", "auto", "approved")}


def test_status_says_done_exactly_when_snakemake_has_nothing_to_do(built):
    assert _not_done(built) == {"show_memory"} == set(built.jobs_planned(*EPISODE, "results/show/episodes/tea.json"))


@pytest.mark.parametrize(("key", "value", "stages"), [
    ("video.crf", 30, {"scene_clip", "final", "acceptance", "report_medium", *REPORTED}),
    ("audio.podcast_lufs", -18, {"podcast", "acceptance", "report_medium", *REPORTED}),
    ("acceptance.max_silence_s", 3.0, {"acceptance", *REPORTED}),
    ("video.subtitles", "none", {"final", "acceptance", "report_medium", *REPORTED}),
    # the show notes' chapter times count the intro sting: a new one remakes them
    ("audio.music.seed", 8, {"music", "soundtrack", "show_notes", "podcast", "acceptance", "final", "report_medium",
                             *REPORTED}),
])
def test_a_config_change_reruns_exactly_the_stages_that_read_it_and_status_agrees(built, key, value, stages):
    config = small_config(approval="auto")
    section, *path = key.split(".")
    node = config.setdefault(section, {})
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value
    built.write_config(config)
    try:
        planned = built.jobs_planned(*EPISODE)
        assert set(planned) == stages
        assert _not_done(built) == stages | {"show_memory"}
    finally:
        built.write_config(small_config(approval="auto"))
    assert built.jobs_planned(*EPISODE) == []


def test_prompt_edit_reruns_only_the_stages_that_use_it(built):
    template = built.path("prompts/outline.j2")
    original = template.read_text()
    template.write_text(original + "\n{# reviewed wording #}\n")
    try:
        planned = built.jobs_planned("results/tea/outline.md")
        assert planned == ["outline"]
    finally:
        template.write_text(original)
        os.utime(template, (time.time() - 3600,) * 2)


def test_one_scene_edit_rebuilds_that_scene_and_the_joins_only(built):
    scene_file = built.path("results/tea/scenes/02.json")
    scene = json.loads(scene_file.read_text())
    scene["title"] = "An edited title"
    scene["segments"][0]["text"] = "This line was rewritten by a person before the voices were made."
    scene_file.write_text(json.dumps(scene, indent=2))
    planned = built.jobs_planned(*EPISODE)
    assert sorted(planned) == sorted(SCENE_JOBS + JOINS)
    before = {p: built.path(p).stat().st_mtime_ns for p in ("results/tea/media/01/clip.mp4",
                                                          "results/tea/media/01/voice.wav")}
    built.snakemake(*EPISODE)
    after = {p: built.path(p).stat().st_mtime_ns for p in before}
    assert before == after  # other scenes untouched
    captions = built.path("results/tea/captions.srt").read_text()
    assert "rewritten by a person" in captions.replace("\n", " ")


def _start_and_kill_when(project, path, sig):
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", *EPISODE]
    run = subprocess.Popen(cmd, cwd=project.root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    deadline = time.time() + 300
    while not project.path(path).exists() and time.time() < deadline:
        if run.poll() is not None:
            pytest.fail("the build ended before it could be interrupted")
        time.sleep(0.05)
    os.killpg(run.pid, sig)
    run.wait(timeout=120)
    assert not project.path("results/tea/final.mp4").exists()


def test_an_interrupted_run_finishes_on_the_next_run(tmp_path):
    """Ctrl-C or a plain kill (SIGTERM): Snakemake cleans up and the next run simply resumes."""
    project = Project(tmp_path, small_config(approval="auto"))
    _start_and_kill_when(project, "results/tea/media/01/voice.wav", signal.SIGTERM)
    project.snakemake(*EPISODE)
    assert json.loads(project.path("results/tea/acceptance.json").read_text())["passed"]


def test_parallel_episodes_record_show_memory_and_later_briefs_see_it(tmp_path):
    config = small_config()
    config["approval"] = "auto"
    config["episodes"]["milk"] = {"title": "Milk in tea", "sources": ["sources/tea.md"], "target_minutes": 0.5}
    project = Project(tmp_path, config)
    project.snakemake()  # both episodes, in parallel, to the end
    memories = {slug: json.loads(project.path(f"results/show/episodes/{slug}.json").read_text())
                for slug in ("tea", "milk")}
    assert all(m["concepts"] for m in memories.values())
    config["episodes"]["sugar"] = {"title": "Sugar", "sources": ["sources/tea.md"], "target_minutes": 0.5}
    project.write_config(config)
    project.snakemake("results/sugar/brief.json")
    brief = json.loads(project.path("results/sugar/brief.json").read_text())
    assert {c["episode"] for c in brief["covered_elsewhere"]} == {"tea", "milk"}
