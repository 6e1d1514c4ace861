"""Snakemake entry point of the script stage: the work is in showrunner.stages.script."""

from showrunner.stage_job import run_stage
from showrunner.stages.script import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
