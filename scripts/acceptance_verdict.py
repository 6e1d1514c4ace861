"""Snakemake entry point of the acceptance verdict: fails when acceptance.json has a failed hard check."""

from showrunner.stage_job import run_stage
from showrunner.stages.acceptance_verdict import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
