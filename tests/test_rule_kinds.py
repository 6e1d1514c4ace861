"""Which stages are which is read from the rules (showrunner.rule_kinds), never listed in Python:
every rule must be placed, and what the workflow derives from the kinds follows the rules."""

from __future__ import annotations

import copy

from showrunner import rule_kinds
from showrunner.config import load_config
from showrunner.workflow import MEDIA, REPORT_FILES, cost_inputs
from tests.project import small_config
from tests.workflow_rules import workflow_rules


def test_every_rule_is_placed():
    assert rule_kinds.unclassified(workflow_rules()) == {}


def test_a_rule_nothing_can_place_is_named():
    rules = copy.deepcopy(workflow_rules())
    rules["lonely"] = {"input": {"script": "results/{slug}/script.json"}, "unpacked": [],
                       "output": {"notes": "results/{slug}/notes.txt"}, "resources": [], "wildcards": ["slug"]}
    rules["caller"] = {"input": {}, "unpacked": [], "output": {"x": "results/{slug}/research.extra.json"},
                       "resources": ["model"], "wildcards": ["slug"]}
    rules["nothing"] = {"input": {}, "unpacked": [], "output": {}, "resources": [], "wildcards": []}
    assert rule_kinds.unclassified(rules) == {
        "lonely": "nothing takes its outputs and no finished episode asks for them",
        "caller": "declares the model resource but no `provenance` output for its calls",
        "nothing": "has no named outputs and is not a target rule"}


def test_kinds_of_the_stages():
    rules = workflow_rules()
    assert rule_kinds.model_stages(rules) == ["research", "outline", "script", "storyboard", "scene_critic",
                                              "scene_image", "scene_voice"]
    assert rule_kinds.per_scene_stages(rules) == ["scene_image", "scene_voice", "scene_clip"]
    assert rule_kinds.output_stages(rules) == {
        "video": {"scene_image", "scene_clip", "captions", "soundtrack", "final", "contact_sheet"},
        "podcast": {"podcast"}}


def test_the_cost_counts_every_model_stage_the_episode_needs():
    rules = workflow_rules()
    both = cost_inputs(load_config(small_config()), "tea", rules)
    assert "results/tea/scene_critic.provenance.json" in both  # the scene critic's calls, once left out
    assert "results/tea/media/{scene}/image.provenance.json" in both
    podcast = cost_inputs(load_config(small_config(outputs=["podcast"])), "tea", rules)
    assert set(both) - set(podcast) == {"results/tea/media/{scene}/image.provenance.json"}


def test_report_files_are_the_rules_report_outputs():
    rules = workflow_rules()
    made = set()
    for name in rule_kinds.report_stages(rules):
        for pattern in rules[name]["output"].values():
            made |= {pattern.format(slug="{slug}", medium=medium) for medium in MEDIA} if "{medium}" in pattern \
                else {pattern}
    listed = {f"results/{{slug}}/{name}" for files in REPORT_FILES.values() for name in files}
    assert made == listed
