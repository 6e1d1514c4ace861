"""Does a build killed at any moment resume to the same bytes? (`make bench-kill9`)

Builds a small episode with both neural voices (hibari/heart and piper/joe; the tests' `tea`, or
--ep1 for the repository's ep1 with approval auto) once, uninterrupted, in its own folder with
its own cache. Then, in each of --trials fresh folders (each with its own cache): starts
`snakemake`, kills it and every process it started with SIGKILL at a random moment of the
uninterrupted build's length (the moments drawn from --seed, so a run can be repeated), runs a
plain `snakemake` again (no --unlock), and compares every file under results/ with the
uninterrupted build, less what tests/test_reproducible.py names as a record of the run
(WALL_CLOCK and AFTER_A_CRASH). Prints one line per trial and the tally:

    .venv/bin/python bench/kill9.py [--trials 20] [--seed 1] [--ep1] [--keep] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.project import Project  # noqa: E402
from tests.test_reproducible import content, differences, neural_config  # noqa: E402


def ep1_config() -> tuple[dict, dict[str, str]]:
    import yaml

    raw = yaml.safe_load((REPO / "config.yaml").read_text())
    raw["approval"] = "auto"
    sources = {str(p.relative_to(REPO)): p.read_text() for p in (REPO / "sources" / "ep1").iterdir() if p.is_file()}
    return raw, sources


def snakemake(root: Path, cores: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "snakemake", "--cores", str(cores), "--nocolor"], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--ep1", action="store_true", help="the repository's ep1 instead of the small tea episode")
    parser.add_argument("--keep", action="store_true", help="keep the folders (printed)")
    parser.add_argument("--json", help="write the trials here")
    args = parser.parse_args()
    config, sources = ep1_config() if args.ep1 else (neural_config(), None)
    work = Path(tempfile.mkdtemp(prefix="showrunner-kill9-"))
    draw = random.Random(args.seed)
    try:
        (work / "uninterrupted").mkdir()
        reference = Project(work / "uninterrupted", config, sources)
        started = time.monotonic()
        first = snakemake(reference.root, args.cores)
        out, err = first.communicate()
        length = time.monotonic() - started
        if first.returncode != 0:
            sys.exit(f"the uninterrupted build failed:\n{err[-3000:]}")
        expected = content(reference, after_crash=True)
        print(f"uninterrupted build: {length:.1f} s, {len(expected)} files under results/", flush=True)
        trials = []
        for n in range(1, args.trials + 1):
            (work / f"trial-{n:02d}").mkdir()
            project = Project(work / f"trial-{n:02d}", config, sources)
            at = draw.uniform(0.02, 0.98) * length
            run = snakemake(project.root, args.cores)
            try:
                run.wait(timeout=at)
                killed = False  # it finished first
            except subprocess.TimeoutExpired:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait()
                killed = True
            run.communicate()
            locked = any((project.root / ".snakemake" / "locks").glob("*.lock"))
            resumed = subprocess.run([sys.executable, "-m", "snakemake", "--cores", str(args.cores), "--nocolor"],
                                     cwd=project.root, capture_output=True, text=True)
            needed_unlock = resumed.returncode != 0 and "--unlock" in resumed.stderr
            differ = differences(expected, content(project, after_crash=True)) if resumed.returncode == 0 else ["-"]
            trial = {"trial": n, "killed_at_s": round(at, 1), "killed": killed, "lock_left": locked,
                     "lock_cleared": "cleared Snakemake's lock" in resumed.stderr,
                     "finished": resumed.returncode == 0, "needed_unlock": needed_unlock,
                     "identical": resumed.returncode == 0 and not differ, "differ": differ[:5]}
            trials.append(trial)
            print(f"trial {n:2d}: killed at {at:5.1f} s{'' if killed else ' (had finished)'}, "
                  f"lock {'left, cleared' if trial['lock_cleared'] else 'left' if locked else 'none'}; "
                  f"{'finished' if trial['finished'] else 'FAILED'}"
                  f"{', identical' if trial['identical'] else ', DIFFERS: ' + ', '.join(differ[:5])}", flush=True)
            if resumed.returncode != 0:
                print(resumed.stderr[-2000:])
            if not args.keep:
                shutil.rmtree(project.root, ignore_errors=True)
        killed = [t for t in trials if t["killed"]]
        print(f"\n{len(killed)} of {len(trials)} trials killed mid-build; "
              f"{sum(t['finished'] for t in trials)} finished on the next plain run, "
              f"{sum(t['identical'] for t in trials)} identical to the uninterrupted build, "
              f"{sum(t['needed_unlock'] for t in trials)} needed --unlock "
              f"({sum(t['lock_cleared'] for t in trials)} stale locks cleared)")
        if args.json:
            Path(args.json).write_text(json.dumps({"uninterrupted_s": round(length, 1), "trials": trials}, indent=2))
        if not all(t["identical"] for t in trials):
            sys.exit(1)
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
