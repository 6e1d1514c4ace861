"""Snakemake entry point of the outline stage: the work is in showrunner.stages.outline."""

from showrunner.stage_job import run_stage
from showrunner.stages.outline import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
