"""Snakemake entry point of the podcast stage: the work is in showrunner.stages.podcast."""

from showrunner.stage_job import run_stage
from showrunner.stages.podcast import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
