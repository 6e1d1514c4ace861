"""Snakemake's lock left by a killed run is cleared only when no live Snakemake works in that folder."""

from __future__ import annotations

import subprocess
import sys
import time

from showrunner.locks import clear_stale_snakemake_lock, snakemake_processes


def _left_lock(root):
    locks = root / ".snakemake" / "locks"
    locks.mkdir(parents=True)
    for name in ("0.input.lock", "0.output.lock"):
        (locks / name).write_text("results/tea/outline.md\n")  # what a SIGKILLed run leaves
    return locks


def test_a_lock_no_live_snakemake_holds_is_cleared(tmp_path):
    locks = _left_lock(tmp_path)
    assert [p.name for p in clear_stale_snakemake_lock(tmp_path)] == ["0.input.lock", "0.output.lock"]
    assert list(locks.iterdir()) == []
    assert clear_stale_snakemake_lock(tmp_path) == []  # nothing left to clear


def test_a_lock_a_live_snakemake_holds_is_kept(tmp_path):
    locks = _left_lock(tmp_path)
    program = tmp_path / "bin" / "snakemake"  # a stand-in: what matters is its command line and folder
    program.parent.mkdir()
    program.write_text("import time\ntime.sleep(60)\n")
    live = subprocess.Popen([sys.executable, str(program), "--cores", "1"], cwd=tmp_path)
    try:
        deadline = time.time() + 10
        while live.pid not in snakemake_processes(tmp_path) and time.time() < deadline:
            time.sleep(0.05)
        assert snakemake_processes(tmp_path) == [live.pid]
        assert clear_stale_snakemake_lock(tmp_path) == []
        assert len(list(locks.iterdir())) == 2
        assert snakemake_processes(tmp_path / "bin") == []  # another folder's Snakemake is not this one's
    finally:
        live.kill()
        live.wait()
