"""Snakemake entry point of the narration stage: the work is in showrunner.stages.narration."""

from showrunner.stage_job import run_stage
from showrunner.stages.narration import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
