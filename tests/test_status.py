"""showrunner status asks Snakemake: it says a stage is done exactly when `snakemake -n` would not run it."""

from __future__ import annotations

import json

import pytest

from showrunner.config import load_config
from showrunner.dag import Planned
from showrunner.status import episode_status
from tests.project import Project, small_config
from tests.workflow_rules import workflow_rules

pytestmark = pytest.mark.timeout(600)


def _states(project) -> dict[str, tuple[str, str]]:
    rows = json.loads(project.showrunner("status", "--json").stdout)["tea"]
    return {row["stage"]: (row["state"], row["detail"]) for row in rows}


def test_rows_follow_what_snakemake_plans():
    config = load_config(small_config())
    planned = [Planned("results/tea/brief.json", "brief", "ok", False),
               Planned("results/tea/research.json", "research", "params changed", True),
               Planned("results/tea/outline.json", "outline", "ok", True),
               Planned("results/tea/outline.md", "outline", "missing", True),
               Planned("results/other/brief.json", "brief", "missing", True)]
    rules = {name: workflow_rules()[name] for name in ("brief", "research", "outline", "script", "all")}
    rows = {r.stage: (r.state, r.detail) for r in episode_status(
        config, __import__("pathlib").Path("/nonexistent"), "tea", rules, planned)}
    assert rows == {"brief": ("done", ""), "research": ("stale", "params changed"),
                    "outline": ("missing", "1 of 2 files missing"), "script": ("missing", "")}


def test_a_config_change_makes_status_stale_exactly_where_snakemake_would_rerun(tmp_path):
    project = Project(tmp_path, small_config())
    project.snakemake("results/tea/outline.md")
    states = _states(project)
    assert [states[s][0] for s in ("brief", "research", "outline")] == ["done"] * 3
    assert states["approval_gate"][0] == "awaiting approval" and states["script"][0] == "missing"

    config = small_config()
    config["writing"]["words_per_minute"] = 120  # the files are as old as they were: only params changed
    project.write_config(config)
    states = _states(project)
    assert sorted(project.jobs_planned("results/tea/outline.md")) == ["brief", "outline", "research"]
    assert states["brief"] == ("stale", "params changed")
    assert {s for s in ("brief", "research", "outline") if states[s][0] == "stale"} == {"brief", "research",
                                                                                        "outline"}
    project.snakemake("results/tea/outline.md")
    assert [_states(project)[s][0] for s in ("brief", "research", "outline")] == ["done"] * 3


def test_status_and_the_studio_merge_config_files_in_snakemakes_order(tmp_path):
    """`--configfile a.yaml b.yaml`: config.yaml, then a.yaml, then b.yaml, for Snakemake, status and the studio."""
    from showrunner.studio.project import StudioProject

    project = Project(tmp_path, small_config())
    project.path("a.yaml").write_text("episodes:\n  milk: {title: Milk in tea, sources: [sources/nope.md], "
                                      "target_minutes: 0.5}\n")
    project.path("b.yaml").write_text("episodes:\n  milk: {sources: [sources/tea.md]}\n")
    for order, fixed in ((["a.yaml", "b.yaml"], True), (["b.yaml", "a.yaml"], False)):
        planned = project.snakemake("-n", "--configfile", *order, "--", "results/milk/brief.json", check=False)
        status = project.showrunner("status", "--configfile", *order, check=False)
        assert (planned.returncode == 0) is fixed and (status.returncode == 0) is fixed, status.stderr
        if fixed:
            assert status.stdout.startswith("tea\n") and "\nmilk\n" in status.stdout
        else:
            assert "a.yaml" in status.stderr and "sources/nope.md" in status.stderr, status.stderr
    one = project.showrunner("status", "--json", "--configfile", "a.yaml", "b.yaml", "--", "milk")
    assert list(json.loads(one.stdout)) == ["milk"]
    studio = StudioProject(project.root, ["a.yaml", "b.yaml"])
    assert [row["slug"] for row in studio.board()] == ["tea", "milk"]
    assert [row["slug"] for row in StudioProject(project.root).board()] == ["tea"]
