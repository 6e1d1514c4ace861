"""A short, small episode for the media stages: hand-written scenes, real espeak-ng and ffmpeg.

`MediaEpisode` writes a storyboard, scenes and an outline under a temporary root and runs the
media stages as hand-built StageJobs with the same named inputs and outputs as rules/*.smk, so
every stage is exercised without Snakemake. The default episode is 320x180 at 12 fps, 24 kHz
(2000 samples a frame), three scenes, about 15 seconds.
"""

from __future__ import annotations

from pathlib import Path

from showrunner.artifacts import Outline, OutlineSection, Scene, SceneRef, Segment, Storyboard, scene_name
from showrunner.files import write_json
from showrunner.rule_kinds import per_scene_stages
from tests.configs import MEDIA_SHOW, MEDIA_TITLE
from tests.configs import media_config as media_config
from tests.harness import StageHarness
from tests.workflow_rules import workflow_rules

TITLE, SHOW = MEDIA_TITLE, MEDIA_SHOW


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


MEDIA_STAGES = ["scene_image", "scene_voice", "scene_clip", "music", "captions", "soundtrack", "final", "show_notes",
                "podcast",
                "transcript", "acceptance"]
SCENE_STAGES = [s for s in MEDIA_STAGES if s in per_scene_stages(workflow_rules())]  # {scene} in the rule


class MediaEpisode(StageHarness):
    """A temporary root holding one episode's storyboard; runs the media stages on it (tests/harness.py)."""

    def __init__(self, root: Path, config: dict | None = None, scenes: list[Scene] | None = None,
                 slug: str = "ep1"):
        super().__init__(root, config if config is not None else media_config(), slug)
        self.scenes = scenes if scenes is not None else media_scenes()
        for scene in self.scenes:
            write_json(self.path(f"scenes/{scene_name(scene.index)}.json"), scene)
        write_json(self.path("storyboard.json"), Storyboard(
            slug=slug, title=TITLE,
            scenes=[SceneRef(index=s.index, file=f"scenes/{scene_name(s.index)}.json", title=s.title,
                             section_id=s.section_id) for s in self.scenes]))
        write_json(self.path("outline.json"), media_outline())

    @property
    def names(self) -> list[str]:
        return [scene_name(s.index) for s in self.scenes]

    def media(self, scene: str, name: str) -> Path:
        return self.results / "media" / scene / name

    def each(self, name: str) -> list[Path]:
        return [self.media(n, name) for n in self.names]

    def build(self, until: str = "podcast") -> MediaEpisode:
        """Every media stage in DAG order, up to and including `until`."""
        for stage in MEDIA_STAGES[: MEDIA_STAGES.index(until) + 1]:
            if stage in SCENE_STAGES:
                for name in self.names:
                    self.run(stage, name)
            else:
                self.run(stage)
        return self
