"""`snakemake --profile profiles/slurm` on a real one-node SLURM cluster (tests/slurm_cluster.py).

A small episode is built through the SLURM executor plugin: every job except the local rules goes
through sbatch to slurmctld and runs under slurmd; the evidence is SLURM's own (slurmctld's log
of accepted batch jobs, the job completion log) and the plugin's per-job logs. Skipped when the
slurm/munge binaries are not installed; `make test` installs them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

from tests.project import REPO, Project, small_config
from tests.slurm_cluster import PARTITION, SlurmCluster

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

EPISODE = ("results/tea/final.mp4", "results/tea/podcast.mp3", "results/tea/acceptance.json")
LOCAL_RULES = {"all", "approval_gate"}
# Settings for this throwaway cluster only, not for the profile: it has no accounting database,
# so job states come from squeue (MinJobAge keeps finished jobs listed); the first status check
# comes after 6 s instead of 40 (the jobs here take about 5 s); and every job keeps its SLURM log
# as evidence.
CLUSTER_ARGS = ("--slurm-status-command", "squeue", "--slurm-init-seconds-before-status-checks", "6",
                "--slurm-keep-successful-logs")


def model_rules() -> set[str]:
    """Rules that declare `resources: model=1` in rules/*.smk."""
    names = set()
    for smk in (REPO / "rules").glob("*.smk"):
        for block in re.split(r"^(?=(?:rule|checkpoint) )", smk.read_text(), flags=re.M):
            head = re.match(r"(?:rule|checkpoint) (\w+):", block)
            if head and re.search(r"^\s+model=1,?\s*$", block, flags=re.M):
                names.add(head.group(1))
    return names


@dataclass
class SlurmRun:
    project: Project
    cluster: SlurmCluster
    output: str

    def run_id(self) -> str:
        match = re.search(r"SLURM run ID: (\S+)", self.output)
        assert match, self.output[-3000:]
        return match.group(1)

    def job_rules(self) -> dict[int, str]:
        """SLURM job id -> rule, from the plugin's logs: .snakemake/slurm_logs/rule_<rule>/<wildcards>/<id>.log."""
        logs = self.project.path(".snakemake", "slurm_logs")
        jobs = {}
        for log in logs.rglob("*.log"):
            rule_dir = next(p for p in log.relative_to(logs).parts if p.startswith("rule_"))
            jobs[int(log.stem)] = rule_dir.removeprefix("rule_")
        return jobs


@pytest.fixture(scope="module")
def slurm_run(tmp_path_factory):
    with SlurmCluster() as cluster:
        project = Project(tmp_path_factory.mktemp("slurm_episode"), small_config(approval="auto"))
        result = project.snakemake("--profile", "profiles/slurm", *CLUSTER_ARGS, *EPISODE,
                                   env=cluster.env, check=False)
        output = result.stdout + result.stderr
        if result.returncode != 0:
            slurm_logs = "\n".join(f"--- {p} ---\n{p.read_text(errors='replace')[-2000:]}"
                                   for p in sorted(project.path(".snakemake").glob("slurm_logs/**/*.log")))
            pytest.fail(f"snakemake --profile profiles/slurm failed ({result.returncode}):\n{output[-6000:]}\n"
                        f"{slurm_logs[-6000:]}\n{cluster.logs()}")
        yield SlurmRun(project, cluster, output)


def test_episode_is_built_on_the_cluster_and_accepted(slurm_run):
    for target in EPISODE:
        assert slurm_run.project.path(target).stat().st_size > 0, target
    acceptance = json.loads(slurm_run.project.path("results/tea/acceptance.json").read_text())
    failed = [c for c in acceptance["checks"] if not c["passed"]]
    assert acceptance["passed"] and not failed


def test_every_job_but_the_local_rules_ran_as_a_slurm_job(slurm_run):
    cluster = slurm_run.cluster
    finished = Counter(re.findall(r"Finished jobid: \d+ \(Rule: (\w+)\)", slurm_run.output))
    ran_locally = Counter(re.findall(r"^localrule (\w+):", slurm_run.output, flags=re.M))
    assert ran_locally == {"approval_gate": 1}  # no `all` job: the targets are named
    job_rules = slurm_run.job_rules()
    submitted = Counter(job_rules.values())
    assert submitted == finished - ran_locally
    assert submitted["scene_clip"] >= 2 and submitted["acceptance"] == 1
    assert not LOCAL_RULES & set(submitted)
    # slurmctld accepted exactly these batch jobs, and each ran to completion on the node, named
    # after this Snakemake run, in the project directory, on the default partition.
    assert sorted(cluster.submitted_job_ids()) == sorted(job_rules)
    completed = cluster.completed_jobs()
    assert sorted(completed) == sorted(job_rules)
    for job_id, job in completed.items():
        context = f"job {job_id} ({job_rules[job_id]}): {job}"
        assert job["JobState"] == "COMPLETED" and job["ExitCode"] == "0:0", context
        assert job["Name"] == slurm_run.run_id(), context
        assert Path(job["WorkDir"]).resolve() == slurm_run.project.root.resolve(), context
        assert job["Partition"] == PARTITION and job["NodeList"] == "localhost", context


def test_profile_resources_reach_sbatch(slurm_run):
    completed = slurm_run.cluster.completed_jobs()
    for job_id, rule in slurm_run.job_rules().items():
        job = completed[job_id]
        assert job["TimeLimit"] == "30", (rule, job)  # runtime=30 (minutes)
        assert "mem=2000M" in job["Tres"], (rule, job)  # mem_mb=2000
        assert job["ProcCnt"] == ("2" if rule in ("scene_clip", "final") else "1"), (rule, job)  # cpus_per_task


def test_model_stages_run_one_at_a_time_on_the_cluster(slurm_run):
    model = model_rules()
    # scene_voice takes the lane only for online or GPU voices (the test's espeak-ng runs on the CPU)
    assert {"research", "outline", "script", "storyboard", "scene_image"} <= model
    completed = slurm_run.cluster.completed_jobs()
    spans = sorted((completed[job_id]["StartTime"], completed[job_id]["EndTime"], rule)
                   for job_id, rule in slurm_run.job_rules().items() if rule in model)
    assert len(spans) >= 6
    for (_, end, rule), (start, _, next_rule) in pairwise(spans):
        assert start >= end, f"{next_rule} started at {start}, before {rule} ended at {end}"
