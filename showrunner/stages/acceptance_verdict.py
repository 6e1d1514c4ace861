"""acceptance_verdict: fails when acceptance.json holds a failed hard check (the report itself stays).

Its READS are empty: the verdict reads only acceptance.json and the scene critic's report.
"""

from __future__ import annotations

import logging

from showrunner.acceptance_checks import fail_on
from showrunner.files import read_json, write_text
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS: tuple[str, ...] = ()

log = logging.getLogger(__name__)


def run(job: StageJob) -> None:
    """The report stays where it is; a failed hard check fails this job."""
    report = read_json(job.input["json"])
    if job.input.get("review"):
        review = read_json(job.input["review"])
        (log.info if review.get("passed") else log.warning)(
            "scene critic: score %s (threshold %s), see %s", review.get("score"), review.get("threshold"),
            job.input["review"])
    fail_on(report.get("checks", []), job.slug, job.input["markdown"])
    write_text(job.output["flag"], f"{job.slug}: every hard acceptance check passed\n")
