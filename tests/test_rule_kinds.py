"""Which stages are which is read from the rules (showrunner.rule_kinds), never listed in Python:
every rule must be placed, and what the workflow derives from the kinds follows the rules."""

from __future__ import annotations

import copy

from showrunner import rule_kinds, startup
from showrunner.config import load_config
from showrunner.workflow import cost_inputs, final_files
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
    assert rule_kinds.gate_stage(rules) == "approval_gate"  # the rule that writes approved.flag
    # the one name the startup checks spell, since they run before the rules are parsed
    assert [name for name, rule in rules.items() if rule["checkpoint"]] == [startup.STORYBOARD_RULE]


def test_the_cost_counts_every_model_stage_the_episode_needs():
    rules = workflow_rules()
    both = cost_inputs(load_config(small_config()), "tea", rules)
    assert "results/tea/scene_critic.provenance.json" in both  # the scene critic's calls, once left out
    assert "results/tea/media/{scene}/image.provenance.json" in both
    podcast = cost_inputs(load_config(small_config(outputs=["podcast"])), "tea", rules)
    assert set(both) - set(podcast) == {"results/tea/media/{scene}/image.provenance.json"}


def test_the_report_files_are_the_report_outputs_of_the_rules_the_episode_needs():
    rules = workflow_rules()
    both = rule_kinds.report_files(rules, ["video", "podcast"])
    assert both == ["results/{slug}/report/outline.html", "results/{slug}/report/script.html",
                    "results/{slug}/report/acceptance.html", "results/{slug}/report/cost.html",
                    "results/{slug}/report/storyboard.png", "results/{slug}/report/final.html",
                    "results/{slug}/report/podcast.html", "results/{slug}/report/loudness-final.png",
                    "results/{slug}/report/loudness-podcast.png"]
    podcast = rule_kinds.report_files(rules, ["podcast"])  # no contact sheet of pictures it never makes
    assert set(both) - set(podcast) == {"results/{slug}/report/storyboard.png", "results/{slug}/report/final.html",
                                        "results/{slug}/report/loudness-final.png"}


def test_a_report_page_added_to_the_rules_is_asked_for_with_no_python_change():
    rules = copy.deepcopy(workflow_rules())
    rules["report_pages"]["output"]["notes"] = "results/{slug}/report/notes.html"
    rules["report_pages"]["report"].append("notes")
    rules["contact_sheet"]["output"]["strip"] = "results/{slug}/report/strip.png"
    rules["contact_sheet"]["report"].append("strip")
    assert "results/tea/report/notes.html" in final_files(load_config(small_config(outputs=["podcast"])), "tea", rules)
    video = final_files(load_config(small_config(outputs=["video"])), "tea", rules)
    assert {"results/tea/report/notes.html", "results/tea/report/strip.png"} <= set(video)
    assert rule_kinds.unclassified(rules) == {}  # asked for by a finished episode: placed
