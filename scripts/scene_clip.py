"""Snakemake entry point of the scene_clip stage: the work is in showrunner.stages.scene_clip."""

from showrunner.stage_job import run_stage
from showrunner.stages.scene_clip import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
