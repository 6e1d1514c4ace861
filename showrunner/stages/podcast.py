"""podcast: podcast.mp3, the intro sting, every voice in order over the ducked bed, the outro,
normalised to audio.podcast_lufs (true peak under audio.podcast_true_peak_db), with ID3 tags
(title, show, the show notes as comment) and a chapter per outline section."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from showrunner import audio, episode_audio, measurements, media, show_notes
from showrunner.artifacts import Outline, SceneRef, SceneTimings
from showrunner.provenance import write_provenance
from showrunner.reads import settings_of
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("show.name", "audio.sample_rate", "audio.podcast_lufs", "audio.podcast_true_peak_db",
         "audio.podcast_bitrate", "audio.music.bed_gain_db", "audio.music.duck_db")

log = logging.getLogger(__name__)


def chapters(scenes: list[SceneRef], timings: list[SceneTimings], outline: Outline, *, intro_s: float,
             total_s: float) -> list[media.Chapter]:
    """One chapter per run of scenes from the same outline section (showrunner.show_notes.chapters)."""
    return [media.Chapter(c.start, c.end, c.title)
            for c in show_notes.chapters(scenes, timings, outline, intro_s=intro_s, total_s=total_s)]


def run(job: StageJob) -> None:
    episode = job.episode
    settings = episode.audio
    storyboard, outline, timings = show_notes.read_episode(job.input["storyboard"], job.input["outline"],
                                                          job.input["timings"])
    speech = episode_audio.speech_over_bed(job.input["voices"], job.input["timings"], job.input["bed"], settings)
    rate = settings.sample_rate
    intro, _ = media.read_wav(job.input["intro"])
    outro, _ = media.read_wav(job.input["outro"])
    program = np.concatenate([audio.to_float(intro), speech, audio.to_float(outro)])
    intro_s, total_s = intro.size / rate, program.size / rate
    marks = chapters(storyboard.scenes, timings, outline, intro_s=intro_s, total_s=total_s)
    tags = {"title": storyboard.title, "artist": episode.show.name, "album": episode.show.name,
            "album_artist": episode.show.name, "genre": "Podcast",
            # the show notes (summary, chapters, links) as the ID3 comment (COMM) podcast apps show
            "comment": show_notes.plain_text(Path(job.input["show_notes"]).read_text(encoding="utf-8"))}
    measured = media.master_podcast(program, rate, job.output["podcast"], lufs=settings.podcast_lufs,
                                    true_peak=settings.podcast_true_peak_db, bitrate=settings.podcast_bitrate,
                                    tags=tags, chapters=marks)
    log.info("podcast: %.2f s, %d chapters, loudness %s", total_s, len(marks), measured)
    # acceptance measures these very bytes the same way: let it recall this
    measurements.remember(measurements.folder(episode, job.root), "loudness", job.output["podcast"],
                          measured["podcast"])
    write_provenance(job, job.output["provenance"], tools=media.versions("ffmpeg"),
                     parameters={"settings": settings_of(job.episode, READS),
                                 "tags": {k: v for k, v in tags.items() if k != "comment"},
                                 "chapters": [{"title": c.title, "start": c.start, "end": c.end} for c in marks]},
                     extra={"loudness": measured})
