"""The approval gate: pass under `approval: auto`, or when this very outline was approved."""

from __future__ import annotations

from showrunner.approval import pass_gate
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("approval",)


def run(job: StageJob) -> None:
    pass_gate(job.results, job.slug, job.episode.approval, job.output["flag"])
