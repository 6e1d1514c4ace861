"""Snakemake entry point of the music stage: the work is in showrunner.stages.music."""

from showrunner.stage_job import run_stage
from showrunner.stages.music import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
