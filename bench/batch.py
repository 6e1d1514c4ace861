"""How does the workflow scale to many episodes? (`make bench-batch`)

In temporary copies of the repository (the checkout is never touched), measured in one run on
this machine, each against a floor measured in the same run:

1. Planning: `snakemake -n` over 100 episodes, against `snakemake -n` of a one-rule Snakefile
   (Snakemake's own start) and of a Snakefile of the same shape (as many jobs, each a chain of
   rules with a log, a benchmark, a conda file and a script, but no input functions, params or
   checkpoint): what Snakemake itself costs per job, which no change to our rules can remove.
   Twice: before anything is built (the storyboard checkpoints are still open, so the DAG
   stops at them) and once every episode is built (every checkpoint is resolved: each
   episode's storyboard.json is read to list its scenes). Target: <= 5 s.
2. Memory: the peak RSS of that Snakemake process at 100 episodes, against the one-rule floor.
3. Throughput: a batch of 4 small episodes built from scratch at --cores 1 and at --cores 2
   (the default profile: model stages single-lane). Target: speed-up >= 1.6x.

    .venv/bin/python bench/batch.py [--episodes 100] [--batch 4] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from showrunner import dag  # noqa: E402
from showrunner.config import load_config  # noqa: E402
from showrunner.workflow import final_files  # noqa: E402
from tests.project import SMALL_SOURCE, WORKFLOW_PARTS, small_config  # noqa: E402

PLAN_TARGET_S = 5.0
SPEEDUP_TARGET = 1.6
LAST_CPU_S = [0.0]
ONE_RULE = 'rule one:\n    output:\n        "one.txt",\n    shell:\n        "touch {output}"\n'


def same_shape(root: Path, episodes: int, rules: int) -> Path:
    """A Snakefile of `episodes` chains of `rules` plain rules: Snakemake's own cost for that many jobs."""
    root.mkdir(parents=True)
    lines = [f"SLUGS = [f'ep{{i:03d}}' for i in range(1, {episodes + 1})]", "", "rule all:",
             f"    input: expand('results/{{slug}}/r{rules - 1}.txt', slug=SLUGS)", ""]
    for i in range(rules):
        lines += [f"rule r{i}:", *([f"    input: 'results/{{slug}}/r{i - 1}.txt'"] if i else []),
                  f"    output: 'results/{{slug}}/r{i}.txt'", f"    log: 'logs/r{i}/{{slug}}.log'",
                  f"    benchmark: 'benchmarks/r{i}/{{slug}}.tsv'", "    conda: 'env.yaml'",
                  "    script: 'touch.py'", ""]
    (root / "Snakefile").write_text("\n".join(lines))
    (root / "env.yaml").write_text("channels: [conda-forge]\ndependencies: [python]\n")
    (root / "touch.py").write_text("open(snakemake.output[0], 'w').close()\n")
    return root


def workflow_copy(root: Path, episodes: int) -> Path:
    """The workflow with `episodes` small episodes (approval: auto), all from one short source."""
    root.mkdir(parents=True)
    for part in WORKFLOW_PARTS:
        src = REPO / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / part)
    (root / "sources").mkdir()
    (root / "sources/tea.md").write_text(SMALL_SOURCE)
    config = small_config(approval="auto")
    spec = config["episodes"].pop("tea")
    config["episodes"] = {f"ep{i:03d}": dict(spec) for i in range(1, episodes + 1)}
    (root / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return root


def measured(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Run a command in a fresh child; (seconds, the child's peak RSS in MiB). Its output goes to
    bench.log in `cwd`; the CPU seconds it and its jobs used go to LAST_CPU_S."""
    probe = ("import resource, subprocess, sys, time\n"
             "t = time.perf_counter()\n"
             "log = open('bench.log', 'w')\n"
             "code = subprocess.run(sys.argv[1:], stdout=log, stderr=subprocess.STDOUT).returncode\n"
             "t = time.perf_counter() - t\n"
             "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
             "print(t, r.ru_maxrss, r.ru_utime + r.ru_stime)\n"
             "sys.exit(code)\n")
    proc = subprocess.run([sys.executable, "-c", probe, *cmd], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(cwd)}, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed in {cwd}:\n{(cwd / 'bench.log').read_text()[-4000:]}")
    seconds, rss_kib, cpu = proc.stdout.split()
    LAST_CPU_S[0] = float(cpu)
    return float(seconds), int(rss_kib) / 1024


def snakemake(*args: str) -> list[str]:
    return [sys.executable, "-m", "snakemake", "--nocolor", *args]


def planned_jobs(cwd: Path) -> int:
    """The 'total' of the job counts the last dry run in `cwd` printed."""
    found = re.findall(r"^total\s+(\d+)", (cwd / "bench.log").read_text(), flags=re.M)
    return int(found[-1]) if found else 0


def best_of(n: int, cmd: list[str], cwd: Path) -> tuple[float, float]:
    runs = [measured(cmd, cwd) for _ in range(n)]
    return min(r[0] for r in runs), max(r[1] for r in runs)


def model_lane_seconds(root: Path) -> float:
    """Seconds the jobs of model stages (`resources: model=1`, one at a time under the default
    profile) took, from their benchmark files: no schedule on any number of cores beats this."""
    model_rules = set()
    for smk in (root / "rules").glob("*.smk"):
        for block in re.split(r"^(?=(?:rule|checkpoint) )", smk.read_text(), flags=re.M):
            head = re.match(r"(?:rule|checkpoint) (\w+):", block)
            if head and re.search(r"^\s+model=1,?\s*$", block, flags=re.M):
                model_rules.add(head.group(1))
    total = 0.0
    for rule in model_rules:
        for tsv in (root / "benchmarks" / rule).rglob("*.tsv"):
            total += float(tsv.read_text().splitlines()[1].split("\t")[0])
    return total


def pretend_built(root: Path, built: str, episodes: list[str]) -> None:
    """Every episode's results as `built` left them (mtimes kept), so that planning resolves every
    storyboard checkpoint and finds each episode's scenes, as after a real batch."""
    memory = root / "results" / "show" / "episodes"
    for slug in episodes:
        if slug != built:
            shutil.copytree(root / "results" / built, root / "results" / slug, copy_function=shutil.copy2)
            shutil.copy2(memory / f"{built}.json", memory / f"{slug}.json")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=100)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args()
    out: dict[str, float] = {"cpus": os.cpu_count() or 1}
    with tempfile.TemporaryDirectory(prefix="showrunner-batch-") as tmp:
        tmp_path = Path(tmp)
        floor_dir = tmp_path / "one-rule"
        floor_dir.mkdir()
        (floor_dir / "Snakefile").write_text(ONE_RULE)
        out["floor_plan_s"], out["floor_rss_mib"] = best_of(3, snakemake("-n", "--cores", "1"), floor_dir)

        many = workflow_copy(tmp_path / "many", args.episodes)
        out["plan_fresh_s"], out["plan_fresh_rss_mib"] = best_of(3, snakemake("-n", "--cores", "2"), many)
        out["plan_fresh_jobs"] = planned_jobs(many)
        shape = same_shape(tmp_path / "same-shape", args.episodes, round((out["plan_fresh_jobs"] - 1) / args.episodes))
        out["shape_plan_s"], _ = best_of(3, snakemake("-n", "--cores", "2"), shape)
        out["shape_jobs"] = planned_jobs(shape)
        slugs = [f"ep{i:03d}" for i in range(1, args.episodes + 1)]
        config = load_config(yaml.safe_load((many / "config.yaml").read_text()))
        targets = [*final_files(config, slugs[0], dag.rules(many)), f"results/show/episodes/{slugs[0]}.json"]
        subprocess.run(snakemake("--cores", "2", "--", *targets), cwd=many, check=True, capture_output=True,
                       env={**os.environ, "PYTHONPATH": str(many)})
        pretend_built(many, slugs[0], slugs)
        out["plan_built_s"], out["plan_built_rss_mib"] = best_of(3, snakemake("-n", "--cores", "2"), many)
        out["plan_built_jobs"] = planned_jobs(many)

        for cores in (1, 2):
            batch = workflow_copy(tmp_path / f"batch-{cores}", args.batch)
            out[f"batch_cores{cores}_s"], _ = measured(snakemake("--cores", str(cores)), batch)
            out[f"batch_cores{cores}_busy"] = LAST_CPU_S[0] / out[f"batch_cores{cores}_s"]
            if cores == 1:
                out["model_lane_s"] = model_lane_seconds(batch)

    out["plan_fresh_over_floor"] = out["plan_fresh_s"] / out["floor_plan_s"]
    out["plan_built_over_floor"] = out["plan_built_s"] / out["floor_plan_s"]
    out["rss_over_floor"] = out["plan_built_rss_mib"] / out["floor_rss_mib"]
    out["speedup"] = out["batch_cores1_s"] / out["batch_cores2_s"]
    out["speedup_bound"] = out["batch_cores1_s"] / max(out["batch_cores1_s"] / 2, out["model_lane_s"])
    n = args.episodes

    def verdict(ok: bool) -> str:
        return "OK" if ok else "MISSED"

    print(f"machine: {out['cpus']} CPUs")
    print(f"floor:        one-rule Snakefile dry run {out['floor_plan_s']:.2f} s, peak RSS "
          f"{out['floor_rss_mib']:.0f} MiB")
    print(f"same shape:   {out['shape_plan_s']:.2f} s = {out['shape_plan_s'] / out['floor_plan_s']:.1f}x floor  "
          f"{out['shape_jobs']:.0f} plain jobs: Snakemake's own cost for that many jobs")
    print(f"plan {n} new:   {out['plan_fresh_s']:.2f} s = {out['plan_fresh_over_floor']:.1f}x floor  "
          f"{out['plan_fresh_jobs']:.0f} jobs to run (target <= {PLAN_TARGET_S:g} s) "
          f"{verdict(out['plan_fresh_s'] <= PLAN_TARGET_S)}")
    print(f"plan {n} built: {out['plan_built_s']:.2f} s = {out['plan_built_over_floor']:.1f}x floor  "
          f"{out['plan_built_jobs']:.0f} to run (every checkpoint resolved; target <= {PLAN_TARGET_S:g} s) "
          f"{verdict(out['plan_built_s'] <= PLAN_TARGET_S)}")
    print(f"memory {n}:    peak RSS {out['plan_built_rss_mib']:.0f} MiB = {out['rss_over_floor']:.1f}x floor "
          f"(fresh: {out['plan_fresh_rss_mib']:.0f} MiB)")
    print(f"batch of {args.batch}:   --cores 1 {out['batch_cores1_s']:.1f} s, "
          f"--cores 2 {out['batch_cores2_s']:.1f} s: speed-up {out['speedup']:.2f}x  "
          f"(target >= {SPEEDUP_TARGET:g}x) {verdict(out['speedup'] >= SPEEDUP_TARGET)}")
    print(f"              cores kept busy on average: {out['batch_cores1_busy']:.2f} at --cores 1, "
          f"{out['batch_cores2_busy']:.2f} at --cores 2 (load average now {os.getloadavg()[0]:.1f}: "
          "other work on the machine takes cores too)")
    print(f"              model stages one at a time took {out['model_lane_s']:.1f} s of the --cores 1 run: "
          f"no schedule on 2 cores beats {out['speedup_bound']:.2f}x")
    if args.json:
        Path(args.json).write_text(json.dumps({k: round(v, 3) for k, v in out.items()}, indent=2) + "\n")


if __name__ == "__main__":
    main()
