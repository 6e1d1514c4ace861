"""An exclusive lock between processes: each Snakemake job is its own process.

`fcntl.flock` on a small lock file. The lock is released when the block ends, and by the
kernel when a process dies holding it, so a killed job never leaves a lock behind.
"""

from __future__ import annotations

import fcntl
import os
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
