"""final: final.mp4, the clips joined without re-encoding, the narration with the music bed
ducked under it encoded once as AAC, and the captions as a soft (or burned) subtitle track."""

from __future__ import annotations

import logging

from showrunner import audio, media
from showrunner.provenance import write_provenance
from showrunner.stage_job import StageJob

log = logging.getLogger(__name__)


def run(job: StageJob) -> None:
    video = job.episode.video
    mix, rate = media.speech_over_bed(job.input["narration"], job.input["bed"], job.episode.audio)
    frames = mix.size * video.fps / rate
    log.info("soundtrack: %d samples = %.3f s = %.2f frames", mix.size, mix.size / rate, frames)
    pcm = audio.to_int16(mix)
    target = job.episode.audio.video_lufs
    filters, loudness = media.loudness_chain(pcm.astype("<i2").tobytes(), rate, sample_format="s16le", lufs=target,
                                             limit=10 ** (-2.0 / 20), what="final: soundtrack")
    log.info("soundtrack loudness: %s -> %g LUFS with %s", loudness, target, filters)
    media.mux_episode(job.input["clips"], job.output["video"], audio=pcm, sample_rate=rate,
                      captions=job.input["captions"], subtitles=video.subtitles, video=video,
                      language=job.episode.show.language, audio_filters=filters)
    write_provenance(job, job.output["provenance"], tools=media.versions("ffmpeg"),
                     parameters={"video": video.model_dump(), "music": job.episode.audio.music.model_dump(),
                                 "soundtrack_samples": int(mix.size), "sample_rate": rate,
                                 "loudness": loudness, "audio_filters": filters})
