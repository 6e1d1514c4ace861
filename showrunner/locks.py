"""An exclusive lock between processes: each Snakemake job is its own process.

`fcntl.flock` on a small lock file. The lock is released when the block ends, and by the
kernel when a process dies holding it, so a killed job never leaves a lock behind.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def file_lock(path: str | os.PathLike) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing) for the length of the block."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --- Snakemake's own lock --------------------------------------------------------------------
# Snakemake writes .snakemake/locks/<n>.input.lock and <n>.output.lock when a run starts and
# removes them when it ends. A run killed with SIGKILL (or a power loss) leaves them, and the next
# run refuses to start until `snakemake --unlock`. A lock that no live Snakemake in this folder
# holds is cleared instead, with a message. What cannot be seen from here: a Snakemake on another
# machine working in this same folder over a shared filesystem.

SNAKEMAKE_LOCKS = Path(".snakemake") / "locks"


def snakemake_processes(root: Path, exclude: set[int] | None = None) -> list[int]:
    """Pids of Snakemake main processes (not their job subprocesses) working in `root`."""
    import psutil

    root = Path(root).resolve()
    found = []
    for proc in psutil.process_iter(["pid", "cmdline", "cwd"]):
        try:
            cmdline = proc.info["cmdline"] or []
            if proc.info["pid"] in (exclude or set()) or proc.info["cwd"] is None:
                continue
            if Path(proc.info["cwd"]).resolve() != root:
                continue
            runs_snakemake = any(part == "snakemake" or part.endswith("/snakemake") for part in cmdline[:3])
            if runs_snakemake and "--mode" not in cmdline and "--unlock" not in cmdline:
                found.append(proc.info["pid"])
        except (psutil.NoSuchProcess, psutil.AccessDenied, OSError):
            continue
    return found


def snakemake_lock_files(root: Path) -> list[Path]:
    folder = Path(root) / SNAKEMAKE_LOCKS
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.endswith((".input.lock", ".output.lock")) and p.is_file())


def clear_stale_snakemake_lock(root: Path, exclude: set[int] | None = None) -> list[Path]:
    """Remove Snakemake's lock files in `root` when no live Snakemake there (but those in `exclude`) holds them.

    Returns the files removed: none when there were none, or when a live Snakemake holds the folder
    (then Snakemake's own refusal stands, and it is right).
    """
    found = snakemake_lock_files(root)
    if not found or snakemake_processes(root, exclude=(exclude or set()) | {os.getpid()}):
        return []
    for path in found:
        path.unlink(missing_ok=True)
    return found


# --- Outputs a killed run left marked incomplete ---------------------------------------------------
# Snakemake marks a job's outputs incomplete (.snakemake/incomplete/<base64 of the path>) when the job
# starts and unmarks them when it has finished. A run killed after a job wrote its outputs but before
# Snakemake finished it leaves them marked, and Snakemake 9 checks the marks only for the jobs it plans
# before the storyboard checkpoint: a scene job's marked output (planned after it) was taken as done,
# its directory's .snakemake_timestamp never written (bench/kill9.py, trial killed in scene_image).
# Where no live Snakemake works in the folder, such an output is removed with its mark, so the next
# run makes it again. A mark that names an external job id (a cluster job, which may still be writing)
# is left to Snakemake.

SNAKEMAKE_INCOMPLETE = Path(".snakemake") / "incomplete"


def _marked_path(marker: Path, folder: Path) -> str:
    """The output path a mark stands for: its name, base64 of the path, cut into folders ('@' before
    each part but the last) where the name is longer than the filesystem allows."""
    parts = marker.relative_to(folder).parts
    encoded = "".join(part.removeprefix("@") for part in parts)
    return base64.urlsafe_b64decode(encoded.encode()).decode()


def remove_incomplete_outputs(root: Path, exclude: set[int] | None = None) -> list[str]:
    """Remove the outputs a dead run left marked incomplete (and the marks), when no live Snakemake in
    `root` (but those in `exclude`) could be writing them. Returns the output paths removed."""
    root = Path(root)
    folder = root / SNAKEMAKE_INCOMPLETE
    if not folder.is_dir():
        return []
    marks = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "migration_underway")
    if not marks or snakemake_processes(root, exclude=(exclude or set()) | {os.getpid()}):
        return []
    removed = []
    for mark in marks:
        try:
            output = _marked_path(mark, folder)
            record = json.loads(mark.read_text(encoding="utf-8") or "{}")
        except (ValueError, UnicodeDecodeError, OSError):
            continue  # not a mark Snakemake wrote: leave it
        if record.get("external_jobid"):
            continue
        target = Path(output) if Path(output).is_absolute() else root / output
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        elif target.exists() or target.is_symlink():
            target.unlink()
        else:
            mark.unlink(missing_ok=True)
            continue
        mark.unlink(missing_ok=True)
        removed.append(output)
    return removed
