"""podcast: podcast.mp3, the intro sting, every voice in order over the ducked bed, the outro,
normalised to audio.podcast_lufs (true peak under audio.podcast_true_peak_db), with ID3 tags
(title, show) and a chapter per outline section."""

from __future__ import annotations

import logging

import numpy as np

from showrunner import audio, episode_audio, measurements, media
from showrunner.artifacts import Outline, SceneRef, SceneTimings, Storyboard
from showrunner.errors import ArtifactError
from showrunner.files import read_model
from showrunner.provenance import write_provenance
from showrunner.reads import settings_of
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("show.name", "audio.sample_rate", "audio.podcast_lufs", "audio.podcast_true_peak_db",
         "audio.podcast_bitrate", "audio.music.bed_gain_db", "audio.music.duck_db")

log = logging.getLogger(__name__)


def chapters(scenes: list[SceneRef], timings: list[SceneTimings], outline: Outline, *, intro_s: float,
             total_s: float) -> list[media.Chapter]:
    """One chapter per run of scenes from the same outline section, titled by that section.

    A chapter starts where its first scene's voice starts, offset by the intro; the first one
    starts at 0 (it includes the intro) and the last one ends at the end of the file.
    """
    titles = {section.id: section.title for section in outline.sections}
    starts: list[tuple[float, str]] = []
    position = 0  # samples
    for ref, timing in zip(scenes, timings, strict=True):
        if not starts or starts[-1][1] != ref.section_id:
            starts.append((intro_s + position / timing.sample_rate, ref.section_id))
        position += timing.samples
    out = []
    for i, (start, section_id) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else total_s
        title = titles.get(section_id) or next(r.title for r in scenes if r.section_id == section_id)
        out.append(media.Chapter(0.0 if i == 0 else start, end, title))
    return out


def run(job: StageJob) -> None:
    episode = job.episode
    settings = episode.audio
    storyboard = read_model(job.input["storyboard"], Storyboard)
    outline = read_model(job.input["outline"], Outline)
    timings = [read_model(path, SceneTimings) for path in job.input["timings"]]
    if len(timings) != len(storyboard.scenes):
        raise ArtifactError(f"{job.input['storyboard']}: {len(storyboard.scenes)} scenes, but "
                            f"{len(timings)} timings files")
    speech = episode_audio.speech_over_bed(job.input["voices"], job.input["timings"], job.input["bed"], settings)
    rate = settings.sample_rate
    intro, _ = media.read_wav(job.input["intro"])
    outro, _ = media.read_wav(job.input["outro"])
    program = np.concatenate([audio.to_float(intro), speech, audio.to_float(outro)])
    intro_s, total_s = intro.size / rate, program.size / rate
    marks = chapters(storyboard.scenes, timings, outline, intro_s=intro_s, total_s=total_s)
    tags = {"title": storyboard.title, "artist": episode.show.name, "album": episode.show.name,
            "album_artist": episode.show.name, "genre": "Podcast"}
    measured = media.master_podcast(program, rate, job.output["podcast"], lufs=settings.podcast_lufs,
                                    true_peak=settings.podcast_true_peak_db, bitrate=settings.podcast_bitrate,
                                    tags=tags, chapters=marks)
    log.info("podcast: %.2f s, %d chapters, loudness %s", total_s, len(marks), measured)
    # acceptance measures these very bytes the same way: let it recall this
    measurements.remember(measurements.folder(episode, job.root), "loudness", job.output["podcast"],
                          measured["podcast"])
    write_provenance(job, job.output["provenance"], tools=media.versions("ffmpeg"),
                     parameters={"settings": settings_of(job.episode, READS), "tags": tags,
                                 "chapters": [{"title": c.title, "start": c.start, "end": c.end} for c in marks]},
                     extra={"loudness": measured})
