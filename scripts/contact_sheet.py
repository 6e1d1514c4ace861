"""Snakemake entry point of contact_sheet: the work is in showrunner.stages.contact_sheet."""

from showrunner.stage_job import run_stage
from showrunner.stages.contact_sheet import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
