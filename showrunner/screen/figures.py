"""The image files a scene shows, read from its scene file (for the rules: light, json only)."""

from __future__ import annotations

import json
from pathlib import Path


def figure_paths(scene_file: str | Path) -> list[str]:
    """The local figures a scene's beats show; none when the scene file is not there yet."""
    try:
        data = json.loads(Path(scene_file).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return sorted({b["path"] for b in data.get("beats", []) if isinstance(b, dict) and b.get("path")})
