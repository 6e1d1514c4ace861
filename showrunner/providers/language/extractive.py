"""The offline language provider: writes every artifact from the sources' own sentences.

Deterministic, no network, no weights. It is the reference implementation of `LanguageModel`:
every method routes its work through `ModelCalls.call`, so its answers are cached and recorded
like any model's. The `version` in the cache key is a hash of this file and of the writing
modules it uses, so changed code never serves an old answer.

- research: every source sentence becomes a Fact with a salience score (TF-IDF, position,
  heading overlap, length); code blocks become CodeSamples; tables are described in a sentence.
- outline: sections follow the documents' headings (tiny sections merged, a title-only top
  heading skipped); key points are each section's most salient facts, shortened; reviewer
  feedback re-ranks, drops, trims or extends; concepts covered by other episodes are played down.
- write_script: the ranked sentences of each section made speakable, fitted to the target
  length, split between the hosts; a revision answers the critique's measured problems.
- critique: measured, not guessed (see showrunner.writing.measures).
- storyboard: a scene per section (split at segment boundaries when too long), bullets from
  the key points or the section's code, a picture prompt, and the narration it covers.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from showrunner.artifacts import (
    Brief,
    CodeSample,
    Critique,
    Fact,
    Outline,
    OutlineSection,
    Research,
    Scene,
    Script,
    Segment,
)
from showrunner.errors import ConfigError
from showrunner.files import canonical_json
from showrunner.providers.base import LanguageModel
from showrunner.providers.calls import CallResult
from showrunner.writing import measures
from showrunner.writing import sentences as sent
from showrunner.writing import speakable as spk
from showrunner.writing.sentences import Candidate, content_stems, jaccard, split_sentences, stem, word_count

_WRITING_DIR = Path(__file__).resolve().parents[2] / "writing"
_CODE_FILES = [Path(__file__).resolve(), *sorted(_WRITING_DIR.glob("*.py"))]
VERSION = hashlib.sha256(b"".join(p.read_bytes() for p in _CODE_FILES)).hexdigest()

TOPIC_ONLY = ("the extractive provider needs sources; for a topic-only episode configure providers.language "
              "with name: openai (any OpenAI-compatible endpoint, e.g. Ollama at http://localhost:11434/v1)")
SECTION_SEPARATOR = " > "
MAX_FACTS = 400
KEY_POINT_WORDS = 24
BULLET_WORDS = 14


class ExtractiveLanguage(LanguageModel):
    """Offline writing from the sources: see the module docstring."""

    def _call(self, method: str, request: dict[str, Any], compute: Callable[[], Any]) -> Any:
        def perform() -> CallResult:
            return CallResult(body=canonical_json(compute()).encode("utf-8"))

        result = self.calls.call(kind="language", provider="extractive", model="extractive", version=VERSION,
                                 request={"method": method, **request}, perform=perform)
        return json.loads(result.body)

    def _writing(self) -> dict[str, Any]:
        return self.episode.writing.model_dump(mode="json")

    def research(self, brief: Brief, prompt: str) -> Research:
        if not brief.sources:
            raise ConfigError(TOPIC_ONLY)
        data = self._call("research", {"brief": brief.model_dump(mode="json"), "prompt": prompt},
                          lambda: build_research(brief).model_dump(mode="json"))
        return Research.model_validate(data)

    def outline(self, brief: Brief, research: Research, feedback: list[str], prompt: str) -> Outline:
        request = {"brief": brief.model_dump(mode="json"), "research": research.model_dump(mode="json"),
                   "feedback": list(feedback), "writing": self._writing(), "prompt": prompt}
        data = self._call("outline", request,
                          lambda: build_outline(brief, research, list(feedback)).model_dump(mode="json"))
        return Outline.model_validate(data)

    def write_script(self, brief: Brief, outline: Outline, research: Research, prompt: str,
                     previous: Script | None = None, critique: Critique | None = None) -> Script:
        request = {"brief": brief.model_dump(mode="json"), "outline": outline.model_dump(mode="json"),
                   "research": research.model_dump(mode="json"), "writing": self._writing(), "prompt": prompt,
                   "previous": previous.model_dump(mode="json") if previous else None,
                   "critique": critique.model_dump(mode="json") if critique else None}
        writer = ScriptWriter(brief, outline, research, self.episode.writing.words_per_minute,
                              self.episode.writing.max_sentence_words)
        data = self._call("write_script", request,
                          lambda: writer.write(previous, critique).model_dump(mode="json"))
        return Script.model_validate(data)

    def critique(self, brief: Brief, outline: Outline, script: Script, prompt: str) -> Critique:
        request = {"brief": brief.model_dump(mode="json"), "outline": outline.model_dump(mode="json"),
                   "script": script.model_dump(mode="json"), "writing": self._writing(), "prompt": prompt}
        data = self._call("critique", request,
                          lambda: build_critique(brief, outline, script,
                                                 self.episode.writing.words_per_minute,
                                                 self.episode.writing.max_sentence_words).model_dump(mode="json"))
        return Critique.model_validate(data)

    def storyboard(self, brief: Brief, outline: Outline, research: Research, script: Script,
                   prompt: str) -> list[Scene]:
        style = self.episode.show.style.model_dump(mode="json")
        request = {"brief": brief.model_dump(mode="json"), "outline": outline.model_dump(mode="json"),
                   "research": research.model_dump(mode="json"), "script": script.model_dump(mode="json"),
                   "writing": self._writing(), "style": style, "prompt": prompt}
        writing = self.episode.writing

        def compute():
            scenes = build_storyboard(brief, outline, research, script, writing.words_per_minute,
                                      writing.max_scene_seconds, style)
            return {"scenes": [s.model_dump(mode="json") for s in scenes]}

        data = self._call("storyboard", request, compute)
        return [Scene.model_validate(s) for s in data["scenes"]]


# --- research --------------------------------------------------------------------------------


def _section_parts(section: str) -> list[str]:
    return section.split(SECTION_SEPARATOR)


def build_research(brief: Brief) -> Research:
    candidates: list[Candidate] = []
    code_samples: list[CodeSample] = []
    for doc in brief.sources:
        h1s = [b for b in doc.blocks if b.kind == "heading" and (b.level or 1) == 1]
        root_is_h1 = len(h1s) == 1 and doc.blocks[0].kind == "heading" and (doc.blocks[0].level or 1) == 1
        path: list[tuple[int, str]] = [] if root_is_h1 else [(0, doc.title)]
        block_in_section = 0
        for block in doc.blocks:
            if block.kind == "heading":
                level = block.level or 1
                path = [p for p in path if p[0] < level] + [(level, block.text)]
                block_in_section = 0
                continue
            section = SECTION_SEPARATOR.join(text for _, text in path) or doc.title
            heading = path[-1][1] if path else doc.title

            said: list[tuple[str, int, str]] = []  # (sentence, its index in the block, kind)
            if block.kind == "code":
                code_samples.append(CodeSample(section=section, language=block.language, code=block.text,
                                               source=doc.path, location=block.location))
            elif block.kind == "table":
                rows = spk.table_rows(block.text)
                said.append((spk.describe_table(block.text), 0, "table"))
                said += [(spk.describe_table_row(rows[0], row), k, "table") for k, row in enumerate(rows[1:], 1)]
            elif block.kind == "list":
                for k, item in enumerate(block.items or block.text.splitlines()):
                    said += [(spk.tidy(sentence), k + j, "list") for j, sentence in enumerate(split_sentences(item))]
            else:
                said += [(sentence, k, block.kind) for k, sentence in enumerate(split_sentences(block.text))]
            for text, index, kind in said:
                text = " ".join(text.split())
                if word_count(text) < 3 or len(set(content_stems(text))) < 2:  # too little to say anything
                    continue
                candidates.append(Candidate(text=text, section=section, heading=heading, source=doc.path,
                                            location=block.location, sentence_in_block=index,
                                            block_in_section=block_in_section, kind=kind))
            block_in_section += 1
    if not candidates:
        raise ConfigError(f"{', '.join(d.path for d in brief.sources)}: no sentences to work from "
                          "(the sources hold only headings or code)")
    sent.score_candidates(candidates, brief.title)
    if len(candidates) > MAX_FACTS:
        keep = set(sorted(range(len(candidates)), key=lambda i: (-candidates[i].score, i))[:MAX_FACTS])
        candidates = [c for i, c in enumerate(candidates) if i in keep]
    facts = [Fact(id=f"f{i}", text=c.text, section=c.section, source=c.source, location=c.location,
                  score=c.score) for i, c in enumerate(candidates, start=1)]
    return Research(slug=brief.slug, facts=facts, code_samples=code_samples)


# --- feedback --------------------------------------------------------------------------------

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
    drop: list[set[str]] | None = None
    less: list[set[str]] | None = None
    focus: list[set[str]] | None = None
    first: list[set[str]] | None = None
    terms: set[str] | None = None  # every meaningful word of the feedback

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


def _matches(stems: set[str], phrase: set[str]) -> float:
    return len(stems & phrase) / len(phrase) if phrase else 0.0


# --- outline ---------------------------------------------------------------------------------


_LEAD_IN = re.compile(r"^(?:but|and|so|or|however|also|still|yet|then|instead|now|here|thus|indeed)\b,?\s+", re.I)
_ASIDE = re.compile(r",\s(?:for example|for instance|e\.g\.,?|i\.e\.,?)\s[^,]+,")


def key_point(text: str, max_words: int = KEY_POINT_WORDS) -> str:
    """A fact shortened to a readable key point: no lead-in word, no aside, no final stop."""
    t = spk.plain(text)
    t = _LEAD_IN.sub("", t)
    t = _ASIDE.sub(",", t)
    t = re.sub(r"\s\([^()]{1,60}\)", "", t)
    t = t.rstrip(" .!;:,")
    t = t[:1].upper() + t[1:]
    return shorten(t, max_words)


def shorten(text: str, max_words: int, min_words: int = 5) -> str:
    words_ = text.split()
    if len(words_) <= max_words:
        return text.rstrip(" .;:,")
    best = None
    for match in re.finditer(r"[,;:]\s|\s(?:because|so that|while|which|whatever|although|but)\s", text):
        prefix = text[:match.start()].rstrip(" ,;:")
        n = word_count(prefix)
        first = prefix.split()[0].lower() if prefix else ""
        if n > max_words:
            break
        in_list = match.group(0).startswith(",") and re.match(r"[\w'-]+(?: [\w'-]+)?,? (?:and|or) ",
                                                                text[match.end():])
        if n >= min_words and not in_list and \
                first not in ("if", "when", "once", "because", "although", "while", "unless"):
            best = prefix
    if best:
        return best
    cut = words_[:max_words]
    while cut and (cut[-1].lower().strip(",;:") in sent.STOPWORDS or cut[-1].endswith((",", ";", ":"))):
        cut.pop()
    return " ".join(cut).rstrip(",;:") + "…"


def _group_key(fact: Fact) -> tuple[str, str]:
    parts = _section_parts(fact.section)
    return fact.source or "", SECTION_SEPARATOR.join(parts[:2])


def _code_key(code: CodeSample) -> tuple[str, str]:
    parts = _section_parts(code.section)
    return code.source or "", SECTION_SEPARATOR.join(parts[:2])


@dataclass
class _Group:
    key: tuple[str, str]
    title: str
    facts: list[Fact]
    codes: list[CodeSample]
    notes: list[str]
    weight: float = 1.0  # feedback and show-memory multiplier
    covered_by: str | None = None


def _covered_penalty(text_stems: set[str], brief: Brief) -> tuple[float, str | None]:
    for item in brief.covered_elsewhere:
        concept = set(content_stems(item.concept))
        if concept and _matches(text_stems, concept) >= 0.6:
            return 0.5, f"{item.concept} (episode {item.episode})"
    return 1.0, None


def build_outline(brief: Brief, research: Research, feedback: list[str]) -> Outline:
    fb = Feedback.parse(feedback)
    groups: dict[tuple[str, str], _Group] = {}
    sources_seen: list[str] = []
    for fact in research.facts:
        key = _group_key(fact)
        if key not in groups:
            parts = key[1].split(SECTION_SEPARATOR)
            if len(parts) > 1:
                title = parts[1]
            elif not sources_seen or key[0] == sources_seen[0]:
                title = "Overview"
            else:
                title = parts[0]
            groups[key] = _Group(key=key, title=title, facts=[], codes=[], notes=[])
            if key[0] not in sources_seen:
                sources_seen.append(key[0])
        groups[key].facts.append(fact)
    for code in research.code_samples:
        if _code_key(code) in groups:
            groups[_code_key(code)].codes.append(code)
    ordered = _merge_tiny(list(groups.values()))

    # which sections the feedback names: by title, or else the one whose content says it best
    focused = {id(g) for phrase in fb.focus or [] for g in _named(ordered, phrase)}
    lessened = {id(g) for phrase in fb.less or [] for g in _named(ordered, phrase)}
    dropped = {id(g) for phrase in fb.drop or [] for g in _named(ordered, phrase)}

    # adjusted fact scores: feedback lifts or lowers, show memory lowers
    adjusted: dict[str, float] = {}
    for group in ordered:
        title_stems = set(content_stems(group.title))
        group_penalty, covered = _covered_penalty(title_stems, brief)
        if covered:
            group.covered_by = covered
            group.notes.append(f"Covered in {covered}: keep it brief and refer back to it.")
        if id(group) in focused:
            group.weight *= 1.5
            asked = "; ".join(_phrase_text(feedback, p) for p in fb.focus or [] if group in _named(ordered, p))
            group.notes.append(f"More on this, as the reviewer asked ({asked}).")
        if id(group) in lessened:
            group.weight *= 0.5
            group.notes.append("Less on this, as the reviewer asked.")
        for fact in group.facts:
            stems = set(content_stems(fact.text))
            weight, _ = _covered_penalty(stems, brief)
            weight *= group_penalty
            if fb.terms:  # any other words of the feedback lift the facts that use them, a little
                weight *= 1 + 0.25 * len(stems & fb.terms) / max(1, min(len(fb.terms), 4))
            if id(group) in focused:
                for phrase in fb.focus or []:
                    weight *= 1 + _matches(stems, phrase)
            adjusted[fact.id] = fact.score * weight

    kept = [g for g in ordered if id(g) not in dropped] or ordered[:1]
    for phrase in fb.first or []:
        named = _named(kept, phrase)
        if named:
            kept.remove(named[0])
            kept.insert(0, named[0])
            named[0].notes.append("Moved first, as the reviewer asked.")

    # how many sections the target length holds
    cap = max(2, math.ceil(brief.target_minutes * 3))
    if fb.shorter:
        cap = max(2, math.ceil(cap * 0.8))

    def salience(g: _Group) -> float:
        top = sorted((adjusted[f.id] for f in g.facts), reverse=True)[:2]
        return (sum(top) / len(top) if top else 0.0) * g.weight

    while len(kept) > cap:
        candidates = kept[1:] if len(kept) > 1 else kept
        weakest = min(candidates, key=lambda g: (salience(g), -kept.index(g)))
        kept.remove(weakest)
    if kept and (fb.shorter or fb.longer):
        wish = "a shorter, tighter episode" if fb.shorter else "more detail"
        kept[0].notes.append(f"The reviewer asked for {wish}: the outline has {'fewer' if fb.shorter else 'more'} "
                             f"key points; the narration length follows target_minutes "
                             f"({brief.target_minutes:g} minutes) in config.yaml.")
    points = _choose_key_points(kept, adjusted, research, brief, fb)
    sections: list[OutlineSection] = []
    for i, group in enumerate(kept, start=1):
        chosen = sorted(points[id(group)], key=research.facts.index)
        notes = list(dict.fromkeys(group.notes))
        if group.codes:
            language = spk.language_name(group.codes[0].language)
            notes.append(f"Show the code sample ({language})." if language else "Show the code sample.")
        sections.append(OutlineSection(id=f"s{i}", title=group.title, key_points=[key_point(f.text) for f in chosen],
                                       fact_ids=[f.id for f in group.facts], notes=" ".join(notes)))
    return Outline(slug=brief.slug, title=brief.title, summary=_summary(kept, adjusted), sections=sections,
                   feedback=list(feedback))


def _choose_key_points(groups: list[_Group], adjusted: dict[str, float], research: Research, brief: Brief,
                       fb: Feedback) -> dict[int, list[Fact]]:
    """Each section's key points: its most salient facts, taken in rounds across the sections
    (the strongest section first) while the narration has room to say them all."""
    cap = 1 if fb.shorter else 6 if fb.longer else 4
    frame = 45 + 8 * len(groups) + 25 * sum(1 for g in groups if g.codes)  # intro, bridges, outro, code
    room = max(40, brief.target_words - frame) * (0.7 if fb.shorter else 1.05 if fb.longer else 0.9)
    focus = any(g.weight > 1 for g in groups)
    caps, queues = {}, {}
    for group in groups:
        if group.covered_by or group.weight < 1:
            caps[id(group)] = 1
        elif group.weight > 1:
            caps[id(group)] = cap + 2
        else:  # a section the reviewer wants more of takes room from the others
            caps[id(group)] = min(cap, 1) if focus else cap
        ranked = sorted(group.facts, key=lambda f: (-adjusted[f.id], research.facts.index(f)))
        standalone = [f for f in ranked if sent.leans_back(f.text) == 0 and word_count(key_point(f.text)) >= 3]
        # the section's topic sentence (its first) leads, unless it says little
        lead = next((f for f in group.facts if f in standalone), None)
        if lead is not None and standalone and adjusted[lead.id] >= 0.5 * adjusted[standalone[0].id]:
            standalone.remove(lead)
            standalone.insert(0, lead)
        # then sentences that lean a little on the one before (it comes with them in the script)
        leaning = [f for f in ranked if sent.leans_back(f.text) == 1 and word_count(key_point(f.text)) >= 3]
        queues[id(group)] = (standalone + leaning) or ranked[:1]
    chosen: dict[int, list[Fact]] = {id(g): [] for g in groups}
    said: list[str] = []
    used = 0
    for round_ in range(cap + 1):
        # each round offers every section's next point; the strongest offers go first
        offers = []
        for group in groups:
            key = id(group)
            while queues[key] and len(chosen[key]) < caps[key]:
                fact = queues[key][0]
                if any(jaccard(key_point(fact.text), p) >= 0.5 for p in said):
                    queues[key].pop(0)
                    continue
                offers.append((-adjusted[fact.id] * group.weight, research.facts.index(fact), key))
                break
        added = False
        for _, _, key in sorted(offers):
            fact = queues[key][0]
            cost = word_count(fact.text)
            if round_ > 0 and used + cost > room:
                continue
            queues[key].pop(0)
            chosen[key].append(fact)
            said.append(key_point(fact.text))
            used += cost
            added = True
        if not added:
            break
    for group in groups:  # a section always has a key point
        if not chosen[id(group)]:
            chosen[id(group)] = sorted(group.facts, key=lambda f: -adjusted[f.id])[:1]
    return chosen


def _named(groups: list[_Group], phrase: set[str]) -> list[_Group]:
    """The sections a feedback phrase names: those whose title has most of its words, or else
    the one section whose content has most of them."""
    by_title = [g for g in groups if _matches(set(content_stems(g.title)), phrase) >= 0.5
                or _matches(phrase, set(content_stems(g.title))) >= 0.5]
    if by_title:
        return by_title
    scored = [(_matches(_group_stems(g), phrase), -i) for i, g in enumerate(groups)]
    best = max(scored, default=(0.0, 0))
    return [groups[-best[1]]] if best[0] >= 0.75 else []


def _group_stems(group: _Group) -> set[str]:
    stems: set[str] = set()
    for fact in group.facts:
        stems |= set(content_stems(fact.text))
    return stems


def _phrase_text(feedback: list[str], phrase: set[str]) -> str:
    for item in feedback:
        if phrase & set(content_stems(item)):
            return f"'{item.strip()}'"
    return "feedback"


def _merge_tiny(groups: list[_Group]) -> list[_Group]:
    """Fold sections with fewer than two facts (and no code) into a neighbour from the same source."""
    out: list[_Group] = []
    pending: list[_Group] = []  # tiny groups waiting for the next real one
    for group in groups:
        tiny = len(group.facts) < 2 and not group.codes
        if tiny and out and out[-1].key[0] == group.key[0]:
            out[-1].facts.extend(group.facts)
            out[-1].codes.extend(group.codes)
        elif tiny:
            pending.append(group)
        else:
            for p in pending:
                if p.key[0] == group.key[0]:
                    group.facts[:0] = p.facts
                else:
                    out.append(p)
            pending = []
            out.append(group)
    out.extend(pending)
    return out


def _summary(groups: list[_Group], adjusted: dict[str, float]) -> str:
    """Two sentences that stand on their own: the opening section's best and the best of the rest."""
    picked: list[Fact] = []
    for pool in ([f for f in groups[0].facts] if groups else [], [f for g in groups[1:] for f in g.facts]):
        standalone = [f for f in pool if not sent.depends_on_previous(f.text)
                      and not re.search(r"\binstead\W*$", f.text)] or pool
        if standalone:
            picked.append(max(standalone, key=lambda f: adjusted[f.id]))
    return " ".join(spk.tidy(spk.plain(f.text)) for f in picked)


# --- script ----------------------------------------------------------------------------------


@dataclass
class Unit:
    """Something the narration can say: a source sentence, a code description, a key point."""

    uid: str
    section_id: str
    order: float
    text: str  # speakable
    rank: float
    needs: str | None = None

    @property
    def words(self) -> int:
        return word_count(self.text)


def _location_number(location: str | None) -> int:
    match = re.search(r"\d+", location or "")
    return int(match.group(0)) if match else 0


_ASKER = re.compile(r"\b(ask|asks|asking|question|questions|curious|learner|newcomer|interview\w*|beginner)\b", re.I)


def split_long(sentence: str, max_words: int) -> list[str]:
    """Split a sentence over `max_words` at the clause boundary nearest its middle."""
    n = word_count(sentence)
    if n <= max_words:
        return [sentence]
    best: tuple[float, int, int] | None = None
    for match in re.finditer(r";\s|:\s|,\s(?=(?:and|but|so|because|while|which|whereas|yet)\s)|,\s", sentence):
        left = word_count(sentence[:match.start()])
        if left < 5 or n - left < 5:
            continue
        strength = 0 if match.group(0).startswith((";", ":")) else 1 if "," in match.group(0) and \
            re.match(r"(and|but|so|because|while|which|whereas|yet)\s", sentence[match.end():]) else 2
        candidate = (abs(left - n / 2) + 4 * strength, match.start(), match.end())
        if best is None or candidate < best:
            best = candidate
    if best is None:
        return [sentence]
    first = spk.tidy(sentence[:best[1]])
    rest = sentence[best[2]:].strip()
    rest = re.sub(r"^which\b", "This", rest)
    second = spk.tidy(rest)
    return split_long(first, max_words) + split_long(second, max_words)


class ScriptWriter:
    """Plans and assembles a script; `write(previous, critique)` drafts or revises."""

    def __init__(self, brief: Brief, outline: Outline, research: Research, words_per_minute: int,
                 max_sentence_words: int):
        self.brief = brief
        self.words_per_minute = words_per_minute
        self.outline = outline
        self.research = research
        self.max_sentence_words = max_sentence_words
        self.hosts = brief.hosts
        self.short = brief.target_words < 200  # under about a minute and a half: a lean frame
        # hosts whose persona is to ask (a curious host, an interviewer) bridge with questions;
        # when the show also has explainers, an explainer opens a section with a signpost instead
        self.askers = {h.id for h in self.hosts if _ASKER.search(h.persona or "")}
        self.roles = bool(self.askers) and len(self.askers) < len(self.hosts)
        self.proper = {w.strip("'") for f in research.facts
                       for w in re.findall(r"(?<=[a-z,;] )[A-Z][\w'-]*", f.text)}
        self.units = self._units()
        self.by_id = {u.uid: u for u in self.units}

    # -- units ------------------------------------------------------------------------------
    def _units(self) -> list[Unit]:
        facts = {f.id: (i, f) for i, f in enumerate(self.research.facts)}
        units: list[Unit] = []
        for section in self.outline.sections:
            members = sorted((facts[fid] for fid in section.fact_ids if fid in facts), key=lambda t: t[0])
            section_units: list[Unit] = []
            point_stems = [set(content_stems(p)) for p in section.key_points]
            previous: Unit | None = None
            lead_in: tuple[Unit, str | None] | None = None  # "... failure modes:" and the block it introduces
            for index, fact in members:
                stems = set(content_stems(fact.text))
                penalty, _ = _covered_penalty(stems, self.brief)
                best_point = max((len(ps & stems) / len(ps) for ps in point_stems if ps), default=0.0)
                rank = fact.score * penalty + (1.0 + best_point if best_point >= 0.5 else 0.0)
                unit = Unit(uid=fact.id, section_id=section.id, order=float(index),
                            text=self._speakable(fact.text), rank=rank)
                leaning = sent.leans_back(fact.text)
                if leaning and previous is not None:
                    unit.needs = previous.uid
                elif leaning == 2:  # a dangling "They ..." with nothing before it
                    unit.rank *= 0.5
                if lead_in is not None and lead_in[1] is None:
                    lead_in = (lead_in[0], fact.location)  # the block right after the lead-in
                if lead_in is not None and fact.location == lead_in[1] and unit.needs is None:
                    unit.needs = lead_in[0].uid  # an item of a list needs the sentence that introduces it
                elif lead_in is not None and fact.location != lead_in[1]:
                    lead_in = None
                if fact.text.rstrip().endswith(":"):
                    lead_in = (unit, None)
                section_units.append(unit)
                previous = unit
            # code samples of this section, placed where they stood in the source
            group_keys = {_group_key(f) for _, f in members}
            for k, code in enumerate(self.research.code_samples):
                if _code_key(code) not in group_keys:
                    continue
                line = _location_number(code.location)
                after = [u for (_, f), u in zip(members, section_units[:len(members)], strict=True)
                         if f.source == code.source and _location_number(f.location) <= line]
                order = (after[-1].order + 0.5) if after else (section_units[0].order - 0.5 if section_units else 0)
                top = max((u.rank for u in section_units), default=1.0)
                code_unit = Unit(uid=f"code{k + 1}", section_id=section.id, order=order,
                                 text=spk.describe_code(code.code, code.language), rank=top * 0.9 + 0.3)
                for u in section_units:
                    if u.order > order and re.search(r"\b(above|below)\b", self._fact_text(u.uid) or ""):
                        u.needs = code_unit.uid
                        break
                section_units.append(code_unit)
            # key points no source sentence covers (e.g. added by hand in outline.md)
            for k, (point, ps) in enumerate(zip(section.key_points, point_stems, strict=True), start=1):
                if not ps or any(len(ps & set(content_stems(u.text))) / len(ps) >= 0.5 for u in section_units):
                    continue
                order = (max((u.order for u in section_units), default=0.0)) + k * 0.01
                section_units.append(Unit(uid=f"{section.id}p{k}", section_id=section.id, order=order,
                                          text=self._speakable(point), rank=2.0))
            units.extend(section_units)
        return units

    def _fact_text(self, uid: str) -> str | None:
        return next((f.text for f in self.research.facts if f.id == uid), None)

    def _speakable(self, text: str) -> str:
        return spk.speakable(text)

    def _pack(self, uid: str, chosen: set[str]) -> list[str]:
        pack: list[str] = []
        current: str | None = uid
        while current and current not in chosen and current not in pack and current in self.by_id:
            pack.append(current)
            current = self.by_id[current].needs
        return pack

    def _words(self, uids) -> int:
        return sum(self.by_id[u].words for u in uids)

    # -- selection --------------------------------------------------------------------------
    def key_point_units(self) -> list[Unit]:
        """For each key point of the outline (in order), the unit of its section that says most of it."""
        found: list[Unit] = []
        for section in self.outline.sections:
            units = [u for u in self.units if u.section_id == section.id]
            for point in section.key_points:
                ps = set(content_stems(point))
                if not ps or not units:
                    continue
                best = max(units, key=lambda u: (len(ps & set(content_stems(u.text))) / len(ps), u.rank, -u.order))
                if best not in found:
                    found.append(best)
        return found

    def _select(self, budget: int) -> set[str]:
        """Key points and code descriptions first (in rank order, while they fit), a unit for every
        section, then more of each section in turn."""
        chosen: set[str] = set()
        total = 0
        # a code sample is on screen in its scene, so the narration says what it is
        musts = self.key_point_units() + [u for u in self.units if u.uid.startswith("code")]
        for unit in sorted(musts, key=lambda u: (u.uid.startswith("code"), -u.rank, u.order)):
            pack = self._pack(unit.uid, chosen)
            cost = self._words(pack)
            if pack and total + cost <= budget * 1.02:
                chosen.update(pack)
                total += cost
        for section in self.outline.sections:
            units = [u for u in self.units if u.section_id == section.id]
            if units and not any(u.uid in chosen for u in units):
                chosen.update(self._pack(max(units, key=lambda u: (u.rank, -u.order)).uid, chosen))
        return self._fit(chosen, budget, keep=set(chosen))

    def _fit(self, chosen: set[str], budget: int, keep: set[str] | None = None) -> set[str]:
        """Add the best remaining units while short of the budget; drop the weakest while over it."""
        keep = keep or set()
        total = self._words(chosen)
        ranked = sorted(self.units, key=lambda u: (-u.rank, u.order))
        sections = [s.id for s in self.outline.sections]
        while total < budget * 0.97:
            # a round: each section offers its best unit that still fits; the thinnest sections
            # (fewest words so far) go first, the strongest unit among equals
            offers = []
            for sid in sections:
                said = sum(self.by_id[c].words for c in chosen if self.by_id[c].section_id == sid)
                for u in ranked:
                    if u.section_id != sid:
                        continue
                    pack = self._pack(u.uid, chosen)
                    if pack and total + self._words(pack) <= budget * 1.04:
                        offers.append((said // 15, -u.rank, u.order, pack))
                        break
            added = False
            for *_, pack in sorted(offers):
                pack = [uid for uid in pack if uid not in chosen]
                if pack and total + self._words(pack) <= budget * 1.04:
                    chosen.update(pack)
                    total += self._words(pack)
                    added = True
            if not added:
                break
        while total > budget * 1.04:
            removable = [u for u in reversed(ranked) if u.uid in chosen and u.uid not in keep
                         and not any(self.by_id[o].needs == u.uid for o in chosen)
                         and sum(1 for o in chosen if self.by_id[o].section_id == u.section_id) > 1]
            if not removable:
                break
            chosen.discard(removable[0].uid)
            total -= removable[0].words
        return chosen

    # -- the spoken frame -------------------------------------------------------------------
    def _lower_title(self, title: str) -> str:
        words_ = title.split()
        if words_:
            first = words_[0]
            bare = first.strip(",:;")
            if not (len(bare) > 1 and bare.isupper()) and bare not in self.proper:
                words_[0] = first[0].lower() + first[1:]
        return " ".join(words_)

    def _topic(self, title: str) -> str:
        head = re.split(r"\s*[:—–]\s*|\s+-\s+", title, maxsplit=1)[0]
        return self._lower_title(head.strip()) or title

    def intro(self) -> str:
        b = self.brief
        description = b.show_description.strip().rstrip(".")
        clause = ""
        if description and word_count(description) <= 16 and not self.short:
            clause = ", " + (description if description.split()[0].isupper() else
                             description[0].lower() + description[1:])
        names = [h.name for h in self.hosts]
        who = f"I'm {names[0]}" + (f", here with {spk.join_words(names[1:])}" if len(names) > 1 else "")
        greeting = "Hey there, and welcome to" if re.search(r"playful|fun|casual|cheeky", b.tone, re.I) else \
            "Welcome to"
        return spk.tidy(f"{greeting} {b.show_name}{clause}.") + f" {who}. Today: {self._lower_title(b.title)}."

    def outro_lines(self) -> list[str]:
        b = self.brief
        title = self._lower_title(b.title)
        if re.match(r"^(how|why|what|when|where|who)\b", title, re.I):
            wrap = f"And that's {title}."
        else:
            wrap = f"And that was our look at {title}."
        bye = "Catch you next time!" if re.search(r"playful|fun|casual|cheeky", b.tone, re.I) else \
            "See you next time."
        if self.short:  # a very short episode: one line to close
            return [f"Thanks for listening to {b.show_name}."]
        return [wrap, f"Thanks for listening to {b.show_name}. {bye}"]

    def _sentence_title(self, title: str) -> bool:
        """A title that is really a sentence (a document without headings is named by its first)."""
        head = _normalise(title)
        return word_count(title) >= 4 and any(_normalise(f.text).startswith(head) for f in self.research.facts)

    def bridge(self, index: int, title: str, name: str) -> str:
        if re.search(r"take ?aways?|summary|conclusion|wrap(?:ping)? up|recap|lessons", title, re.I):
            return f"So, {name}, what's the takeaway?"
        if self._sentence_title(title):
            return f"What's next, {name}?"
        topic = self._topic(title)
        if re.match(r"^(how|why|what|when|where|who|which)\b", topic, re.I):
            return f"So, {name}: {topic}?"
        templates = [
            "So, {name}, what about {topic}?",
            "Tell us about {topic}, {name}.",
            "And {topic}, {name}? Where does that come in?",
            "What about {topic}, then, {name}?",
        ]
        return templates[index % len(templates)].format(name=name, topic=topic)

    def transition(self, index: int, last: bool, title: str) -> str:
        topic = self._topic(title)
        if self._sentence_title(title):
            return "Finally." if last else "Next up."
        if last:
            return spk.tidy(f"Finally, {topic}")
        return spk.tidy(("Next, {t}" if index % 2 else "Now, {t}").format(t=topic))

    # -- assembly ---------------------------------------------------------------------------
    def _fixed_words(self) -> int:
        n = len(self.outline.sections)
        frame = word_count(self.intro()) + sum(word_count(t) for t in self.outro_lines())
        if len(self.hosts) > 1:
            names = [h.name for h in self.hosts]
            frame += sum(word_count(self.bridge(i, s.title, names[i % len(names)]))
                         for i, s in enumerate(self.outline.sections[1:], start=1))
        else:
            frame += sum(word_count(self.transition(i, i == n - 1, s.title))
                         for i, s in enumerate(self.outline.sections[1:], start=1))
        return frame

    def assemble(self, chosen: set[str], max_words: int) -> Script:
        sections = self.outline.sections
        n_hosts = len(self.hosts)
        segments: list[tuple[str, str, str]] = []  # speaker, text, section id
        segments.append((self.hosts[0].id, self.intro(), sections[0].id))
        turn = 1 % n_hosts
        for index, section in enumerate(sections):
            units = sorted((u for u in self.units if u.uid in chosen and u.section_id == section.id),
                           key=lambda u: u.order)
            sentences: list[str] = []
            for u in units:
                for s in split_sentences(u.text):
                    sentences.extend(split_long(spk.tidy(s), max_words))
            sentences = [s for s in sentences if s]
            if not sentences:
                continue
            if n_hosts == 1:
                if index > 0:
                    sentences.insert(0, self.transition(index, index == len(sections) - 1, section.title))
                for chunk in _chunks(sentences, 60, 4):
                    segments.append((self.hosts[0].id, chunk, section.id))
                continue
            if index > 0:
                speaker = self.hosts[turn]
                if self.roles and speaker.id not in self.askers:
                    # an explainer whose turn it is signposts the new section themselves
                    sentences.insert(0, self.transition(index, index == len(sections) - 1, section.title))
                else:
                    name = self.hosts[(turn + 1) % n_hosts].name
                    segments.append((speaker.id, self.bridge(index, section.title, name), section.id))
                    turn = (turn + 1) % n_hosts
            for chunk in _chunks(sentences, 45, 2):
                segments.append((self.hosts[turn].id, chunk, section.id))
                turn = (turn + 1) % n_hosts
        closing = self.outro_lines()
        last = sections[-1].id
        if n_hosts == 1:
            segments.append((self.hosts[0].id, " ".join(closing), last))
        else:
            for line in closing:
                segments.append((self.hosts[turn].id, line, last))
                turn = (turn + 1) % n_hosts
        return Script(slug=self.brief.slug, title=self.brief.title,
                      segments=[Segment(id=f"seg{i}", speaker=speaker, text=text, section_id=sid)
                                for i, (speaker, text, sid) in enumerate(segments, start=1)])

    def budget(self) -> int:
        return max(20, self.brief.target_words - self._fixed_words())

    # -- drafting and revising --------------------------------------------------------------
    def write(self, previous: Script | None = None, critique: Critique | None = None) -> Script:
        if previous is None or critique is None:
            return self._fitted(lambda budget: self.assemble(self._select(budget), self.max_sentence_words))
        return self._fitted(lambda budget: self.revise(previous, critique, budget))

    def _fitted(self, draft: Callable[[int], Script]) -> Script:
        """Draft against the content budget; correct the budget by what the frame really took."""
        budget = self.budget()
        target = self.brief.target_words
        script = draft(budget)
        for _ in range(2):
            miss = target - script.words
            if abs(miss) <= 0.03 * target:
                break
            budget = max(20, budget + miss)
            script = draft(budget)
        return script

    def _chosen_in(self, script: Script) -> set[str]:
        said = _normalise(" ".join(s.text for s in script.segments))
        chosen = set()
        for u in self.units:
            pieces = [_normalise(p) for s in split_sentences(u.text) for p in split_long(spk.tidy(s), 10_000)]
            if pieces and all(p and p in said for p in pieces):
                chosen.add(u.uid)
        return chosen

    def revise(self, previous: Script, critique: Critique, budget: int) -> Script:
        """Answer the critique: fit the length, cover missing key points, split, de-duplicate."""
        metrics = critique.metrics
        chosen = self._chosen_in(previous)
        if not chosen:
            chosen = self._select(budget)
        max_words = self.max_sentence_words
        found = measures.measure_script(previous, self.outline, [h.id for h in self.hosts],
                                        target_words=self.brief.target_words,
                                        words_per_minute=self.words_per_minute,
                                        max_sentence_words=self.max_sentence_words, title=self.brief.title)
        keep: set[str] = set()
        # missing key points: add the unit that says most of each
        if metrics.get("key_point_coverage", 1.0) < 1.0 or found.missing_key_points:
            for point in found.missing_key_points:
                ps = set(content_stems(point))
                best = max(self.units, key=lambda u: (len(ps & set(content_stems(u.text))), u.rank), default=None)
                if best is not None:
                    pack = self._pack(best.uid, chosen)
                    chosen.update(pack)
                    keep.update(pack or [best.uid])
        # near-duplicates: keep the better-ranked sentence of each pair
        if metrics.get("near_duplicate_sentences", 0) or found.duplicate_pairs:
            for a, b in found.duplicate_pairs:
                ua, ub = self._unit_saying(a, chosen), self._unit_saying(b, chosen)
                if ua and ub and ua is not ub:
                    weaker = ua if (ua.rank, -ua.order) < (ub.rank, -ub.order) else ub
                    if not any(self.by_id[o].needs == weaker.uid for o in chosen):
                        chosen.discard(weaker.uid)
        # length: trim the weakest or add the next best (key-point units stay)
        ratio = metrics.get("duration_ratio", 1.0)
        if ratio > 1.1 or ratio < 0.9 or keep:
            chosen = self._fit(chosen, budget, keep)
        # long sentences: split harder
        if metrics.get("long_sentences", 0) > 0:
            max_words = max(8, min(max_words, int(metrics.get("max_sentence_words", max_words))) - 4)
        return self.assemble(chosen, max_words)

    def _unit_saying(self, sentence: str, chosen: set[str]) -> Unit | None:
        target = _normalise(sentence)
        for u in self.units:
            if u.uid in chosen and target and target in _normalise(u.text):
                return u
        best = max((u for u in self.units if u.uid in chosen),
                   key=lambda u: jaccard(sentence, u.text), default=None)
        return best


def _normalise(text: str) -> str:
    return " ".join(sent.words(text))


def _chunks(sentences: list[str], max_words: int, max_sentences: int) -> list[str]:
    chunks: list[list[str]] = []
    for s in sentences:
        if chunks and len(chunks[-1]) < max_sentences and \
                sum(word_count(x) for x in chunks[-1]) + word_count(s) <= max_words:
            chunks[-1].append(s)
        else:
            chunks.append([s])
    return [" ".join(c) for c in chunks]


# --- critique --------------------------------------------------------------------------------


def build_critique(brief: Brief, outline: Outline, script: Script, words_per_minute: int,
                   max_sentence_words: int) -> Critique:
    found = measures.measure_script(script, outline, [h.id for h in brief.hosts], target_words=brief.target_words,
                                    words_per_minute=words_per_minute, max_sentence_words=max_sentence_words,
                                    title=brief.title)
    value, reasons, metrics = measures.score(found)
    return Critique(score=value, reasons=reasons, metrics=metrics)


# --- storyboard ------------------------------------------------------------------------------


def build_storyboard(brief: Brief, outline: Outline, research: Research, script: Script, words_per_minute: int,
                     max_scene_seconds: float, style: dict[str, str]) -> list[Scene]:
    sections = {s.id: s for s in outline.sections}
    facts = {f.id: f for f in research.facts}
    runs: list[list[Segment]] = []
    for segment in script.segments:
        if runs and runs[-1][-1].section_id == segment.section_id:
            runs[-1].append(segment)
        else:
            runs.append([segment])

    def seconds(segs: list[Segment]) -> float:
        return sum(word_count(s.text) for s in segs) / words_per_minute * 60

    scenes: list[Scene] = []
    for run in runs:
        parts: list[list[Segment]] = [[]]
        for segment in run:
            if parts[-1] and seconds(parts[-1] + [segment]) > max_scene_seconds:
                # a bridging question goes with the answer it asks for
                carried = [parts[-1].pop()] if _is_bridge(parts[-1][-1]) else []
                if not parts[-1]:
                    parts.pop()
                parts.append(carried)
            parts[-1].append(segment)
        section = sections.get(run[0].section_id)
        title = section.title if section else brief.title
        points = list(section.key_points) if section else []
        codes = _section_codes(section, facts, research) if section else []
        code_part = _code_part(parts, codes)
        section_facts = [facts[f] for f in section.fact_ids if f in facts] if section else []
        assigned = _assign_points(parts, points)
        for k, part in enumerate(parts):
            index = len(scenes) + 1
            scene_title = title if k == 0 else f"{title}, continued"
            code = codes[0] if codes and k == code_part else None
            bullets = [] if code else _bullets(assigned[k], part, section_facts, points or [title])
            scenes.append(Scene(index=index, section_id=part[0].section_id, title=scene_title, bullets=bullets,
                                code=code.code if code else None, code_language=code.language if code else None,
                                visual_prompt=_visual_prompt(brief, scene_title, part, script, style),
                                segments=part, estimated_seconds=round(max(1.0, seconds(part)), 2)))
    return scenes


def _is_bridge(segment: Segment) -> bool:
    return segment.text.rstrip().endswith("?") and word_count(segment.text) <= 15


def _section_codes(section: OutlineSection, facts: dict[str, Fact], research: Research) -> list[CodeSample]:
    keys = {_group_key(facts[f]) for f in section.fact_ids if f in facts}
    return [c for c in research.code_samples if _code_key(c) in keys]


def _code_part(parts: list[list[Segment]], codes: list[CodeSample]) -> int:
    """The scene (part of a section) whose narration talks about the code: it shows the code.
    -1 when the narration never mentions it (then the slide keeps its bullets)."""
    if not codes:
        return -1
    description = _normalise(spk.describe_code(codes[0].code, codes[0].language))
    texts = [" ".join(s.text for s in part) for part in parts]
    for k, text in enumerate(texts):
        if description and description in _normalise(text):
            return k
    names = re.findall(r"\b(?:def|class|function|fn|func|struct|rule)\s+([A-Za-z_]\w*)", codes[0].code)
    for k, text in enumerate(texts):
        stems = set(content_stems(text))
        if any(set(content_stems(spk.identifier_words(n))) <= stems for n in names):
            return k
    return -1


def _assign_points(parts: list[list[Segment]], points: list[str]) -> list[list[str]]:
    assigned: list[list[str]] = [[] for _ in parts]
    if len(parts) == 1:
        assigned[0] = list(points)
        return assigned
    texts = [set(content_stems(" ".join(s.text for s in part))) for part in parts]
    for point in points:
        ps = set(content_stems(point))
        best = max(range(len(parts)), key=lambda k: (len(ps & texts[k]) / len(ps) if ps else 0, -k))
        assigned[best].append(point)
    return assigned


def _bullets(points: list[str], part: list[Segment], facts: list[Fact], fallback: list[str]) -> list[str]:
    """Up to five short slide bullets: the key points, or a short fact saying the same, or the
    point cut at a clause; a scene with no key point of its own gets its weightiest sentence."""
    bullets = []
    for point in points[:5]:
        point = point.rstrip("…")
        if word_count(point) <= BULLET_WORDS:
            bullets.append(point)
            continue
        short = [key_point(f.text) for f in facts if word_count(key_point(f.text)) <= BULLET_WORDS]
        similar = max(short, key=lambda t: jaccard(t, point), default=None)
        if similar and jaccard(similar, point) >= 0.3 and similar not in bullets:
            bullets.append(similar)
        else:
            bullets.append(shorten(point, BULLET_WORDS, min_words=4))
    if not bullets:
        sentences = [s for seg in part for s in split_sentences(seg.text) if not s.endswith("?")]
        if sentences:
            best = max(sentences, key=lambda s: (len(set(content_stems(s))), -sentences.index(s)))
            bullets = [key_point(best, BULLET_WORDS)]
    return bullets or [shorten(p, BULLET_WORDS, min_words=4) for p in fallback[:1]]


_NOT_PICTURED = {"already", "called", "come", "comes", "thing", "things", "time", "times", "today", "takes",
                 "next", "listening", "thanks", "welcome", "explainers", "short", "good", "same", "every",
                 "answer", "answers", "example", "takeaway", "episode", "show", "whole", "idea", "screen", "code",
                 "overview", "introduction", "summary", "take", "away", "what", "finally", "now"}


def _visual_prompt(brief: Brief, title: str, part: list[Segment], script: Script, style: dict[str, str]) -> str:
    """A picture prompt: the scene's most distinctive words as motifs, in the show's style."""
    frame = {w.lower() for w in sent.words(brief.show_name + " " + brief.show_description)}
    frame |= {h.name.lower() for h in brief.hosts} | set(sent.words(brief.title))
    names = [brief.show_name, *(h.name for h in brief.hosts)]

    def spoken(segments: list[Segment]) -> list[str]:
        # the narration proper: not the welcome, the questions or the goodbye
        return [w for seg in segments for s in split_sentences(seg.text)
                if not any(name in s for name in names) for w in sent.words(s)]

    everywhere = spoken(script.segments)
    frequency: dict[str, int] = {}
    for w in everywhere:
        frequency[w] = frequency.get(w, 0) + 1
    local: dict[str, float] = {}
    for w in sent.words(title):
        if w not in sent.STOPWORDS:
            local[w] = local.get(w, 0) + 2
    for w in spoken(part):
        local[w] = local.get(w, 0) + 1
    motifs = [w for w in local if w not in sent.STOPWORDS and w not in frame and w not in _NOT_PICTURED
              and len(w) > 3 and not w.isdigit() and not w.endswith(("ly", "ed"))]
    motifs.sort(key=lambda w: (-(local[w] * math.log(1 + (len(everywhere) + 1) / (frequency.get(w, 0) + 1))), w))
    subject = spk.join_words(motifs[:5]) or title.lower()
    return (f"An editorial illustration for an explainer on {brief.title.rstrip('.?!').lower()}, scene "
            f"'{title}': {subject}, shown as simple concrete objects and metaphors. {brief.tone.capitalize()} "
            f"mood. Flat shapes, palette of {style.get('background', '')}, {style.get('foreground', '')} and "
            f"{style.get('accent', '')}. No text, no letters, no logos.")
