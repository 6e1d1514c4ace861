"""The offline critic: a script measured, not guessed (see showrunner.writing.measures)."""

from __future__ import annotations

from showrunner.artifacts import Brief, Critique, Outline, Script
from showrunner.writing import measures


def build_critique(brief: Brief, outline: Outline, script: Script, words_per_minute: int,
                   max_sentence_words: int) -> Critique:
    found = measures.measure_script(script, outline, [h.id for h in brief.hosts], target_words=brief.target_words,
                                    words_per_minute=words_per_minute, max_sentence_words=max_sentence_words,
                                    title=brief.title)
    value, reasons, metrics = measures.score(found)
    return Critique(score=value, reasons=reasons, metrics=metrics)
