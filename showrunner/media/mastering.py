"""Audio mastering: loudness to a target with a lookahead limiter, and the podcast MP3 with its chapters and tags."""

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
from showrunner.files import atomic_path
from showrunner.media.measuring import ebur128_summary, loudness, loudness_of
from showrunner.media.tools import ffmpeg, pcm_input

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


CODEC_SLACK_LU = 0.3


RESIDUAL_AFTER_LIMIT_DB = 0.5  # what may be given back after the limiter; more is given to it


def master(samples: np.ndarray, sample_rate: int, *, lufs: float, limit: float,
           what: str) -> tuple[np.ndarray, dict]:
    """float32 mono `samples` brought to `lufs` integrated (EBU R128), with a lookahead limiter
    holding sample peaks near `limit` (linear amplitude); and what was measured on the way.

    One ffmpeg run measures the loudness; the next applies that gain and the limiter, hands the
    limited samples back and measures them. Synthetic speech peaks high for its loudness, so
    the limiter takes some loudness away. Up to RESIDUAL_AFTER_LIMIT_DB of it is given back as
    a plain gain after the limiter (the peaks rise by as much: `limit` leaves room for it); when
    the limiter took more, the gain before it is raised by that much and it runs once more, so
    the peaks stay held.
    """
    import numpy as np
    pcm = np.asarray(samples, dtype="<f4").tobytes()
    source = pcm_input(sample_rate)
    raw = loudness_of(source, stdin=pcm, what=f"{what}: measure the mix", true_peak=False)
    gain = lufs - raw["integrated"] if math.isfinite(raw["integrated"]) else 0.0
    limiter = f"alimiter=limit={limit:.6f}:attack=5:release=80:level=0:latency=1"
    passes = []
    while True:
        proc = ffmpeg([*source, "-filter_complex", f"[0:a]volume={gain:.3f}dB,{limiter},asplit[m][o];[m]ebur128[x]",
                       "-map", "[x]", "-f", "null", "-", "-map", "[o]", "-c:a", "pcm_f32le", "-f", "f32le", "pipe:1"],
                      what=f"{what}: limit at {gain:+.2f} dB and measure", stdin=pcm)
        limited = np.frombuffer(proc.stdout, dtype="<f4")
        if limited.size != samples.size:
            raise MediaError(f"{what}: the limiter returned {limited.size} samples for {samples.size}")
        measured = ebur128_summary(proc.stderr)
        residual = lufs - measured["integrated"] if math.isfinite(measured["integrated"]) else 0.0
        passes.append({"gain_db": round(gain, 3), **measured})
        if abs(residual) <= RESIDUAL_AFTER_LIMIT_DB or len(passes) == 2:
            break
        gain += residual
    out = (limited * np.float32(10 ** (residual / 20))).astype(np.float32)
    return out, {"mix": raw, "limited": passes, "gain_db": round(gain, 3), "residual_db": round(residual, 3)}


@dataclass(frozen=True)
class Chapter:
    start: float  # seconds
    end: float
    title: str


def _meta_escape(value: str) -> str:
    return re.sub(r"([=;#\\\n])", r"\\\1", value)


def ffmetadata(tags: dict[str, str], chapters: Sequence[Chapter]) -> str:
    """An ffmpeg FFMETADATA1 file: global tags and one [CHAPTER] per chapter (times in ms)."""
    lines = [";FFMETADATA1"]
    lines += [f"{key}={_meta_escape(value)}" for key, value in tags.items()]
    for chapter in chapters:
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(chapter.start * 1000)}",
                  f"END={round(chapter.end * 1000)}", f"title={_meta_escape(chapter.title)}"]
    return "\n".join(lines) + "\n"


def master_podcast(samples: np.ndarray, sample_rate: int, out: str | Path, *, lufs: float, true_peak: float,
                   bitrate: str, tags: dict[str, str], chapters: Sequence[Chapter]) -> dict[str, object]:
    """podcast.mp3 from float32 mono samples: mastered to `lufs` (see `master`) under a limiter
    2 dB below the `true_peak` ceiling (inter-sample peaks and MP3 encoding take that room), MP3
    with ID3v2 tags and a CHAP frame per chapter. Returns what was measured along the way.

    MP3 at podcast bitrates takes a little of synthetic speech's loudness (~0.4 LU for espeak-ng
    at 128k). That is measured on an excerpt first (encoded and measured: a fraction of a
    second), the one full encode is aimed that much higher, then the file itself is measured and
    encoded again only if it is still off by more than CODEC_SLACK_LU.
    """
    import numpy as np
    limit = max(10 ** ((true_peak - 2.0) / 20), 0.0625)
    mastered, levels = master(samples, sample_rate, lufs=lufs, limit=limit, what="podcast")

    def encode(offset_db: float) -> None:
        pcm = (mastered * np.float32(10 ** (offset_db / 20))).astype("<f4").tobytes()
        with tempfile.TemporaryDirectory(prefix="showrunner-podcast-") as tmp:
            meta = Path(tmp) / "metadata.txt"
            meta.write_text(ffmetadata(tags, chapters), encoding="utf-8")
            with atomic_path(out) as part:
                ffmpeg([*pcm_input(sample_rate), "-i", meta,
                        "-map", "0:a:0", "-map_metadata", "1", "-map_chapters", "1", "-c:a", "libmp3lame",
                        "-b:a", bitrate, "-flags:a", "+bitexact", "-fflags", "+bitexact", "-id3v2_version", "3",
                        "-write_id3v1", "0", "-f", "mp3", part],
                       what=f"podcast: MP3 aimed {offset_db:+.2f} dB over {lufs:g} LUFS", stdin=pcm)

    allowance = _codec_allowance(mastered, sample_rate, bitrate)
    encode(allowance)
    result = loudness(out)
    off = lufs - result["integrated"]
    if abs(off) > CODEC_SLACK_LU and result["true_peak"] + off <= true_peak - 0.3:
        allowance += off
        encode(allowance)
        result = loudness(out)
    return {**levels, "codec_allowance_lu": round(allowance, 2), "podcast": result}


def _codec_allowance(samples: np.ndarray, sample_rate: int, bitrate: str, seconds: float = 30.0) -> float:
    """How much loudness (LU) MP3 encoding takes from the middle `seconds` of the program."""
    import numpy as np
    take = min(samples.size, int(seconds * sample_rate))
    start = (samples.size - take) // 2
    pcm = np.asarray(samples[start:start + take], dtype="<f4").tobytes()
    with tempfile.TemporaryDirectory(prefix="showrunner-excerpt-") as tmp:
        mp3 = Path(tmp) / "excerpt.mp3"
        proc = ffmpeg([*pcm_input(sample_rate), "-filter_complex",
                       "[0:a]asplit[a][b];[a]ebur128[measured]", "-map", "[measured]", "-f", "null", "-",
                       "-map", "[b]", "-c:a", "libmp3lame", "-b:a", bitrate, mp3],
                      what="podcast: what MP3 takes from an excerpt", stdin=pcm)
        before = ebur128_summary(proc.stderr)["integrated"]
        after = loudness_of(["-i", mp3], what="podcast: measure the excerpt's MP3", true_peak=False)["integrated"]
    if not (math.isfinite(before) and math.isfinite(after)):
        return 0.0
    return max(min(before - after, 1.0), -1.0)
