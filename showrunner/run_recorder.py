"""What the logger plugin does with Snakemake's events: record them, estimate time left, notify.

Kept out of the plugin module (snakemake_logger_plugin_showrunner) so it is tested by feeding
it records, without a Snakemake run. Every handler swallows its own errors: the history is
a record of the build, never a reason for it to fail.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from showrunner import run_history
from showrunner.approval import approval_state
from showrunner.config import Notify
from showrunner.notify import Notifier
from showrunner.rule_kinds import GATE_FILE, OUTPUT_FILES
from showrunner.workflow import EPISODE_FILES_TO_GATE

# Which job is which (the gate, the one that made the video, the one that made the outline a person
# reviews) is read from the files it makes (JOB_INFO's output), never from its rule's name.

log = logging.getLogger(__name__)


def _notify_settings(root: Path) -> tuple[Notify | None, dict]:
    """notify and approval settings straight from config.yaml (the workflow validates the rest)."""
    try:
        raw = yaml.safe_load((root / "config.yaml").read_text(encoding="utf-8")) or {}
        return Notify.model_validate(raw.get("notify") or {}), raw
    except Exception:
        return None, {}


def _cores_of(args: list[str]) -> int | None:
    """The --cores (or -c, --jobs, -j) a Snakemake command line asks for, when it names a number."""
    for flag, value in zip(args, args[1:], strict=False):
        if flag in ("--cores", "-c", "--jobs", "-j") and value.isdigit():
            return int(value)
    return None


class Recorder:
    def __init__(self, root: Path, args: list[str] | None = None, *, cores: int | None = None):
        self.root = Path(root)
        self.args = list(args if args is not None else sys.argv)
        self.cores = cores or _cores_of(self.args) or os.cpu_count() or 1
        self.run_id: int | None = None
        self.jobs: dict[int, dict] = {}
        self.start_times: dict[int, float] = {}
        self.finished: Counter[str] = Counter()
        self.planned: dict[str, int] = {}
        self.failed = False
        self.started = time.time()
        self.means: dict[str, float] = {}
        self.per_scene: set[str] = set()  # rules that ran once per scene in earlier runs
        self.eta_s: float | None = None
        self.total = 0
        settings, self._raw_config = _notify_settings(self.root)
        self.notifier = Notifier(settings)
        self.closed = False

    # --- events ---------------------------------------------------------------------------

    def handle(self, record: logging.LogRecord) -> None:
        event = str(getattr(record, "event", "") or "")
        handler = getattr(self, f"_on_{event}", None)
        if handler is None:
            return
        try:
            handler(record)
        except Exception as err:  # pragma: no cover - defensive: never break the build
            log.debug("run history: %s event not recorded: %r", event, err)

    def _ensure_run(self) -> int:
        if self.run_id is None:
            with run_history.connect(self.root) as conn:
                self.run_id = run_history.start_run(conn, self.args)
                self.means = run_history.mean_durations(conn)
                self.per_scene = run_history.per_scene_rules(conn)
            os.environ[run_history.RUN_ID_ENV] = str(self.run_id)  # local jobs inherit it
        return self.run_id

    def _on_workflow_started(self, record) -> None:
        self._ensure_run()

    def _on_run_info(self, record) -> None:
        stats = getattr(record, "stats", {}) or {}
        self.planned = {str(k): int(v) for k, v in stats.items() if k != "total"}
        run_id = self._ensure_run()
        with run_history.connect(self.root) as conn:
            conn.execute("UPDATE runs SET planned = ?, total = ? WHERE id = ?",
                         (json.dumps(self.planned), sum(self.planned.values()), run_id))
            self.eta_s = self._estimate(sum(self.planned.values()))
            run_history.add_event(conn, "run_planned", run_id=run_id, data={"planned": self.planned,
                                                                              "eta_s": self.eta_s})

    def _on_job_started(self, record) -> None:
        # "Execute n jobs..." comes just before each job's JOB_INFO, which carries its rule and wildcards
        now = time.time()
        for jobid in getattr(record, "jobs", None) or []:
            self.start_times[int(jobid)] = now

    def _on_job_info(self, record) -> None:
        wildcards = {str(k): str(v) for k, v in (getattr(record, "wildcards", None) or {}).items()}
        jobid = int(record.jobid)
        job: dict[str, Any] = {"jobid": jobid, "rule": str(record.rule_name), "wildcards": wildcards,
               "slug": wildcards.get("slug"), "scene": wildcards.get("scene"),
               "logs": [str(p) for p in (getattr(record, "log", None) or [])],
               "output": [str(p) for p in (getattr(record, "output", None) or [])],
               "started": self.start_times.pop(jobid, time.time())}
        self.jobs[jobid] = job
        run_id = self._ensure_run()
        if job["scene"] is not None:
            self.per_scene.add(job["rule"])
        with run_history.connect(self.root) as conn:
            conn.execute("INSERT OR REPLACE INTO jobs (run_id, jobid, rule, slug, scene, wildcards, logs, started, "
                         "status) VALUES (?,?,?,?,?,?,?,?, 'running')",
                         (run_id, jobid, job["rule"], job["slug"], job["scene"], json.dumps(wildcards),
                          json.dumps(job["logs"]), job["started"]))
            run_history.add_event(conn, "job_started", run_id=run_id, slug=job["slug"], rule=job["rule"],
                                  scene=job["scene"], data={"jobid": jobid, "expected_s": self.means.get(job["rule"])})

    def _on_job_finished(self, record) -> None:
        job = self.jobs.get(int(record.job_id))
        if job is None:
            return
        run_id = self._ensure_run()
        now = time.time()
        self.finished[job["rule"]] += 1
        job["done"] = True
        self.eta_s = self._estimate(self.total)
        with run_history.connect(self.root) as conn:
            conn.execute("UPDATE jobs SET ended = ?, status = 'done' WHERE run_id = ? AND jobid = ?",
                         (now, run_id, job["jobid"]))
            run_history.add_event(conn, "job_finished", run_id=run_id, slug=job["slug"], rule=job["rule"],
                                  scene=job["scene"], data={"jobid": job["jobid"], "eta_s": self.eta_s,
                                                            "seconds": now - job.get("started", now)})
        video = f"results/{job['slug']}/{OUTPUT_FILES['video']}"
        if job["slug"] and video in job["output"]:
            self.notifier.send("finished", job["slug"], f"{video} is ready")

    def _on_job_error(self, record) -> None:
        jobid = int(getattr(record, "jobid", -1))
        job = self.jobs.get(jobid) or {"jobid": jobid, "rule": str(getattr(record, "rule_name", "?")),
                                       "slug": None, "scene": None, "logs": [], "output": []}
        run_id = self._ensure_run()
        now = time.time()
        message = self._job_message(job)
        gate = bool(job["slug"]) and f"results/{job['slug']}/{GATE_FILE}" in job["output"]
        if not gate:
            self.failed = True
        with run_history.connect(self.root) as conn:
            conn.execute("UPDATE jobs SET ended = ?, status = 'failed' WHERE run_id = ? AND jobid = ?",
                         (now, run_id, jobid))
            run_history.add_event(conn, "gate_reached" if gate else "job_failed", run_id=run_id, slug=job["slug"],
                                  rule=job["rule"], scene=job["scene"], data={"jobid": jobid, "message": message})
        if job["slug"]:
            self.notifier.send("gate_reached" if gate else "failed", job["slug"], message)

    def _on_error(self, record) -> None:
        self.failed = True
        run_id = self._ensure_run()
        with run_history.connect(self.root) as conn:
            run_history.add_event(conn, "run_error", run_id=run_id,
                                  data={"message": str(record.getMessage())[:2000]})

    def _on_progress(self, record) -> None:
        run_id = self._ensure_run()
        done, total = int(record.done), int(record.total)
        self.total = total
        self.eta_s = self._estimate(total)
        if self.eta_s is None and 0 < done < total:  # nothing to go on from earlier runs: this run's pace
            self.eta_s = (time.time() - self.started) / done * (total - done)
        with run_history.connect(self.root) as conn:
            conn.execute("UPDATE runs SET done = ?, total = ? WHERE id = ?", (done, total, run_id))
            run_history.add_event(conn, "run_progress", run_id=run_id,
                                  data={"done": done, "total": total, "eta_s": self.eta_s})

    def _estimate(self, total: int) -> float | None:
        """Time left from earlier runs' job durations: the planned jobs not yet finished, plus the
        per-scene jobs the storyboard checkpoint added to the DAG (Snakemake's first job stats
        cannot count them), at the mean of the per-scene rules."""
        known = run_history.remaining_seconds(self.planned, self.finished, self.means, self.cores)
        if known is None:
            return None
        added = max(0, total - sum(self.planned.values()))
        added_left = max(0, added - sum(n for rule, n in self.finished.items() if rule not in self.planned))
        if not added_left:
            return known
        scene_means = [self.means[rule] for rule in sorted(self.per_scene) if rule in self.means]
        if not scene_means:
            return None
        return known + added_left * sum(scene_means) / len(scene_means) / max(1, self.cores)

    def _job_message(self, job: dict) -> str:
        return run_history.job_error(self.root, job.get("logs", [])) or f"{job['rule']} failed"

    # --- the end of the run ---------------------------------------------------------------

    def _gates_reached(self) -> dict[str, tuple[str, str]]:
        """{slug: (the rule, the file to review)} of the episodes whose outline this run made and which
        now wait for approval."""
        made = {j["slug"]: (j["rule"], path) for j in self.jobs.values() if j.get("slug") and j.get("done")
                for path in (f"results/{j['slug']}/{name}" for name in EPISODE_FILES_TO_GATE) if path in j["output"]}
        waiting = {}
        for slug in sorted(made):
            spec = (self._raw_config.get("episodes") or {}).get(slug) or {}
            mode = spec.get("approval") or self._raw_config.get("approval", "required")
            if mode != "auto" and not approval_state(self.root / "results" / slug).approved:
                waiting[slug] = made[slug]
        return waiting

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.run_id is None:
            return
        try:
            status = "failed" if self.failed else "done"
            with run_history.connect(self.root) as conn:
                gates = self._gates_reached()
                for slug, (rule, path) in gates.items():
                    run_history.add_event(conn, "gate_reached", run_id=self.run_id, slug=slug, rule=rule,
                                          data={"message": f"{path} awaits approval"})
                conn.execute("UPDATE runs SET ended = ?, status = ? WHERE id = ?", (time.time(), status, self.run_id))
                run_history.add_event(conn, "run_finished", run_id=self.run_id,
                                      data={"status": status, "seconds": time.time() - self.started})
            for slug, (_, path) in gates.items():
                self.notifier.send("gate_reached", slug, f"{path} awaits approval")
        except Exception as err:  # pragma: no cover - defensive
            log.debug("run history: end of run not recorded: %r", err)
        self.notifier.close()
