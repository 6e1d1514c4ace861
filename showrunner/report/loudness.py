"""A file's loudness over time as a PNG: what a listener hears, quiet stretches and jumps included.

matplotlib (Agg, no display) draws ffmpeg's EBU R128 measurements: the momentary loudness
(400 ms) thin, the short-term loudness (3 s) bold, the target as a dashed line, and the scene or
chapter starts as faint marks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402 (the backend is chosen first)
from matplotlib.ticker import FuncFormatter  # noqa: E402

from showrunner.files import atomic_path  # noqa: E402
from showrunner.media import LoudnessCurve  # noqa: E402

FLOOR_LUFS = -60.0  # silence reads -120.7: drawn at the bottom of the plot instead
MOMENTARY_WINDOW_S, SHORT_TERM_WINDOW_S = 0.4, 3.0
INK, MOMENTARY, SHORT_TERM, TARGET = "#1c1e24", "#9db4d6", "#1f4e99", "#d9822b"


def _shown(times: Sequence[float], values: Sequence[float], window: float) -> list[float]:
    """Values for the plot: none before the meter's window is full (it reads -120.7 there, not a
    silence), and silence drawn at the floor."""
    return [math.nan if t < window - 0.05 else max(v, FLOOR_LUFS) for t, v in zip(times, values, strict=True)]


def _clock(seconds: float, _position: object = None) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def plot_loudness(curve: LoudnessCurve, out: str | Path, *, title: str, target_lufs: float,
                  marks: Sequence[tuple[float, str]] = ()) -> None:
    """Write the plot; `marks` are (seconds, label) of scene or chapter starts."""
    clip = _shown(curve.times, curve.momentary, MOMENTARY_WINDOW_S)
    short = _shown(curve.times, curve.short_term, SHORT_TERM_WINDOW_S)
    fig, ax = plt.subplots(figsize=(10, 3.4), dpi=110)
    try:
        for seconds, label in marks:
            ax.axvline(seconds, color="#c8c8c4", linewidth=0.8, zorder=0)
            ax.text(seconds, -1.5, f" {label}", fontsize=7, color="#6b6b66", va="top", ha="left", clip_on=True)
        ax.plot(curve.times, clip, color=MOMENTARY, linewidth=0.8, label="momentary (400 ms)")
        ax.plot(curve.times, short, color=SHORT_TERM, linewidth=1.8, label="short-term (3 s)")
        ax.axhline(target_lufs, color=TARGET, linestyle="--", linewidth=1.2, label=f"target {target_lufs:g} LUFS")
        ax.set_ylim(FLOOR_LUFS, 0)
        ax.set_xlim(0, max(curve.times[-1], 1.0))
        ax.xaxis.set_major_formatter(FuncFormatter(_clock))
        ax.set_xlabel("time (m:ss)", color=INK)
        ax.set_ylabel("loudness (LUFS)", color=INK)
        ax.set_title(f"{title}: integrated {curve.integrated:g} LUFS, range {curve.lra:g} LU", fontsize=11,
                     color=INK, loc="left")
        ax.grid(axis="y", color="#e6e6e2", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="lower right", fontsize=8, frameon=False, ncols=3)
        fig.tight_layout()
        with atomic_path(out) as tmp:
            fig.savefig(tmp, format="png", metadata={"Software": None})
    finally:
        plt.close(fig)
