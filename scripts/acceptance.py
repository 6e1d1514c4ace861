"""Snakemake entry point of the acceptance stage: the work is in showrunner.stages.acceptance."""

from showrunner.stage_job import run_stage
from showrunner.stages.acceptance import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
