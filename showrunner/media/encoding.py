"""Encoding: a still clip per scene, the soundtrack as AAC once, the episode muxed from the clips
by stream copy, smaller previews; quickly, exactly and reproducibly:

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

import logging
import math
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from showrunner.config import Video
from showrunner.errors import MediaError
from showrunner.files import atomic_path
from showrunner.media.tools import ffmpeg, pcm_input

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)


BITEXACT = ["-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact"]


COLOUR_TAGS = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709", "-color_range", "tv"]


ZOOM = 0.05  # how far a `zoom` clip moves in: well inside the slides' margins, so no text is cropped


AAC_BITRATE = "128k"


# x264 settings for a still picture: every frame after the first is a skip frame, so motion
# search, B-frames and lookahead only cost time. The preset and crf stay the configured ones.
STILL_X264 = "bframes=0:rc-lookahead=0:mbtree=0:me=dia:subme=1:ref=1"


STILL_CHUNK_SECONDS = 2  # a still clip is one encoded chunk this long, repeated by stream copy


LANGUAGES = {"en": "eng", "de": "deu", "fr": "fra", "es": "spa", "it": "ita", "pt": "por", "nl": "nld",
             "sv": "swe", "da": "dan", "no": "nor", "fi": "fin", "pl": "pol", "cs": "ces", "ru": "rus",
             "uk": "ukr", "ja": "jpn", "zh": "zho", "ko": "kor", "ar": "ara", "tr": "tur", "hi": "hin"}


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
    """A video-only H.264 clip of `image` lasting exactly `frames` frames at video.fps (encode_stills, one
    still). `progress(fraction)` follows the encode."""
    encode_stills([(image, frames, zoom_in)], out, video=video, progress=progress)


STILLS_PER_RUN = 8  # pieces one ffmpeg run encodes side by side (each output is an x264 encoder of its own)


def encode_stills(stills: Sequence[tuple[str | Path, int, bool]], out: str | Path, *, video: Video,
                  progress: Callable[[float], None] | None = None) -> None:
    """One video-only H.264 clip showing each still (picture, frames, zoom in) for exactly its frames at
    video.fps: one ffmpeg run encodes every still's piece (an output each, up to STILLS_PER_RUN a run), one
    more joins the pieces by stream copy, however many stills there are. `progress(fraction)` follows the runs.

    motion `still`: the picture as is, its piece one chunk of at most STILL_CHUNK_SECONDS. Every frame of a
    still is the same picture, so the join repeats the chunk by stream copy and ends the still with the
    chunk's first frames: the same constant-rate H.264 clip, frame for frame, for a fraction of the encode
    (x264 sees at most a chunk per still, whatever its length). A chunk is a key frame followed by frames that
    predict only from the frames before them, so its first frames are a whole clip of their own (the concat
    demuxer's outpoint). A key frame every STILL_CHUNK_SECONDS, like a streaming GOP.

    motion `zoom`: a slow zoom (in, or out when `zoom_in` is False) of at most ZOOM, drawn from the picture
    scaled up twice so the motion is smooth; its piece is the whole still.
    """
    if not stills or any(frames < 1 for _, frames, _ in stills):
        raise MediaError(f"a clip needs at least one frame per still, asked for {[f for _, f, _ in stills]}")
    still = video.motion != "zoom"
    chunk = STILL_CHUNK_SECONDS * video.fps
    pieces = [min(frames, chunk) if still else frames for _, frames, _ in stills]
    total = sum(frames for _, frames, _ in stills)
    name = Path(out).name
    if len(stills) == 1 and pieces[0] == total:  # one piece is the clip
        with atomic_path(out) as part:
            ffmpeg([*_piece_input(stills[0][0], total, video), *_piece_output(stills[0], total, part, video, 0)],
                   what=f"encode {name} ({total} frames)",
                   frames_done=progress and (lambda n: progress(min(1.0, n / total))))
        return
    with tempfile.TemporaryDirectory(prefix="showrunner-clip-") as tmp:
        files = [Path(tmp) / f"piece{k:03d}.mp4" for k in range(len(stills))]
        for first in range(0, len(stills), STILLS_PER_RUN):
            run = range(first, min(first + STILLS_PER_RUN, len(stills)))
            inputs = [arg for k in run for arg in _piece_input(stills[k][0], pieces[k], video)]
            outputs = [arg for n, k in enumerate(run)
                       for arg in _piece_output(stills[k], pieces[k], files[k], video, n)]
            ffmpeg([*inputs, *outputs], what=f"encode {name}'s stills {run.start + 1}-{run.stop} of {len(stills)} "
                                             f"({sum(pieces[k] for k in run)} frames)")
            if progress:
                progress(0.9 * run.stop / len(stills))
        lines = ["ffconcat version 1.0"]
        for piece, piece_frames, (_, frames, _) in zip(files, pieces, stills, strict=True):
            repeats, rest = divmod(frames, piece_frames)  # a still longer than its chunk repeats it; others are whole
            lines += [f"file {_concat_quote(piece)}"] * repeats
            if rest:  # the chunk's first `rest` frames: every packet before the outpoint (floored to a microsecond,
                # so that the next frame, at rest / fps, is not one)
                micro = rest * 1_000_000 // video.fps
                lines += [f"file {_concat_quote(piece)}", f"outpoint {micro // 1_000_000}.{micro % 1_000_000:06d}"]
        listing = Path(tmp) / "pieces.txt"
        listing.write_text("\n".join(lines) + "\n")
        with atomic_path(out) as part:
            ffmpeg(["-f", "concat", "-safe", "0", "-i", listing, "-map", "0:v:0", "-c:v", "copy",
                    *_timescales(video.fps), *BITEXACT, "-f", "mp4", part],
                   what=f"join {name} ({len(stills)} stills, {total} frames)")
    if progress:
        progress(1.0)


def _piece_input(image: str | Path, frames: int, video: Video) -> list[str | Path]:
    """ffmpeg's input of one still: read once (zoom), or at 1 frame/s, looped, converted once per second (still)
    for a second more than its piece lasts. A looped input must end: ffmpeg 5.1 with several outputs whose
    encoders hold no frame back (these x264 settings) kept reading the looped input of a finished output for
    ever once a later piece was shorter than an earlier one."""
    if video.motion == "zoom":
        return ["-i", image]
    return ["-framerate", "1", "-loop", "1", "-t", str(math.ceil(frames / video.fps) + 1), "-i", image]


def _piece_output(still: tuple[str | Path, int, bool], frames: int, out: str | Path, video: Video,
                  input_index: int) -> list[str | Path]:
    """ffmpeg's output of one still's piece: `frames` frames of input `input_index` (encode_stills) to `out`."""
    _, _, zoom_in = still
    width, height = video.size
    to_yuv = "scale={w}:{h}:flags=lanczos:out_color_matrix=bt709:out_range=tv,format=yuv420p"
    if video.motion == "zoom":
        span = max(frames - 1, 1)
        z = f"1+{ZOOM}*on/{span}" if zoom_in else f"{1 + ZOOM}-{ZOOM}*on/{span}"
        chain = (to_yuv.format(w=2 * width, h=2 * height)
                 + f",zoompan=z='{z}':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2':d={frames}:s={width}x{height}"
                 f":fps={video.fps},setsar=1")
    else:
        chain = to_yuv.format(w=width, h=height) + f",setsar=1,fps={video.fps}"
    return ["-map", f"{input_index}:v:0", "-filter:v", chain, "-frames:v", str(frames),
            "-an", *_x264(video, still=video.motion != "zoom"), *_timescales(video.fps), *BITEXACT, "-f", "mp4", out]


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
    import numpy as np
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
