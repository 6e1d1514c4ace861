"""scene_voice: one scene's narration, every line in its host's voice, with measured timings.

The lines are joined with pauses (longer when the speaker changes) and a tail, and the scene's
audio is padded to a whole number of video frames, so the clip made for it and the audio line
up exactly at every scene boundary. timings.json records where each line starts and ends, in
seconds counted from sample positions.
"""

from __future__ import annotations

import logging

from showrunner import audio, media
from showrunner.artifacts import LineTiming, Scene, SceneTimings
from showrunner.errors import ArtifactError
from showrunner.files import read_model, write_json
from showrunner.progress import Progress
from showrunner.provenance import write_provenance
from showrunner.providers import provider_for
from showrunner.providers.base import SpeechRequest
from showrunner.providers.calls import ModelCalls
from showrunner.stage_job import StageJob

log = logging.getLogger(__name__)


def run(job: StageJob) -> None:
    scene = read_model(job.input["scene"], Scene)
    episode = job.episode
    voices = {host.id: host.voice for host in episode.show.hosts}
    for i, segment in enumerate(scene.segments):
        if segment.speaker not in voices:
            raise ArtifactError(f"{job.input['scene']}: segments.{i}.speaker: '{segment.speaker}' is not a host of "
                                f"the show (hosts: {', '.join(voices)})")
    media.require(media.FFMPEG)
    calls = ModelCalls(episode, job.stage, job.root)
    provider = provider_for("speech", episode, calls)
    progress = Progress(job, total=len(scene.segments), unit="lines")
    spoken = []
    for segment in scene.segments:
        spoken.append(provider.speak(SpeechRequest(text=segment.text, voice=voices[segment.speaker])))
        progress.step()

    rate, fps = episode.audio.sample_rate, episode.video.fps
    lines = [audio.trim_silence(samples, rate) for samples in media.decode_audio(spoken, rate)]
    for segment, line in zip(scene.segments, lines, strict=True):
        if line.size == 0:
            log.warning("scene %d, %s: the speech provider returned silence for %r", scene.index, segment.id,
                        segment.text)
    voice, placed, frames = audio.join_lines(
        lines, [s.speaker for s in scene.segments], sample_rate=rate, fps=fps,
        pause_between_lines_s=episode.audio.pause_between_lines_s,
        pause_between_speakers_s=episode.audio.pause_between_speakers_s, tail_s=episode.audio.scene_tail_s)
    timings = SceneTimings(
        scene=scene.index, sample_rate=rate, samples=int(voice.size), fps=fps, frames=frames,
        lines=[LineTiming(segment_id=s.id, speaker=s.speaker, text=s.text, start=p.start / rate, end=p.end / rate)
               for s, p in zip(scene.segments, placed, strict=True)])
    media.write_wav(job.output["voice"], voice, rate)
    write_json(job.output["timings"], timings)
    tools = media.versions(media.FFMPEG)
    if provider.settings.name == "espeak":
        tools.update(media.versions(media.ESPEAK))
    write_provenance(job, job.output["provenance"], provider=provider.settings.name, model=provider.model,
                     parameters={"voices": {s.speaker: voices[s.speaker] for s in scene.segments},
                                 "sample_rate": rate, "fps": fps, "frames": frames,
                                 "options": dict(provider.settings.options)},
                     calls=calls.records, tools=tools)
