"""PCM audio in and out (WAV files read and written by Python's `wave`; any audio decoded or
resampled through ffmpeg), and a video decoded frame by frame."""

from __future__ import annotations

import logging
import re
import shlex
import subprocess
import tempfile
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from showrunner.errors import MediaError
from showrunner.files import atomic_path
from showrunner.media.tools import FFMPEG, ffmpeg, pcm_input, require

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)
T = TypeVar("T")


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """(int16 mono samples, sample rate) of a 16-bit mono PCM WAV file."""
    import numpy as np
    data, rate = _checked_wav(path, lambda w: w.readframes(w.getnframes()))
    return np.frombuffer(data, dtype="<i2").astype(np.int16), rate


def wav_length(path: str | Path) -> tuple[int, int]:
    """(samples, sample rate) of a 16-bit mono PCM WAV file, its samples left unread (read_wav's checks)."""
    return _checked_wav(path, lambda w: w.getnframes())


def _checked_wav(path: str | Path, read: Callable[[wave.Wave_read], T]) -> tuple[T, int]:
    """read(the open file) and its sample rate, where it is a 16-bit mono PCM WAV file; else a MediaError
    that names the file."""
    try:
        with wave.open(str(path), "rb") as w:
            if w.getsampwidth() != 2 or w.getnchannels() != 1:
                raise MediaError(f"{path}: expected 16-bit mono PCM WAV, got {w.getnchannels()} channel(s) "
                                 f"of {8 * w.getsampwidth()} bits")
            return read(w), w.getframerate()
    except FileNotFoundError:
        raise MediaError(f"{path}: file is missing") from None
    except (wave.Error, EOFError) as err:
        raise MediaError(f"{path}: not a readable WAV file ({err})") from None


def write_wav(path: str | Path, samples: np.ndarray, sample_rate: int) -> None:
    """Write int16 mono samples as a PCM WAV, atomically; the same samples give the same bytes."""
    import numpy as np
    data = np.asarray(samples, dtype="<i2").tobytes()
    with atomic_path(path) as tmp, wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(data)


def decode_audio(blobs: Sequence[bytes], sample_rate: int, *, what: str = "decode speech") -> list[np.ndarray]:
    """Decode audio files held in memory (WAV, MP3, ...) to int16 mono at `sample_rate`: one ffmpeg run."""
    import numpy as np
    if not blobs:
        return []
    with tempfile.TemporaryDirectory(prefix="showrunner-decode-") as tmp:
        args: list[str | Path] = []
        for i, blob in enumerate(blobs):
            source = Path(tmp) / f"in{i}"
            source.write_bytes(blob)
            args += ["-i", source]
        outputs = [Path(tmp) / f"out{i}.raw" for i in range(len(blobs))]
        for i, out in enumerate(outputs):
            args += ["-map", f"{i}:a:0", "-ac", "1", "-ar", str(sample_rate), "-c:a", "pcm_s16le", "-f", "s16le", out]
        ffmpeg(args, what=what)
        return [np.fromfile(out, dtype="<i2").astype(np.int16) for out in outputs]


def resample(samples: np.ndarray, sample_rate: int, to_rate: int, *, what: str = "resample") -> np.ndarray:
    """int16 mono samples at `sample_rate`, as float32 at `to_rate` (ffmpeg's resampler)."""
    import numpy as np
    if sample_rate == to_rate:
        return np.asarray(samples, dtype=np.float32) / 32768.0
    proc = ffmpeg([*pcm_input(sample_rate, "s16le"), "-ar", str(to_rate), "-c:a", "pcm_f32le", "-f", "f32le",
                   "pipe:1"], what=what, stdin=np.asarray(samples, dtype="<i2").tobytes())
    return np.frombuffer(proc.stdout, dtype="<f4").astype(np.float32)


def decode_file(path: str | Path, sample_rate: int, *, what: str) -> np.ndarray:
    """Any audio file ffmpeg reads, as int16 mono samples at `sample_rate`."""
    import numpy as np
    proc = ffmpeg(["-i", path, "-map", "0:a:0", "-ac", "1", "-ar", str(sample_rate), "-c:a", "pcm_s16le",
                   "-f", "s16le", "pipe:1"], what=what)
    samples = np.frombuffer(proc.stdout, dtype="<i2").astype(np.int16)
    if samples.size == 0:
        raise MediaError(f"{what}: {path} holds no audio")
    return samples


@dataclass(frozen=True)
class Decoded:
    frames: int
    errors: str

    @property
    def ok(self) -> bool:
        return not self.errors


def decode_video(path: str | Path) -> Decoded:
    """Decode every frame of the first video stream; the number decoded and any decoder errors."""
    args = [FFMPEG, "-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-map", "0:v:0", "-f", "null",
            "-progress", "pipe:1", "-"]
    require(FFMPEG)
    log.info("decode %s: %s", Path(path).name, shlex.join(args))
    proc = subprocess.run(args, capture_output=True, check=False)
    errors = proc.stderr.decode("utf-8", "replace").strip()
    frames = re.findall(r"^frame=(\d+)$", proc.stdout.decode("utf-8", "replace"), flags=re.M)
    if proc.returncode != 0 and not errors:
        errors = f"ffmpeg exit {proc.returncode}"
    if errors:
        log.info("decode %s: %s", Path(path).name, errors)
    return Decoded(frames=int(frames[-1]) if frames else 0, errors=errors)
