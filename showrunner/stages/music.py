"""music: the bed under the narration, and the podcast's intro and outro stings.

The default bed is the project's own, synthesised from audio.music.seed (showrunner.music). A
user's own file named in audio.music.bed is used for the bed instead, converted to the episode's
sample rate. Everything is written at a fixed RMS level, so audio.music.bed_gain_db means the same
for any bed.
"""

from __future__ import annotations

from showrunner import audio, media, music
from showrunner.config import resolve_path
from showrunner.provenance import write_provenance
from showrunner.reads import settings_of
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("audio.music.bed", "audio.music.intro_seconds", "audio.music.outro_seconds", "audio.music.seed",
         "audio.sample_rate")


def run(job: StageJob) -> None:
    settings = job.episode.audio.music
    rate = job.episode.audio.sample_rate
    if settings.bed == "generated":
        bed = music.generate_bed(rate, settings.seed)
    else:
        path = resolve_path(settings.bed, job.root)
        bed = audio.to_float(media.decode_file(path, rate, what=f"convert audio.music.bed {settings.bed}"))
    media.write_wav(job.output["bed"], audio.to_int16(music.at_rms(bed, music.BED_RMS_DBFS)), rate)
    intro, outro = music.stings(rate, settings)
    media.write_wav(job.output["intro"], audio.to_int16(intro), rate)
    media.write_wav(job.output["outro"], audio.to_int16(outro), rate)
    write_provenance(job, job.output["provenance"], parameters=settings_of(job.episode, READS),
                     extra={"generated": settings.bed == "generated"})
