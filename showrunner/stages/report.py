"""The report rules (rules/report.smk): each makes one page or picture of `snakemake --report`.

One `run` for all of them (scripts/report.py), dispatched on the rule's name; the work is in
showrunner.report.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from showrunner import media
from showrunner.artifacts import Outline, SceneTimings, Script, ScriptReview, Storyboard
from showrunner.files import read_json, read_model, write_text
from showrunner.providers.cost import CostLedger
from showrunner.report import pages
from showrunner.report.contact_sheet import Tile, contact_sheet
from showrunner.report.loudness import plot_loudness
from showrunner.stage_job import StageJob

log = logging.getLogger(__name__)

MEDIA = {"final": "final.mp4", "podcast": "podcast.mp3"}


def report_pages(job: StageJob) -> None:
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


def contact_sheet_stage(job: StageJob) -> None:
    storyboard = read_model(job.input["storyboard"], Storyboard)
    images = {Path(p).parent.name: Path(p) for p in job.input["images"]}
    tiles = [Tile(ref.index, ref.title, images[f"{ref.index:02d}"]) for ref in storyboard.scenes]
    style = job.episode.show.style
    cols, rows = contact_sheet(tiles, job.output["sheet"], font=style.font, font_bold=style.font_bold)
    log.info("contact sheet: %d scenes in %d x %d", len(tiles), cols, rows)


def report_medium(job: StageJob) -> None:
    """final.mp4 or podcast.mp3: a page that plays it, and its loudness over time."""
    player(job)
    loudness_plot(job)


def loudness_plot(job: StageJob) -> None:
    medium = job.wildcards["medium"]
    curve = media.loudness_curve(job.input["media"])
    audio = job.episode.audio
    if medium == "final":
        marks, start = [], 0.0
        for path in job.input["timings"]:
            timing = read_model(path, SceneTimings)
            marks.append((start, f"scene {timing.scene:02d}"))
            start += timing.duration
        title, target = "final.mp4 soundtrack", audio.video_lufs
    else:
        chapters = media.probe(job.input["media"]).get("chapters", [])
        marks = [(float(c["start_time"]), _short(c.get("tags", {}).get("title") or f"chapter {i + 1}"))
                 for i, c in enumerate(chapters)]
        title, target = "podcast.mp3", audio.podcast_lufs
    plot_loudness(curve, job.output["plot"], title=title, target_lufs=target, marks=marks)


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def player(job: StageJob) -> None:
    """The file itself when it fits in a page the report can show (Chromium opens no iframe from
    a data: URL over 2 MiB), else a smaller preview of it, else a note where the file is."""
    medium = job.wildcards["medium"]
    path = Path(job.input["media"])
    duration = media.duration_of(path)
    heading = f"{'Video' if medium == 'final' else 'Podcast'}: {job.episode.title}"
    where = f"results/{job.slug}/{MEDIA[medium]}"
    if path.stat().st_size <= pages.MAX_INLINE_BYTES:
        page = pages.player_page(path, heading=heading, subheading=where, duration_s=duration)
    else:
        with tempfile.TemporaryDirectory(prefix="showrunner-preview-") as tmp:
            preview = Path(tmp) / ("preview.mp4" if medium == "final" else "preview.ogg")
            described = media.encode_preview(path, preview, video=medium == "final",
                                             max_bytes=pages.MAX_INLINE_BYTES, duration_s=duration)
            note = pages.preview_note(path, where, described)
            page = pages.player_page(preview if described else None, heading=heading, subheading=where,
                                     duration_s=duration, note=note)
        log.info("player for %s: %s", where, note)
    write_text(job.output["page"], page)


STAGES: dict[str, Callable[[StageJob], None]] = {
    "report_pages": report_pages,
    "contact_sheet": contact_sheet_stage,
    "report_medium": report_medium,
}


def run(job: StageJob) -> None:
    STAGES[job.stage](job)
