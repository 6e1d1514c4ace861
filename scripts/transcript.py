"""Snakemake entry point of the transcript stage: the work is in showrunner.stages.transcript."""

from showrunner.stage_job import run_stage
from showrunner.stages.transcript import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
