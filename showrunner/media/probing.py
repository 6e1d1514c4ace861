"""Probing: what ffprobe says a file holds (streams, chapters, duration)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from showrunner.media.tools import FFPROBE, run

log = logging.getLogger(__name__)


def probe(path: str | Path) -> dict:
    """ffprobe's view of a file: format, streams and chapters."""
    proc = run([FFPROBE, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters",
                path], what=f"probe {Path(path).name}")
    return json.loads(proc.stdout)


def duration_of(path: str | Path) -> float:
    info = probe(path)
    return float(info.get("format", {}).get("duration", 0.0))
