"""The run history: Snakemake's own events through the logger plugin into SQLite, and time left."""

from __future__ import annotations

import json
import logging

import pytest

from showrunner import run_history
from showrunner.run_recorder import Recorder
from tests.project import Project, small_config

pytestmark = pytest.mark.timeout(600)


def record(event: str, **fields) -> logging.LogRecord:
    rec = logging.LogRecord("snakemake", logging.INFO, __file__, 1, "", None, None)
    rec.event = event
    for key, value in fields.items():
        setattr(rec, key, value)
    return rec


def test_every_run_and_job_of_a_real_snakemake_run_is_recorded_and_the_terminal_shows_time_left(tmp_path):
    project = Project(tmp_path, small_config())
    first = project.snakemake("results/tea/outline.md")
    assert "time left: about" in first.stderr  # this run's own pace, before there is history
    with run_history.connect(project.root) as conn:
        (run,) = run_history.runs(conn)
        jobs = run_history.jobs_of(conn, run["id"])
    assert run["status"] == "done" and run["ended"] >= run["started"] and "results/tea/outline.md" in run["args"]
    assert run["planned"] == {"brief": 1, "research": 1, "outline": 1}
    assert [j["rule"] for j in sorted(jobs, key=lambda j: j["started"])] == ["brief", "research", "outline"]
    assert all(j["status"] == "done" and j["wildcards"] == {"slug": "tea"} and j["ended"] > j["started"]
               for j in jobs)
    assert jobs[0]["logs"] and jobs[0]["logs"][0].startswith("logs/")

    # a dry run and a run with nothing to do record no jobs
    project.snakemake("-n", "results/tea/outline.md")
    project.snakemake("results/tea/outline.md")
    with run_history.connect(project.root) as conn:
        assert sum(len(run_history.jobs_of(conn, r["id"])) for r in run_history.runs(conn)) == 3

    # a failing job is recorded as failed, with the run
    project.path("results/tea/research.json").write_text("{}")  # the outline cannot read it
    failed = project.snakemake("results/tea/outline.md", check=False)
    assert failed.returncode != 0
    with run_history.connect(project.root) as conn:
        latest = run_history.runs(conn)[0]
        failure = run_history.last_failure(conn, "tea")
    assert latest["status"] == "failed" and failure["rule"] == "outline"


def test_status_shows_time_left_per_episode_from_earlier_runs(tmp_path):
    project = Project(tmp_path, small_config(approval="auto"))
    assert "time left      unknown" in project.showrunner("status").stdout
    project.snakemake()  # the whole episode: the final files, acceptance and the report's pages
    assert "time left      about 0 s" in project.showrunner("status").stdout
    project.path("results/tea/final.mp4").unlink()
    out = project.showrunner("status").stdout
    assert "final          missing" in out
    rows = json.loads(project.showrunner("status", "--json").stdout)["tea"]
    to_do = [r["stage"] for r in rows if r["state"] in ("missing", "stale")]
    assert {"final", "acceptance"} <= set(to_do)
    with run_history.connect(project.root) as conn:
        means = run_history.mean_durations(conn)
    expected = sum(means[stage] for stage in to_do)
    assert f"time left      about {run_history.format_seconds(expected)}" in out
    # the next run's terminal estimate comes from that history
    again = project.snakemake()
    assert "time left: about" in again.stderr


def test_time_left_adds_the_stages_still_to_do_per_scene_and_needs_history():
    means = {"script": 2.0, "scene_voice": 3.0, "final": 1.0}
    rows = [{"stage": "outline", "state": "done"}, {"stage": "approval_gate", "state": "missing", "gate": True},
            {"stage": "script", "state": "missing"}, {"stage": "scene_voice", "state": "stale", "per_scene": True},
            {"stage": "final", "state": "missing"}]
    assert run_history.episode_time_left(rows, means, scenes=4) == 2.0 + 4 * 3.0 + 1.0
    assert run_history.episode_time_left(rows, {"script": 2.0}, scenes=4) is None
    assert run_history.episode_time_left(rows[:2], {}, scenes=None) == 0
    assert run_history.remaining_seconds({"a": 3, "b": 1}, {"a": 1}, {"a": 2.0, "b": 4.0}, cores=2) == 4.0
    assert run_history.remaining_seconds({"a": 1, "new": 1}, {}, {"a": 2.0}) is None


def test_a_stopped_gate_is_a_gate_not_a_failure(tmp_path):
    recorder = Recorder(tmp_path, ["snakemake"])
    recorder.handle(record("workflow_started"))
    recorder.handle(record("job_started", jobs=[4]))
    recorder.handle(record("job_info", jobid=4, rule_name="approval_gate", wildcards={"slug": "tea"},
                           log=["logs/approval_gate/tea.log"], output=["results/tea/approved.flag"]))
    recorder.handle(record("job_error", jobid=4, rule_name="approval_gate"))
    recorder.close()
    with run_history.connect(tmp_path) as conn:
        kinds = [(e["kind"], e["slug"]) for e in run_history.events_after(conn, 0)]
        (run,) = run_history.runs(conn)
    assert ("gate_reached", "tea") in kinds and ("job_failed", "tea") not in kinds
    assert run["status"] == "done"


def test_stage_progress_is_recorded_and_never_fails_the_stage(tmp_path, monkeypatch):
    from showrunner.progress import Progress
    from showrunner.stage_job import StageJob

    monkeypatch.setenv(run_history.RUN_ID_ENV, "7")
    job = StageJob(stage="scene_voice", config=None, episode=None, input={}, output={},
                   wildcards={"slug": "tea", "scene": "03"}, root=tmp_path)
    progress = Progress(job, total=12, unit="segments")
    for _ in range(12):
        progress.step()
    with run_history.connect(tmp_path) as conn:
        events = run_history.events_after(conn, 0)
    assert events[-1] | {"time": 0, "id": 0} == {"id": 0, "time": 0, "run_id": 7, "kind": "progress", "slug": "tea",
                                                  "rule": "scene_voice", "scene": "03", "done": 12, "total": 12,
                                                  "unit": "segments", "percent": 100, "eta_s": 0.0}
    assert 1 <= len(events) <= 12  # throttled, the last step always recorded
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the project should be")
    Progress(StageJob(stage="scene_voice", config=None, episode=None, input={}, output={},
                      wildcards={"slug": "tea"}, root=blocked), total=1, unit="segments").step()


def test_the_run_estimate_counts_the_scene_jobs_the_checkpoint_adds(tmp_path):
    recorder = Recorder(tmp_path, ["snakemake", "--cores", "2", "results/tea/final.mp4"])
    assert recorder.cores == 2
    recorder.means = {"script": 4.0, "final": 2.0, "scene_voice": 3.0, "scene_clip": 1.0}
    recorder.per_scene = {"scene_voice", "scene_clip"}  # from the history: their jobs had a {scene}
    recorder.planned = {"script": 1, "final": 1}
    assert recorder._estimate(2) == 3.0
    assert recorder._estimate(6) == (6.0 + 4 * 2.0) / 2  # four scene jobs at the per-scene mean
    recorder.finished.update({"script": 1, "scene_voice": 2})
    assert recorder._estimate(6) == (2.0 + 2 * 2.0) / 2
    recorder.planned["storyboard"] = 1
    assert recorder._estimate(7) is None  # a rule never seen before: no estimate from history
