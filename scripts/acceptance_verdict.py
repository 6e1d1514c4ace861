"""Snakemake entry point of the acceptance verdict: fails when acceptance.json has a failed hard check."""

from showrunner.stage_job import run_stage
from showrunner.stages.acceptance import verdict

run_stage(snakemake, verdict)  # noqa: F821 (snakemake is injected by the script: directive)
