"""Snakemake entry point of the report rules: the work is in showrunner.stages.report."""

from showrunner.stage_job import run_stage
from showrunner.stages.report import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
