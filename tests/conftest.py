"""Shared test fixtures.

Writing stages (brief, research, outline, script, storyboard): `writing_config` builds a small
config dict, and the `writing_project` fixture gives a `WritingProject` that builds StageJobs by
hand (the named inputs and outputs read from the parsed rules/*.smk) in a temporary root, so the stages run
without Snakemake.
"""

from __future__ import annotations

import copy
import importlib
import shutil
from pathlib import Path

import pytest

from showrunner.config import _deep_merge, load_config
from showrunner.stage_job import StageJob
from tests.workflow_rules import stage_files

REPO = Path(__file__).resolve().parent.parent
EP1_SOURCE = REPO / "sources" / "ep1" / "build-caches.md"
EP1_TITLE = "How a build cache decides what to rebuild"

# --- online providers: a fake OpenAI-compatible server on 127.0.0.1 (tests/fake_openai.py) ---


@pytest.fixture
def server():
    from tests.fake_openai import FakeOpenAI

    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def api_key(monkeypatch):
    """The fake server's key in the environment variable the test config names."""
    from tests.fake_openai import KEY, KEY_ENV

    monkeypatch.setenv(KEY_ENV, KEY)


# --- writing stages ------------------------------------------------------------------------


def writing_config(*, hosts: int = 2, target_minutes: float = 2, sources: list[str] | None = None,
                   topic: str | None = None, **sections) -> dict:
    """A config dict for load_config: the Plain Circuits show, one episode `ep1`."""
    all_hosts = [
        {"id": "ada", "name": "Ada", "persona": "curious host who asks the questions a listener would ask",
         "voice": "en-us+f3"},
        {"id": "ben", "name": "Ben", "persona": "engineer who explains with concrete examples", "voice": "en-gb+m3"},
        {"id": "cy", "name": "Cy", "persona": "historian of computing", "voice": "en-us+m1"},
    ]
    episode: dict = {"title": EP1_TITLE, "target_minutes": target_minutes}
    if sources is None and topic is None:
        sources = ["sources/ep1/build-caches.md"]
    if sources:
        episode["sources"] = sources
    if topic:
        episode["topic"] = topic
    raw = {
        "show": {"name": "Plain Circuits",
                 "description": "Short explainers on how the software we use every day really works.",
                 "audience": "developers and curious people who like to know how things work",
                 "tone": "warm, precise, never breathless",
                 "hosts": all_hosts[:hosts]},
        "approval": "auto",
        "cache": {"dir": ".showrunner-cache"},
        "episodes": {"ep1": episode},
    }
    return _deep_merge(raw, sections)


WRITING_STAGES = ["brief", "research", "outline", "script", "storyboard", "scene_critic"]


class WritingProject:
    """A temporary root with sources and prompts, where writing stages run as hand-built StageJobs."""

    def __init__(self, root: Path, config: dict | None = None, sources: dict[str, str | bytes] | None = None,
                 slug: str = "ep1"):
        self.root = root
        self.slug = slug
        self.raw = copy.deepcopy(config if config is not None else writing_config())
        shutil.copytree(REPO / "prompts", root / "prompts")
        if sources is None:
            sources = {"sources/ep1/build-caches.md": EP1_SOURCE.read_text(encoding="utf-8")}
        for name, content in sources.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")

    @property
    def results(self) -> Path:
        return self.root / "results" / self.slug

    def path(self, name: str) -> Path:
        return self.results / name

    def job(self, stage: str) -> StageJob:
        config = load_config(self.raw)
        episode = config.episode(self.slug)
        inputs, outputs = stage_files(stage, self.root, self.slug, sources=config.episodes[self.slug].sources)
        inputs.pop("approved", None)  # the gate's flag: these tests run the writing stages alone
        return StageJob(stage=stage, config=config, episode=episode, input=inputs, output=outputs,
                        wildcards={"slug": self.slug}, root=self.root)

    def run(self, stage: str) -> StageJob:
        job = self.job(stage)
        importlib.import_module(f"showrunner.stages.{stage}").run(job)
        return job

    def run_until(self, last: str) -> None:
        for stage in WRITING_STAGES[:WRITING_STAGES.index(last) + 1]:
            self.run(stage)


@pytest.fixture
def writing_project(tmp_path):
    """Factory: writing_project(config=None, sources=None) -> WritingProject in its own directory."""
    count = 0

    def make(config: dict | None = None, sources: dict[str, str | bytes] | None = None) -> WritingProject:
        nonlocal count
        count += 1
        root = tmp_path / f"project{count}"
        root.mkdir()
        return WritingProject(root, config, sources)

    return make


# --- media stages (scene_image .. acceptance): see tests/media_episode.py -------------------


@pytest.fixture(scope="session")
def media_built(tmp_path_factory):
    """A short episode built once through every media stage up to podcast.mp3 and transcript.json.
    Read-only: a test that changes files copies it first (shutil.copytree(media_built.root, ...))."""
    from tests.media_episode import MediaEpisode

    return MediaEpisode(tmp_path_factory.mktemp("media_built")).build("transcript")


@pytest.fixture
def media_episode(tmp_path):
    """Factory: media_episode(config=None, scenes=None) -> a MediaEpisode in its own directory."""
    from tests.media_episode import MediaEpisode

    count = 0

    def make(config: dict | None = None, scenes=None):
        nonlocal count
        count += 1
        return MediaEpisode(tmp_path / f"media{count}", config, scenes)

    return make
