"""The scene critic: scene_critic.json scores each scene (narration against its picture,
length, how it reads aloud) and the scenes together (repeats, order, opening, close), with the
offline writer and with a language model (the fake OpenAI server)."""

from __future__ import annotations

from showrunner.artifacts import Brief, Outline, SceneCriticReport, Segment
from showrunner.files import read_model
from showrunner.stages.scene_critic import read_scenes
from showrunner.writing import scene_critic
from tests.fake_openai import provider_settings


def reviewed(project) -> SceneCriticReport:
    project.run_until("scene_critic")
    return read_model(project.path("scene_critic.json"), SceneCriticReport)


def inputs(project):
    brief = read_model(project.path("brief.json"), Brief)
    outline = read_model(project.path("outline.json"), Outline)
    scenes = read_scenes(project.path("storyboard.json"), project.path("scenes"))
    return brief, outline, scenes


def measure(brief, outline, scenes):
    return scene_critic.measure(brief, outline, scenes, max_scene_seconds=40, threshold=80)


def test_offline_review_of_a_good_storyboard(writing_project):
    project = writing_project()
    review = reviewed(project)
    assert review.critic == "extractive" and review.passed and review.score >= review.threshold
    assert [s.index for s in review.scenes] == list(range(1, len(review.scenes) + 1))
    for scene in review.scenes:
        assert {c.name for c in scene.checks} == {"picture", "bullets", "length", "reads aloud"}
    assert {c.name for c in review.checks} >= {"no repeats", "order", "opening", "close", "no near-empty scene"}
    assert all(c.passed for c in review.checks), review.reasons


def test_narration_that_disagrees_with_the_picture_is_caught(writing_project):
    project = writing_project()
    project.run_until("storyboard")
    brief, outline, scenes = inputs(project)
    code = next(s for s in scenes if s.code and s.code_language == "python")
    listing = "\n".join(f"line_{i} = {i}" for i in range(27))
    lying = Segment(id=code.segments[0].id, speaker=code.segments[0].speaker, section_id=code.section_id,
                    text="On screen is a short Python example, one line long.")
    bad = [s.model_copy(update={"code": listing, "segments": [lying]}) if s is code else s for s in scenes]
    scene = next(r for r in measure(brief, outline, bad).scenes if r.index == code.index)
    picture = next(c for c in scene.checks if c.name == "picture")
    assert not picture.passed and "says 1 line, the listing has 27" in picture.detail
    assert scene.score < 80

    table = next(s for s in scenes if s.code_language == "table")
    wrong_rows = [s.model_copy(update={"segments": [seg.model_copy(update={"text": seg.text.replace(
        "three rows", "five rows")}) for seg in s.segments]}) if s is table else s for s in scenes]
    assert any("says 5 rows, the table has 3" in r for r in measure(brief, outline, wrong_rows).reasons)

    plain = next(s for s in scenes if not s.code)
    said = Segment(id=plain.segments[-1].id, speaker=plain.segments[-1].speaker, section_id=plain.section_id,
                   text="The table on screen lists the options.")
    unshown = [s.model_copy(update={"segments": [*s.segments[:-1], said]}) if s is plain else s for s in scenes]
    assert any("but the slide shows" in r for r in measure(brief, outline, unshown).reasons)


def test_scenes_together_repeats_order_opening_and_close(writing_project):
    project = writing_project()
    project.run_until("storyboard")
    brief, outline, scenes = inputs(project)
    assert measure(brief, outline, scenes).passed
    repeated = scenes[1].segments[-1]
    copy = repeated.model_copy(update={"id": scenes[2].segments[-1].id, "section_id": scenes[2].section_id,
                                       "speaker": scenes[2].segments[-1].speaker})
    bad = list(scenes)
    bad[2] = scenes[2].model_copy(update={"segments": [*scenes[2].segments[:-1], copy]})
    bad[-1] = scenes[-1].model_copy(update={"segments": scenes[-1].segments[:-2] or scenes[-1].segments[:1]})
    bad[0], bad[1] = bad[1], bad[0]
    review = measure(brief, outline, [s.model_copy(update={"index": i}) for i, s in enumerate(bad, start=1)])
    failed = {c.name for c in review.checks if not c.passed}
    assert {"no repeats", "order", "opening", "close"} <= failed
    assert not review.passed and review.score < measure(brief, outline, scenes).score


def test_a_language_model_judges_the_scenes_too(writing_project, server, api_key):
    project = writing_project()
    project.run_until("storyboard")
    project.raw["providers"] = {"language": provider_settings(server.url, model="gpt-test")}
    project.run("scene_critic")
    review = read_model(project.path("scene_critic.json"), SceneCriticReport)
    assert review.critic == "openai"
    sent = server.bodies()[-1]
    assert sent["response_format"]["json_schema"]["name"] == "scene_critic_reply"
    assert "Scene 1:" in sent["messages"][1]["content"] and "Narration:" in sent["messages"][1]["content"]
    assert review.score <= 74 and "openai: The close is abrupt." in review.reasons
    second = review.scenes[1]
    assert second.score <= 60 and "openai: The slide shows a list the narration skips." in second.reasons
    assert {c.name for c in second.checks} == {"picture", "bullets", "length", "reads aloud"}  # measured, still
