"""Snakemake entry point of the research stage: the work is in showrunner.stages.research."""

from showrunner.stage_job import run_stage
from showrunner.stages.research import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
