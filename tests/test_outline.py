"""The outline stage with the offline provider: structure from the sources, reviewer feedback,
show memory, and outline.md that reads back as the same outline."""

from __future__ import annotations

import json

from showrunner.artifacts import Outline, Research
from showrunner.files import read_model, write_json
from showrunner.outline_markdown import parse_outline_markdown, render_outline_markdown
from showrunner.writing.sentences import content_stems
from tests.conftest import EP1_TITLE

EP1_SECTIONS = ["Overview", "Timestamps: the oldest rule", "Content hashes: asking what changed", "The action key",
                "Sharing a cache between machines", "What to take away"]


def outline_with(project, feedback: list[str] | None = None) -> Outline:
    if feedback is not None:
        write_json(project.path("feedback.json"), {"feedback": feedback})
    project.run("outline")
    return read_model(project.path("outline.json"), Outline)


def points(outline: Outline) -> list[str]:
    return [p for s in outline.sections for p in s.key_points]


def test_outline_follows_the_documents_headings(writing_project):
    project = writing_project()
    project.run_until("outline")
    outline = read_model(project.path("outline.json"), Outline)
    research = read_model(project.path("research.json"), Research)
    assert outline.title == EP1_TITLE and outline.slug == "ep1"
    # the title-only H1 is not a section; the text under it is the overview
    assert [s.title for s in outline.sections] == EP1_SECTIONS
    assert [s.id for s in outline.sections] == [f"s{i}" for i in range(1, 7)]
    facts = {f.id: f for f in research.facts}
    for section in outline.sections:
        assert 1 <= len(section.key_points) <= 5
        assert section.fact_ids and all(f in facts for f in section.fact_ids)
        for point in section.key_points:  # key points are the section's own sentences, shortened
            assert any(set(content_stems(point)) <= set(content_stems(facts[f].text)) for f in section.fact_ids)
            assert not point.endswith(".")
    timestamps = outline.sections[1]
    assert all(facts[f].section.endswith("Timestamps: the oldest rule") for f in timestamps.fact_ids)
    assert timestamps.key_points[0] == "Make, written in 1976, compares modification times"
    assert "Show the code sample" in outline.sections[2].notes
    assert outline.summary.startswith("Every build tool answers one question")
    assert outline.feedback == []
    md = project.path("outline.md").read_text()
    assert md.startswith(f"# {EP1_TITLE}\n") and "## The action key" in md
    assert "Facts (id, section, text):" in project.path("outline.prompt.md").read_text()


def test_outline_markdown_round_trip_of_the_real_outline(writing_project):
    project = writing_project()
    project.run_until("research")
    outline = outline_with(project, ["Focus on content hashes", "skip the action key"])
    assert outline.feedback and any(s.notes for s in outline.sections)
    text = render_outline_markdown(outline)
    assert project.path("outline.md").read_text() == text
    assert parse_outline_markdown(text, "ep1") == outline


def test_feedback_drops_the_section_it_names(writing_project):
    project = writing_project()
    project.run_until("research")
    before = outline_with(project)
    after = outline_with(project, ["Please skip the action key section."])
    assert "The action key" in [s.title for s in before.sections]
    assert [s.title for s in after.sections] == [t for t in EP1_SECTIONS if t != "The action key"]
    assert after.feedback == ["Please skip the action key section."]
    assert "> Reviewer feedback: Please skip the action key section." in project.path("outline.md").read_text()
    prompt = project.path("outline.prompt.md").read_text()
    assert "- Please skip the action key section." in prompt


def test_feedback_focus_gives_a_section_more_and_the_rest_less(writing_project):
    project = writing_project()
    project.run_until("research")
    before = outline_with(project)
    after = outline_with(project, ["Focus more on content hashes."])
    hashes_before = next(s for s in before.sections if s.title.startswith("Content hashes"))
    hashes_after = next(s for s in after.sections if s.title.startswith("Content hashes"))
    assert len(hashes_after.key_points) > len(hashes_before.key_points)
    assert "as the reviewer asked" in hashes_after.notes
    others = [s for s in after.sections if s is not hashes_after]
    assert all(len(s.key_points) == 1 for s in others)
    assert all("reviewer" not in s.notes for s in others)


def test_feedback_shorter_and_start_with(writing_project):
    project = writing_project()
    project.run_until("research")
    before = outline_with(project)
    shorter = outline_with(project, ["Too long, make it shorter"])
    assert len(points(shorter)) < len(points(before))
    assert len(shorter.sections) < len(before.sections)
    assert "shorter" in shorter.sections[0].notes
    reordered = outline_with(project, ["Start with sharing a cache between machines"])
    assert reordered.sections[0].title == "Sharing a cache between machines"
    assert [s.id for s in reordered.sections] == [f"s{i}" for i in range(1, len(reordered.sections) + 1)]


def test_concepts_covered_elsewhere_are_played_down(writing_project):
    project = writing_project()
    memory = project.root / "results" / "show" / "episodes"
    memory.mkdir(parents=True)
    (memory / "ep0.json").write_text(json.dumps({"slug": "ep0", "title": "Hashing",
                                                 "concepts": ["content hashes"]}))
    project.run_until("outline")
    outline = read_model(project.path("outline.json"), Outline)
    hashes = next(s for s in outline.sections if s.title.startswith("Content hashes"))
    assert "Covered in content hashes (episode ep0)" in hashes.notes
    assert len(hashes.key_points) == 1
    assert "content hashes (episode ep0)" in project.path("outline.prompt.md").read_text()


def test_tiny_sections_are_merged(writing_project):
    source = ("# Tea\n\nTea cools in three ways, and evaporation matters most. A lid helps a lot.\n\n"
              "## Evaporation\n\nEvaporation is strongest while tea is hot. A lid cuts evaporation down.\n\n"
              "## Aside\n\nCups vary a lot.\n\n"
              "## Radiation\n\nRadiation carries heat away as infrared light. Dark cups radiate more heat.\n")
    project = writing_project(sources={"sources/ep1/build-caches.md": source})
    project.run_until("outline")
    outline = read_model(project.path("outline.json"), Outline)
    assert [s.title for s in outline.sections] == ["Overview", "Evaporation", "Radiation"]
    research = read_model(project.path("research.json"), Research)
    aside = next(f for f in research.facts if f.text == "Cups vary a lot.")
    assert aside.id in outline.sections[1].fact_ids  # folded into the section before it


# --- main points first, on real documents' structure --------------------------------------

# Headings and sentences from IETF RFC 4180 (Y. Shafranovich, 2005), as its text reader gives them
RFC_4180 = """# Common Format and MIME Type for Comma-Separated Values (CSV) Files

## Status of this Memo

This memo provides information for the Internet community. It does not specify an Internet standard of any kind.
Distribution of this memo is unlimited.

## Copyright Notice

Copyright (C) The Internet Society (2005). All rights reserved by the Internet Society for this memo.

## Definition of the CSV Format

While there are various specifications and implementations for the CSV format, there is no formal specification in
existence. Each record is located on a separate line, delimited by a line break (CRLF). Within the header and each
record, there may be one or more fields, separated by commas. Spaces are considered part of a field and should not
be ignored. Fields containing line breaks (CRLF), double quotes, and commas should be enclosed in double-quotes.

## Acknowledgments

The author would like to thank Dave Crocker, Martin Duerst, Joel M. Halpern and Clyde Ingram for their helpful
suggestions. A special word of thanks goes to Dave for helping with the ABNF grammar.

## Author's Address

Yakov Shafranovich works at SolidMatrix Technologies in New York, and answers questions about this memo.
"""

# Headings and sentences from BurntSushi/ripgrep README.md at 3fce3b5bb0236da2df6d99672afb8a719642eca7 (MIT)
RIPGREP = """# ripgrep (rg)

ripgrep is a line-oriented search tool that recursively searches the current directory for a regex pattern.

### Building

ripgrep is written in Rust, so you'll need to grab a Rust installation in order to compile it. ripgrep compiles
with Rust 1.85.0 (stable) or newer. In general, ripgrep tracks the latest stable release of the Rust compiler.

### Running tests

ripgrep is relatively well-tested, including both unit tests and integration tests. To run the full test suite,
use the cargo test command from the repository root.

### Why should I use ripgrep?

* It can replace many use cases served by other search tools because it contains most of their features and is
  generally faster.
* Like other tools specialized to code search, ripgrep defaults to recursive directory search and won't search
  files ignored by your gitignore files.
* ripgrep supports searching files in text encodings other than UTF-8, such as UTF-16, latin-1, GBK, EUC-JP,
  Shift_JIS and more.

### Translations

The following is a list of known translations of ripgrep's documentation. These are unofficially maintained and
may not be up to date.
"""


def _outline_of(tmp_path, name: str, text: str, minutes: float = 1.0) -> Outline:
    from showrunner.artifacts import Brief, BriefHost
    from showrunner.sources import read_source
    from showrunner.writing.outline import build_outline
    from showrunner.writing.research import build_research

    path = tmp_path / name
    path.write_text(text)
    source = read_source(path, name)
    brief = Brief(slug="ep", title=source.title, show_name="Show", hosts=[BriefHost(id="ada", name="Ada")],
                  target_minutes=minutes, target_words=round(minutes * 150), sources=[source])
    return build_outline(brief, build_research(brief), [])


def test_a_specs_boilerplate_is_not_said_and_its_format_is(tmp_path):
    titles = [s.title for s in _outline_of(tmp_path, "rfc4180.md", RFC_4180).sections]
    assert "Definition of the CSV Format" in titles
    assert not {"Status of this Memo", "Copyright Notice", "Acknowledgments", "Author's Address"} & set(titles)


def test_a_readmes_why_comes_before_building_testing_and_translations(tmp_path):
    from showrunner.writing.research import is_main, is_secondary

    titles = [s.title for s in _outline_of(tmp_path, "ripgrep.md", RIPGREP).sections]
    assert titles[0] == "Why should I use ripgrep?" and "Translations" not in titles
    # real headings: ripgrep's and fd's READMEs, RFC 4180 and 3339, the ACM sample paper
    for heading in ("Building", "Running tests", "Translations", "Vulnerability reporting", "Related tools",
                    "Status of this Memo", "Acknowledgments", "References", "Author's Address"):
        assert is_secondary(f"doc > {heading}"), heading
    for heading in ("Why should I use ripgrep?", "Feature comparison", "Definition of the CSV Format",
                    "Abstract", "Introduction", "Conclusions", "Benchmark"):
        assert is_main(f"doc > {heading}") and not is_secondary(f"doc > {heading}"), heading
