"""Snakemake entry point of report_medium: the work is in showrunner.stages.report_medium."""

from showrunner.stage_job import run_stage
from showrunner.stages.report_medium import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
