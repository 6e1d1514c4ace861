"""A scene's beats as one clip: each still lasts from its moment in the voice to the next one's.

Timing: a beat appears when the narration reaches its word: the segment's measured start, plus the
share of the segment's speaking time that the words before it take (by characters, the measured
pauses inside the segment left out). The first beat starts at frame 0; boundaries are whole frames.

Encoding: one ffmpeg run encodes every beat's still (media.encode_stills: `-tune stillimage`, one
short chunk per still, each an output of its own), one more joins them by stream copy, the chunk
repeated: no frame is drawn or filtered in Python, and x264 sees a couple of seconds per beat
whatever its length. Two processes per scene, not three per beat.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from showrunner import media
from showrunner.artifacts import Beat, Scene, SceneTimings, SegmentTiming
from showrunner.config import Video
from showrunner.errors import ArtifactError

MIN_FRAMES_S = 0.5  # a beat shorter than this is not shown (the next one takes its place)


def _spoken(segment: SegmentTiming) -> list[tuple[float, float]]:
    """The segment's speech: its span less the measured pauses inside it."""
    spans, at = [], segment.start
    for a, b in sorted(segment.pauses):
        if a > at:
            spans.append((at, min(a, segment.end)))
        at = max(at, b)
    if at < segment.end:
        spans.append((at, segment.end))
    return spans or [(segment.start, segment.end)]


def word_time(segment: SegmentTiming, text: str, word: int) -> float:
    """When word `word` of the segment's text is reached, in scene seconds."""
    words = text.split()
    if word <= 0 or not words:
        return segment.start
    before = len(" ".join(words[:word])) + 1
    share = min(before / max(len(" ".join(words)), 1), 1.0)
    spans = _spoken(segment)
    total = sum(b - a for a, b in spans)
    left = share * total
    for a, b in spans:
        if left <= b - a:
            return a + left
        left -= b - a
    return segment.end


def beat_frames(beats: Sequence[Beat], scene: Scene, timings: SceneTimings) -> list[tuple[int, int]]:
    """(index of the beat, frames it lasts) for the beats that are shown, in order; the frames add
    up to the scene's. Raises ArtifactError when the timings are not this scene's."""
    measured = {s.segment_id: s for s in timings.segments}
    texts = {s.id: s.text for s in scene.segments}
    starts: list[tuple[int, int]] = []
    for k, beat in enumerate(beats):
        if beat.segment_id not in measured:
            raise ArtifactError(f"timings.json: no segment {beat.segment_id} (beat {k + 1}); "
                                "the voice stage is out of date, rerun it")
        frame = 0 if k == 0 else round(word_time(measured[beat.segment_id], texts[beat.segment_id], beat.word)
                                       * timings.fps)
        starts.append((k, min(max(frame, starts[-1][1] if starts else 0), timings.frames)))
    least = max(round(MIN_FRAMES_S * timings.fps), 1)
    shown: list[tuple[int, int]] = []
    for n, (k, start) in enumerate(starts):
        end = starts[n + 1][1] if n + 1 < len(starts) else timings.frames
        if shown and start <= shown[-1][1]:
            shown.pop()  # two beats at the same frame: the later one is what is on screen
        if end - start < least and (shown or n + 1 < len(starts)):
            continue  # too short to see: the beat before it stays (or the next one comes early)
        shown.append((k, start))
    shown[0] = (shown[0][0], 0)
    return [(k, (shown[n + 1][1] if n + 1 < len(shown) else timings.frames) - start)
            for n, (k, start) in enumerate(shown)]


def encode_beats(stills: Sequence[tuple[Path, int]], out: str | Path, *, video: Video, zoom_from: int = 0,
                 progress: Callable[[float], None] | None = None) -> None:
    """The stills (path, frames) as one video-only clip of exactly their frames (media.encode_stills: one
    ffmpeg run encodes them all, one joins them); a zoom turns in then out, beat after beat."""
    if not stills or sum(frames for _, frames in stills) < 1:
        raise ArtifactError("a clip needs at least one beat of one frame")
    media.encode_stills([(still, frames, (zoom_from + k) % 2 == 1) for k, (still, frames) in enumerate(stills)], out,
                        video=video, progress=progress)
