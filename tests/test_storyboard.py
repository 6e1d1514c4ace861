"""The storyboard stage: scenes cover the script once and in order, and land as scene files."""

from __future__ import annotations

import json

import pytest

from showrunner.artifacts import Outline, Scene, Script, Storyboard, scene_name
from showrunner.files import read_model
from showrunner.providers.language.replies import ReplyError, StoryboardReply, to_scenes
from showrunner.stages.storyboard import write_scene_dir
from showrunner.writing.sentences import word_count
from tests.conftest import writing_config


def storyboard_of(project):
    project.run_until("storyboard")
    board = read_model(project.path("storyboard.json"), Storyboard)
    scenes = [read_model(project.results / ref.file, Scene) for ref in board.scenes]
    return board, scenes, read_model(project.path("script.json"), Script), read_model(project.path("outline.json"),
                                                                                       Outline)


def test_scenes_cover_every_segment_once_in_order(writing_project):
    project = writing_project()
    board, scenes, script, outline = storyboard_of(project)
    covered = [seg for scene in scenes for seg in scene.segments]
    assert covered == script.segments
    assert [s.index for s in scenes] == list(range(1, len(scenes) + 1))
    # one scene per outline section here (each fits in max_scene_seconds), intro and outro folded in
    assert [s.section_id for s in scenes] == [s.id for s in outline.sections]
    assert [s.title for s in scenes] == [s.title for s in outline.sections]
    assert scenes[0].segments[0].text.startswith("Welcome to Plain Circuits")
    assert "Thanks for listening" in scenes[-1].segments[-1].text


def test_scene_files_match_the_storyboard(writing_project):
    project = writing_project()
    board, scenes, _, outline = storyboard_of(project)
    files = sorted(p.name for p in project.path("scenes").iterdir())
    assert files == [f"{scene_name(i)}.json" for i in range(1, len(scenes) + 1)]
    assert [ref.file for ref in board.scenes] == [f"scenes/{scene_name(i)}.json" for i in range(1, len(scenes) + 1)]
    assert board.title == outline.title and board.slug == "ep1"
    assert not [p for p in project.results.iterdir() if p.name.startswith(".scenes")]  # no temporary left
    provenance = json.loads(project.path("storyboard.provenance.json").read_text())
    assert provenance["calls"][0]["provider"] == "extractive"
    assert "[seg1 | ada | s1" in project.path("storyboard.prompt.md").read_text()


def test_slides_visuals_and_timing(writing_project):
    project = writing_project()
    _, scenes, _, outline = storyboard_of(project)
    code_scenes = [s for s in scenes if s.code and s.code_language != "table"]
    assert len(code_scenes) == 1
    code_scene = code_scenes[0]
    table_scenes = [s for s in scenes if s.code_language == "table"]  # a table is shown, and described
    assert len(table_scenes) == 1 and table_scenes[0].code.startswith("Part of the key")
    assert any("table on screen" in seg.text for seg in table_scenes[0].segments)
    assert code_scene.title.startswith("Content hashes")
    assert code_scene.code.startswith("def needs_rebuild(target, inputs, recorded):")
    assert code_scene.code_language == "python" and code_scene.bullets == []
    assert any("needs rebuild" in seg.text for seg in code_scene.segments)  # the narration talks about it
    for scene in scenes:
        if not scene.code:
            assert 1 <= len(scene.bullets) <= 5
            assert all(word_count(b) <= 14 for b in scene.bullets)
        words = sum(word_count(s.text) for s in scene.segments)
        assert scene.estimated_seconds == pytest.approx(words / 150 * 60, abs=0.01)
        assert scene.visual_prompt.startswith("An editorial illustration")
        assert f"'{scene.title}'" in scene.visual_prompt and "No text" in scene.visual_prompt
    timestamps = next(s for s in scenes if s.title.startswith("Timestamps"))
    section = next(s for s in outline.sections if s.id == timestamps.section_id)
    assert timestamps.bullets[0] in section.key_points[0]
    assert "timestamps" in timestamps.visual_prompt


def test_long_sections_are_split_at_segment_boundaries(writing_project):
    project = writing_project(writing_config(writing={"max_scene_seconds": 12}))
    _, scenes, script, outline = storyboard_of(project)
    assert [seg for scene in scenes for seg in scene.segments] == script.segments
    assert len(scenes) > len(outline.sections)
    continued = [s for s in scenes if s.title.endswith(", continued")]
    assert continued
    for scene in scenes:
        said = [seg for seg in scene.segments if not (seg.text.endswith("?") and word_count(seg.text) <= 15)]
        assert scene.estimated_seconds <= 12 or len(said) == 1  # over only for one long segment (and its question)
        assert said, "a bridging question is never a scene of its own"
        assert scene.bullets or scene.code
    for scene in continued:  # a continued scene follows a scene of the same section
        before = scenes[scene.index - 2]
        assert before.section_id == scene.section_id


def test_rerun_replaces_the_scene_set(writing_project):
    project = writing_project()
    _, first, _, _ = storyboard_of(project)
    stale = project.path("scenes") / "99.json"
    stale.write_text("{}")
    project.run("storyboard")
    names = sorted(p.name for p in project.path("scenes").iterdir())
    assert "99.json" not in names and len(names) == len(first)


def test_scene_set_is_swapped_in_whole(tmp_path, writing_project, monkeypatch):
    project = writing_project()
    _, scenes, _, _ = storyboard_of(project)
    target = tmp_path / "scenes"
    write_scene_dir(target, scenes)
    before = sorted(p.read_bytes() for p in target.iterdir())

    def broken_dump(data):
        raise RuntimeError("disk full")

    monkeypatch.setattr("showrunner.stages.storyboard.canonical_json", broken_dump)
    with pytest.raises(RuntimeError):
        write_scene_dir(target, scenes[:2])
    assert sorted(p.read_bytes() for p in target.iterdir()) == before  # the old set stands, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["project1", "scenes"]


def test_scenes_must_narrate_every_segment_once_in_order(writing_project):
    project = writing_project()
    _, scenes, script, _ = storyboard_of(project)

    def reply(*segment_ids: list[str]) -> StoryboardReply:
        return StoryboardReply.model_validate({"scenes": [{"title": f"Scene {i}", "segment_ids": ids}
                                                          for i, ids in enumerate(segment_ids, start=1)]})

    ids = [[seg.id for seg in scene.segments] for scene in scenes]
    with pytest.raises(ReplyError, match=f"missing {ids[0][0]}"):
        to_scenes(script, reply(ids[0][1:], *ids[1:]), 150)
    with pytest.raises(ReplyError, match=f"repeated {ids[1][0]}"):
        to_scenes(script, reply(ids[0] + ids[1][:1], *ids[1:]), 150)
    with pytest.raises(ReplyError, match="out of order"):
        to_scenes(script, reply(ids[1], ids[0], *ids[2:]), 150)
    with pytest.raises(ReplyError, match="seg999 are not script segments"):
        to_scenes(script, reply(*ids[:-1], ids[-1] + ["seg999"]), 150)
    again = to_scenes(script, reply(*ids), 150)  # the narration comes from the script, unchanged
    assert [s.segments for s in again] == [s.segments for s in scenes] and [s.index for s in again] == \
        list(range(1, len(scenes) + 1))
