"""The acceptance checks: the finished episode measured against the configured thresholds.

Everything is measured from the files themselves with ffprobe and ffmpeg (durations, streams,
decoding every clip, EBU R128 loudness, silencedetect), never taken from what the stages
meant to make; what the recogniser heard (transcript.json) is compared with the segments, term
by term, and with the caption cues (showrunner.listening). Each check has a name, passed,
measured, expected and hard; `fail_on` raises with every failed hard check named. The stages
`acceptance` (the report) and `acceptance_verdict` (the failure) call these.
The episode's duration is checked against the length agreed with the outline (outline.json's
`length`, when the sources could not fill target_minutes), else target_minutes.
"""


from __future__ import annotations

import logging
import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from showrunner import episode_audio, listening, measurements, media
from showrunner.artifacts import Outline, SceneTimings, Storyboard, scene_name
from showrunner.captions import Cue, parse_srt
from showrunner.errors import AcceptanceFailed, ArtifactError, MediaError
from showrunner.files import read_json, read_model
from showrunner.pronunciation import Lexicon, episode_lexicon, unsure_words
from showrunner.stage_job import StageJob

log = logging.getLogger(__name__)

SLACK = 0.0015  # seconds: captions are written to the millisecond


@dataclass
class Check:
    name: str
    passed: bool
    measured: Any
    expected: Any
    hard: bool = True


def fail_on(checks: list[dict], slug: str, report: Path) -> None:
    failed = [c for c in checks if not c["passed"] and c.get("hard", True)]
    if failed:
        lines = "\n".join(f"  {c['name']}: measured {_show(c['measured'])}, expected {_show(c['expected'])}"
                          for c in failed)
        raise AcceptanceFailed(f"{slug}: {len(failed)} hard acceptance check(s) failed (see {report}):\n{lines}")


def agreed_minutes(job: StageJob) -> tuple[float, str]:
    """(minutes, where they come from): the outline's agreed length, else target_minutes."""
    path = job.input.get("outline")
    if path and Path(path).is_file():
        length = read_model(path, Outline).length
        if length is not None:
            return length.agreed_minutes, (f"agreed at the outline: the sources support {length.supported_minutes:g} "
                                           f"of the {length.target_minutes:g} min asked")
    return job.episode.target_minutes, "target_minutes"


def measure(job: StageJob) -> list[Check]:
    """Every check, in the order of the report. Only what the episode makes is checked: the
    video's checks when its inputs include final.mp4, the podcast's when they include podcast.mp3."""
    episode = job.episode
    storyboard = read_model(job.input["storyboard"], Storyboard)
    timings = [read_model(path, SceneTimings) for path in job.input["timings"]]
    has_video, has_podcast = "video" in job.input, "podcast" in job.input
    clips = list(job.input["clips"]) if has_video else []
    limits = episode.acceptance

    workers = min(4, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        cache = measurements.folder(episode, job.root)
        speech_quiet = pool.submit(_safely, _narration_silences, job, limits)
        checks: list[Check] = []
        if has_video:
            decoded = [pool.submit(_decode, clip, cache) for clip in clips]
            final_info = pool.submit(_probe, job.input["video"])
            heard = pool.submit(_safely, _loudness_and_silences, job.input["video"], limits)  # one decode
        if has_podcast:
            podcast_info = pool.submit(_probe, job.input["podcast"])
            podcast_loudness = pool.submit(_safely, measurements.recall, cache, "loudness", job.input["podcast"],
                                           media.loudness)
        if has_video:
            checks += _video_checks(job, final_info.result(), timings)
            checks += _scene_checks(storyboard, timings, clips, [d.result() for d in decoded])
            checks += _caption_checks(job, timings)
        checks += _listening_checks(job, timings)
        video_loudness, final_quiet = _split(heard.result()) if has_video else (None, None)
        checks += _silence_checks(final_quiet, speech_quiet.result(), limits)
        if has_podcast:
            checks += _podcast_checks(job, podcast_info.result(), podcast_loudness.result())
        if has_video:
            checks += _video_loudness_checks(job, video_loudness)
    return checks


# --- measuring helpers ---------------------------------------------------------------------


def _safely(fn, *args):
    """The measurement, or the error that stopped it (a broken file is a failed check, not a crash)."""
    try:
        return fn(*args)
    except (MediaError, ArtifactError, OSError) as err:
        return err


def _probe(path: Path) -> dict | Exception:
    if not Path(path).is_file():
        return MediaError(f"{path} is missing")
    return _safely(media.probe, path)


def _decode(path: Path, cache: Path) -> media.Decoded:
    """Decode a clip (or recall the clean decode of these very bytes: a one-scene edit decodes
    only the clip that changed)."""
    if not Path(path).is_file():
        return media.Decoded(0, "file is missing")
    return media.Decoded(**measurements.recall(cache, "decode", path, lambda p: asdict(media.decode_video(p)),
                                               keep=lambda found: not found["errors"]))


def _loudness_and_silences(path: Path, limits) -> tuple[dict[str, float], list[tuple[float, float]]]:
    return media.loudness_and_silences(path, threshold_db=limits.silence_threshold_db,
                                       min_seconds=limits.max_silence_s)


def _split(measured: Any) -> tuple[Any, Any]:
    """(loudness, silences) of _loudness_and_silences, or its error twice (each check fails with it)."""
    return (measured, measured) if isinstance(measured, Exception) else measured


def _narration_silences(job: StageJob, limits) -> list[tuple[float, float]]:
    """Long silences in the narration: every scene's voice in order, without the music bed."""
    rate = job.episode.audio.sample_rate
    speech = episode_audio.narration(job.input["voices"], job.input["timings"], rate)
    return media.silences_in(speech, rate, threshold_db=limits.silence_threshold_db, min_seconds=limits.max_silence_s)


def _stream(info: dict, kind: str) -> dict | None:
    return next((s for s in info.get("streams", []) if s.get("codec_type") == kind), None)


def _seconds(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _moov_first(path: Path) -> bool:
    """+faststart: the index (moov) comes before the media data (mdat), so a browser plays at once."""
    with open(path, "rb") as f:
        while header := f.read(8):
            if len(header) < 8:
                return False
            size = int.from_bytes(header[:4], "big")
            kind = header[4:8]
            if kind in (b"moov", b"mdat"):
                return kind == b"moov"
            if size == 1:
                size = int.from_bytes(f.read(8), "big") - 8
            elif size < 8:
                return False
            f.seek(size - 8, os.SEEK_CUR)
    return False


# --- checks --------------------------------------------------------------------------------


def _video_checks(job: StageJob, info: dict | Exception, timings: list[SceneTimings]) -> list[Check]:
    episode = job.episode
    video, limits = episode.video, episode.acceptance
    minutes, why = agreed_minutes(job)
    target = minutes * 60
    low, high = target * (1 - limits.duration_tolerance), target * (1 + limits.duration_tolerance)
    if isinstance(info, Exception):
        return [Check("final.mp4 readable", False, str(info), "a readable MP4")]
    v, a, s = _stream(info, "video"), _stream(info, "audio"), _stream(info, "subtitle")
    duration = _seconds(info.get("format", {}).get("duration"))
    checks = [Check("episode duration", low <= duration <= high, round(duration, 3),
                    f"{low:.1f}-{high:.1f} s ({minutes:g} min ± {limits.duration_tolerance:.0%}; {why})")]
    if v is None or a is None:
        return checks + [Check("video and audio streams", False, f"video: {v is not None}, audio: {a is not None}",
                               "one of each")]
    gap_ms = abs(_seconds(v.get("duration")) - _seconds(a.get("duration"))) * 1000
    width, height = video.size
    frames = sum(t.frames for t in timings)
    faststart = _moov_first(job.input["video"])
    checks += [
        Check("audio/video sync", gap_ms <= limits.av_sync_ms, round(gap_ms, 1), f"<= {limits.av_sync_ms:g} ms"),
        Check("resolution", (v.get("width"), v.get("height")) == (width, height), f"{v.get('width')}x{v.get('height')}",
              f"{width}x{height}"),
        Check("frame rate", v.get("r_frame_rate") == f"{video.fps}/1" and v.get("avg_frame_rate") == f"{video.fps}/1",
              v.get("avg_frame_rate"), f"{video.fps}/1"),
        Check("frames", _seconds(v.get("nb_frames")) == frames, v.get("nb_frames"), f"{frames} (every scene's)"),
        Check("video codec", (v.get("codec_name"), v.get("pix_fmt")) == ("h264", "yuv420p"),
              f"{v.get('codec_name')} {v.get('pix_fmt')} {v.get('profile')}", "h264 yuv420p"),
        Check("audio codec", a.get("codec_name") == "aac", a.get("codec_name"), "aac"),
        Check("subtitles", (s.get("codec_name") if s else None) == ("mov_text" if video.subtitles == "soft" else None),
              s.get("codec_name") if s else "none", "mov_text" if video.subtitles == "soft" else "none"),
        Check("fast start", faststart, "moov first" if faststart else "mdat first",
              "moov first (plays while downloading)"),
    ]
    return checks


def _scene_checks(storyboard: Storyboard, timings: list[SceneTimings], clips: list[Path],
                  decoded: list[media.Decoded]) -> list[Check]:
    checks = []
    by_name = {Path(c).parent.name: (c, d) for c, d in zip(clips, decoded, strict=True)}
    frames = {scene_name(t.scene): t.frames for t in timings}
    for ref in storyboard.scenes:
        name = scene_name(ref.index)
        clip, result = by_name.get(name, (None, media.Decoded(0, "no clip for this scene")))
        expected = frames.get(name)
        problems = []
        if not result.ok:
            problems.append(result.errors.splitlines()[0][:200])
        if expected is not None and result.frames != expected:
            problems.append(f"{result.frames} frames decoded")
        measured = "; ".join(problems) if problems else f"{result.frames} frames decode cleanly"
        checks.append(Check(f"scene {name} clip", not problems, measured,
                            f"{expected} frames, no decoder errors" if expected is not None else "a clip"))
    return checks


def _caption_checks(job: StageJob, timings: list[SceneTimings]) -> list[Check]:
    limits = job.episode.acceptance
    try:
        cues = parse_srt(job.input["srt"])
    except (ArtifactError, OSError) as err:
        return [Check("captions readable", False, str(err), "a valid SRT file")]
    disorder = [i + 1 for i in range(len(cues)) if cues[i].end <= cues[i].start
                or (i and cues[i].start < cues[i - 1].end - SLACK)]
    over = [i + 1 for i, c in enumerate(cues) if len(c.lines) > limits.caption_max_lines
            or any(len(line) > limits.caption_max_chars for line in c.lines)
            or c.end - c.start > limits.caption_max_seconds + SLACK]
    uncovered = _uncovered_segments(cues, timings, frame=1 / job.episode.video.fps)
    return [
        Check("captions in order", not disorder and bool(cues),
              f"{len(cues)} cues" + (f", out of order: {disorder[:10]}" if disorder else ""),
              "cues one after another, none empty"),
        Check("caption limits", not over, f"cues over the limits: {over[:10]}" if over else "all within",
              f"<= {limits.caption_max_lines} lines of {limits.caption_max_chars} characters, "
              f"<= {limits.caption_max_seconds:g} s"),
        Check("captions cover the speech", not uncovered,
              f"segments not covered: {uncovered[:10]}" if uncovered else "every segment",
              "every spoken segment, to a frame"),
    ]


def _uncovered_segments(cues: list[Cue], timings: list[SceneTimings], frame: float) -> list[str]:
    """Spoken segments (by id) that the cues leave uncovered for more than a frame."""
    out = []
    offset = 0.0
    for scene in timings:
        for segment in scene.segments:
            start, end = offset + segment.start, offset + segment.end
            if end - start <= frame:
                continue
            covered = sum(_overlap(start, end, c.start, c.end) for c in cues)
            # a measured pause where two cues meet may go uncaptioned: nobody speaks there
            for a, b in segment.pauses:
                covered += _overlap(start, end, offset + a, offset + b) - sum(
                    _overlap(offset + a, offset + b, c.start, c.end) for c in cues)
            if (end - start) - covered > frame:
                out.append(f"{scene_name(scene.scene)}/{segment.segment_id}")
        offset += scene.samples / scene.sample_rate
    return out


def _listening_checks(job: StageJob, timings: list[SceneTimings]) -> list[Check]:
    """What the recogniser heard (transcript.json) against the segments, term by term, and against the caption cues."""
    limits = job.episode.acceptance.listen
    if "transcript" not in job.input:
        return []
    try:
        transcript = read_json(job.input["transcript"])
        words = [listening.Word(w["text"], w["start"], w["end"], w.get("probability", 1.0))
                 for w in transcript["words"]]
        stretches = [(float(a), float(b)) for a, b in transcript.get("speech", [])]
        cues = parse_srt(job.input["srt"]) if "srt" in job.input else None  # a podcast-only episode has none
    except (ArtifactError, OSError, KeyError, TypeError) as err:
        return [Check("words heard", False, f"transcript unreadable: {err}", "a transcript.json")]
    said = " ".join(segment.text for scene in timings for segment in scene.segments)
    error = listening.word_error(said, transcript.get("text", ""), episode_lexicon(job.episode).respellings(said))
    model = transcript.get("recogniser", {}).get("model", "?")
    checks = [Check("words heard", error.rate <= limits.max_word_error_rate,
                    f"word error rate {error.rate:.1%} ({error.substitutions} substituted, {error.deletions} missed, "
                    f"{error.insertions} extra of {error.reference_words} words; Whisper {model})",
                    f"<= {limits.max_word_error_rate:.0%} against the segments (spelling variants of the same sounds "
                    "are not errors)")]
    checks += term_checks(term_results(job, timings, words), hard=limits.terms == "hard")
    if cues is None:
        return checks
    return checks + caption_timing_check(cues, words, stretches, limits.caption_tolerance_ms, untimed_segments(timings))


def untimed_segments(timings: list[SceneTimings]) -> list[tuple[float, float]]:
    """(start, end) in the narration of each segment whose voice did not time its words (timings `words`)."""
    out, offset = [], 0.0
    for scene in timings:
        out += [(offset + s.start, offset + s.end) for s in scene.segments if not s.words]
        offset += scene.samples / scene.sample_rate
    return out


def spoken_segments(timings: list[SceneTimings]) -> list[listening.Said]:
    """Every spoken segment with its time in the narration (scenes follow each other exactly)."""
    out, offset = [], 0.0
    for scene in timings:
        out += [listening.Said(scene.scene, offset + s.start, offset + s.end, s.text) for s in scene.segments]
        offset += scene.samples / scene.sample_rate
    return out


def episode_terms(job: StageJob, said: list[listening.Said]) -> dict[str, str]:
    """{term: kind}: the lexicon's terms the segments say ("lexicon"), then the outline's unsure words ("unsure")."""
    lexicon = episode_lexicon(job.episode)
    terms = dict.fromkeys(lexicon.used_in(" \n ".join(s.text for s in said)), "lexicon")
    path = job.input.get("outline")
    if path and Path(path).is_file():
        for word in still_unsure(read_model(path, Outline).unsure_words, lexicon):
            terms.setdefault(word, "unsure")
    return terms


def still_unsure(words: list[str], lexicon: Lexicon) -> list[str]:
    """The outline's unsure words that the episode's lexicon (config's entries too) and the rules of
    unsure_words do not cover now: Snakemake once config.yaml says how to say it, fd (spelled out)."""
    return [w for w in words if unsure_words([w], lexicon)]


def term_results(job: StageJob, timings: list[SceneTimings], words: list[listening.Word]) -> list[listening.TermHeard]:
    said = spoken_segments(timings)
    respellings = episode_lexicon(job.episode).respellings(" \n ".join(s.text for s in said))
    return listening.terms_heard(said, words, episode_terms(job, said), respellings=respellings)


def term_checks(results: list[listening.TermHeard], hard: bool = True) -> list[Check]:
    """One check for the lexicon's terms together (hard unless acceptance.listen.terms is soft: a term the
    lexicon says how to say must be heard as itself wherever it is said), one for the unsure words (soft:
    nobody said how to say them), and a row for each term missed somewhere, naming where."""
    checks = []
    for kind, name, must in (("lexicon", "terms heard", hard), ("unsure", "unsure words heard", False)):
        mine = [r for r in results if r.kind == kind]
        if not mine:
            continue
        missed = [r for r in mine if not r.passed]
        measured = (f"{len(mine) - len(missed)} of {len(mine)} heard wherever said"
                    + (f"; missed: {', '.join(r.term for r in missed)}" if missed else "")
                    + f"; heard: {', '.join(r.term for r in mine if r.passed)}")
        checks.append(Check(name, not missed, measured, "each heard as itself in every segment that says it",
                            hard=must))
        for r in missed:
            checks.append(Check(f"{'term' if kind == 'lexicon' else 'unsure word'} {r.term}", False,
                                f"heard in {r.heard} of {r.said} segments; missed: {'; '.join(r.missed[:3])}",
                                f"'{r.term}' heard" + (" (say how under pronunciations in config.yaml)"
                                                       if kind == "unsure" else ""), hard=False))
    return checks


def caption_timing_check(cues: list[Cue], words: list[listening.Word], stretches: list[tuple[float, float]],
                         tolerance_ms: float, untimed: Sequence[tuple[float, float]] = ()) -> list[Check]:
    """Every cue's start and end against its words: the recogniser's word times at the edges of the speech
    the detector found (listening.word_times).

    `caption timing` (hard) holds the edges the captions time from measurements: where a segment starts
    or ends, where a cue breaks at a pause the voice made, and every edge inside a segment whose voice timed
    its words (piper, hibari: timings `words`). `caption timing at mid-phrase breaks` (soft) holds the rest:
    edges where one cue follows the next with no pause inside a segment in `untimed` (its voice gave no word
    times: espeak, openai, edge), whose time is shared out by the letters said, an estimate (README:
    Pronunciations, captions).
    """
    offsets, unmeasured = listening.cue_timing([(c.start, c.end, " ".join(c.lines)) for c in cues],
                                               listening.word_times(words, stretches))
    # cue i's start, where it meets the cue before inside a segment timed by estimate
    joined = {i for i in range(1, len(cues)) if abs(cues[i].start - cues[i - 1].end) <= SLACK
              and any(a < cues[i].start < b for a, b in untimed)}
    def mid_phrase(o: listening.CueOffset) -> bool:
        return (o.cue - 1 in joined) if o.edge == "start" else (o.cue in joined)
    tolerance = tolerance_ms / 1000
    checks = []
    for name, mine, hard in (("caption timing", [o for o in offsets if not mid_phrase(o)], True),
                             ("caption timing at mid-phrase breaks", [o for o in offsets if mid_phrase(o)], False)):
        if not mine and not hard:
            continue
        edges = len(mine) + (unmeasured if hard else 0)
        late = [o for o in mine if abs(o.offset) > tolerance + SLACK]
        worst = max(mine, key=lambda o: abs(o.offset), default=None)
        enough = not hard or (edges > 0 and len(mine) >= edges / 2)  # most must fall on a word that was heard
        median = sorted(abs(o.offset) for o in mine)[len(mine) // 2] if mine else 0.0
        measured = (f"{len(mine)} of {edges} cue edges on a heard word, {len(mine) - len(late)} within, "
                    f"median {median * 1000:.0f} ms" +
                    (f"; worst: cue {worst.cue} {worst.edge} {worst.offset * 1000:+.0f} ms ({worst.text[:40]!r})"
                     if worst else ""))
        checks.append(Check(name, enough and not late, measured,
                            f"each cue's start and end within {tolerance_ms:g} ms of its words", hard=hard))
    return checks


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _silence_checks(final: Any, speech: Any, limits) -> list[Check]:
    expected = f"none over {limits.max_silence_s:g} s below {limits.silence_threshold_db:g} dB"
    checks = []
    for name, found in (("silence in final.mp4", final), ("silence in the narration", speech)):
        if found is None:
            continue
        if isinstance(found, Exception):
            checks.append(Check(name, False, str(found), expected))
            continue
        longest = max((end - start for start, end in found), default=0.0)
        measured = (f"{len(found)} gap(s), longest {longest:.2f} s at {found[0][0]:.2f} s" if found
                    else "no gap that long")
        checks.append(Check(name, not found, measured, expected))
    return checks


def _video_loudness_checks(job: StageJob, loudness: Any) -> list[Check]:
    target, limits = job.episode.audio.video_lufs, job.episode.acceptance
    if isinstance(loudness, Exception):
        return [Check("video loudness", False, str(loudness), f"{target:g} LUFS")]
    return [Check("video loudness", abs(loudness["integrated"] - target) <= limits.loudness_tolerance_lu,
                  f"{loudness['integrated']:g} LUFS, {loudness['true_peak']:g} dBTP",
                  f"{target:g} ± {limits.loudness_tolerance_lu:g} LUFS")]


def _podcast_checks(job: StageJob, info: Any, loudness: Any) -> list[Check]:
    settings, limits = job.episode.audio, job.episode.acceptance
    if isinstance(info, Exception):
        return [Check("podcast.mp3 readable", False, str(info), "a readable MP3")]
    checks = []
    if isinstance(loudness, Exception):
        checks.append(Check("podcast loudness", False, str(loudness), f"{settings.podcast_lufs:g} LUFS"))
    else:
        integrated, peak = loudness["integrated"], loudness["true_peak"]
        checks += [
            Check("podcast loudness", abs(integrated - settings.podcast_lufs) <= limits.loudness_tolerance_lu,
                  f"{integrated:g} LUFS", f"{settings.podcast_lufs:g} ± {limits.loudness_tolerance_lu:g} LUFS"),
            Check("podcast true peak", peak <= settings.podcast_true_peak_db, f"{peak:g} dBTP",
                  f"<= {settings.podcast_true_peak_db:g} dBTP"),
        ]
    tags = {k.lower(): v for k, v in info.get("format", {}).get("tags", {}).items()}
    chapters = info.get("chapters", [])
    audio = _stream(info, "audio") or {}
    checks += [
        Check("podcast codec", audio.get("codec_name") == "mp3", audio.get("codec_name"), "mp3", hard=True),
        Check("podcast tags and chapters", bool(tags.get("title") and tags.get("album") and chapters),
              f"title {tags.get('title')!r}, show {tags.get('album')!r}, {len(chapters)} chapter(s)",
              "ID3 title, album/artist and a chapter per section", hard=False),
    ]
    return checks


# --- the report ----------------------------------------------------------------------------


def _show(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown(slug: str, checks: list[Check]) -> str:
    failed_hard = [c for c in checks if c.hard and not c.passed]
    failed_soft = [c for c in checks if not c.hard and not c.passed]
    verdict = "PASSED" if not failed_hard else f"FAILED ({len(failed_hard)} hard check(s))"
    if failed_soft:
        verdict += f", {len(failed_soft)} warning(s)"
    rows = [f"| {_show(c.name)} | {'pass' if c.passed else ('FAIL' if c.hard else 'warn')} | {_show(c.measured)} "
            f"| {_show(c.expected)} | {'hard' if c.hard else 'soft'} |" for c in checks]
    return "\n".join([f"# Acceptance: {slug}", "", f"**{verdict}**", "",
                      "| Check | Result | Measured | Expected | Kind |", "|---|---|---|---|---|", *rows]) + "\n"
