"""Snakemake entry point of the captions stage: the work is in showrunner.stages.captions."""

from showrunner.stage_job import run_stage
from showrunner.stages.captions import run

run_stage(snakemake, run)  # noqa: F821 (snakemake is injected by the script: directive)
