"""Running the tools: ffmpeg, ffprobe and espeak-ng found, versioned and run, every command and its stderr logged."""

from __future__ import annotations

import functools
import logging
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from showrunner.errors import MediaError, ToolMissing
from showrunner.files import atomic_path, sha256_text

log = logging.getLogger(__name__)


FFMPEG, FFPROBE, ESPEAK = "ffmpeg", "ffprobe", "espeak-ng"


INSTALL_HINT = "install them with `sudo apt-get install ffmpeg espeak-ng` (or run `make demo`, which installs them)"


BASE = ["-hide_banner", "-nostdin", "-nostats", "-y"]


LOG_LINES = 60


def require(*tools: str) -> None:
    """Raise ToolMissing naming every tool that is not on PATH, and how to install it."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        raise ToolMissing(f"{', '.join(missing)} not found on PATH: {INSTALL_HINT}")


@functools.cache
def version(tool: str) -> str:
    """The first line of the tool's version banner, e.g. 'ffmpeg version 5.1.6-0+deb12u1 ...'.

    Asked once per program file: the answer is kept in the temporary folder under the file's path, size,
    modification time and inode, for this user (a replaced or upgraded program is asked again). Starting ffmpeg costs
    about 0.06 CPU s (it loads every codec library), and most jobs record its version in their provenance."""
    require(tool)
    program = Path(shutil.which(tool) or tool).resolve()
    stat = program.stat()
    key = sha256_text(f"{tool} {program} {stat.st_size} {stat.st_mtime_ns} {stat.st_ino}")
    kept = Path(tempfile.gettempdir()) / f"showrunner-tool-versions-{os.getuid()}" / f"{key}.txt"
    try:
        return kept.read_text(encoding="utf-8")
    except OSError:
        pass
    flag = "--version" if tool == ESPEAK else "-version"
    out = subprocess.run([tool, flag], capture_output=True, text=True, check=False).stdout.strip()
    line = out.splitlines()[0] if out else "unknown"
    banner = line.split(" Copyright")[0].strip()
    if out:
        try:
            kept.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(kept) as tmp:
                tmp.write_text(banner, encoding="utf-8")
        except OSError:  # a read-only temporary folder: asked again next time
            pass
    return banner


def versions(*tools: str) -> dict[str, str]:
    return {tool: version(tool) for tool in tools}


def run(cmd: Sequence[str | Path], *, what: str, stdin: bytes | None = None,
        on_stdout_line: Callable[[str], None] | None = None) -> subprocess.CompletedProcess:
    """Run a tool, logging the command line and its stderr; MediaError (with stderr's tail) if it fails.

    `on_stdout_line`, if given, sees each line the tool writes to stdout as it comes (ffmpeg's
    `-progress pipe:1`); stdin is then not used."""
    args = [str(c) for c in cmd]
    require(args[0])
    log.info("%s: %s", what, shlex.join(args))
    started = time.monotonic()
    if on_stdout_line is None:
        proc = subprocess.run(args, input=stdin, capture_output=True, check=False)
    else:
        proc = _run_reading_stdout(args, on_stdout_line)
    err = proc.stderr.decode("utf-8", "replace").strip()
    if err:
        lines = err.splitlines()
        if len(lines) > LOG_LINES:  # ebur128 prints a line every 100 ms: keep the summary at the end
            lines = [f"[... {len(lines) - LOG_LINES} lines ...]", *lines[-LOG_LINES:]]
        log.info("%s stderr:\n%s", args[0], "\n".join(lines))
    log.info("%s: exit %d after %.2fs", what, proc.returncode, time.monotonic() - started)
    if proc.returncode != 0:
        tail = "\n".join(err.splitlines()[-12:])
        raise MediaError(f"{what}: {args[0]} failed (exit {proc.returncode}):\n{tail}")
    return proc


def _run_reading_stdout(args: list[str], on_line: Callable[[str], None]) -> subprocess.CompletedProcess:
    with tempfile.TemporaryFile() as err:
        with subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err) as popen:
            assert popen.stdout is not None
            for raw in popen.stdout:
                on_line(raw.decode("utf-8", "replace").strip())
        err.seek(0)
        return subprocess.CompletedProcess(args, popen.returncode, b"", err.read())


def ffmpeg(args: Sequence[str | Path], *, what: str, stdin: bytes | None = None,
           frames_done: Callable[[int], None] | None = None) -> subprocess.CompletedProcess:
    """ffmpeg with the usual options; `frames_done(n)` follows an encode's progress frame by frame."""
    if frames_done is None:
        return run([FFMPEG, *BASE, *args], what=what, stdin=stdin)

    def on_line(line: str) -> None:
        if line.startswith("frame=") and line[6:].strip().isdigit():
            frames_done(int(line[6:]))

    return run([FFMPEG, *BASE, "-progress", "pipe:1", *args], what=what, on_stdout_line=on_line)


def pcm_input(sample_rate: int, sample_format: str = "f32le") -> list[str]:
    """ffmpeg input arguments for raw mono samples (`f32le` or `s16le`) piped to its stdin."""
    return ["-f", sample_format, "-ar", str(sample_rate), "-ac", "1", "-i", "pipe:0"]


def espeak(text: str, voice: str, *, speed: int, pitch: int | None = None, amplitude: int | None = None) -> bytes:
    """WAV bytes of `text` spoken by espeak-ng in `voice` (e.g. en-us+f3) at `speed` words a minute."""
    with tempfile.TemporaryDirectory(prefix="showrunner-espeak-") as tmp:
        wav = Path(tmp) / "speech.wav"
        cmd = [ESPEAK, "-v", voice, "-s", str(speed), "-b", "1", "-w", str(wav)]
        if pitch is not None:
            cmd += ["-p", str(pitch)]
        if amplitude is not None:
            cmd += ["-a", str(amplitude)]
        run([*cmd, "--stdin"], what=f"speak with espeak-ng voice {voice}", stdin=text.encode("utf-8"))
        data = wav.read_bytes()
    if len(data) <= 44:
        raise MediaError(f"espeak-ng produced no audio for voice {voice!r} (is the voice installed? "
                         f"`espeak-ng --voices` lists them)")
    return data
