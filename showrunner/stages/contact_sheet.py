"""contact_sheet: the storyboard as one PNG grid of every scene's beats, numbered scene.beat, for the report."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from showrunner.artifacts import Storyboard
from showrunner.files import read_model
from showrunner.report.contact_sheet import Tile, contact_sheet
from showrunner.stage_job import StageJob

log = logging.getLogger(__name__)

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("show.style.font", "show.style.font_bold")

BEATS_A_ROW = 6


def run(job: StageJob) -> None:
    storyboard = read_model(job.input["storyboard"], Storyboard)
    beats = {Path(p).parent.name: Path(p) for p in job.input["beats"]}  # media/<NN>/beats
    tiles = []
    for ref in storyboard.scenes:
        folder = beats[f"{ref.index:02d}"] if f"{ref.index:02d}" in beats else None
        listed = json.loads((folder / "beats.json").read_text(encoding="utf-8"))["beats"] if folder else []
        for k, beat in enumerate(listed, start=1):
            what = beat["kind"] + (f": {Path(beat['path']).name}" if beat.get("path") else "")
            tiles.append(Tile(ref.index, f"{what} \u00b7 {ref.title}", folder / beat["file"],
                              label=f"{ref.index:02d}.{k}"))
    style = job.episode.show.style
    cols, rows = contact_sheet(tiles, job.output["sheet"], font=style.font, font_bold=style.font_bold,
                               most_columns=BEATS_A_ROW)
    log.info("contact sheet: %d beats of %d scenes in %d x %d", len(tiles), len(storyboard.scenes), cols, rows)
