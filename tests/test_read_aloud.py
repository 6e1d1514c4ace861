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
]
GOOD = [
    "It speaks HTTP 1.1 and HTTP 2.",
    "On RHEL or CentOS 7 or 8 you can install a binary dot deb file.",
    "It smells pleasantly sour, like yoghurt, not like nail varnish.",
    "Quickfetch is fast for three reasons.",
    "Welcome to Plain Circuits. I'm Ada, here with Ben. Today: quickfetch.",
    "Python 3.9 or later, e.g. on Linux.",
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
