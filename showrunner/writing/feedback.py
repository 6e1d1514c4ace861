"""Reviewer feedback on an outline, read for what it asks: shorter or longer, sections to drop, to
play down, to focus on or to open with, and the words that matter to the reviewer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from showrunner.writing.sentences import content_stems, stem

_SHORTER = re.compile(r"\b(shorter|too long|brief(?:er)?|concise|tighter|trim|cut (?:it )?down|fewer|less detail|"
                      r"simpler|keep it short)\b")
_LONGER = re.compile(r"\b(longer|too short|more detail|more depth|deeper|in depth|expand|elaborate)\b")
_DROP = re.compile(r"\b(?:drop|skip|remove|omit|leave out|don'?t cover|do not cover|no need for|get rid of|"
                   r"lose|cut)\s+(?P<what>[^.,;!?]+)")
_LESS = re.compile(r"\b(?:less (?:about|on)|downplay|de-?emphasi[sz]e)\s+(?P<what>[^.,;!?]+)")
_FOCUS = re.compile(r"\b(?:focus on|more (?:about|on)|emphasi[sz]e|explain|expand on|go deeper (?:on|into)|"
                    r"spend more time on|highlight|add)\s+(?P<what>[^.,;!?]+)")
_FIRST = re.compile(r"\b(?:start|open|begin|lead) with\s+(?P<what>[^.,;!?]+)")
_FILLER = {"section", "sections", "part", "parts", "bit", "bits", "stuff", "topic", "discussion", "talk", "please",
           "episode", "outline", "point", "points", "chapter", "entirely", "completely", "whole", "maybe", "more",
           "less", "detail", "details"}


def _phrase_stems(phrase: str) -> set[str]:
    return {s for s in content_stems(phrase) if s not in {stem(f) for f in _FILLER}}


@dataclass
class Feedback:
    items: list[str]
    shorter: bool = False
    longer: bool = False
    drop: list[set[str]] = field(default_factory=list)
    less: list[set[str]] = field(default_factory=list)
    focus: list[set[str]] = field(default_factory=list)
    first: list[set[str]] = field(default_factory=list)
    terms: set[str] = field(default_factory=set)  # every meaningful word of the feedback

    @classmethod
    def parse(cls, items: list[str]) -> Feedback:
        fb = cls(items=items, drop=[], less=[], focus=[], first=[], terms=set())
        for item in items:
            text = item.lower()
            fb.shorter |= bool(_SHORTER.search(text))
            fb.longer |= bool(_LONGER.search(text))
            for pattern, bucket in ((_DROP, fb.drop), (_LESS, fb.less), (_FOCUS, fb.focus), (_FIRST, fb.first)):
                for match in pattern.finditer(text):
                    stems = _phrase_stems(match.group("what"))
                    if stems:
                        bucket.append(stems)
            fb.terms |= _phrase_stems(text)
        dropped = set().union(*fb.drop) if fb.drop else set()
        less = set().union(*fb.less) if fb.less else set()
        fb.terms -= dropped | less
        fb.terms -= {stem(w) for w in ("shorter", "longer", "short", "long", "brief", "concise", "focus", "skip",
                                       "drop", "remove", "start", "begin", "emphasise", "emphasize", "explain",
                                       "add", "cut", "trim", "tighter", "deeper", "expand", "fewer", "simpler",
                                       "highlight", "keep", "make", "want", "instead", "first")}
        return fb
