"""Builds started from the studio: one Snakemake run at a time for the project.

A second build while one runs is refused, naming the running one. Before starting, a
Snakemake lock in .snakemake/locks is checked: held by a live Snakemake process in this
project, the build is refused with that process's pid; left by a dead one (a killed run), it is
cleared (showrunner.locks, as every run of the workflow does at its start). Snakemake's output
goes to .showrunner/builds/<n>.log; progress reaches the studio through the run history, not that log.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from showrunner import dag, run_history
from showrunner.locks import clear_stale_snakemake_lock, snakemake_processes
from showrunner.studio.project import Conflict, StudioProject
from showrunner.workflow import EPISODE_FILES_TO_GATE, final_files, is_past_gate

BUILD_LOGS = Path(".showrunner") / "builds"


class Builds:
    def __init__(self, project: StudioProject, cores: int | None = None):
        self.project = project
        self.root = project.root
        self.cores = cores or os.cpu_count() or 1
        self._lock = threading.Lock()
        self.proc: subprocess.Popen | None = None
        self.current: dict | None = None
        self.last: dict | None = None
        self.count = 0

    def targets(self, episode: str | None) -> list[str]:
        """One episode as far as it may go (to the end once approved, else its outline), or every one."""
        config = self.project.config()
        if episode is None:
            return []  # the workflow's default targets: every episode as far as it may go
        self.project.results(episode)  # unknown slug -> NotFound
        if is_past_gate(config, self.root, episode):  # the finished files, which the rules say
            return final_files(config, episode, dag.rules(self.root, self.project.configfiles))
        return [f"results/{episode}/{name}" for name in EPISODE_FILES_TO_GATE]

    def status(self) -> dict:
        with self._lock:
            running = self.proc is not None and self.proc.poll() is None
            return {"running": running, "current": self.current if running else None, "last": self.last}

    def start(self, episode: str | None) -> dict:
        targets = self.targets(episode)
        with self._lock:
            if self.proc is not None and self.proc.poll() is None:
                label = (self.current or {}).get("label")
                raise Conflict(f"a build is already running (pid {self.proc.pid}, {label}): "
                               "one Snakemake run at a time; try again when it ends")
            others = snakemake_processes(self.root, exclude={os.getpid()})
            if others:
                raise Conflict(f"Snakemake is already running in this project (pid {others[0]}): "
                               "one run at a time; try again when it ends")
            cleared = self._clear_stale_lock()
            self.count += 1
            log_path = self.root / BUILD_LOGS / f"{time.strftime('%Y%m%d-%H%M%S')}-{self.count}.log"
            log_path.parent.mkdir(parents=True, exist_ok=True)
            cmd = [sys.executable, "-m", "snakemake", "--cores", str(self.cores), *targets]
            if self.project.configfiles:  # last: Snakemake's --configfile takes every value after it
                cmd += ["--configfile", *self.project.configfiles]
            with open(log_path, "wb") as log_file:
                self.proc = subprocess.Popen(cmd, cwd=self.root, stdout=log_file, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, start_new_session=True)
            label = f"episode {episode}" if episode else "every episode"
            self.current = {"pid": self.proc.pid, "episode": episode, "targets": targets, "label": label,
                            "started": time.time(), "cleared_stale_lock": cleared}
            with run_history.connect(self.root) as conn:
                run_history.add_event(conn, "build_started", slug=episode,
                                      data={"pid": self.proc.pid, "targets": targets, "label": label,
                                            "cleared_stale_lock": cleared})
            threading.Thread(target=self._watch, args=(self.proc, dict(self.current)), daemon=True).start()
            return dict(self.current)

    def _watch(self, proc: subprocess.Popen, build: dict) -> None:
        code = proc.wait()
        result = {**build, "returncode": code, "ended": time.time(), "ok": code == 0}
        with self._lock:
            self.last = result
        with run_history.connect(self.root) as conn:
            run_history.add_event(conn, "build_finished", slug=build["episode"],
                                  data={"pid": build["pid"], "returncode": code, "ok": code == 0,
                                        "label": build["label"]})

    def _clear_stale_lock(self) -> bool:
        return bool(clear_stale_snakemake_lock(self.root))

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, 15)
            self.proc.wait(timeout=60)
