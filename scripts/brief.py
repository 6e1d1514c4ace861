"""Snakemake entry point of the brief stage: the work is in showrunner.stages.brief."""

from showrunner.stage_job import run_stage
from showrunner.stages.brief import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
