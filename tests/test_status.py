"""showrunner status: done or stale from the files' times, scene by scene for per-scene stages."""

from __future__ import annotations

import os

from showrunner.artifacts import SceneRef, Storyboard
from showrunner.config import load_config
from showrunner.files import write_json
from showrunner.status import SCENE_STAGES, STAGES, episode_status
from tests.project import small_config


def _built(root):
    """Every output of a finished episode `tea` with two scenes, each written one second after
    what it is made from, in the order a real build makes them: all voices and pictures first,
    so scene 02's picture is newer than scene 01's clip."""
    config = small_config(approval="auto")
    (root / "sources").mkdir()
    (root / "sources/tea.md").write_text("# Tea\n\nTea cools.\n")
    results = root / "results/tea"
    write_json(results / "storyboard.json", Storyboard(slug="tea", title="Tea", scenes=[
        SceneRef(index=i, file=f"scenes/{i:02d}.json", title=f"Scene {i}", section_id="s1") for i in (1, 2)]))
    order = [results / name for stage in ("brief", "research", "outline", "approval_gate", "script")
             for name in STAGES[stage][0]]
    order += [results / "storyboard.json"]
    order += [results / "media" / scene / name for stage in ("scene_voice", "scene_image")
              for scene in ("01", "02") for name in SCENE_STAGES[stage]]
    order += [results / "media" / scene / "clip.mp4" for scene in ("01", "02")]
    order += [results / name for stage in ("captions", "soundtrack", "final", "podcast", "transcript", "acceptance")
              for name in STAGES[stage][0]]
    start = 1_700_000_000
    os.utime(root / "sources/tea.md", (start - 1, start - 1))
    for i, path in enumerate(order):
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text("x")
        os.utime(path, (start + i, start + i))
    return load_config(config), results


def _states(config, root):
    return {row.stage: (row.state, row.detail) for row in episode_status(config, root, "tea")}


def test_a_finished_episode_is_done_though_later_pictures_are_newer_than_earlier_clips(tmp_path):
    config, _ = _built(tmp_path)
    states = _states(config, tmp_path)
    assert {stage for stage, (state, _) in states.items() if state not in ("done", "auto")} == set()


def test_a_newer_picture_makes_its_own_clip_stale_and_the_joins_after_it(tmp_path):
    config, results = _built(tmp_path)
    later = 1_800_000_000
    os.utime(results / "media/01/image.png", (later, later))
    states = _states(config, tmp_path)
    assert states["scene_clip"] == ("stale", "changed upstream: scene_image")
    assert states["final"][0] == "stale" and states["acceptance"][0] == "stale"
    assert states["soundtrack"][0] == "done" and states["podcast"][0] == "done"
