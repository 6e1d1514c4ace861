"""Any provider's narration checked by the same rules as the offline writer's.

The script stage calls these on every draft, whoever wrote it (the offline writer or a language
model): `repair` fixes what can be fixed without changing what is said (markup, URLs, options
spelled symbol by symbol, the author's first person copied from a source, a sentence that stops
mid-thought or points at what the episode lacks, a picture described twice in a section); what
is left is listed by `problems` and goes into the critique, so the writer is asked again with
the error (the writer/critic loop is the re-ask path for a whole script).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from showrunner.artifacts import Critique, Research, Script
from showrunner.writing import read_aloud
from showrunner.writing import speakable as spk
from showrunner.writing.sentences import content_stems, split_sentences

# rules a deterministic pass can fix by saying the sentence again as a host would
_RESAY = {"markup", "url", "raw-option", "raw-command", "glued", "slash-as-of", "symbol"}
# rules a sentence is left out for: it cannot be said right without knowing more
_LEAVE_OUT = {"cut-off", "dangling-reference", "code-filler"}
_FIRST_PERSON = re.compile(r"(?<![\w'’/-])(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|me|my|mine|myself)(?![\w'’/-])"
                           r"(?! or O\b| O\b)")  # not I/O
COPIED = 0.6  # share of a narration sentence's content words that come from one source sentence


@dataclass(frozen=True)
class Problem:
    segment: str  # segment id
    rule: str
    text: str

    def __str__(self) -> str:
        return f"{self.segment}: {self.rule}: {self.text[:100]}"


def _first_person_sources(research: Research | None) -> list[set[str]]:
    if research is None:
        return []
    return [set(content_stems(f.text)) for f in research.facts if _FIRST_PERSON.search(f.text)]


def _copied_first_person(sentence: str, sources: list[set[str]]) -> bool:
    """A sentence in the first person taken from a source sentence in the first person: the
    author speaking through a host (a host's own "I think" is the host's)."""
    if not _FIRST_PERSON.search(sentence) or re.match(r"^(?:I'm|I am) [A-Z]", sentence):
        return False
    stems = set(content_stems(sentence))
    return len(stems) >= 3 and any(len(stems & s) / len(stems) >= COPIED for s in sources)


def _sentence_problems(sentence: str, notes: bool, sources: list[set[str]]) -> list[str]:
    rules = [d.rule for d in read_aloud.sentence_defects(sentence, notes=notes)]
    if _copied_first_person(sentence, sources):
        rules.append("first-person")
    elif "first-person" in rules and not sources:
        pass  # no sources to tell the author's "my blog" from a host's: the pattern alone decides
    return list(dict.fromkeys(rules))


def problems(script: Script, research: Research | None = None, notes: bool = True) -> list[Problem]:
    """Every read-aloud defect of a script, by segment; `notes`: the episode has show notes."""
    sources = _first_person_sources(research)
    found: list[Problem] = []
    sections: dict[str, list[str]] = {}
    for segment in script.segments:
        sections.setdefault(segment.section_id, []).append(segment.text)
        for sentence in split_sentences(segment.text):
            found += [Problem(segment.id, rule, sentence) for rule in _sentence_problems(sentence, notes, sources)]
    for defect in read_aloud.narration_defects(list(sections.values()), notes=notes):
        if defect.rule in ("repeated", "code-filler", "dangling-start"):
            segment_id = next((s.id for s in script.segments if defect.text in s.text), "")
            problem = Problem(segment_id, defect.rule, defect.text)
            if problem not in found:
                found.append(problem)
    return found


def repair(script: Script, research: Research | None = None, notes: bool = True) -> Script:
    """The script with what can be fixed deterministically fixed: a defective sentence said again
    through the speakable rules (the author's first person given to the author only where it was
    copied from a source), a sentence that stops mid-thought or points at nothing left out, a
    picture described again in its section left out, a sentence said twice said once."""
    sources = _first_person_sources(research)
    segments = []
    said: set[str] = set()
    described: set[tuple[str, str]] = set()  # (section, kind of picture) described
    for segment in script.segments:
        kept: list[str] = []
        for sentence in split_sentences(segment.text):
            rules = set(_sentence_problems(sentence, notes, sources))
            if rules & _RESAY or "first-person" in rules:
                sentence = spk.speakable(sentence, author="first-person" in rules)
                rules = set(_sentence_problems(sentence, notes, sources))
            if rules & _LEAVE_OUT:
                continue
            key = " ".join(sentence.lower().split())
            kind = read_aloud.description_kind(sentence)
            if kind is not None:
                if (segment.section_id, kind) in described:
                    continue
                described.add((segment.section_id, kind))
            if len(key.split()) >= 4 and key in said and not sentence.endswith("?"):
                continue
            said.add(key)
            kept.append(sentence)
        text = " ".join(kept)
        if text:
            segments.append(segment.model_copy(update={"text": text}))
    if not segments:
        return script
    return script.model_copy(update={"segments": segments})


def with_problems(critique: Critique, found: list[Problem], threshold: int) -> Critique:
    """The critique with the read-aloud problems left after `repair` among its reasons, its score
    kept under the threshold while any is left, so the writer is asked again with them."""
    if not found:
        return critique
    reasons = [f"reads aloud: {p}" for p in found[:8]]
    more = len(found) - 8
    if more > 0:
        reasons.append(f"reads aloud: {more} more sentence(s) with the same problems")
    return critique.model_copy(update={"score": min(critique.score, threshold - 1),
                                       "reasons": [*critique.reasons, *reasons]})
