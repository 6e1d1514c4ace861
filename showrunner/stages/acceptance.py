"""acceptance: measure the finished episode against the configured thresholds (showrunner.acceptance_checks).

acceptance.json lists every check (name, passed, measured, expected, hard) and acceptance.md shows
them as a table; both are written before a failed hard check fails the rule, and the error lists
every failure. In the workflow the report and the verdict are two rules: `acceptance`
(`write_report`) always succeeds once it has measured, so Snakemake never deletes the report a
failure points to; `acceptance_verdict` reads acceptance.json and fails with every failed check named.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from showrunner.acceptance_checks import Check, fail_on, markdown, measure
from showrunner.files import write_json, write_text
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("acceptance", "audio.podcast_lufs", "audio.podcast_true_peak_db", "audio.sample_rate",
         "audio.video_lufs", "target_minutes", "video.aspect", "video.fps", "video.height", "video.subtitles",
         "pronunciations")

log = logging.getLogger(__name__)


def run(job: StageJob) -> None:
    """Measure, write the report, and fail when a hard check failed (write_report, then verdict)."""
    checks = write_report(job)
    fail_on([asdict(c) for c in checks], job.slug, job.output["markdown"])


def write_report(job: StageJob) -> list[Check]:
    checks = measure(job)
    failed = [c for c in checks if not c.passed and c.hard]
    report = {"slug": job.slug, "passed": not failed, "checks": [asdict(c) for c in checks]}
    write_json(job.output["json"], report)
    write_text(job.output["markdown"], markdown(job.slug, checks))
    for check in checks:
        log.info("%s %s: measured %s, expected %s", "PASS" if check.passed else "FAIL", check.name,
                 check.measured, check.expected)
    return checks
