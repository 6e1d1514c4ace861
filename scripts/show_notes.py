"""Snakemake entry point of the show_notes stage: the work is in showrunner.stages.show_notes."""

from showrunner.stage_job import run_stage
from showrunner.stages.show_notes import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
