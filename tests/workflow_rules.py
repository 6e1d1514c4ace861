"""The rules' named inputs and outputs, read from the parsed workflow (showrunner.dag.rules), so
tests that build StageJobs by hand use the very files rules/*.smk name."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from showrunner import dag, workflow

REPO = Path(__file__).resolve().parent.parent


@functools.cache
def workflow_rules() -> dict[str, dict]:
    return dag.rules(REPO)


def stage_files(stage: str, root: Path, slug: str, *, scene: str | None = None, scenes: list[str] = (),
                sources: list[str] = (), bed: str = "generated", config: Any = None,
                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(inputs, outputs) of `stage`'s job for `slug` (and `scene`) under `root`, as the rule names them.

    Input functions are evaluated as common.smk does: scene_files over `scenes`, get_sources from
    `sources`, get_feedback when feedback.json exists, get_music_bed from `bed`, and the unpacked
    get_acceptance_media from `config` (the episode's outputs).
    """
    rule = workflow_rules()[stage]

    def path(pattern: str) -> Path:
        return root / pattern.format(slug=slug, scene=scene or "-")

    def resolve(value: Any) -> Any:
        if isinstance(value, list):
            return [resolve(v) for v in value]
        if isinstance(value, str):
            return path(value)
        function = value["function"]
        if function == "files":
            return [root / value["pattern"].format(slug=slug, scene=name) for name in scenes]
        if function == "get_sources":
            return [root / s for s in sources]
        if function == "get_feedback":
            feedback = root / "results" / slug / "feedback.json"
            return [feedback] if feedback.exists() else []
        if function == "get_music_bed":
            return [] if bed == "generated" else [root / bed]
        if function == "get_scene_figures":
            from showrunner.screen.figures import figure_paths

            return [root / f for f in figure_paths(path("results/{slug}/scenes/{scene}.json"))]
        raise KeyError(f"rule {stage}: input function {function} unknown to tests/workflow_rules.py")

    inputs = {name: resolve(v) for name, v in rule["input"].items()}
    for function in rule["unpacked"]:
        if function != "get_acceptance_media" or config is None:
            raise KeyError(f"rule {stage}: unpacked input function {function} unknown to tests/workflow_rules.py")
        for name, pattern in workflow.acceptance_media(config, slug).items():
            inputs[name] = resolve({"function": "files", "pattern": pattern} if "{scene}" in pattern else pattern)
    return inputs, {name: resolve(v) for name, v in rule["output"].items()}
