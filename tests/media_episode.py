"""A short, small episode for the media stages: hand-written scenes, real espeak-ng and ffmpeg.

`MediaEpisode` writes a storyboard, scenes and an outline under a temporary root and runs the
media stages as hand-built StageJobs with the same named inputs and outputs as rules/*.smk, so
every stage is exercised without Snakemake. The default episode is 320x180 at 12 fps, 24 kHz
(2000 samples a frame), three scenes, about 15 seconds.
"""

from __future__ import annotations

import copy
import importlib
from pathlib import Path

from showrunner.artifacts import Outline, OutlineSection, Scene, SceneRef, Segment, Storyboard, scene_name
from showrunner.config import _deep_merge, load_config
from showrunner.files import write_json
from showrunner.stage_job import StageJob
from tests.workflow_rules import stage_files

TITLE = "How a build cache decides"
SHOW = "Plain Circuits"


def media_config(**sections) -> dict:
    """A config dict for load_config: two hosts with distinct espeak voices, a tiny fast video."""
    raw = {
        "show": {"name": SHOW, "hosts": [{"id": "ada", "name": "Ada", "voice": "en-us+f3"},
                                         {"id": "ben", "name": "Ben", "voice": "en-gb+m3"}]},
        "approval": "auto",
        "cache": {"dir": ".showrunner-cache"},
        "video": {"height": 180, "fps": 12, "threads": 2},
        "audio": {"sample_rate": 24000, "music": {"intro_seconds": 1.5, "outro_seconds": 1.5}},
        # espeak-ng, the fast test voice: the recogniser mishears about a quarter of it, and times it loosely
        "acceptance": {"duration_tolerance": 0.5,
                       "listen": {"max_word_error_rate": 0.6, "caption_tolerance_ms": 3000, "terms": "soft"}},
        "episodes": {"ep1": {"title": TITLE, "topic": "build caches", "target_minutes": 0.4}},
    }
    return _deep_merge(raw, sections)


def media_scenes() -> list[Scene]:
    def seg(n: int, speaker: str, text: str, section: str) -> Segment:
        return Segment(id=f"seg{n}", speaker=speaker, text=text, section_id=section)

    return [
        Scene(index=1, section_id="s1", title="How a build cache decides what to rebuild",
              bullets=["Every task hashes its inputs", "Same hash: reuse the stored output"],
              segments=[seg(1, "ada", "Welcome to Plain Circuits. Today, build caches.", "s1"),
                        seg(2, "ben", "A build cache remembers what it made, keyed by a hash of everything that "
                                      "went in, and when the same hash shows up again it hands back the stored "
                                      "output instead of running the task.", "s1")],
              estimated_seconds=10),
        Scene(index=2, section_id="s2", title="The key",
              code="def key(task):\n    h = sha256()\n    for path in sorted(task.inputs):\n"
                   "        h.update(open(path, 'rb').read())\n    return h.hexdigest()",
              code_language="python",
              segments=[seg(3, "ben", "Here is the key function.", "s2"),
                        seg(4, "ben", "It sorts the inputs first.", "s2"),
                        seg(5, "ada", "So the order never matters?", "s2")],
              estimated_seconds=5),
        Scene(index=3, section_id="s2", title="That is all",
              segments=[seg(6, "ada", "Thanks for listening.", "s2")], estimated_seconds=2),
    ]


def media_outline() -> Outline:
    return Outline(slug="ep1", title=TITLE, sections=[
        OutlineSection(id="s1", title="Hashing inputs", key_points=["inputs are hashed"]),
        OutlineSection(id="s2", title="The key", key_points=["the key function"])])


MEDIA_STAGES = ["scene_image", "scene_voice", "scene_clip", "music", "captions", "soundtrack", "final", "podcast",
                "transcript", "acceptance"]
SCENE_STAGES = MEDIA_STAGES[:3]


class MediaEpisode:
    """A temporary root holding one episode's storyboard; runs the media stages on it."""

    def __init__(self, root: Path, config: dict | None = None, scenes: list[Scene] | None = None,
                 slug: str = "ep1"):
        self.root = root
        self.slug = slug
        self.raw = copy.deepcopy(config if config is not None else media_config())
        self.scenes = scenes if scenes is not None else media_scenes()
        for scene in self.scenes:
            write_json(self.path(f"scenes/{scene_name(scene.index)}.json"), scene)
        write_json(self.path("storyboard.json"), Storyboard(
            slug=slug, title=TITLE,
            scenes=[SceneRef(index=s.index, file=f"scenes/{scene_name(s.index)}.json", title=s.title,
                             section_id=s.section_id) for s in self.scenes]))
        write_json(self.path("outline.json"), media_outline())

    @property
    def results(self) -> Path:
        return self.root / "results" / self.slug

    @property
    def names(self) -> list[str]:
        return [scene_name(s.index) for s in self.scenes]

    def path(self, name: str) -> Path:
        return self.results / name

    def media(self, scene: str, name: str) -> Path:
        return self.results / "media" / scene / name

    def each(self, name: str) -> list[Path]:
        return [self.media(n, name) for n in self.names]

    def files(self, stage: str, scene: str | None = None) -> tuple[dict, dict]:
        """The stage's named inputs and outputs, read from the parsed rules/*.smk."""
        config = load_config(self.raw)
        bed = config.episode(self.slug).audio.music.bed
        return stage_files(stage, self.root, self.slug, scene=scene, scenes=self.names, bed=bed, config=config)

    def job(self, stage: str, scene: str | None = None, **outputs) -> StageJob:
        config = load_config(self.raw)
        inputs, default_outputs = self.files(stage, scene)
        wildcards = {"slug": self.slug} | ({"scene": scene} if scene else {})
        return StageJob(stage=stage, config=config, episode=config.episode(self.slug), input=inputs,
                        output={**default_outputs, **outputs}, wildcards=wildcards, root=self.root)

    def run(self, stage: str, scene: str | None = None, **outputs) -> StageJob:
        job = self.job(stage, scene, **outputs)
        importlib.import_module(f"showrunner.stages.{stage}").run(job)
        return job

    def build(self, until: str = "podcast") -> MediaEpisode:
        """Every media stage in DAG order, up to and including `until`."""
        for stage in MEDIA_STAGES[: MEDIA_STAGES.index(until) + 1]:
            if stage in SCENE_STAGES:
                for name in self.names:
                    self.run(stage, name)
            else:
                self.run(stage)
        return self
