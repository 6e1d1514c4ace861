"""captions: captions.srt and captions.vtt from the measured segment timings (showrunner.captions)."""

from __future__ import annotations

import functools
import logging

from showrunner.artifacts import SceneTimings
from showrunner.captions import episode_cues, to_srt, to_vtt
from showrunner.files import read_model, write_text
from showrunner.pronunciation import episode_lexicon
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("acceptance.caption_max_chars", "acceptance.caption_max_lines", "acceptance.caption_max_seconds",
         "pronunciations")

log = logging.getLogger(__name__)


def run(job: StageJob) -> None:
    timings = [read_model(path, SceneTimings) for path in job.input["timings"]]
    lexicon = episode_lexicon(job.episode)  # a cue's share of a stretch of speech: the letters said for it
    weigh = functools.lru_cache(maxsize=None)(lexicon.spoken_letters)
    cues = episode_cues(timings, job.episode.acceptance, weigh=weigh)
    write_text(job.output["srt"], to_srt(cues))
    write_text(job.output["vtt"], to_vtt(cues))
    log.info("%d cues for %d scenes", len(cues), len(timings))
