"""Snakemake entry point of the scene_voice stage: the work is in showrunner.stages.scene_voice."""

from showrunner.stage_job import run_stage
from showrunner.stages.scene_voice import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
