"""scene_voice: one scene's narration, every segment in its host's voice, with measured timings.

Each host speaks with its own voice (`<provider>/<voice>` in config.yaml, at its own `pace`);
every segment is decoded to audio.sample_rate (the one place sample rates change), trimmed, and
levelled to audio.voice_lufs, so that voices from different engines sound like one show before
the mix. The segments are joined with pauses (longer when the speaker changes) and a tail, and the scene's
audio is padded to a whole number of video frames, so the clip made for it and the audio line
up exactly at every scene boundary. timings.json records where each segment starts and ends, in
seconds counted from sample positions, and where each of its words is spoken when the voice timed
them (piper, hibari: showrunner.providers.speech.word_times), for the captions.
"""

from __future__ import annotations

import logging

from showrunner import audio, media
from showrunner.artifacts import Scene, SceneTimings, SegmentTiming
from showrunner.config import Episode, Host
from showrunner.errors import ArtifactError
from showrunner.files import read_model, write_json
from showrunner.progress import Progress
from showrunner.pronunciation import Lexicon, episode_lexicon
from showrunner.provenance import write_provenance
from showrunner.providers import provider_for, speech_settings
from showrunner.providers.base import SpeechModel, SpeechRequest
from showrunner.providers.calls import ModelCalls
from showrunner.providers.speech import word_times
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("show.hosts", "providers.speech", "audio.sample_rate", "audio.pause_between_segments_s",
         "audio.pause_between_speakers_s", "audio.scene_tail_s", "audio.voice_lufs", "video.fps",
         "writing.words_per_minute", "pronunciations")
# What it reads of its scene file: the narration, not the beats (an edited beat keeps the voice)
SCENE_READS = ("index", "segments")

log = logging.getLogger(__name__)


def run(job: StageJob) -> None:
    scene = read_model(job.input["scene"], Scene)
    episode = job.episode
    hosts = {host.id: host for host in episode.show.hosts}
    for i, segment in enumerate(scene.segments):
        if segment.speaker not in hosts:
            raise ArtifactError(f"{job.input['scene']}: segments.{i}.speaker: '{segment.speaker}' is not a host of "
                                f"the show (hosts: {', '.join(hosts)})")
    media.require(media.FFMPEG)
    calls = ModelCalls(episode, job.stage, job.root)
    progress = Progress(job, total=len(scene.segments), unit="segments")
    spoken, providers = speak(scene, hosts, episode, calls, progress)

    rate, fps = episode.audio.sample_rate, episode.video.fps
    decoded = media.decode_audio(spoken, rate)
    spans = [audio.speech_span(samples, rate) for samples in decoded]
    trimmed = [samples[a:b] for samples, (a, b) in zip(decoded, spans, strict=True)]
    # every segment's loudness in one ffmpeg run (its ebur128 meter): no Python meter to import in each voice job
    loudness = media.integrated_loudness([audio.measurable(samples, rate) for samples in trimmed], rate,
                                         what=f"measure the loudness of scene {scene.index}'s segments")
    voiced = [audio.level(samples, lufs, episode.audio.voice_lufs) for samples, lufs in zip(trimmed, loudness,
                                                                                             strict=True)]
    lexicon = episode_lexicon(episode)
    timed = [words_in_segment(segment.text, file, first, len(samples), rate, lexicon)
             for segment, file, (first, _), samples in zip(scene.segments, spoken, spans, voiced, strict=True)]
    for segment, samples in zip(scene.segments, voiced, strict=True):
        if samples.size == 0:
            log.warning("scene %d, %s: the speech provider returned silence for %r", scene.index, segment.id,
                        segment.text)
    voice, placed, frames = audio.join_segments(
        voiced, [s.speaker for s in scene.segments], sample_rate=rate, fps=fps,
        pause_between_segments_s=episode.audio.pause_between_segments_s,
        pause_between_speakers_s=episode.audio.pause_between_speakers_s, tail_s=episode.audio.scene_tail_s)
    timings = SceneTimings(
        scene=scene.index, sample_rate=rate, samples=int(voice.size), fps=fps, frames=frames,
        segments=[SegmentTiming(segment_id=s.id, speaker=s.speaker, text=s.text, start=p.start / rate,
                                end=p.end / rate, pauses=[((p.start + a) / rate, (p.start + b) / rate)
                                                          for a, b in audio.pauses_in(samples, rate)],
                                words=[((p.start + a) / rate, (p.start + b) / rate) for a, b in words])
                  for s, p, samples, words in zip(scene.segments, placed, voiced, timed, strict=True)])
    media.write_wav(job.output["voice"], voice, rate)
    write_json(job.output["timings"], timings)
    tools = media.versions(media.FFMPEG)
    if "espeak" in providers:
        tools.update(media.versions(media.ESPEAK))
    write_provenance(job, job.output["provenance"], provider="+".join(sorted(providers)),
                     model="+".join(sorted(p.model for p in providers.values())),
                     parameters={"voices": {s.speaker: hosts[s.speaker].voice for s in scene.segments},
                                 "pace": {s.speaker: hosts[s.speaker].pace for s in scene.segments},
                                 "sample_rate": rate, "fps": fps, "frames": frames,
                                 "voice_lufs": episode.audio.voice_lufs,
                                 "options": {name: dict(p.settings.options) for name, p in providers.items()}},
                     calls=calls.records, tools=tools)


def words_in_segment(text: str, audio_file: bytes, first: int, length: int, rate: int,
                  lexicon: Lexicon) -> list[tuple[int, int]]:
    """Where each written word of a segment is spoken, in samples of the trimmed segment at `rate` (kept
    from sample `first` of the decoded file, `length` samples): from the times the voice wrote into its
    file (word_times), or [] when it wrote none."""
    found = word_times.read(audio_file)
    written = text.split()
    if found is None:
        return []
    voice, voice_rate = found
    spans = word_times.align(written, [lexicon.spoken_letters(w) for w in written], voice,
                             [lexicon.spoken(w) for w in written])
    if spans is None:
        return []

    def at(sample: int) -> int:  # the voice's sample, at `rate`, in the trimmed segment
        return min(max(round(sample * rate / voice_rate) - first, 0), length)

    return [(at(a), at(b)) for a, b in spans]


def speak(scene: Scene, hosts: dict[str, Host], episode: Episode, calls: ModelCalls,
          progress: Progress | None = None) -> tuple[list[bytes], dict]:
    """Every segment's audio file bytes in order, each from its host's provider; one batch per provider."""
    providers: dict[str, SpeechModel] = {}
    batches: dict[str, list[int]] = {}
    for i, segment in enumerate(scene.segments):
        voice = hosts[segment.speaker].speech
        settings = speech_settings(voice, episode)
        if settings.name not in providers:
            providers[settings.name] = provider_for("speech", episode, calls, settings)
        batches.setdefault(settings.name, []).append(i)
    spoken: list[bytes] = [b""] * len(scene.segments)
    lexicon = episode_lexicon(episode)
    for name, indexes in batches.items():
        # the one place text becomes what a voice is given: the lexicon's respellings or phonemes
        requests = [SpeechRequest(text=lexicon.spoken(scene.segments[i].text, name),
                                  voice=hosts[scene.segments[i].speaker].speech.name,
                                  pace=hosts[scene.segments[i].speaker].pace) for i in indexes]
        for i, audio_file in zip(indexes, providers[name].speak_all(requests), strict=True):
            spoken[i] = audio_file
        if progress is not None:
            progress.step(len(indexes))
    return spoken, providers
