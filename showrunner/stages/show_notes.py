"""show_notes: show_notes.md (summary, chapters with start times, the links the sources hold), the
same notes as plain text for the video (description.txt, chapter times in the video's timeline);
podcast.mp3 carries them as its ID3 comment (chapter times in the podcast's timeline, after the
intro). The work is in showrunner.show_notes."""

from __future__ import annotations

import logging
from pathlib import Path

from showrunner import media, show_notes
from showrunner.files import write_text
from showrunner.provenance import write_provenance
from showrunner.stage_job import StageJob

# The settings it reads: its rule's params (showrunner/reads.py)
READS = ("show.name",)

log = logging.getLogger(__name__)


def _seconds(path: str) -> float:
    samples, rate = media.wav_length(path)  # its length only: no samples read, no numpy imported
    return samples / rate


def run(job: StageJob) -> None:
    storyboard, outline, timings = show_notes.read_episode(job.input["storyboard"], job.input["outline"],
                                                          job.input["timings"])
    sources = job.input.get("sources", [])
    sources = [sources] if isinstance(sources, str) else list(sources)
    links = [link for path in sources for link in show_notes.links_in(Path(path))]
    names = [Path(p).resolve().relative_to(job.root.resolve()).as_posix() if Path(p).resolve().is_relative_to(
        job.root.resolve()) else Path(p).name for p in sources]
    speech_s = sum(t.samples / t.sample_rate for t in timings)
    intro_s = _seconds(job.input["intro"])
    show = job.episode.show.name
    podcast = show_notes.chapters(storyboard.scenes, timings, outline, intro_s=intro_s,
                                  total_s=intro_s + speech_s + _seconds(job.input["outro"]))
    video = show_notes.chapters(storyboard.scenes, timings, outline, intro_s=0.0, total_s=speech_s)
    write_text(job.output["notes"], show_notes.markdown(storyboard.title, show, outline, podcast, links, names))
    write_text(job.output["description"], show_notes.plain(storyboard.title, show, outline, video, links, names))
    log.info("show notes: %d chapters, %d links from %d sources", len(podcast), len(links), len(sources))
    write_provenance(job, job.output["provenance"], parameters={"show": show},
                     extra={"chapters": len(podcast), "links": len(links)})
