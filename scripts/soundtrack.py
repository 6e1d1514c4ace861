"""Snakemake entry point of the soundtrack stage: the work is in showrunner.stages.soundtrack."""

from showrunner.stage_job import run_stage
from showrunner.stages.soundtrack import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
