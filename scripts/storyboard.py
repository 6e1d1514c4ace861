"""Snakemake entry point of the storyboard stage: the work is in showrunner.stages.storyboard."""

from showrunner.stage_job import run_stage
from showrunner.stages.storyboard import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
