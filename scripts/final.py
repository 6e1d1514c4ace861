"""Snakemake entry point of the final stage: the work is in showrunner.stages.final."""

from showrunner.stage_job import run_stage
from showrunner.stages.final import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
