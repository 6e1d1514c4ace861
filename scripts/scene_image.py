"""Snakemake entry point of the scene_image stage: the work is in showrunner.stages.scene_image."""

from showrunner.stage_job import run_stage
from showrunner.stages.scene_image import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
