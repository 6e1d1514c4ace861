"""Snakemake entry point of the scene critic: the work is in showrunner.stages.scene_critic."""

from showrunner.stage_job import run_stage
from showrunner.stages.scene_critic import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
