"""report_pages: the report's outline, script (with the critic's scores), acceptance and cost pages.

The pages themselves are made in showrunner.report; `snakemake --report` shows them per episode.
"""

from __future__ import annotations

from pathlib import Path

from showrunner.artifacts import Outline, Script, ScriptReview
from showrunner.files import read_json, read_model, write_text
from showrunner.providers.cost import CostLedger
from showrunner.report import pages
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("show.hosts", "writing.words_per_minute", "spec.budget_usd")


def run(job: StageJob) -> None:
    """The outline, the script with the critic's scores, the acceptance checks and the cost."""
    outline = read_model(job.input["outline"], Outline)
    markdown = Path(job.input["markdown"]).read_text(encoding="utf-8")
    write_text(job.output["outline"], pages.outline_page(markdown, heading=f"Outline: {outline.title}"))
    script = pages.script_page(read_model(job.input["script"], Script), read_model(job.input["review"], ScriptReview),
                               outline, job.episode.show.hosts, words_per_minute=job.episode.writing.words_per_minute)
    write_text(job.output["script"], script)
    write_text(job.output["acceptance"], pages.acceptance_page(read_json(job.input["acceptance"])))
    ledger = CostLedger(job.results, job.slug)
    spent = ledger.spent() if ledger.ledger.exists() else None
    write_text(job.output["cost"], pages.cost_page(job.slug, pages.cost_rows(job.input["provenance"]), spent=spent,
                                                   budget=job.episode.spec.budget_usd))
