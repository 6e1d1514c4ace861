"""The one module that drives ffmpeg, ffprobe and espeak-ng.

Stages say what they want (a clip of this picture lasting N frames; the episode from these
clips, this soundtrack and these captions; a podcast at -16 LUFS with these chapters); this
module knows how to get it from the tools quickly, exactly and reproducibly:

- Exact lengths. A scene's audio is a whole number of video frames (the voice stage pads it),
  a clip is encoded with exactly that many frames (`-frames:v`), so clip and audio boundaries
  coincide everywhere and the joins add no drift.
- Video is encoded once per scene, video-only. The episode joins the clips with the concat
  demuxer and `-c:v copy`; the whole soundtrack is encoded once, as one AAC stream, so no
  per-clip audio priming and no non-monotonous timestamps at the boundaries. No `-shortest`
  (it cuts the video short when a subtitle stream is present): the lengths already agree.
- Stills are cheap: the picture is read at 1 frame/s and converted to yuv420p once per input
  frame, then `fps=` repeats it (conversion before `fps`, never after); x264 gets
  `-tune stillimage` and, for a still, no motion search or lookahead it cannot use.
- Reproducible: `-fflags +bitexact`, `-flags +bitexact` on every encoder, `-map_metadata -1`,
  a fixed number of x264 threads, no creation times; WAV files are written by Python's `wave`.
- Every command and ffmpeg's stderr go to the log (the rule's log under Snakemake).
"""

from __future__ import annotations

import functools
import json
import logging
import math
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import wave
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from showrunner.config import Video
from showrunner.errors import MediaError, ToolMissing
from showrunner.files import atomic_path

log = logging.getLogger(__name__)

FFMPEG, FFPROBE, ESPEAK = "ffmpeg", "ffprobe", "espeak-ng"
INSTALL_HINT = "install them with `sudo apt-get install ffmpeg espeak-ng` (or run `make demo`, which installs them)"
BASE = ["-hide_banner", "-nostdin", "-nostats", "-y"]
BITEXACT = ["-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact"]
COLOUR_TAGS = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"]
ZOOM = 0.05  # how far a `zoom` clip moves in: well inside the slides' margins, so no text is cropped
AAC_BITRATE = "128k"
LOG_LINES = 60
CODEC_SLACK_LU = 0.3

# x264 settings for a still picture: every frame after the first is a skip frame, so motion
# search, B-frames and lookahead only cost time. The preset and crf stay the configured ones.
STILL_X264 = "bframes=0:rc-lookahead=0:mbtree=0:me=dia:subme=1:ref=1"
STILL_SEGMENT_SECONDS = 2  # a still clip is one encoded segment this long, repeated by stream copy

LANGUAGES = {"en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "pt": "por", "nl": "nld",
             "sv": "swe", "da": "dan", "no": "nor", "fi": "fin", "pl": "pol", "cs": "ces", "ru": "rus",
             "uk": "ukr", "ja": "jpn", "zh": "zho", "ko": "kor", "ar": "ara", "tr": "tur", "hi": "hin"}


# --- tools ---------------------------------------------------------------------------------


def require(*tools: str) -> None:
    """Raise ToolMissing naming every tool that is not on PATH, and how to install it."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        raise ToolMissing(f"{', '.join(missing)} not found on PATH: {INSTALL_HINT}")


@functools.cache
def version(tool: str) -> str:
    """The first line of the tool's version banner, e.g. 'ffmpeg version 5.1.6-0+deb12u1 ...'."""
    require(tool)
    flag = "--version" if tool == ESPEAK else "-version"
    out = subprocess.run([tool, flag], capture_output=True, text=True, check=False).stdout.strip()
    line = out.splitlines()[0] if out else "unknown"
    return line.split(" Copyright")[0].strip()


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


# --- speech --------------------------------------------------------------------------------


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


# --- PCM audio -----------------------------------------------------------------------------


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """(int16 mono samples, sample rate) of a 16-bit mono PCM WAV file."""
    try:
        with wave.open(str(path), "rb") as w:
            if w.getsampwidth() != 2 or w.getnchannels() != 1:
                raise MediaError(f"{path}: expected 16-bit mono PCM WAV, got {w.getnchannels()} channel(s) "
                                 f"of {8 * w.getsampwidth()} bits")
            return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16), w.getframerate()
    except FileNotFoundError:
        raise MediaError(f"{path}: file is missing") from None
    except (wave.Error, EOFError) as err:
        raise MediaError(f"{path}: not a readable WAV file ({err})") from None


def write_wav(path: str | Path, samples: np.ndarray, sample_rate: int) -> None:
    """Write int16 mono samples as a PCM WAV, atomically; the same samples give the same bytes."""
    data = np.asarray(samples, dtype="<i2").tobytes()
    with atomic_path(path) as tmp, wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(data)


def decode_audio(blobs: Sequence[bytes], sample_rate: int, *, what: str = "decode speech") -> list[np.ndarray]:
    """Decode audio files held in memory (WAV, MP3, ...) to int16 mono at `sample_rate`: one ffmpeg run."""
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
    if sample_rate == to_rate:
        return np.asarray(samples, dtype=np.float32) / 32768.0
    proc = ffmpeg([*pcm_input(sample_rate, "s16le"), "-ar", str(to_rate), "-c:a", "pcm_f32le", "-f", "f32le",
                   "pipe:1"], what=what, stdin=np.asarray(samples, dtype="<i2").tobytes())
    return np.frombuffer(proc.stdout, dtype="<f4").astype(np.float32)


def decode_file(path: str | Path, sample_rate: int, *, what: str) -> np.ndarray:
    """Any audio file ffmpeg reads, as int16 mono samples at `sample_rate`."""
    proc = ffmpeg(["-i", path, "-map", "0:a:0", "-ac", "1", "-ar", str(sample_rate), "-c:a", "pcm_s16le",
                   "-f", "s16le", "pipe:1"], what=what)
    samples = np.frombuffer(proc.stdout, dtype="<i2").astype(np.int16)
    if samples.size == 0:
        raise MediaError(f"{what}: {path} holds no audio")
    return samples


# --- video ---------------------------------------------------------------------------------


def _x264(video: Video, *, still: bool) -> list[str]:
    args = ["-c:v", "libx264", "-preset", video.preset, "-crf", str(video.crf), "-threads", str(video.threads),
            "-pix_fmt", "yuv420p", "-flags:v", "+bitexact"]
    if still:
        args += ["-tune", "stillimage", "-x264-params", STILL_X264]
    return args + COLOUR_TAGS


def _timescales(fps: int) -> list[str]:
    """Track and movie timescales in which a frame is a whole number of ticks. The movie's
    matters: the concat demuxer starts each clip where the previous one's container duration
    ends, and the default (1/1000 s) would round it, leaving a gap at every join."""
    return ["-video_track_timescale", str(fps * 1000), "-movie_timescale", str(fps * 1000)]


def encode_clip(image: str | Path, out: str | Path, *, frames: int, video: Video, zoom_in: bool = True,
                progress: Callable[[float], None] | None = None) -> None:
    """A video-only H.264 clip of `image` lasting exactly `frames` frames at video.fps.
    `progress(fraction)` follows the encode.

    motion `still`: the picture as is. motion `zoom`: a slow zoom (in, or out when `zoom_in`
    is False) of at most ZOOM, drawn from the picture scaled up twice so the motion is smooth.
    """
    if frames < 1:
        raise MediaError(f"a clip needs at least one frame, asked for {frames}")
    width, height = video.size
    to_yuv = "scale={w}:{h}:flags=lanczos:out_color_matrix=bt709:out_range=tv,format=yuv420p"
    if video.motion == "zoom":
        span = max(frames - 1, 1)
        z = f"1+{ZOOM}*on/{span}" if zoom_in else f"{1 + ZOOM}-{ZOOM}*on/{span}"
        chain = (to_yuv.format(w=2 * width, h=2 * height)
                 + f",zoompan=z='{z}':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2':d={frames}:s={width}x{height}"
                 f":fps={video.fps},setsar=1")
        inputs = ["-i", image]
    else:
        chain = to_yuv.format(w=width, h=height) + f",setsar=1,fps={video.fps}"
        inputs = ["-framerate", "1", "-loop", "1", "-i", image]
        segment = STILL_SEGMENT_SECONDS * video.fps
        if frames > segment:
            _encode_still_by_segments(inputs, chain, out, frames=frames, segment=segment, video=video,
                                      progress=progress)
            return
    with atomic_path(out) as tmp:
        ffmpeg([*inputs, "-vf", chain, "-frames:v", str(frames), "-an", *_x264(video, still=video.motion == "still"),
                *_timescales(video.fps), *BITEXACT, "-f", "mp4", tmp],
               what=f"encode {Path(out).name} ({frames} frames)",
               frames_done=progress and (lambda n: progress(min(1.0, n / frames))))


def _encode_still_by_segments(inputs: list, chain: str, out: str | Path, *, frames: int, segment: int,
                              video: Video, progress: Callable[[float], None] | None = None) -> None:
    """A still clip as one encoded segment of `segment` frames, repeated, then the first frames
    of it again for the remainder.

    Every frame of a still is the same picture, so encoding it once and joining copies by stream
    copy gives the same constant-rate H.264 clip, frame for frame, for a fraction of the encode:
    x264 sees `segment` frames whatever the clip's length. The segment is a key frame followed
    by frames that predict only from it, so its first `rest` frames, cut by stream copy, are a
    whole clip of their own. A key frame every STILL_SEGMENT_SECONDS, like a streaming GOP.
    """
    repeats, rest = divmod(frames, segment)
    x264 = _x264(video, still=True)
    with tempfile.TemporaryDirectory(prefix="showrunner-clip-") as tmp:
        full, tail = Path(tmp) / "segment.mp4", Path(tmp) / "rest.mp4"
        ffmpeg([*inputs, "-vf", chain, "-frames:v", str(segment), "-an", *x264, *_timescales(video.fps), *BITEXACT,
                "-f", "mp4", full], what=f"encode {Path(out).name}'s segment ({segment} frames)",
               frames_done=progress and (lambda n: progress(min(1.0, n / segment))))
        if rest:
            ffmpeg(["-i", full, "-map", "0:v:0", "-c:v", "copy", "-frames:v", str(rest), *_timescales(video.fps),
                    *BITEXACT, "-f", "mp4", tail], what=f"cut the first {rest} frames of the segment")
        listing = Path(tmp) / "segments.txt"
        parts = [full] * repeats + ([tail] if rest else [])
        listing.write_text("ffconcat version 1.0\n" + "".join(f"file {_concat_quote(p)}\n" for p in parts))
        with atomic_path(out) as part:
            ffmpeg(["-f", "concat", "-safe", "0", "-i", listing, "-map", "0:v:0", "-c:v", "copy",
                    *_timescales(video.fps), *BITEXACT, "-f", "mp4", part],
                   what=f"join {Path(out).name} ({repeats} x {segment} + {rest} frames)")


def slideshow_floor(images: Sequence[tuple[Path, float]], out: Path, *, video: Video, tuned: bool) -> None:
    """The bench's floor: one encode of the pictures as a slideshow (concat demuxer, durations).

    `tuned` uses the clips' own x264 settings; otherwise the plain preset, as a person would.
    """
    with tempfile.TemporaryDirectory(prefix="showrunner-floor-") as tmp:
        listing = Path(tmp) / "slides.txt"
        lines = ["ffconcat version 1.0"]
        for image, seconds in images:
            lines += [f"file {_concat_quote(Path(image).resolve())}", f"duration {seconds:.6f}"]
        listing.write_text("\n".join(lines) + "\n")
        width, height = video.size
        x264 = _x264(video, still=True) if tuned else ["-c:v", "libx264", "-preset", video.preset, "-crf",
                                                        str(video.crf), "-threads", str(video.threads)]
        total = sum(seconds for _, seconds in images)
        ffmpeg(["-f", "concat", "-safe", "0", "-i", listing, "-vf",
                f"scale={width}:{height},format=yuv420p,fps={video.fps}", "-t", f"{total:.6f}", "-an",
                *x264, "-pix_fmt", "yuv420p", out], what="floor: encode a slideshow")


def _concat_quote(path: Path) -> str:
    return "'" + str(path).replace("'", "'\\''") + "'"


def encode_soundtrack(samples: np.ndarray, sample_rate: int, out: str | Path) -> None:
    """The episode's soundtrack (float32 mono, already mastered) as one AAC stream in an M4A file:
    encoded once for the whole episode, so final.mp4 takes it by stream copy with no per-clip
    priming and no drift at the scene boundaries."""
    pcm = np.asarray(samples, dtype="<f4").tobytes()
    with atomic_path(out) as part:
        ffmpeg([*pcm_input(sample_rate), "-map", "0:a:0",
                "-c:a", "aac", "-aac_coder", "fast", "-b:a", AAC_BITRATE, "-flags:a", "+bitexact", *BITEXACT,
                "-f", "mp4", part], what=f"encode {Path(out).name} ({len(samples) / sample_rate:.2f} s of AAC)",
               stdin=pcm)


def mux_episode(clips: Sequence[str | Path], soundtrack: str | Path, out: str | Path, *,
                captions: str | Path | None, subtitles: str, video: Video, language: str = "en") -> None:
    """final.mp4: the clips and the soundtrack joined without re-encoding either, the captions as
    a soft mov_text track (`soft`), burned into the picture (`burned`, which re-encodes the
    video) or left out.

    The soundtrack is as long as the clips (every scene's voice is a whole number of frames), so
    no -shortest is needed.
    """
    with tempfile.TemporaryDirectory(prefix="showrunner-final-") as tmp:
        listing = Path(tmp) / "clips.txt"
        listing.write_text("ffconcat version 1.0\n"
                           + "".join(f"file {_concat_quote(Path(c).resolve())}\n" for c in clips))
        args: list[str | Path] = ["-f", "concat", "-safe", "0", "-i", listing, "-i", soundtrack]
        maps = ["-map", "0:v:0", "-map", "1:a:0"]
        codecs: list[str | Path] = []
        if subtitles == "burned" and captions is not None:
            srt = Path(tmp) / "captions.srt"
            shutil.copyfile(captions, srt)
            style = "FontName=DejaVu Sans,FontSize=20,Outline=1,Shadow=0,MarginV=18"
            codecs += ["-vf", f"subtitles=filename={srt}:force_style='{style}'",
                       *_x264(video, still=video.motion == "still")]
        else:
            codecs += ["-c:v", "copy"]
        if subtitles == "soft" and captions is not None:
            args += ["-f", "srt", "-i", captions]
            maps += ["-map", "2:s:0"]
            codecs += ["-c:s", "mov_text", "-metadata:s:s:0", f"language={LANGUAGES.get(language, 'und')}"]
        codecs += ["-c:a", "copy"]
        with atomic_path(out) as part:
            ffmpeg([*args, *maps, *codecs, *_timescales(video.fps), *BITEXACT, "-movflags", "+faststart",
                    "-f", "mp4", part], what=f"mux {Path(out).name} from {len(clips)} clip(s)")


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
        measured = _ebur128_summary(proc.stderr)
        residual = lufs - measured["integrated"] if math.isfinite(measured["integrated"]) else 0.0
        passes.append({"gain_db": round(gain, 3), **measured})
        if abs(residual) <= RESIDUAL_AFTER_LIMIT_DB or len(passes) == 2:
            break
        gain += residual
    out = (limited * np.float32(10 ** (residual / 20))).astype(np.float32)
    return out, {"mix": raw, "limited": passes, "gain_db": round(gain, 3), "residual_db": round(residual, 3)}


# --- podcast -------------------------------------------------------------------------------


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
    take = min(samples.size, int(seconds * sample_rate))
    start = (samples.size - take) // 2
    pcm = np.asarray(samples[start:start + take], dtype="<f4").tobytes()
    with tempfile.TemporaryDirectory(prefix="showrunner-excerpt-") as tmp:
        mp3 = Path(tmp) / "excerpt.mp3"
        proc = ffmpeg([*pcm_input(sample_rate), "-filter_complex",
                       "[0:a]asplit[a][b];[a]ebur128[measured]", "-map", "[measured]", "-f", "null", "-",
                       "-map", "[b]", "-c:a", "libmp3lame", "-b:a", bitrate, mp3],
                      what="podcast: what MP3 takes from an excerpt", stdin=pcm)
        before = _ebur128_summary(proc.stderr)["integrated"]
        after = loudness_of(["-i", mp3], what="podcast: measure the excerpt's MP3", true_peak=False)["integrated"]
    if not (math.isfinite(before) and math.isfinite(after)):
        return 0.0
    return max(min(before - after, 1.0), -1.0)


# --- measuring -----------------------------------------------------------------------------


def probe(path: str | Path) -> dict:
    """ffprobe's view of a file: format, streams and chapters."""
    proc = run([FFPROBE, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters",
                path], what=f"probe {Path(path).name}")
    return json.loads(proc.stdout)


_EBUR128 = {"integrated": r"I:\s+(-?[\d.]+|-inf) LUFS", "lra": r"LRA:\s+(-?[\d.]+) LU",
            "true_peak": r"Peak:\s+(-?[\d.]+|-inf) dBFS"}


def loudness_of(source: Sequence[str | Path], *, stdin: bytes | None = None, what: str,
                true_peak: bool = True) -> dict[str, float]:
    """EBU R128 integrated loudness (LUFS), loudness range (LU) and true peak (dBTP) of an input
    (without true_peak the peak is not measured, which is faster)."""
    meter = "ebur128=peak=true" if true_peak else "ebur128"
    proc = ffmpeg([*source, "-map", "0:a:0", "-af", meter, "-f", "null", "-"], what=what, stdin=stdin)
    return _ebur128_summary(proc.stderr)


def _ebur128_summary(stderr: bytes) -> dict[str, float]:
    text = stderr.decode("utf-8", "replace")
    summary = text[text.rfind("Summary:"):]
    out = {}
    for key, pattern in _EBUR128.items():
        found = re.search(pattern, summary)
        out[key] = float(found.group(1)) if found else float("nan")
    return out


def loudness(path: str | Path) -> dict[str, float]:
    return loudness_of(["-i", path], what=f"measure the loudness of {Path(path).name}")


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
    summary = _ebur128_summary(proc.stderr)
    return LoudnessCurve([f[0] for f in frames], [f[1] for f in frames], [f[2] for f in frames],
                         summary["integrated"], summary["lra"])


def silences(path: str | Path, *, threshold_db: float, min_seconds: float) -> list[tuple[float, float]]:
    """(start, end) of every stretch of the first audio stream quieter than threshold_db for min_seconds."""
    return _silences(["-i", path], threshold_db, min_seconds, what=f"find silences in {Path(path).name}",
                     duration=lambda: duration_of(path))


def silences_in(samples: np.ndarray, sample_rate: int, *, threshold_db: float,
                min_seconds: float) -> list[tuple[float, float]]:
    """The same for int16 mono samples held in memory."""
    source = pcm_input(sample_rate, "s16le")
    return _silences(source, threshold_db, min_seconds, what="find silences in the narration",
                     duration=lambda: samples.size / sample_rate, stdin=np.asarray(samples, dtype="<i2").tobytes())


def _silences(source: Sequence[str | Path], threshold_db: float, min_seconds: float, *, what: str, duration,
              stdin: bytes | None = None) -> list[tuple[float, float]]:
    proc = ffmpeg([*source, "-map", "0:a:0", "-af", f"silencedetect=noise={threshold_db}dB:d={min_seconds}",
                   "-f", "null", "-"], what=what, stdin=stdin)
    text = proc.stderr.decode("utf-8", "replace")
    starts = [float(s) for s in re.findall(r"silence_start: (-?[\d.]+)", text)]
    ends = [float(e) for e in re.findall(r"silence_end: (-?[\d.]+)", text)]
    if len(ends) < len(starts):  # silent to the end
        ends.append(duration())
    return list(zip(starts, ends, strict=True))


def encode_preview(path: str | Path, out: str | Path, *, video: bool, max_bytes: int, duration_s: float) -> str | None:
    """A smaller copy of an episode's video (H.264 + AAC in MP4, at most 360 lines) or podcast
    (Opus in Ogg) that fits in `max_bytes`, for players that must carry the file inline; a
    description of it ("360p, 180 kbps"), or None when the file is too long to fit at a bitrate
    still worth hearing."""
    total_kbps = max_bytes * 8 / 1000 / max(duration_s, 0.1) * 0.92  # the container's share
    for attempt in range(3):
        kbps = total_kbps * (0.8 ** attempt)
        if video:
            audio_kbps: float = 48 if kbps >= 160 else 32
            video_kbps = min(kbps - audio_kbps, 800)
            if video_kbps < 12:
                return None
            # slides: 10 frames/s, a keyframe every 30 s and a deep buffer, so the bits go to sharp stills
            args = ["-i", path, "-map", "0:v:0", "-map", "0:a:0", "-vf", "scale=-2:'min(360,ih)',fps=10",
                    "-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage", "-pix_fmt", "yuv420p",
                    "-b:v", f"{video_kbps:.0f}k", "-maxrate", f"{video_kbps * 3:.0f}k", "-g", "300",
                    "-bufsize", f"{video_kbps * 15:.0f}k", "-threads", "2", "-c:a", "aac", "-b:a", f"{audio_kbps:.0f}k",
                    "-ac", "1", "-sn", *BITEXACT, "-movflags", "+faststart", "-f", "mp4"]
            described = f"at most 360p, {video_kbps + audio_kbps:.0f} kbps"
        else:
            audio_kbps = min(kbps, 64)
            if audio_kbps < 12:
                return None
            args = ["-i", path, "-map", "0:a:0", "-c:a", "libopus", "-b:a", f"{audio_kbps:.0f}k", "-ac", "1",
                    *BITEXACT, "-f", "ogg"]
            described = f"Opus, {audio_kbps:.0f} kbps"
        with atomic_path(out) as tmp:
            ffmpeg([*args, tmp], what=f"encode a preview of {Path(path).name}")
        if Path(out).stat().st_size <= max_bytes:
            return described
    return None


def duration_of(path: str | Path) -> float:
    info = probe(path)
    return float(info.get("format", {}).get("duration", 0.0))


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
