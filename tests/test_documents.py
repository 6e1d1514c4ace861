"""The documents corpus (tests/corpus/: a README full of badges, HTML, emoji, tables, code and a
terminal diagram; a web page with navigation, a cookie banner, a footer and two h1s; a PDF with
running headers, footers and page numbers) through the writing stages up to the scene critic:
nothing that is not prose is spoken, the narration holds together and agrees with the screen,
and the length is agreed up front. One small real build checks acceptance against that length,
and that a failed acceptance leaves its report. bench/documents.py prints the same measures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from showrunner.artifacts import Brief, Outline, Scene, SceneCriticReport, Script
from showrunner.files import read_model
from showrunner.stages.scene_critic import read_scenes
from tests.conftest import writing_config
from tests.corpus import CORPUS, HERE, build_pdf, install, main_points_covered, segment_defects
from tests.project import Project, small_config

BY_NAME = {doc.name: doc for doc in CORPUS}


def corpus_project(writing_project, tmp_path, name: str, **config):
    doc = BY_NAME[name]
    source = f"sources/corpus/{name}"
    if name.endswith(".pdf"):
        content = build_pdf(tmp_path / name).read_bytes()
    else:
        content = (HERE / name).read_text(encoding="utf-8")
    raw = writing_config(sources=[source], target_minutes=doc.target_minutes, **config)
    del raw["episodes"]["ep1"]["title"]
    project = writing_project(raw, {source: content})
    project.run_until("scene_critic")
    return project


def load(project):
    return (read_model(project.path("brief.json"), Brief), read_model(project.path("outline.json"), Outline),
            read_model(project.path("script.json"), Script),
            read_scenes(project.path("storyboard.json"), project.path("scenes")),
            read_model(project.path("scene_critic.json"), SceneCriticReport))


@pytest.mark.parametrize("name", [doc.name for doc in CORPUS])
def test_corpus_reads_right(writing_project, tmp_path, name):
    project = corpus_project(writing_project, tmp_path, name)
    brief, outline, script, scenes, review = load(project)
    dropped = brief.sources[0].dropped
    assert segment_defects(script, dropped) == {}
    missed = [point for point, ok in main_points_covered(script, BY_NAME[name].main_points) if not ok]
    assert missed == []
    assert review.passed, review.reasons
    # a source's text reaches no block once dropped
    said = " ".join(b.text for b in brief.sources[0].blocks if b.kind != "code")
    for item in dropped:
        if item.reason in ("badge", "navigation", "running header or footer", "cookie notice", "footer"):
            assert item.text[:30] not in said, item


def test_readme_drops_badges_layout_emoji_and_contents_and_keeps_visuals(writing_project, tmp_path):
    project = corpus_project(writing_project, tmp_path, "quickfetch-readme.md")
    brief, outline, script, scenes, _ = load(project)
    reasons = {d.reason.split(" (")[0] for d in brief.sources[0].dropped}
    assert {"badge", "image", "emoji or pictograph", "table of contents", "terminal art", "copyright line"} <= reasons
    blocks = brief.sources[0].blocks
    assert blocks[0].kind == "heading" and (blocks[0].level, blocks[0].text) == (1, "quickfetch")  # from <h1>
    assert not any("Downloads" in b.text or "🚀" in b.text or "Table of Contents" in b.text for b in blocks)
    # main points before secondary ones: the install section after the rest, the contributing note gone
    titles = [s.title for s in outline.sections]
    assert titles[-1] == "Installation" and "Contributing" not in titles and "License" not in titles
    # the feature list is said whole, after its lead-in made a sentence
    text = " ".join(s.text for s in script.segments)
    assert "Quickfetch is fast for three reasons. It opens up to 16 connections" in text
    assert "because." not in text and "the following" not in text
    # code, table and diagram are shown, one per scene, and described as they are
    shown = {s.code_language: s for s in scenes if s.code}
    assert {"diagram", "table", "python", "sh"} <= set(shown)
    python = shown["python"]
    lines = len([line for line in python.code.splitlines() if line.strip()])
    from showrunner.writing.speakable import number_word
    assert f"in {number_word(lines)} lines" in " ".join(s.text for s in python.segments)
    assert "three rows, the jobs, retries and timeout options" in " ".join(s.text for s in shown["table"].segments)
    assert "planner, fetcher and verifier" in " ".join(s.text for s in shown["diagram"].segments)
    assert "HTTP 1.1 and HTTP 2" in text


def test_web_page_drops_furniture_and_keeps_two_h1s_as_sections(writing_project, tmp_path):
    project = corpus_project(writing_project, tmp_path, "fieldnotes-page.html")
    brief, outline, script, _, _ = load(project)
    reasons = {d.reason for d in brief.sources[0].dropped}
    assert {"navigation", "footer", "cookie notice", "sidebar"} <= reasons
    headings = [(b.level, b.text) for b in brief.sources[0].blocks if b.kind == "heading"]
    assert headings[0] == (1, "Sourdough starters") and [h for h in headings if h[0] == 1] == headings[:1]
    assert (2, "Troubleshooting") in headings
    assert [s.title for s in outline.sections] == ["Overview", "Feeding the culture", "Troubleshooting"]


def test_pdf_running_headers_and_page_numbers_are_dropped(writing_project, tmp_path):
    project = corpus_project(writing_project, tmp_path, "release-guide.pdf")
    brief, outline, script, _, _ = load(project)
    furniture = [d for d in brief.sources[0].dropped if d.reason == "running header or footer"]
    # the stamp, the page title and the address: three lines on each of the three pages
    assert len(furniture) == 9 and {d.location for d in furniture} == {"page 1", "page 2", "page 3"}
    text = " ".join(b.text for b in brief.sources[0].blocks)
    assert "09:14" not in text and "docs.example.org" not in text and "1/3" not in text
    assert "Release candidates" in [s.title for s in outline.sections]


def test_length_is_agreed_at_the_outline(writing_project, tmp_path):
    project = corpus_project(writing_project, tmp_path, "fieldnotes-page.html")
    _, outline, script, _, _ = load(project)
    length = outline.length
    assert length is not None and length.target_minutes == 3 and length.agreed_minutes < 2.7
    assert length.agreed_minutes == length.supported_minutes
    assert "> Length: The sources support about" in project.path("outline.md").read_text()
    agreed_words = length.agreed_minutes * 150
    assert abs(script.words - agreed_words) <= 0.1 * agreed_words

    insisted = corpus_project(writing_project, tmp_path, "fieldnotes-page.html", writing={"length": "target"})
    outline = read_model(insisted.path("outline.json"), Outline)
    assert outline.length.agreed_minutes == 3 and "writing.length is 'target'" in outline.length.note

    filled = corpus_project(writing_project, tmp_path, "quickfetch-readme.md")
    assert read_model(filled.path("outline.json"), Outline).length is None


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_short_page_builds_to_its_agreed_length_and_a_failed_acceptance_keeps_its_report(tmp_path):
    raw = small_config(approval="auto")
    raw["episodes"] = {"page": {"sources": ["sources/corpus/fieldnotes-page.html"], "target_minutes": 3,
                                "approval": "auto"}}
    (tmp_path / "page").mkdir()
    project = Project(tmp_path / "page", raw, sources={})
    install(project.root)
    result = project.snakemake("results/page/accepted.flag")
    assert "The sources support about" in result.stderr  # said on the console, at the outline
    report = json.loads(project.path("results/page/acceptance.json").read_text())
    duration = next(c for c in report["checks"] if c["name"] == "episode duration")
    assert report["passed"] and "agreed at the outline" in duration["expected"], duration
    review = read_model(project.path("results/page/scene_critic.json"), SceneCriticReport)
    assert review.critic == "extractive" and review.scenes

    raw["acceptance"] = {"duration_tolerance": 0.0}
    project.write_config(raw)
    failed = project.snakemake("results/page/accepted.flag", check=False)
    assert failed.returncode != 0
    assert "results/page/acceptance.md" in failed.stderr and "episode duration" in failed.stderr
    markdown = Path(project.path("results/page/acceptance.md")).read_text()
    assert "FAILED" in markdown  # the report the message points to is there to read
    assert json.loads(project.path("results/page/acceptance.json").read_text())["passed"] is False
    assert read_model(project.path("results/page/scenes/01.json"), Scene)


def test_agreed_length_survives_outline_md_round_trip(writing_project, tmp_path):
    from showrunner.errors import ArtifactError
    from showrunner.outline_markdown import parse_outline_markdown, render_outline_markdown

    project = corpus_project(writing_project, tmp_path, "fieldnotes-page.html")
    outline = read_model(project.path("outline.json"), Outline)
    text = render_outline_markdown(outline)
    assert parse_outline_markdown(text, outline.slug) == outline
    broken = text.replace("(target 3,", "(target three,")
    with pytest.raises(ArtifactError, match="line .*length"):
        parse_outline_markdown(broken, outline.slug)


# --- main points first, on real documents (tests/corpus/real, seen ones only) ------------------------------


def real_project(writing_project, name: str):
    from tests.corpus import REAL

    source = f"sources/corpus/{name}"
    raw = writing_config(sources=[source], target_minutes=2)
    del raw["episodes"]["ep1"]["title"]
    project = writing_project(raw, {source: (REAL / name).read_bytes()})
    project.run_until("script")
    return project


def test_a_specs_rules_are_said_summarised_when_the_whole_list_does_not_fit(writing_project):
    """RFC 4180's seven rules (247 words) against a two-minute episode: each rule's first sentence is said,
    a later sentence of a rule is not, and the episode keeps its length."""
    from tests.corpus import real_corpus

    project = real_project(writing_project, "rfc4180.txt")
    brief, script = read_model(project.path("brief.json"), Brief), read_model(project.path("script.json"), Script)
    outline = read_model(project.path("outline.json"), Outline)
    doc = next(d for d in real_corpus() if d.file == "rfc4180.txt")
    headings = [s.title for s in outline.sections] + [h.name for h in brief.hosts]
    source_text = [b.text for s in brief.sources for b in s.blocks if b.kind != "code"]
    rules = [p for p in doc.main_points if "MIME" not in p]
    assert [p for p, ok in main_points_covered(script, rules, headings, source_text) if not ok] == []
    text = " ".join(s.text for s in script.segments)
    assert "Each record is located on a separate line" in text
    assert "Spaces are considered part of a field" not in text  # a rule's second sentence: summarised away
    assert abs(script.words - brief.target_words) <= 0.1 * brief.target_words


def test_a_readmes_opening_and_feature_list_come_before_its_development_notes(writing_project):
    """fd's README: what it is and its features list are said; the Development section (building it) is not
    needed first and the list of features is said as one, not one item picked out."""
    project = real_project(writing_project, "fd-readme.md")
    script = read_model(project.path("script.json"), Script)
    outline = read_model(project.path("outline.json"), Outline)
    text = " ".join(s.text for s in script.segments)
    assert "Regular expression" in text and "parallelized directory traversal" in text
    titles = [s.title for s in outline.sections]
    assert "Development" not in titles[:-1]  # secondary: last, when at all
    features = next(s.id for s in outline.sections if s.title == "Features")
    said = " ".join(s.text for s in script.segments if s.section_id == features)
    assert said.count(".") >= 5  # the list's items, not its first alone
