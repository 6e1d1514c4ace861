"""Every artifact is a function of its inputs: the same episode, with both neural voices, built in
two folders each with its own cache is the same bytes; a build killed with SIGKILL finishes on the
next plain run (no --unlock) as the same bytes.

What may differ is named here, and is a record of the run, never of the episode's content:
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.project import Project, small_config

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

# How long things took: differs between any two builds.
WALL_CLOCK = {
    "*.provenance.json": "duration_s, and calls[].duration_s: the seconds the stage and each model call took",
    "transcript.json": "cost.cpu_s, .wall_s and scenes[].listened.cpu_s, .wall_s: the seconds listening took",
    "cost.ledger.jsonl": "the journal of the calls made: when each was made, and its reservation's random id",
}
# How the answers were had: differs after a crash, where a stage the killed run had started is done again.
AFTER_A_CRASH = {
    "*.provenance.json": "attempts, cost_usd and calls[].cached, .attempts, .cost_usd: a stage the killed run had "
                         "started is done again, its calls answered from the cache",
    "cost.json": "the episode's spending history, which keeps the calls the killed run made (possibly billed)",
    "report/cost.html": "cost.json and the provenance's cache hits, as a page",
    "transcript.json": "cost and scenes[].listened, .remembered: a scene heard before the crash is remembered",
}


def neural_config() -> dict:
    raw = small_config(approval="auto")
    raw["show"]["hosts"] = [{**raw["show"]["hosts"][0], "voice": "hibari/heart"},
                            {**raw["show"]["hosts"][1], "voice": "piper/joe", "pace": 0.9}]
    raw.pop("acceptance")  # the default word error rate threshold: 10%
    return raw


def content(project: Project, *, after_crash: bool = False) -> dict[str, bytes]:
    """Every file under results/, less what WALL_CLOCK (and AFTER_A_CRASH) name."""
    results = project.path("results")
    out = {}
    for path in sorted(p for p in results.rglob("*") if p.is_file()):
        name = str(path.relative_to(results))
        if path.name == "cost.ledger.jsonl" or (after_crash and name.endswith(("cost.json", "report/cost.html"))):
            continue
        data = path.read_bytes()
        if path.name.endswith(".provenance.json"):
            record = json.loads(data)
            record.pop("duration_s")
            for call in record["calls"]:
                call.pop("duration_s")
                if after_crash:
                    for key in ("cached", "attempts", "cost_usd"):
                        call.pop(key)
            if after_crash:
                record.pop("attempts")
                record.pop("cost_usd")
            data = json.dumps(record, sort_keys=True).encode()
        elif path.name == "transcript.json":
            record = json.loads(data)
            for cost in [record["cost"], *(scene["listened"] for scene in record["scenes"])]:
                cost.pop("cpu_s")
                cost.pop("wall_s")
            if after_crash:
                record.pop("cost")
                for scene in record["scenes"]:
                    scene.pop("listened")
                    scene.pop("remembered")
            data = json.dumps(record, sort_keys=True).encode()
        out[name] = data
    return out


def differences(first: dict[str, bytes], second: dict[str, bytes]) -> list[str]:
    return sorted(set(first) ^ set(second)) + [name for name in sorted(set(first) & set(second))
                                               if first[name] != second[name]]


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """The episode, uninterrupted, in its own folder with its own cache."""
    project = Project(tmp_path_factory.mktemp("first"), neural_config())
    project.snakemake()
    return project


def test_the_neural_voices_episode_is_accepted(first):
    report = json.loads(first.path("results/tea/acceptance.json").read_text())
    checks = {c["name"]: c for c in report["checks"]}
    assert report["passed"] and checks["words heard"]["passed"], checks["words heard"]
    voice = json.loads(first.path("results/tea/media/01/voice.provenance.json").read_text())
    assert set(voice["parameters"]["voices"].values()) <= {"hibari/heart", "piper/joe"}


def test_an_episode_built_in_another_folder_with_its_own_cache_is_the_same_bytes(first, tmp_path):
    second = Project(tmp_path, neural_config())
    second.snakemake()
    built = content(first)
    assert any(name.endswith("voice.wav") for name in built) and "tea/final.mp4" in built
    assert differences(built, content(second)) == []


def test_a_build_killed_with_sigkill_finishes_on_the_next_plain_run_as_the_same_bytes(first, tmp_path):
    project = Project(tmp_path, neural_config())
    run = subprocess.Popen([sys.executable, "-m", "snakemake", "--cores", "2"], cwd=project.root,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while not project.path("results/tea/media/01/voice.wav").exists() and time.time() < deadline:
        assert run.poll() is None, "the build ended before it could be killed"
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)  # Snakemake, its jobs and their voices, all at once
    run.wait(timeout=60)
    assert not project.path("results/tea/final.mp4").exists()
    assert list(Path(project.path(".snakemake/locks")).iterdir())  # what a killed run leaves
    resumed = project.snakemake()  # no --unlock
    assert "showrunner: cleared Snakemake's lock" in resumed.stderr
    assert differences(content(first, after_crash=True), content(project, after_crash=True)) == []


def test_a_job_killed_after_writing_its_outputs_is_made_again_on_the_next_plain_run(first, tmp_path):
    """Killed after scene_image wrote its stills but before Snakemake finished the job: the outputs stay
    marked incomplete, and Snakemake 9 checks the marks only for jobs planned before the storyboard
    checkpoint, so it took them as done (bench/kill9.py: the beats folder without .snakemake_timestamp).
    The next run must make the job again, not take its outputs as finished."""
    project = Project.__new__(Project)
    project.root = tmp_path / "project"
    shutil.copytree(first.root, project.root, symlinks=True)
    media = project.path("results/tea/media/01")
    for later in (media / "clip.mp4", media / "clip.provenance.json", project.path("results/tea/final.mp4")):
        later.unlink()  # what the killed run had not reached
    (media / "beats" / ".snakemake_timestamp").unlink()
    for output in ("beats", "image.png", "image.provenance.json"):
        key = base64.urlsafe_b64encode(f"results/tea/media/01/{output}".encode()).decode()
        marker = project.path(".snakemake/incomplete", key)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps({"external_jobid": None}))
    locks = project.path(".snakemake/locks")
    locks.mkdir(parents=True, exist_ok=True)
    (locks / "0.output.lock").write_text("results/tea/final.mp4\n")

    resumed = project.snakemake()
    assert differences(content(first, after_crash=True), content(project, after_crash=True)) == []
    assert "a killed run left unfinished (results/tea/media/01/beats" in resumed.stderr
    assert not any(project.path(".snakemake/incomplete").iterdir())
