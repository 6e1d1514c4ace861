"""Shared test fixtures.

Writing stages (brief, research, outline, script, storyboard): `writing_config` builds a small
config dict, and the `writing_project` fixture gives a `WritingProject` that builds StageJobs by
hand (the named inputs and outputs read from the parsed rules/*.smk) in a temporary root, so the stages run
without Snakemake.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.configs import EP1_TITLE as EP1_TITLE
from tests.configs import writing_config
from tests.harness import StageHarness

REPO = Path(__file__).resolve().parent.parent
EP1_SOURCE = REPO / "sources" / "ep1" / "build-caches.md"

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


WRITING_STAGES = ["brief", "research", "outline", "script", "storyboard", "scene_critic"]


class WritingProject(StageHarness):
    """A temporary root with sources and prompts, where the writing stages run (tests/harness.py)."""

    def __init__(self, root: Path, config: dict | None = None, sources: dict[str, str | bytes] | None = None,
                 slug: str = "ep1"):
        super().__init__(root, config if config is not None else writing_config(), slug)
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
