"""The one harness for running a stage without Snakemake: a temporary root where a stage runs as
a hand-built StageJob, with the named inputs and outputs the parsed rules/*.smk give it
(tests/workflow_rules.py) and the config dict `raw` (tests/configs.py).

    WritingProject (tests/conftest.py)     brief .. scene_critic, from sources
    MediaEpisode (tests/media_episode.py)  scene_image .. acceptance, from hand-written scenes
"""

from __future__ import annotations

import copy
import importlib
from pathlib import Path

from showrunner.config import load_config
from showrunner.stage_job import StageJob
from showrunner.workflow import scene_names
from tests.workflow_rules import stage_files


class StageHarness:
    def __init__(self, root: Path, raw: dict, slug: str):
        self.root = root
        self.slug = slug
        self.raw = copy.deepcopy(raw)

    @property
    def results(self) -> Path:
        return self.root / "results" / self.slug

    def path(self, name: str) -> Path:
        return self.results / name

    def scene_names(self) -> list[str]:
        """The scene wildcards of the storyboard written so far (none before the storyboard)."""
        storyboard = self.path("storyboard.json")
        return scene_names(storyboard) if storyboard.exists() else []

    def files(self, stage: str, scene: str | None = None) -> tuple[dict, dict]:
        """The stage's named inputs and outputs, read from the parsed rules/*.smk."""
        config = load_config(self.raw)
        spec, episode = config.episodes[self.slug], config.episode(self.slug)
        inputs, outputs = stage_files(stage, self.root, self.slug, scene=scene, scenes=self.scene_names(),
                                      sources=spec.sources, bed=episode.audio.music.bed, config=config)
        inputs.pop("approved", None)  # the gate's flag: stages run alone here
        return inputs, outputs

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
