"""transcript: what an offline recogniser hears in the narration, word by word, with times.

Every scene's voice (without the music bed) is resampled to 16 kHz and transcribed by
faster-whisper on the Whisper model shipped in a pinned package (showrunner.listening), with
the lexicon's terms that the scene says as its glossary (so it can spell them). A scene's words
are remembered by the voice file's content and that glossary, so a one-scene edit listens to
that scene only. transcript.json holds the words with their times in the episode (scenes follow
each other exactly), the stretches of speech the voice activity detector found (Silero, in
faster-whisper), the recogniser that heard them and what listening cost; acceptance
compares them with the segments and the captions. Its own rule, so it runs beside the podcast.
"""

from __future__ import annotations

import json
import logging

import numpy as np

from showrunner import listening, measurements, media
from showrunner.artifacts import SceneTimings
from showrunner.files import canonical_json, read_model, sha256_text, write_json
from showrunner.pronunciation import episode_lexicon
from showrunner.stage_job import StageJob

log = logging.getLogger(__name__)

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("acceptance.listen", "pronunciations")

PAD_S = listening.PAD_S


def run(job: StageJob) -> None:
    settings = job.episode.acceptance.listen
    about = listening.recogniser(settings)
    lexicon = episode_lexicon(job.episode)
    cache = measurements.folder(job.episode, job.root)
    media.require(media.FFMPEG)
    scenes, words, stretches, offset = [], [], [], 0.0
    cost = {"wall_s": 0.0, "cpu_s": 0.0, "audio_s": 0.0}
    for voice, timings_path in zip(job.input["voices"], job.input["timings"], strict=True):
        timings = read_model(timings_path, SceneTimings)
        vocabulary = lexicon.used_in(" ".join(s.text for s in timings.segments))
        kind = "transcript-" + sha256_text(canonical_json({**about, "glossary": vocabulary}))[:16]
        fresh: list[dict] = []

        def listen(path, fresh=fresh, vocabulary=vocabulary):
            fresh.append(_listen(path, settings, job, vocabulary))
            return fresh[0]

        heard = measurements.recall(cache, kind, voice, listen)
        for name in cost:
            cost[name] += heard["cost"][name] if fresh else 0.0
        scene_words = [{**w, "start": round(w["start"] + offset, 3), "end": round(w["end"] + offset, 3)}
                       for w in heard["words"]]
        scenes.append({"scene": timings.scene, "offset_s": round(offset, 6), "words": len(scene_words),
                       "glossary": vocabulary,
                       "listened": heard["cost"], "remembered": not fresh})
        words += scene_words
        stretches += [[round(a + offset, 3), round(b + offset, 3)] for a, b in heard["speech"]]
        offset += timings.samples / timings.sample_rate
    write_json(job.output["transcript"], {
        "slug": job.slug, "recogniser": about, "text": " ".join(w["text"] for w in words), "words": words,
        "speech": stretches, "scenes": scenes,
        "cost": {k: round(v, 3) for k, v in cost.items()},  # of what was listened to now
        "narration_s": round(offset, 3)})
    log.info("heard %d words in %.1f s of narration", len(words), offset)


def _listen(path, settings, job: StageJob, vocabulary: list[str]) -> dict:
    samples, rate = media.read_wav(path)
    audio = media.resample(samples, rate, listening.SAMPLE_RATE, what=f"resample {path} for the recogniser")
    pad = np.zeros(round(PAD_S * listening.SAMPLE_RATE), dtype=np.float32)
    words, cost = listening.transcribe(np.concatenate([pad, audio, pad]), settings,
                                       measurements.folder(job.episode, job.root).parent, threads=job.threads,
                                       vocabulary=vocabulary)
    words = [listening.Word(w.text, round(max(w.start - PAD_S, 0.0), 3), round(max(w.end - PAD_S, 0.0), 3),
                            w.probability) for w in words]
    stretches = listening.speech(audio)  # the same samples, unpadded: times in the scene already
    # a stretch of speech in which nothing was heard is heard again without the hallucination filter
    words, again = listening.relisten(audio, words, stretches, settings,
                                      measurements.folder(job.episode, job.root).parent, threads=job.threads,
                                      vocabulary=vocabulary)
    cost = {**cost, "wall_s": round(cost["wall_s"] + again["wall_s"], 3),  # the same audio, listened to longer
            "cpu_s": round(cost["cpu_s"] + again["cpu_s"], 3)}
    log.info("%s: %d words, %.2f s CPU for %.2f s of audio", path, len(words), cost["cpu_s"], cost["audio_s"])
    return json.loads(json.dumps({"words": [w.__dict__ for w in words], "speech": stretches, "cost": cost}))
