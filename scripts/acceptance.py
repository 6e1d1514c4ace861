"""Snakemake entry point of the acceptance stage: the work is in showrunner.stages.acceptance.

It writes the report and succeeds; rule acceptance_verdict (scripts/acceptance_verdict.py) fails
on a failed hard check, so Snakemake never deletes the report the failure points to."""

from showrunner.stage_job import run_stage
from showrunner.stages.acceptance import write_report

run_stage(snakemake, write_report)  # noqa: F821 (snakemake is injected by the script: directive)
