"""Read-aloud defects by class: what a listener notices in a narration, for any writer.

The documents bench (bench/documents.py) and the tests count narration segments with a defect
in these classes; each class is a set of checks on the narration text itself (and, where a
check needs it, on what the sources held: what was dropped, the console sessions shown):

- front matter: metadata read as text ("title equals ...", "+++", "authors: ...")
- pdf artefact: words split at line ends ("leader- ship"), ligature characters (ﬁ, ﬂ), citation
  numbers ("[12]", "Replication 29, 22", "consensus12"), captions read ("Figure 2: ..."), glyph codes,
  a stray mark opening a sentence (a section number, a formula's letter or comma: "1 As a new
  technology", "b It can be", ", In our"), a heading glued to its sentence ("Frequency Assignment We
  propose")
- boilerplate: RFC header and status lines, copyright, page headers and footers, dot-leader
  contents, navigation, badges (and the furniture rules of showrunner.writing.read_aloud)
- console as commands: a terminal session's output named as commands to run
- raw option: options and flags spelled as typed ("dash c", "--hidden", "x=ignore")
- first person: the author's I, me, my in the host's mouth
- dangling reference: a link, figure, table, section or show notes the episode does not give
- cut-off sentence: a sentence that stops ("... an API that.", "... sent by email to.")
- filler: the same sentence, or the same opening, said again and again
- normalisation: markup, symbols, addresses, glued or slashed words the voice reads wrongly
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from showrunner.artifacts import Dropped
from showrunner.writing import read_aloud
from showrunner.writing.sentences import split_sentences, words

CLASSES = ("front matter", "pdf artefact", "boilerplate", "console as commands", "raw option", "first person",
           "dangling reference", "cut-off sentence", "filler", "normalisation")

_FRONT_MATTER = re.compile(r"\+\+\+|(?:^|\s)---(?:\s|$)|\b(?:title|authors?|path|aliases|date|tags|slug|layout|"
                           r"categories|draft|summary|by)\s*(?:=|equals\b)|^(?:title|date|author|authors|summary|"
                           r"tags)\s*:", re.I)
_SPLIT = re.compile(r"\b([A-Za-z]{2,})- ([a-z]{2,})\b|\b[a-z]{2,}-[.,;]")
_LIGATURE = re.compile(r"[\ufb00-\ufb06]")
_CITATION = re.compile(r"\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]|\b[a-z]{5,}\d{1,2}\b(?![\d.])|"
                       r"\b[A-Za-z]{4,} \d{1,3}, \d{1,3}\s*[.;]?$|\(cid:\d+\)")
_CAPTION = re.compile(r"^(?:Figure|Fig\.|Table|Listing|Algorithm)\s+\d+\s*[:.]", re.I)
# a sentence opening on a section number or a lone letter other than "A" and "I" before a capitalised
# word, or on a comma, semicolon or closing bracket
_STRAY_MARK = re.compile(r"^(?:(?:\d{1,2}(?:\.\d{1,2}){0,3}|[B-HJ-Zb-z])\.?\s+[A-Z][a-z]|[,;:)\]]\s*\w)")
# capitalised words (a heading) run into a capitalised word that opens a sentence
_GLUED_HEADING = re.compile(r"^(?:[A-Z][\w-]*\s+){1,6}(?:We|The|This|These|In|It|Our|As|Each|For|Here|There|When|If|"
                            r"To|Let|Given|Since|Consider)\s+[a-z]")
_BOILERPLATE = re.compile(r"\b(?:Network Working Group|Request for Comments:|Status of (?:this|This) Memo|"
                          r"Copyright \(C\)|Internet Society \(\d{4}\)|Distribution of this memo is unlimited|"
                          r"BCP 78|Full Copyright Statement|all rights reserved|Table of Contents|"
                          r"Permission to make digital or hard copies)|\[Page \d+\]|\.{4,}|(?:\. ){3,}", re.I)
_RAW_OPTION = re.compile(r"(?<![\w-])--?[a-zA-Z][\w-]*|\bdash(?: dash)? [a-z]{1,4}\b|\b\w+=\w+|\bequals (?:ignore|true|"
                         r"false)\b")
_FIRST_PERSON = re.compile(r"\b(?:I(?! (?:or )?O\b)|I'm|I've|I'd|I'll|my|me|mine|myself)\b(?!/)")
_DANGLING_REFERENCE = re.compile(r"\b(?:show notes|(?:the |a )?link (?:below|above|in the)|click (?:here|the link)|"
                                 r"see (?:figure|fig\.|table|section|appendix|the (?:figure|table|link|diagram))|"
                                 r"(?:figure|fig\.|table|section|appendix|equation|listing) \d+(?:\.\d+)*|"
                                 r"the (?:diagram|figure|table|image|screenshot|link) (?:below|above)|"
                                 r"(?:shown|listed|described) (?:below|above)|in the (?:image|screenshot) )\b", re.I)
_CUT_OFF = re.compile(r"\b(?:that|to|the|a|an|of|and|or|with|by|from|(?<!\bbe )(?<!\bis )(?<!\bare )in|as|is|are|was|"
                      r"were|which|whose|than|into|such|its|their|our|your|these)\s*[.!]$|\w-\s*[.!]$|[,;:]\s*[.!]$",
                      re.I)
_NORMALISATION = re.compile(r"\b(?:downloads?|requests?|queries|bytes|[KMGT]i?B|ms|ops|users|commits|builds) or "
                            r"(?:week|day|month|year|second|sec|minute|hour)\b|&")
# a host speaking for themselves ("I'm Ada", "I think", "I'd say") is not the author's first person
_HOST_FIRST_PERSON = re.compile(r"\bI'm [A-Z][a-z]+\b|\bI (?:think|guess|wonder|see|agree|mean|love|like that)\b|"
                                r"\bI'd (?:say|add|guess)\b|\b(?:let|tell) me\b|\bwith me\b|\bto me\b", re.I)
_PROMPT = re.compile(r"^\s*(?:\$|%|#|❯|>>>|>)\s+")

# showrunner.writing.read_aloud's rules, by the class each belongs to
_READ_ALOUD = {"markup": "normalisation", "symbol": "normalisation", "url": "normalisation",
               "glued": "normalisation", "slash-as-of": "normalisation", "split-word": "normalisation",
               "raw-command": "raw option", "dangling-end": "cut-off sentence", "fragment": "cut-off sentence",
               "dangling-start": "dangling reference", "badge": "boilerplate", "furniture": "boilerplate",
               "repeated": "filler"}


@dataclass(frozen=True)
class Defect:
    kind: str  # one of CLASSES
    rule: str
    text: str

    def __str__(self) -> str:
        return f"{self.kind} ({self.rule}): {self.text[:100]}"


def sentence_defects(sentence: str, *, show_notes: bool = False) -> list[Defect]:
    """The classes' checks that look at one sentence on its own."""
    s = sentence.strip()
    found = [Defect(_READ_ALOUD[d.rule], d.rule, s) for d in read_aloud.sentence_defects(s)
             if d.rule in _READ_ALOUD]
    checks = (("front matter", "front-matter", _FRONT_MATTER), ("pdf artefact", "split-word", _SPLIT),
              ("pdf artefact", "ligature", _LIGATURE), ("pdf artefact", "citation", _CITATION),
              ("pdf artefact", "caption", _CAPTION), ("pdf artefact", "stray-mark", _STRAY_MARK),
              ("pdf artefact", "glued-heading", _GLUED_HEADING), ("boilerplate", "boilerplate", _BOILERPLATE),
              ("raw option", "raw-option", _RAW_OPTION), ("first person", "first-person", _FIRST_PERSON),
              ("cut-off sentence", "cut-off", _CUT_OFF), ("normalisation", "unit-or", _NORMALISATION))
    for kind, rule, pattern in checks:
        if rule == "first-person" and (s.endswith("?") or not _FIRST_PERSON.search(_HOST_FIRST_PERSON.sub("", s))):
            continue  # a host's question, or a host speaking for themselves
        if pattern.search(s):
            found.append(Defect(kind, rule, s))
    reference = _DANGLING_REFERENCE.search(s)
    if reference and not (show_notes and "show notes" in reference.group(0).lower()):
        found.append(Defect("dangling reference", "reference", s))
    return found


def console_output_words(console: str) -> set[str]:
    """Words that appear only in a terminal session's output lines, not in its commands: the first
    thing on each output line (a description names a line's program from its first word), not the
    comments after it ("├── subleq/  # Python package" does not make "python" console output)."""
    commands: set[str] = set()
    output: set[str] = set()
    for line in console.splitlines():
        if _PROMPT.match(line):
            commands.update(w.lower() for w in re.findall(r"[A-Za-z][\w.-]{3,}", line))
            continue
        first = (re.sub(r"^[\s\u2500-\u259f]+", "", line).split() or [""])[0]
        output.update(w.lower() for w in re.findall(r"[A-Za-z][\w.-]{3,}", first))
    return output - commands


_NAMED_COMMANDS = re.compile(r"\b(?:runs?|running|types?|enters?|executes?|uses?) the (.+?) commands?\b", re.I)


def console_defects(sentence: str, consoles: list[str]) -> list[Defect]:
    """A sentence that names what a console session printed as commands it runs ("runs the
    go: finding and contributing.md commands"), or draws its box characters."""
    named = _NAMED_COMMANDS.search(sentence)
    if not named:
        return []
    names = {w.lower() for w in re.findall(r"[A-Za-z][\w.-]{3,}", named.group(1))}
    for console in consoles:
        if names & console_output_words(console) or re.search(r"[\u2500-\u259f]", named.group(1)):
            return [Defect("console as commands", "console-output", sentence.strip())]
    return []


def segment_defects(sections: list[list[str]], *, dropped: list[Dropped] | None = None,
                    consoles: list[str] | None = None, show_notes: bool = False,
                    source_text: str = "") -> list[list[list[Defect]]]:
    """Every segment's defects, given the episode's segment texts section by section (the same
    shape back). Episode-wide checks (openings repeated, sentences repeated, a section opening on
    a pronoun) are given to the segment they occur in."""
    out: list[list[list[Defect]]] = []
    seen: Counter[str] = Counter()
    openings: Counter[str] = Counter()
    for texts in sections:
        section: list[list[Defect]] = []
        first = True
        for text in texts:
            found: list[Defect] = []
            for sentence in split_sentences(text):
                found += sentence_defects(sentence, show_notes=show_notes)
                found += console_defects(sentence, consoles or [])
                if first and read_aloud._DANGLING_START.match(sentence.strip()) \
                        and not sentence.rstrip().endswith("?"):
                    found.append(Defect("dangling reference", "dangling-start", sentence.strip()))
                first = False
                key = " ".join(words(sentence)).lower()
                if len(key.split()) >= 4:
                    seen[key] += 1
                    if seen[key] >= 2:
                        found.append(Defect("filler", "repeated", sentence.strip()))
                    opening = " ".join(key.split()[:5])
                    if len(key.split()) >= 7:
                        openings[opening] += 1
                        if openings[opening] >= 3:
                            found.append(Defect("filler", "same-opening", sentence.strip()))
            found += furniture_defects(text, dropped or [], source_text)
            section.append(found)
        out.append(section)
    return out


def furniture_defects(text: str, dropped: list[Dropped], source_text: str = "") -> list[Defect]:
    """Furniture the sources dropped (headers, footers, navigation, contents, badges) said anyway:
    four words of it in a row that the document's kept text does not also hold (a running header
    repeats the title; saying the title is not saying the header)."""
    said = " ".join(words(text)).lower()
    kept = " ".join(words(source_text)).lower()
    found = []
    for item in dropped:
        if item.reason.split(" (")[0] not in read_aloud.FURNITURE:
            continue
        dropped_words = [w.lower() for w in words(item.text)]
        for i in range(0, max(0, len(dropped_words) - 3)):
            piece = " ".join(dropped_words[i:i + 4])
            if re.search(rf"\b{re.escape(piece)}\b", said) and not re.search(rf"\b{re.escape(piece)}\b", kept):
                found.append(Defect("boilerplate", "furniture", item.text))
                break
    return found


def by_class(defects: list[Defect]) -> Counter[str]:
    return Counter(d.kind for d in defects)
