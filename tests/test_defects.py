"""The read-aloud defect classes (showrunner.writing.defects) that bench/documents.py counts: each
check catches the bad narration quoted from issue 17's tries and lets a plain sentence pass."""

from __future__ import annotations

import pytest

from showrunner.artifacts import Dropped
from showrunner.writing.defects import CLASSES, console_defects, furniture_defects, segment_defects, sentence_defects


def kinds(sentence: str, **kw) -> set[str]:
    return {d.kind for d in sentence_defects(sentence, **kw)}


@pytest.mark.parametrize("kind, bad", [
    ("front matter", '+++ path equals "2019/09/30/post" title equals "Async-await hits beta!" +++'),
    ("front matter", "title: Errors are values"),
    ("pdf artefact", "Raft separates the key elements of consensus, such as leader- ship and log replication."),
    ("pdf artefact", "It is \ufb01nally simple."),
    ("pdf artefact", "This is the idea behind State Machine Replication 29, 22."),
    ("pdf artefact", "Servers agree on a log [12] before they apply it."),
    ("pdf artefact", "Figure 2: A condensed summary of the Raft consensus algorithm."),
    ("pdf artefact", "It is concen-."),
    # issue 17, acm-sample-acmtog.pdf as the reader read it: a heading's number, a formula's letter and
    # comma opening a sentence, a section heading run into its sentence
    ("pdf artefact", "1 As a new technology, Wireless Sensor Networks, WSNs, has a wide range of applications."),
    ("pdf artefact", "b It can be easily proven that the distribution of i conforms to Equation (1)."),
    ("pdf artefact", ", In our algorithm, we use the suboptimal approach for simplicity and generality."),
    ("pdf artefact", "Frequency Assignment We propose a suboptimal distribution to be used by each node."),
    ("boilerplate", "Network Working Group Request for Comments: 4180 Category: Informational."),
    ("boilerplate", "Definitions of terms and conventions used................ 4"),
    ("boilerplate", "Distribution of this memo is unlimited."),
    ("raw option", "Add the dash c flag to the command."),
    ("raw option", "Run go test with --race on your code."),
    ("raw option", "Set PYTHONWARNINGS=ignore first."),
    ("first person", "The code is available on my blog."),
    ("first person", "I presented this design last year."),
    ("dangling reference", "You can find the link in the show notes."),
    ("dangling reference", "As Figure 3 shows, the leader sends heartbeats."),
    ("dangling reference", "The details are in section 5.2."),
    ("cut-off sentence", "You already created an API that."),
    ("cut-off sentence", "Comments can be sent by email to."),
    ("normalisation", "It sees ten thousand downloads or week."),
    ("normalisation", "Next, supported Features & Best."),
    ("normalisation", "Use the `fd` command."),
])
def test_each_class_catches_the_bad_narration(kind, bad):
    assert kind in CLASSES
    assert kind in kinds(bad)


@pytest.mark.parametrize("good", [
    "Raft separates leader election from log replication, so each can be understood on its own.",
    "The format gives each record its own line, and a header line is optional.",
    "I'm Ada, here with Ben.",
    "So, Ben: why should I use ripgrep?",
    "The author presented this design last year, and expects it to hold up.",
    "Run the go mod init command, giving it the name of the module your code will be in.",
    "Async I or O in Rust is a very exciting area.",
    # rust-lang blog, async-await beta post ("I/O" said as "I O"): flagged as the author's first person before
    "In summary, if you've an interest in using Async I O in Rust, this is a very exciting time!",
    "Version 1.39 arrives on November 7th, 2019.",
    "The race flag turns the detector on.",
    "A Multifrequency MAC protocol gives each node its own frequency.",
    "In this article, we develop the first multifrequency MAC protocol for WSN applications.",
    "Frequency Assignment. We propose a suboptimal distribution to be used by each node.",
    "I think the log is the heart of it.",
])
def test_a_plain_sentence_passes(good):
    assert kinds(good) == set()


def test_show_notes_are_no_dangling_reference_when_the_episode_has_them():
    assert "dangling reference" in kinds("The link is in the show notes.")
    assert "dangling reference" not in kinds("The link is in the show notes.", show_notes=True)


def test_console_output_named_as_commands():
    console = "$ fd -e md\nCONTRIBUTING.md\nREADME.md"
    bad = "The code on screen runs the fd and contributing.md commands."
    assert [d.kind for d in console_defects(bad, [console])] == ["console as commands"]
    assert console_defects("The code on screen runs the fd command.", [console]) == []
    assert console_defects("The output lists contributing.md and readme.md.", [console]) == []


def test_a_word_in_a_console_comment_is_not_console_output():
    # anadim/subleq-transformer README: the repository tree (a console block) has "# Python package" in a
    # comment, and "The code on screen runs the cd and python commands." rightly describes its bash block
    # (cd round1_constructed; python demo.py): flagged before as console output named as commands
    tree = ("subleq-transformer/\n├── README.md               # This file\n├── round2_trained/         # Trained "
            "transformer\n│   ├── subleq/             # Python package (interpreter, tokenizer, model, data)")
    assert console_defects("The code on screen runs the cd and python commands.", [tree]) == []
    assert [d.kind for d in console_defects("The code on screen runs the readme.md command.", [tree])] == \
        ["console as commands"]


def test_furniture_said_is_boilerplate_unless_the_kept_text_says_it_too():
    header = Dropped(reason="running header or footer", text="RFC 4180 Common Format and MIME Type for CSV Files "
                     "October 2005", location="line 50")
    said = "This is Common Format and MIME Type for CSV Files, the CSV format."
    assert furniture_defects(said, [header]) != []
    assert furniture_defects(said, [header], source_text="Common Format and MIME Type for CSV Files") == []


def test_filler_repeats_and_same_openings_are_counted_per_segment():
    sections = [["The code on screen runs the cargo build command.", "Cargo then builds the crate."],
                ["The code on screen runs the cargo test command.", "The code on screen runs the cargo run command.",
                 "Cargo then builds the crate."]]
    found = segment_defects(sections)
    flagged = [[sorted({d.kind for d in seg}) for seg in section] for section in found]
    assert flagged == [[[], []], [[], ["filler"], ["filler"]]]
