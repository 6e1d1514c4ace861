"""Snakemake entry point of the approval_gate stage: the work is in showrunner.stages.approval_gate."""

from showrunner.stage_job import run_stage
from showrunner.stages.approval_gate import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
