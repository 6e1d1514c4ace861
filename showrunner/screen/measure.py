"""What the screen shows, measured on the frames: how much of each frame is empty.

A frame is cut into square cells (EMPTY_CELLS across its height); a cell is empty when it is
flat (its brightest and darkest pixels differ by less than FLAT), so a bare background, a blank
margin and a plain panel count as empty, and any text, line or picture does not. A frame is
"mostly empty" when more than two thirds of its cells are.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from showrunner import media

EMPTY_CELLS = 18
FLAT = 10
MOSTLY = 2 / 3


def empty_share(gray: np.ndarray) -> float:
    """The share of a grey frame's cells that are flat."""
    height, width = gray.shape
    side = max(min(height, width) // EMPTY_CELLS, 1)
    rows, cols = height // side, width // side
    cells = gray[:rows * side, :cols * side].reshape(rows, side, cols, side).swapaxes(1, 2)
    spread = cells.max(axis=(2, 3)).astype(int) - cells.min(axis=(2, 3)).astype(int)
    return float((spread < FLAT).mean())


def video_frames(path: str | Path, every_s: float = 1.0) -> list[np.ndarray]:
    """Grey frames of a video, one every `every_s` seconds."""
    info = media.probe(path)
    stream = next(s for s in info["streams"] if s.get("codec_type") == "video")
    width, height = int(stream["width"]), int(stream["height"])
    proc = subprocess.run([media.FFMPEG, "-v", "error", "-i", str(path), "-vf", f"fps=1/{every_s},format=gray",
                           "-f", "rawvideo", "-"], capture_output=True, check=True)
    data = np.frombuffer(proc.stdout, dtype=np.uint8)
    count = data.size // (width * height)
    return [data[k * width * height:(k + 1) * width * height].reshape(height, width) for k in range(count)]


def mostly_empty_share(frames: list[np.ndarray]) -> float:
    """The share of frames more than two thirds empty."""
    if not frames:
        return 0.0
    return sum(empty_share(f) > MOSTLY for f in frames) / len(frames)
