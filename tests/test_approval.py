import json
import os
import time

import pytest

from showrunner.approval import approval_state, approve, pass_gate, reject
from showrunner.artifacts import Outline, OutlineSection
from showrunner.errors import ApprovalError, ArtifactError
from showrunner.files import canonical_json, read_model, write_json, write_text
from showrunner.outline_markdown import parse_outline_markdown, render_outline_markdown

OUTLINE = Outline(
    slug="tea", title="Why tea cools", summary="Three ways heat leaves a cup.",
    sections=[
        OutlineSection(id="s1", title="Evaporation", key_points=["A lid slows it", "Wind speeds it up"],
                       fact_ids=["f1", "f2"], notes="Open with the steam."),
        OutlineSection(id="s2", title="Milk first or last", key_points=["Early milk cools it at once"]),
    ],
    feedback=["shorter please"],
)


@pytest.fixture
def results(tmp_path):
    folder = tmp_path / "results" / "tea"
    write_json(folder / "outline.json", OUTLINE)
    time.sleep(0.01)
    write_text(folder / "outline.md", render_outline_markdown(OUTLINE))
    return folder


def test_markdown_round_trip():
    assert parse_outline_markdown(render_outline_markdown(OUTLINE), "tea") == OUTLINE


def test_unedited_outline_awaits_approval_then_passes(results):
    assert approval_state(results).reason == "awaiting approval"
    with pytest.raises(ApprovalError) as err:
        pass_gate(results, "tea", "required", results / "approved.flag")
    assert "outline.md" in str(err.value) and "showrunner approve tea" in str(err.value)
    assert not (results / "approved.flag").exists()
    before = (results / "outline.json").stat().st_mtime_ns, (results / "outline.md").stat().st_mtime_ns
    approve(results, "tea")
    after = (results / "outline.json").stat().st_mtime_ns, (results / "outline.md").stat().st_mtime_ns
    assert before == after  # approving an unedited outline touches neither file
    pass_gate(results, "tea", "required", results / "approved.flag")
    assert json.loads((results / "approved.flag").read_text())["approval"] == "approved"


def test_edited_markdown_is_validated_and_becomes_the_outline(results):
    md = results / "outline.md"
    md.write_text(md.read_text().replace("- Wind speeds it up", "- Blowing on it speeds it up"))
    os.utime(md, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    approve(results, "tea")
    outline = read_model(results / "outline.json", Outline)
    assert outline.sections[0].key_points == ["A lid slows it", "Blowing on it speeds it up"]
    assert approval_state(results).approved


def test_invalid_edit_is_refused_with_the_field_named(results):
    md = results / "outline.md"
    md.write_text(md.read_text().replace("- Early milk cools it at once\n", ""))
    os.utime(md, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    with pytest.raises(ArtifactError) as err:
        approve(results, "tea")
    assert "outline.md: line" in str(err.value) and "sections[s2].key_points" in str(err.value)
    assert not (results / "approval.json").exists()


def test_invalid_json_edit_is_refused_with_the_field_named(results):
    data = json.loads((results / "outline.json").read_text())
    data["sections"][0]["key_points"] = []
    (results / "outline.json").write_text(json.dumps(data))
    os.utime(results / "outline.json", ns=(time.time_ns() + 10**9,) * 2)
    with pytest.raises(ArtifactError) as err:
        approve(results, "tea")
    assert "outline.json: sections.0.key_points" in str(err.value)


def test_edit_after_approval_needs_approval_again(results):
    approve(results, "tea")
    (results / "outline.md").write_text(render_outline_markdown(OUTLINE).replace("Evaporation", "Steam"))
    state = approval_state(results)
    assert not state.approved and "changed since it was approved" in state.reason


def test_reject_stores_feedback_and_withdraws_approval(results):
    approve(results, "tea")
    assert reject(results, "cover the cup's material first") == ["cover the cup's material first"]
    assert reject(results, "and shorter") == ["cover the cup's material first", "and shorter"]
    assert not approval_state(results).approved
    with pytest.raises(ApprovalError):
        reject(results, "  ")


def test_auto_passes_without_any_record(results):
    pass_gate(results, "tea", "auto", results / "approved.flag")
    assert json.loads((results / "approved.flag").read_text())["approval"] == "auto"
    assert canonical_json(OUTLINE) == (results / "outline.json").read_text()


def test_an_outline_md_that_is_not_utf8_is_named_by_line_and_column(results):
    md = results / "outline.md"
    lines = md.read_bytes().split(b"\n")
    lines[2] = b"Three ways heat leaves a caf\xe9."  # Latin-1, as an old editor saves it
    md.write_bytes(b"\n".join(lines))
    with pytest.raises(ArtifactError, match=r"outline\.md: line 3, column 29: byte 0xe9 is not UTF-8 text"):
        approve(results, "tea")
    assert not (results / "approval.json").exists()


@pytest.mark.parametrize("heading", ["## ", "##", "#"])
def test_a_heading_with_no_title_is_refused_not_merged(heading):
    text = render_outline_markdown(OUTLINE).replace("## Milk first or last", heading)
    with pytest.raises(ArtifactError, match=r"line \d+: (sections|title): a '#+ ' heading with no title"):
        parse_outline_markdown(text, "tea")


def test_the_cli_says_so_without_a_traceback(tmp_path):
    from tests.project import Project, small_config

    project = Project(tmp_path, small_config())
    results = project.path("results/tea")
    write_json(results / "outline.json", OUTLINE)
    time.sleep(0.01)
    (results / "outline.md").write_bytes(render_outline_markdown(OUTLINE).encode().replace(b"cup", b"c\xffp"))
    refused = project.showrunner("approve", "tea", check=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "results/tea/outline.md: line 3" in refused.stderr and "not UTF-8" in refused.stderr
    write_json(results / "outline.json", {"slug": "tea"})  # a broken outline.json, newer than outline.md
    os.utime(results / "outline.md", (1, 1))
    refused = project.showrunner("approve", "tea", check=False)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr and "outline.json" in refused.stderr
