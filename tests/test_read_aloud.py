"""The read-aloud defect rules (used by the scene critic and bench/documents.py): each catches the
defects the issue quoted, and none fires on clean narration."""

from __future__ import annotations

import pytest

from showrunner.artifacts import Dropped
from showrunner.writing.read_aloud import narration_defects, sentence_defects

BAD = [
    ("Downloads Supported Versions Contributors badge.", "badge"),
    ("It has ╭────────── and │ commands.", "symbol"),
    ("Press the keyboard 🚀 now.", "symbol"),
    ("Run x dash n dash w ' A-Z + now.", "raw-command"),
    ("It speaks HTTP of 1.1 today.", "slash-as-of"),
    ("On RHEL or CentOS 7 of 8 it runs.", "slash-as-of"),
    ("Settings are a dict, like TOML table.", "split-word"),
    ("It keeps honoring of.netrc for passwords.", "glued"),
    ("Install a binary.deb file.", "glued"),
    ("Enable clippy::pedantic lints.", "glued"),
    ("The package consists of one or more of the following.", "dangling-end"),
    ("The tool is fast because.", "dangling-end"),
    ("See https://example.org for more.", "url"),
    ("Use the `--jobs` flag.", "markup"),
    ("Contributors.", "fragment"),
    # said by the writer on real documents before (ripgrep's README, GUIDE and FAQ; the quotes)
    ("Ripgrep's dash z slash dash dash search zip flag will cause it to search compressed files.", "raw-option"),
    ("Delta is a syntax highlighting pager that supports the rg dash dash json output format.", "raw-option"),
    ("A large number of benchmarks with detailed analysis for each is available on my blog.", "first-person"),
    ("I presented this work at a conference last year.", "first-person"),
    ("See the link below for the full list.", "dangling-reference"),
    ("Please see the CHANGELOG for a release history.", "dangling-reference"),
    ("The gap closes as shown in Figure 2.", "dangling-reference"),
    ("You already created an API that.", "cut-off"),
    ("The report can be sent by email to.", "cut-off"),
    ("In addition to skipping hidden files and files in your dot gitignore by default.", "cut-off"),
    ("On screen is a short Rust example, one line long.", "code-filler"),
    # rust-lang/blog.rust-lang.org "Async-await hits beta!": an aside cut at its first sentence
    ("(If you're not familiar with what async-await is, don't despair!", "markup"),
    # sharkdp/fd README: a placeholder list whose terms were symbols only ("`{}`: A placeholder token ...")
    (": A placeholder token that will be replaced with the path of the search result.", "markup"),
    # sharkdp/fd's man page: "The regular expression syntax used by fd is documented here." (a link, unsaid)
    ("The regular expression syntax used by fd is documented here.", "dangling-reference"),
]
GOOD = [
    "It speaks HTTP 1.1 and HTTP 2.",
    "On RHEL or CentOS 7 or 8 you can install a binary dot deb file.",
    "It smells pleasantly sour, like yoghurt, not like nail varnish.",
    "Quickfetch is fast for three reasons.",
    "Welcome to Plain Circuits. I'm Ada, here with Ben. Today: quickfetch.",
    "Python 3.9 or later, e.g. on Linux.",
    "Ripgrep's search zip flag will cause it to search compressed files automatically.",
    "The benchmarks are available on the author's blog.",
    "It is something to opt in.",
    "Like the other tools, ripgrep skips hidden files, and it is fast.",
]


@pytest.mark.parametrize(("text", "rule"), BAD)
def test_each_defect_is_caught(text, rule):
    assert rule in {d.rule for d in sentence_defects(text)}


@pytest.mark.parametrize("text", GOOD)
def test_clean_narration_has_no_defect(text):
    assert narration_defects([["Quickfetch downloads files.", text]]) == []


def test_episode_rules_dangling_start_repeats_and_furniture():
    dropped = [Dropped(reason="running header or footer", text="12/01/2026, 09:14 Release guide - Tidewater docs",
                       location="page 1")]
    sections = [["Welcome to the show.", "The freeze branch is cut two weeks before the release."],
                ["Next, support.", "It is given for twelve weeks.", "The freeze branch is cut two weeks before the "
                 "release."],
                ["Release guide Tidewater docs is printed on every page."]]
    rules = [d.rule for d in narration_defects(sections, dropped)]
    assert rules.count("dangling-start") == 1 and rules.count("repeated") == 1 and rules.count("furniture") == 1


def test_show_notes_may_be_pointed_to_once_they_exist():
    said = "Andy Lester has published an excellent table: the link in the show notes."
    assert "dangling-reference" in {d.rule for d in narration_defects([[said]], notes=False)}
    assert narration_defects([[said]]) == []  # every episode has show notes


def test_code_is_described_once_per_section():
    # the writer said this over ripgrep's install commands, one after another
    section = ["The code on screen runs the brew install command.", "The code on screen runs the sudo port install "
               "command.", "The code on screen runs the choco install command."]
    assert [d.rule for d in narration_defects([section])].count("code-filler") == 2
    assert narration_defects([section[:1], section[1:2]]) == []
    # golang.org race detector page, "Typical Data Races": three code descriptions in one scene were a list of
    # names ("... a function called parallel write", "... defines functions called register service ...")
    races = ["The code on screen is a function called parallel write, in twenty-seven lines.",
             "The code on screen defines functions called register service and lookup service, in fourteen lines.",
             "The code on screen defines a type called watchdog, in sixteen lines."]
    assert [d.rule for d in narration_defects([races])].count("code-filler") == 2
    # pictures of different kinds in one section are each worth a sentence
    assert narration_defects([["The code on screen runs the cargo build command.", "The table on screen lists "
                               "three rows, the jobs, retries and timeout options."]]) == []
