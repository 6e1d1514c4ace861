"""report_medium: final.mp4 or podcast.mp3 ({medium}) as a page that plays it, and its loudness over time.

Snakemake's report offers audio and video only as downloads, so each is wrapped in a small HTML
page with a player; the loudness plot marks scenes (the video) or chapters (the podcast).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from showrunner import media
from showrunner.artifacts import SceneTimings
from showrunner.files import read_model, write_text
from showrunner.report import pages
from showrunner.rule_kinds import MEDIA, medium_of
from showrunner.stage_job import StageJob

log = logging.getLogger(__name__)

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("audio.podcast_lufs", "audio.video_lufs", "spec.title")


def run(job: StageJob) -> None:
    """final.mp4 or podcast.mp3: a page that plays it, and its loudness over time."""
    player(job)
    loudness_plot(job)


def loudness_plot(job: StageJob) -> None:
    curve = media.loudness_curve(job.input["media"])
    audio = job.episode.audio
    if _is_video(job):
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
    # matplotlib, loaded by this job only: not by every Snakemake start that reads this module's READS
    from showrunner.report.loudness import plot_loudness

    plot_loudness(curve, job.output["plot"], title=title, target_lufs=target, marks=marks)


def _is_video(job: StageJob) -> bool:
    """Whether the job's {medium} is the video's (final) rather than the podcast's."""
    return job.wildcards["medium"] == medium_of("video")


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def player(job: StageJob) -> None:
    """The file itself when it fits in a page the report can show (Chromium opens no iframe from
    a data: URL over 2 MiB), else a smaller preview of it, else a note where the file is."""
    medium, video = job.wildcards["medium"], _is_video(job)
    path = Path(job.input["media"])
    duration = media.duration_of(path)
    heading = f"{'Video' if video else 'Podcast'}: {job.episode.title}"
    where = f"results/{job.slug}/{MEDIA[medium]}"
    if path.stat().st_size <= pages.MAX_INLINE_BYTES:
        page = pages.player_page(path, heading=heading, subheading=where, duration_s=duration)
    else:
        with tempfile.TemporaryDirectory(prefix="showrunner-preview-") as tmp:
            preview = Path(tmp) / ("preview.mp4" if video else "preview.ogg")
            described = media.encode_preview(path, preview, video=video,
                                             max_bytes=pages.MAX_INLINE_BYTES, duration_s=duration)
            note = pages.preview_note(path, where, described)
            page = pages.player_page(preview if described else None, heading=heading, subheading=where,
                                     duration_s=duration, note=note)
        log.info("player for %s: %s", where, note)
    write_text(job.output["page"], page)
