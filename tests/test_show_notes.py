"""Show notes hold the links the sources hold (so narration may point to them), and none of their
badges or pictures; Markdown, HTML and plain text each read by their own parser."""

from __future__ import annotations

from showrunner import show_notes
from tests.corpus import HERE

# from BurntSushi/ripgrep README.md at 3fce3b5bb0236da2df6d99672afb8a719642eca7 (MIT or Unlicense)
RIPGREP = """ripgrep (rg)
------------
ripgrep is a line-oriented search tool, with binary downloads
available for [every
release](https://github.com/BurntSushi/ripgrep/releases).

[![Build status](https://github.com/BurntSushi/ripgrep/workflows/ci/badge.svg)](https://github.com/BurntSushi/ripgrep/actions)
[![Crates.io](https://img.shields.io/crates/v/ripgrep.svg)](https://crates.io/crates/ripgrep)

Please see the [CHANGELOG](CHANGELOG.md) for a release history.

Generally, yes. A large number of benchmarks with detailed analysis for each is
[available on my blog](https://blog.burntsushi.net/ripgrep/).

Andy Lester, author of [ack](https://beyondgrep.com/), has published an
excellent table comparing the features of ack, ag, git-grep, GNU grep and
ripgrep: https://beyondgrep.com/feature-comparison/
"""


def test_markdown_links_are_kept_and_badges_and_relative_links_are_not(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(RIPGREP)
    links = show_notes.links_in(path)
    assert [(link.text, link.url) for link in links] == [
        ("every release", "https://github.com/BurntSushi/ripgrep/releases"),
        ("available on my blog", "https://blog.burntsushi.net/ripgrep/"),
        ("ack", "https://beyondgrep.com/"),
        ("", "https://beyondgrep.com/feature-comparison/"),
    ]


def test_html_and_markdown_corpus_documents_give_their_links():
    page = show_notes.links_in(HERE / "fieldnotes-page.html")
    readme = show_notes.links_in(HERE / "quickfetch-readme.md")
    for links in (page, readme):
        assert all(link.url.startswith("http") and "shields.io" not in link.url for link in links)
    assert readme, "the quickfetch README links out"


def test_notes_list_chapters_with_start_times_and_the_links():
    from showrunner.artifacts import Outline, OutlineSection

    outline = Outline(slug="ep", title="ripgrep", summary="ripgrep searches fast.",
                      sections=[OutlineSection(id="s1", title="Overview", key_points=["fast"])])
    chapters = [show_notes.Chapter(0.0, 65.0, "Overview"), show_notes.Chapter(65.0, 3725.4, "Speed")]
    links = [show_notes.Link("ack", "https://beyondgrep.com/")]
    text = show_notes.markdown("ripgrep", "Plain Circuits", outline, chapters, links, ["sources/rg.md"])
    assert "- 0:00 Overview\n- 1:05 Speed" in text and "- [ack](https://beyondgrep.com/)" in text
    assert show_notes.clock(3725.4) == "1:02:05"
