"""contact_sheet: the storyboard as one PNG grid of the numbered scene pictures, for the report."""

from __future__ import annotations

import logging
from pathlib import Path

from showrunner.artifacts import Storyboard
from showrunner.files import read_model
from showrunner.report.contact_sheet import Tile, contact_sheet
from showrunner.stage_job import StageJob

log = logging.getLogger(__name__)

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("show.style.font", "show.style.font_bold")


def run(job: StageJob) -> None:
    storyboard = read_model(job.input["storyboard"], Storyboard)
    images = {Path(p).parent.name: Path(p) for p in job.input["images"]}
    tiles = [Tile(ref.index, ref.title, images[f"{ref.index:02d}"]) for ref in storyboard.scenes]
    style = job.episode.show.style
    cols, rows = contact_sheet(tiles, job.output["sheet"], font=style.font, font_bold=style.font_bold)
    log.info("contact sheet: %d scenes in %d x %d", len(tiles), cols, rows)
