"""The run history: every Snakemake run and job, and progress inside long stages, in SQLite.

Written by the project's logger plugin (snakemake_logger_plugin_showrunner), which receives
Snakemake's own events, and by stages through `showrunner.progress`. Read by `showrunner status`
(time left per episode) and by the studio (its event stream). The file is
`.showrunner/runs.sqlite` in the project; deleting it loses history, nothing else.

Tables: `runs` (one per Snakemake run), `jobs` (one per job: rule, wildcards, start, end,
status), `events` (an append-only log the studio streams: job started/finished/failed,
progress, gate reached, run started/finished).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from showrunner.rule_kinds import TARGET_RULES
from showrunner.secrets import redact

HISTORY_FILE = Path(".showrunner") / "runs.sqlite"
RUN_ID_ENV = "SHOWRUNNER_RUN_ID"  # set by the logger plugin for the jobs of its run

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started REAL NOT NULL,
    ended REAL,
    status TEXT NOT NULL,           -- running | done | failed
    pid INTEGER,
    args TEXT,                      -- JSON list: the command line
    planned TEXT,                   -- JSON {rule: count} from Snakemake's job stats
    total INTEGER DEFAULT 0,
    done INTEGER DEFAULT 0,
    message TEXT
);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL,
    jobid INTEGER NOT NULL,
    rule TEXT NOT NULL,
    slug TEXT,
    scene TEXT,
    wildcards TEXT,                 -- JSON
    logs TEXT,                      -- JSON list of the job's own log files
    started REAL,
    ended REAL,
    status TEXT NOT NULL,           -- planned | running | done | failed
    UNIQUE (run_id, jobid)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER,
    time REAL NOT NULL,
    kind TEXT NOT NULL,
    slug TEXT,
    rule TEXT,
    scene TEXT,
    data TEXT                       -- JSON
);
CREATE INDEX IF NOT EXISTS jobs_rule ON jobs (rule, status);
"""


def history_path(root: Path) -> Path:
    return Path(root) / HISTORY_FILE


@contextmanager
def connect(root: Path) -> Iterator[sqlite3.Connection]:
    """A connection with the schema in place; commits when the block ends without error."""
    path = history_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
        yield conn
    finally:
        conn.close()


def _dumps(data: Any) -> str:
    return json.dumps(data, sort_keys=True, default=str)


def add_event(conn: sqlite3.Connection, kind: str, *, run_id: int | None = None, slug: str | None = None,
              rule: str | None = None, scene: str | None = None, data: dict | None = None,
              at: float | None = None) -> int:
    cur = conn.execute("INSERT INTO events (run_id, time, kind, slug, rule, scene, data) VALUES (?,?,?,?,?,?,?)",
                       (run_id, at or time.time(), kind, slug, rule, scene, _dumps(data or {})))
    assert cur.lastrowid is not None  # an INSERT always sets it
    return cur.lastrowid


def start_run(conn: sqlite3.Connection, args: list[str], pid: int | None = None) -> int:
    cur = conn.execute("INSERT INTO runs (started, status, pid, args) VALUES (?, 'running', ?, ?)",
                       (time.time(), pid or os.getpid(), _dumps(args)))
    assert cur.lastrowid is not None
    run_id = cur.lastrowid
    add_event(conn, "run_started", run_id=run_id, data={"args": args})
    return run_id


def event_dict(row: sqlite3.Row) -> dict:
    out = {key: row[key] for key in ("id", "run_id", "time", "kind", "slug", "rule", "scene")}
    out.update(json.loads(row["data"] or "{}"))
    return out


def events_after(conn: sqlite3.Connection, after_id: int, limit: int = 500) -> list[dict]:
    rows = conn.execute("SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?", (after_id, limit)).fetchall()
    return [event_dict(r) for r in rows]


def last_event_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])


def mean_durations(conn: sqlite3.Connection, recent: int = 20) -> dict[str, float]:
    """Each rule's mean job duration in seconds over its `recent` last successful jobs."""
    out: dict[str, float] = {}
    rules = [r[0] for r in conn.execute("SELECT DISTINCT rule FROM jobs WHERE status = 'done'")]
    for rule in rules:
        rows = conn.execute("SELECT ended - started FROM jobs WHERE rule = ? AND status = 'done' "
                            "AND started IS NOT NULL AND ended IS NOT NULL ORDER BY id DESC LIMIT ?",
                            (rule, recent)).fetchall()
        if rows:
            out[rule] = sum(max(0.0, r[0]) for r in rows) / len(rows)
    return out


def runs(conn: sqlite3.Connection, limit: int = 20) -> list[dict]:
    rows = conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    out = []
    for r in rows:
        run = dict(r)
        run["args"] = json.loads(run["args"] or "[]")
        run["planned"] = json.loads(run["planned"] or "{}")
        if run["status"] == "running" and not pid_alive(run["pid"]):
            run["status"] = "killed"
        out.append(run)
    return out


def jobs_of(conn: sqlite3.Connection, run_id: int) -> list[dict]:
    rows = conn.execute("SELECT * FROM jobs WHERE run_id = ? ORDER BY id", (run_id,)).fetchall()
    return [{**dict(r), "wildcards": json.loads(r["wildcards"] or "{}"), "logs": json.loads(r["logs"] or "[]")}
            for r in rows]


def last_failure(conn: sqlite3.Connection, slug: str) -> dict | None:
    """The newest failed job of an episode, unless a later job of the same rule and scene succeeded."""
    row = conn.execute("SELECT * FROM jobs WHERE slug = ? AND status = 'failed' ORDER BY id DESC LIMIT 1",
                       (slug,)).fetchone()
    if row is None:
        return None
    later = conn.execute("SELECT 1 FROM jobs WHERE slug = ? AND rule = ? AND COALESCE(scene, '') = ? "
                         "AND status = 'done' AND id > ?",
                         (slug, row["rule"], row["scene"] or "", row["id"])).fetchone()
    return None if later else {**dict(row), "logs": json.loads(row["logs"] or "[]")}


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def per_scene_rules(conn: sqlite3.Connection) -> set[str]:
    """The rules whose jobs ran once per scene (they had a {scene} wildcard), from the history."""
    return {row[0] for row in conn.execute("SELECT DISTINCT rule FROM jobs WHERE scene IS NOT NULL")}


def remaining_seconds(planned: dict[str, int], finished: dict[str, int], means: dict[str, float],
                      cores: int = 1) -> float | None:
    """Time left for a run: the jobs not yet finished, each at its rule's mean duration, spread
    over `cores` lanes. None when a planned rule has never run before (no history to go on)."""
    total = 0.0
    for rule, count in planned.items():
        left = max(0, count - finished.get(rule, 0))
        if left == 0 or rule in TARGET_RULES:
            continue
        if rule not in means:
            return None
        total += left * means[rule]
    return total / max(1, cores)


def format_seconds(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


NOT_TO_DO = ("done", "approved", "auto", "awaiting approval")


def episode_time_left(rows: list[dict], means: dict[str, float], scenes: int | None) -> float | None:
    """Seconds of work left for one episode: each stage still missing or stale (status_table rows)
    at its rule's mean duration from earlier runs, per-scene stages (the row's `per_scene`, from the
    rule's wildcards) once per scene. None when a
    stage has no history yet; 0 when nothing is left (or only the approval gate, the row marked
    `gate`, which waits on a person)."""
    total = 0.0
    for row in rows:
        if row["state"] in NOT_TO_DO or row.get("gate"):
            continue
        if row["stage"] not in means:
            return None
        total += means[row["stage"]] * ((scenes or 1) if row.get("per_scene") else 1)
    return total


def time_left(root: Path, table: dict[str, list[dict]]) -> dict[str, float | None]:
    """episode_time_left for every episode of a status_table, from the history in `root`."""
    if not history_path(root).exists():
        return {slug: None for slug in table}
    with connect(root) as conn:
        means = mean_durations(conn)
        typical = conn.execute("SELECT MAX(n) FROM (SELECT COUNT(DISTINCT scene) AS n FROM jobs "
                               "WHERE scene IS NOT NULL GROUP BY run_id, slug)").fetchone()[0]
    out = {}
    for slug, rows in table.items():
        storyboard = Path(root) / "results" / slug / "storyboard.json"
        scenes = typical
        if storyboard.exists():
            try:
                scenes = len(json.loads(storyboard.read_text(encoding="utf-8"))["scenes"])
            except (ValueError, KeyError):
                pass
        out[slug] = episode_time_left(rows, means, scenes)
    return out


def running_jobs(conn: sqlite3.Connection, slug: str) -> list[dict]:
    """An episode's jobs running now: in a run whose Snakemake process is alive."""
    rows = conn.execute("SELECT jobs.rule, jobs.scene, jobs.started, runs.pid FROM jobs "
                        "JOIN runs ON runs.id = jobs.run_id WHERE jobs.slug = ? "
                        "AND jobs.status = 'running' AND runs.status = 'running'", (slug,))
    return [dict(r) for r in rows if pid_alive(r["pid"])]


def job_error(root: Path, logs: list[str]) -> str | None:
    """The last error line a failed job's stage wrote to its own log (stages log `... ERROR ...: msg`),
    redacted; None when its logs have none. Only logs inside the project are read."""
    root = Path(root).resolve()
    for name in logs:
        path = (root / name).resolve()
        if path.is_file() and path.is_relative_to(root):
            errors = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
                      if " ERROR " in line]
            if errors:
                return redact(errors[-1].split(": ", 1)[-1])[:1000]
    return None
