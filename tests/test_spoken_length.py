"""The offline writer fits a draft by how long its words take to say where that is longer than their count: a
paper's long words took 69.2 s at 150 words a minute (acm-sample-acmtog), outside acceptance's +15% of a minute;
the voices' pace in letters varied far less (showrunner.writing.sentences.spoken_words). Short words keep their
count: short sentences' pauses take the time back (half-minute espeak-ng episodes of 4.1-letter words ran at 152
words a minute, and fitted by letters they ran over the window)."""

from __future__ import annotations

import pytest

from showrunner.artifacts import Script
from showrunner.files import read_model
from showrunner.writing.sentences import LETTERS_PER_WORD, spoken_words
from tests.conftest import writing_config
from tests.corpus import REAL


def test_spoken_words_count_letters_and_digits():
    assert spoken_words("Multifrequency MAC, 4.9M.") == pytest.approx(20 / LETTERS_PER_WORD)


@pytest.mark.parametrize(("name", "longer"), [("acm-sample-acmtog.pdf", True), ("go-getting-started.html", False)])
def test_a_draft_is_as_long_to_say_as_asked_whatever_its_words(writing_project, name, longer):
    source = f"sources/corpus/{name}"
    raw = writing_config(sources=[source], target_minutes=1)
    del raw["episodes"]["ep1"]["title"]
    project = writing_project(raw, {source: (REAL / name).read_bytes()})
    project.run_until("script")
    script = read_model(project.path("script.json"), Script)
    spoken = spoken_words(" ".join(s.text for s in script.segments))
    if longer:  # long words: fewer of them, as long to say as asked
        assert abs(spoken - 150) <= 0.06 * 150 and script.words < 0.94 * 150, (spoken, script.words)
    else:  # short words: the count stands, though letters say it is quicker to say
        assert abs(script.words - 150) <= 0.06 * 150 and spoken < 0.94 * 150, (spoken, script.words)
