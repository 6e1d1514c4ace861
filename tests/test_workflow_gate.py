"""Real Snakemake runs in a temporary directory: the approval gate, reject, edits, batch, bad input."""

import json
import os
import re
import time

import pytest

from tests.project import Project, small_config

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def project(tmp_path):
    return Project(tmp_path, small_config())


def test_gate_stops_names_the_file_and_the_command_then_approval_passes(project):
    stopped = project.snakemake("results/tea/script.json", check=False)
    assert stopped.returncode != 0
    assert "results/tea/outline.md: awaiting approval" in stopped.stderr
    assert "showrunner approve tea" in stopped.stderr
    assert project.path("results/tea/outline.md").exists()
    assert not project.path("results/tea/approved.flag").exists()
    assert not project.path("results/tea/script.json").exists()

    out = project.showrunner("approve", "tea").stdout
    assert "Approved results/tea/outline.md" in out
    assert project.jobs_planned("results/tea/script.json") == ["approval_gate", "script"]
    project.snakemake("results/tea/script.json")
    assert project.path("results/tea/script.json").exists()
    # nothing changed: nothing to do
    assert project.jobs_planned("results/tea/script.json") == []


def test_editing_the_outline_after_approval_needs_approval_again(project):
    project.snakemake("results/tea/outline.md")
    project.showrunner("approve", "tea")
    project.snakemake("results/tea/script.json")
    md = project.path("results/tea/outline.md")
    lines = md.read_text().splitlines()
    first_point = next(i for i, line in enumerate(lines) if line.startswith("- "))
    lines[first_point] = "- A point the reviewer wrote by hand"
    md.write_text("\n".join(lines) + "\n")

    stopped = project.snakemake("results/tea/script.json", check=False)
    assert stopped.returncode != 0
    assert "outline changed since it was approved" in stopped.stderr

    project.showrunner("approve", "tea")
    project.snakemake("results/tea/script.json")
    outline = json.loads(project.path("results/tea/outline.json").read_text())
    assert "A point the reviewer wrote by hand" in [p for s in outline["sections"] for p in s["key_points"]]


def test_an_invalid_edit_is_refused_and_the_build_stays_stopped(project):
    project.snakemake("results/tea/outline.md")
    md = project.path("results/tea/outline.md")
    md.write_text("\n".join(line for line in md.read_text().splitlines() if not line.startswith("# ")) + "\n")
    refused = project.showrunner("approve", "tea", check=False)
    assert refused.returncode != 0
    assert "results/tea/outline.md" in refused.stderr and "title" in refused.stderr
    assert project.snakemake("results/tea/script.json", check=False).returncode != 0


def test_reject_rewrites_the_outline_with_the_feedback(project):
    project.snakemake("results/tea/outline.md")
    before = project.path("results/tea/outline.json").read_text()
    project.showrunner("reject", "tea", "--feedback", "Focus on milk and skip radiation")
    assert project.jobs_planned("results/tea/outline.md") == ["outline"]
    project.snakemake("results/tea/outline.md")
    after = json.loads(project.path("results/tea/outline.json").read_text())
    assert after["feedback"] == ["Focus on milk and skip radiation"]
    assert project.path("results/tea/outline.json").read_text() != before
    assert "Focus on milk and skip radiation" in project.path("results/tea/outline.prompt.md").read_text()
    assert "Focus on milk and skip radiation" in project.path("results/tea/outline.md").read_text()
    # the rewritten outline still needs approval
    assert project.snakemake("results/tea/script.json", check=False).returncode != 0


def test_changing_the_gate_code_keeps_the_approval(project):
    project.snakemake("results/tea/outline.md")
    project.showrunner("approve", "tea")
    project.snakemake("results/tea/approved.flag")
    script = project.path("scripts/approval_gate.py")
    script.write_text(script.read_text() + "\n# a harmless change to the gate's own code\n")
    rule = project.path("rules/outline.smk")
    log_line = '"logs/approval_gate/{slug}.log",'
    rule.write_text(rule.read_text().replace(log_line, log_line + "  # edited"))
    # rerun the gate itself, as a code change may do: the approval recorded for this outline holds
    project.snakemake("results/tea/script.json", "--forcerun", "approval_gate")
    assert project.path("results/tea/script.json").exists()


def test_auto_approval_from_the_command_line_passes_the_gate(project):
    project.snakemake("results/tea/script.json", "--config", "approval=auto")
    assert json.loads(project.path("results/tea/approved.flag").read_text())["approval"] == "auto"


def test_batch_builds_every_episode_as_far_as_it_may_go(tmp_path):
    config = small_config()
    config["episodes"]["milk"] = {"title": "Milk", "sources": ["sources/tea.md"], "target_minutes": 0.5,
                                 "approval": "required"}
    project = Project(tmp_path, config)
    result = project.snakemake()
    assert result.returncode == 0
    assert "Awaiting approval" in result.stdout + result.stderr
    for slug in ("tea", "milk"):
        assert project.path(f"results/{slug}/outline.md").exists()
        assert not project.path(f"results/{slug}/script.json").exists()
    status = json.loads(project.showrunner("status", "--json").stdout)
    gate = {row["stage"]: row for row in status["tea"]}["approval_gate"]
    assert gate["state"] == "awaiting approval"
    assert {row["stage"]: row["state"] for row in status["tea"]}["outline"] == "done"


def test_status_warns_about_an_outline_waiting_for_more_than_a_week(project):
    project.snakemake("results/tea/outline.md")
    week_ago = time.time() - 8 * 86400
    os.utime(project.path("results/tea/outline.md"), (week_ago, week_ago))
    out = project.showrunner("status", "tea").stdout
    assert "awaiting approval" in out and "8.0 days" in out and "WARNING" in out


def test_no_op_rerun_does_nothing(project):
    project.snakemake("results/tea/outline.md")
    assert project.jobs_planned("results/tea/outline.md") == []
    assert "Nothing to be done" in project.snakemake("results/tea/outline.md").stderr


def test_bad_config_fails_before_any_job_and_changes_nothing(project):
    project.snakemake("results/tea/outline.md")
    before = project.snapshot()
    config = small_config()
    config["writing"]["critic"]["threshold"] = 140
    project.write_config(config)
    result = project.snakemake("results/tea/outline.md", check=False)
    assert result.returncode != 0
    assert re.search(r"config\.yaml:\d+: writing\.critic\.threshold: Input should be less than or equal to 100",
                     result.stderr)
    assert project.snapshot() == before


def test_bad_slug_is_refused(project):
    config = small_config()
    config["episodes"]["../../etc"] = config["episodes"]["tea"]
    project.write_config(config)
    result = project.snakemake("-n", check=False)
    assert result.returncode != 0 and "episode slug '../../etc' is not allowed" in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("sources/missing.md", None, "episodes.tea.sources[0]: sources/missing.md: file not found"),
        ("sources/empty.md", "", "sources/empty.md: file is empty"),
        ("sources/notes.odt", "text", "sources/notes.odt: unsupported kind '.odt'"),
        ("sources/broken.pdf", "%PDF-1.4 this is not really a pdf", "sources/broken.pdf"),
        ("sources/blank.md", "   \n\n  \n", "sources/blank.md"),
    ],
)
def test_bad_sources_fail_with_the_file_named_and_change_nothing(tmp_path, name, content, expected):
    sources = {} if content is None else {name: content}
    project = Project(tmp_path, small_config(sources=[name]), sources=sources)
    result = project.snakemake("results/tea/outline.md", check=False)
    assert result.returncode != 0
    assert expected in result.stderr
    assert not project.path("results/tea/brief.json").exists()
