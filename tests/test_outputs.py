"""Episodes that ask for only the video or only the podcast (episodes.<slug>.outputs)."""

import pytest

from showrunner.config import load_config
from showrunner.errors import ConfigError
from showrunner.workflow import acceptance_media, default_targets, final_files, stage_needed, stage_settings
from tests.project import small_config
from tests.workflow_rules import workflow_rules


@pytest.mark.parametrize(("outputs", "expected"), [
    (["podcast", "podcast"], "config.yaml: episodes.tea.outputs: name each output once"),
    ([], "config.yaml: episodes.tea.outputs: List should have at least 1 item"),
    (["audio"], "config.yaml: episodes.tea.outputs[0]: Input should be 'video' or 'podcast'"),
    ("podcast", "config.yaml: episodes.tea.outputs: Input should be a valid list"),
])
def test_bad_outputs_name_the_key_path(outputs, expected):
    with pytest.raises(ConfigError) as err:
        load_config(small_config(outputs=outputs))
    assert expected in str(err.value)


def test_default_targets_follow_the_outputs(tmp_path):
    config = load_config(small_config(approval="auto", outputs=["podcast"]))
    targets = default_targets(config, tmp_path, workflow_rules())
    assert "results/tea/podcast.mp3" in targets and "results/tea/acceptance.json" in targets
    assert not [t for t in targets if t.endswith(("final.mp4", "final.html", "storyboard.png"))]
    both = final_files(load_config(small_config()), "tea", workflow_rules())
    video = final_files(load_config(small_config(outputs=["video"])), "tea", workflow_rules())
    assert set(video) < set(both) and "results/tea/final.mp4" in video and "results/tea/podcast.mp3" not in video


def test_stages_and_acceptance_inputs_follow_the_outputs():
    rules = workflow_rules()
    podcast = load_config(small_config(outputs=["podcast"]))
    assert not stage_needed(podcast, "tea", "scene_image", rules) and not stage_needed(podcast, "tea", "final", rules)
    assert stage_needed(podcast, "tea", "scene_voice", rules) and stage_needed(podcast, "tea", "podcast", rules)
    assert acceptance_media(podcast, "tea") == {"podcast": "results/tea/podcast.mp3"}
    video = load_config(small_config(outputs=["video"]))
    assert not stage_needed(video, "tea", "podcast", rules) and stage_needed(video, "tea", "scene_clip", rules)
    assert set(acceptance_media(video, "tea")) == {"video", "srt", "clips"}


def test_changing_the_outputs_reruns_no_stage():
    """Asking for the podcast as well makes the podcast; it must not redo the brief and all after it."""
    both, one = load_config(small_config()), load_config(small_config(outputs=["video"]))
    assert stage_settings(both, "tea", "brief") == stage_settings(one, "tea", "brief")
