"""Record what a finished episode covered, so later episodes' briefs can build on it.

One file per episode (results/show/episodes/<slug>.json), written atomically: episodes that
finish in parallel never write the same file, and a reader never sees a half-written one.
"""

from __future__ import annotations

from showrunner.artifacts import Outline
from showrunner.files import read_model, write_json
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ()


def concepts_of(outline: Outline) -> list[str]:
    """The section titles and key points an episode covered, without duplicates, in order."""
    seen: dict[str, None] = {}
    for section in outline.sections:
        seen.setdefault(section.title, None)
        for point in section.key_points:
            seen.setdefault(point, None)
    return list(seen)


def run(job: StageJob) -> None:
    outline = read_model(job.input["outline"], Outline)
    write_json(job.output["memory"], {"slug": job.slug, "title": outline.title, "concepts": concepts_of(outline)})
