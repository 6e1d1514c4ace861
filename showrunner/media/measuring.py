"""Measuring: loudness (EBU R128, integrated and over time) and silences, of files or samples."""

from __future__ import annotations

import logging
import math
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from showrunner.errors import MediaError
from showrunner.media.probing import duration_of
from showrunner.media.tools import ffmpeg, pcm_input

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


_EBUR128 = {"integrated": r"I:\s+(-?[\d.]+|-inf) LUFS", "lra": r"LRA:\s+(-?[\d.]+) LU",
            "true_peak": r"Peak:\s+(-?[\d.]+|-inf) dBFS"}


def loudness_of(source: Sequence[str | Path], *, stdin: bytes | None = None, what: str,
                true_peak: bool = True) -> dict[str, float]:
    """EBU R128 integrated loudness (LUFS), loudness range (LU) and true peak (dBTP) of an input
    (without true_peak the peak is not measured, which is faster)."""
    meter = "ebur128=peak=true" if true_peak else "ebur128"
    proc = ffmpeg([*source, "-map", "0:a:0", "-af", meter, "-f", "null", "-"], what=what, stdin=stdin)
    return ebur128_summary(proc.stderr)


def ebur128_summary(stderr: bytes) -> dict[str, float]:
    text = stderr.decode("utf-8", "replace")
    summary = text[text.rfind("Summary:"):]
    out = {}
    for key, pattern in _EBUR128.items():
        found = re.search(pattern, summary)
        out[key] = float(found.group(1)) if found else float("nan")
    return out


def loudness(path: str | Path) -> dict[str, float]:
    return loudness_of(["-i", path], what=f"measure the loudness of {Path(path).name}")


def integrated_loudness(pieces: Sequence[np.ndarray], sample_rate: int, *, what: str) -> list[float]:
    """The integrated loudness (ITU-R BS.1770, LUFS) of each int16 mono piece, by ffmpeg's ebur128 meter (the one
    that masters and checks the episode), all pieces in one ffmpeg run; -inf where nothing passes its gates
    (silence, or a piece shorter than one 400 ms block). To a thousandth of a LU (the meter's metadata), where
    the summary it prints rounds to a tenth."""
    import numpy as np
    measured = [i for i, piece in enumerate(pieces) if np.asarray(piece).size]
    out = [-math.inf] * len(pieces)
    if not measured:
        return out
    with tempfile.TemporaryDirectory(prefix="showrunner-loudness-") as tmp:
        args: list[str | Path] = ["-v", "error"]
        graph, outputs = [], []
        for n, i in enumerate(measured):
            source = Path(tmp) / f"in{n}.raw"
            np.asarray(pieces[i], dtype="<i2").tofile(source)
            args += ["-f", "s16le", "-ar", str(sample_rate), "-ac", "1", "-i", source]
            graph.append(f"[{n}:a]ebur128=metadata=1,ametadata=mode=print:key=lavfi.r128.I:file={tmp}/i{n}.txt[m{n}]")
            outputs += ["-map", f"[m{n}]", "-f", "null", "-"]
        ffmpeg([*args, "-filter_complex", ";".join(graph), *outputs], what=what)
        for n, i in enumerate(measured):
            printed = Path(tmp) / f"i{n}.txt"
            values = re.findall(r"lavfi\.r128\.I=(\S+)", printed.read_text()) if printed.exists() else []
            value = float(values[-1]) if values else -math.inf
            out[i] = value if value > -70.0 else -math.inf  # -70 LUFS: the meter's absolute gate, nothing passed
    return out


@dataclass
class LoudnessCurve:
    """EBU R128 loudness over time: every 100 ms, the momentary (400 ms window) and short-term
    (3 s window) loudness in LUFS, and the summary of the whole file."""

    times: list[float]
    momentary: list[float]
    short_term: list[float]
    integrated: float
    lra: float


_EBUR128_FRAME = re.compile(r"t:\s*(\d+(?:\.\d+)?)\s+TARGET:.*?M:\s*(-?[\d.]+|-?inf|nan)\s+S:\s*(-?[\d.]+|-?inf|nan)")


def loudness_curve(path: str | Path) -> LoudnessCurve:
    """The loudness of the first audio stream of a file over time (ffmpeg's ebur128 meter)."""
    proc = ffmpeg(["-i", path, "-map", "0:a:0", "-af", "ebur128=framelog=info", "-f", "null", "-"],
                  what=f"measure the loudness over time of {Path(path).name}")
    text = proc.stderr.decode("utf-8", "replace")
    frames = [(float(t), float(m), float(s)) for t, m, s in _EBUR128_FRAME.findall(text[:text.rfind("Summary:")])]
    if not frames:
        raise MediaError(f"{path}: ffmpeg's ebur128 meter reported no loudness over time")
    summary = ebur128_summary(proc.stderr)
    return LoudnessCurve([f[0] for f in frames], [f[1] for f in frames], [f[2] for f in frames],
                         summary["integrated"], summary["lra"])


def silences(path: str | Path, *, threshold_db: float, min_seconds: float) -> list[tuple[float, float]]:
    """(start, end) of every stretch of the first audio stream quieter than threshold_db for min_seconds."""
    return _silences(["-i", path], threshold_db, min_seconds, what=f"find silences in {Path(path).name}",
                     duration=lambda: duration_of(path))


def silences_in(samples: np.ndarray, sample_rate: int, *, threshold_db: float,
                min_seconds: float) -> list[tuple[float, float]]:
    """The same for int16 mono samples held in memory."""
    import numpy as np
    source = pcm_input(sample_rate, "s16le")
    return _silences(source, threshold_db, min_seconds, what="find silences in the narration",
                     duration=lambda: samples.size / sample_rate, stdin=np.asarray(samples, dtype="<i2").tobytes())


def loudness_and_silences(path: str | Path, *, threshold_db: float,
                          min_seconds: float) -> tuple[dict[str, float], list[tuple[float, float]]]:
    """loudness(path) and silences(path, ...) from one decode of its first audio stream, not two: the
    meter passes the audio on unchanged, so both give the numbers they give apart."""
    proc = ffmpeg(["-i", path, "-map", "0:a:0", "-af", f"ebur128=peak=true,{_detector(threshold_db, min_seconds)}",
                   "-f", "null", "-"], what=f"measure the loudness and find the silences of {Path(path).name}")
    return ebur128_summary(proc.stderr), _silence_spans(proc.stderr, duration=lambda: duration_of(path))


def _detector(threshold_db: float, min_seconds: float) -> str:
    return f"silencedetect=noise={threshold_db}dB:d={min_seconds}"


def _silences(source: Sequence[str | Path], threshold_db: float, min_seconds: float, *, what: str, duration,
              stdin: bytes | None = None) -> list[tuple[float, float]]:
    proc = ffmpeg([*source, "-map", "0:a:0", "-af", _detector(threshold_db, min_seconds), "-f", "null", "-"],
                  what=what, stdin=stdin)
    return _silence_spans(proc.stderr, duration=duration)


def _silence_spans(stderr: bytes, *, duration) -> list[tuple[float, float]]:
    text = stderr.decode("utf-8", "replace")
    starts = [float(s) for s in re.findall(r"silence_start: (-?[\d.]+)", text)]
    ends = [float(e) for e in re.findall(r"silence_end: (-?[\d.]+)", text)]
    if len(ends) < len(starts):  # silent to the end
        ends.append(duration())
    return list(zip(starts, ends, strict=True))
