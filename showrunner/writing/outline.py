"""The outline: sections follow the documents' headings (tiny sections merged, a title-only top
heading skipped); key points are each section's most salient facts, shortened; reviewer feedback
re-ranks, drops, trims or extends; concepts covered by other episodes are played down.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from showrunner.artifacts import Brief, CodeSample, Fact, Outline, OutlineSection, Research
from showrunner.writing import sentences as sent
from showrunner.writing import speakable as spk
from showrunner.writing.feedback import Feedback
from showrunner.writing.research import SECTION_SEPARATOR, is_back_matter, is_boilerplate, is_secondary
from showrunner.writing.sentences import content_stems, jaccard, word_count

KEY_POINT_WORDS = 24
KEY_POINTS = 8  # about how many key points an outline has, however many sections it has
LIST_WEIGHT = 1.25

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
        if re.search(r"\b(?:in|of|for|by|on|to|at|from|with|through|under)$", prefix, re.I):
            continue  # "designed for WSNs, in | which ...": the preposition belongs to what follows
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


def _section_parts(section: str) -> list[str]:
    return section.split(SECTION_SEPARATOR)


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


def _matches(stems: set[str], phrase: set[str]) -> float:
    return len(stems & phrase) / len(phrase) if phrase else 0.0


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
            if fact.kind == "list" and not is_secondary(group.title):
                weight *= LIST_WEIGHT  # a main section's lists are its key lists
            adjusted[fact.id] = fact.score * weight

    # secondary sections (installing, licence, contributing) come after the main ones; a thin one goes
    # a paper's appendices are secondary whatever their headings say (the reader marks back matter)
    back = {id(g) for g in ordered if is_back_matter(brief, g.facts)}

    def secondary(g: _Group) -> bool:
        return is_secondary(g.title) or id(g) in back

    minor = [g for g in ordered if secondary(g) and len(g.facts) < 3 and not g.codes or
             is_boilerplate(g.title)]  # thanks, references, copyright, addresses: not at all
    ordered = [g for g in ordered if g not in minor] or ordered
    ordered = [g for g in ordered if not secondary(g)] + [g for g in ordered if secondary(g)]
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
        weakest = min(candidates, key=lambda g: (not secondary(g), salience(g), -kept.index(g)))
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
        for code in group.codes:
            notes.append(_show_note(code))
        sections.append(OutlineSection(id=f"s{i}", title=group.title, key_points=[key_point(f.text) for f in chosen],
                                       fact_ids=[f.id for f in group.facts], notes=" ".join(notes)))
    return Outline(slug=brief.slug, title=brief.title, summary=_summary(kept, adjusted), sections=sections,
                   feedback=list(feedback))


def _choose_key_points(groups: list[_Group], adjusted: dict[str, float], research: Research, brief: Brief,
                       fb: Feedback) -> dict[int, list[Fact]]:
    """Each section's key points: its most salient facts, taken in rounds across the sections
    (the strongest section first) while the narration has room to say them all."""
    cap = 1 if fb.shorter else 6 if fb.longer else 4
    # a document with few headings (a post without any) says as many points as one with many: its few sections
    # hold them all
    cap = cap if True else max(cap, math.ceil(KEY_POINTS / max(1, len(groups)))) if not fb.shorter else cap
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
        # a list item stands on its own under its section ("It opens 16 connections" in Features)
        standalone = [f for f in ranked if (sent.leans_back(f.text) == 0 or f.kind == "list")
                      and word_count(key_point(f.text)) >= 3]
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
                first = group is groups[0] and not chosen[key]  # the opening says what it is, first
                offers.append((not first, -adjusted[fact.id] * group.weight, research.facts.index(fact), key))
                break
        added = False
        for *_, key in sorted(offers):
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


def _show_note(code: CodeSample) -> str:
    if code.language in ("table", "diagram"):
        return f"Show the {code.language}."
    language = spk.language_name(code.language)
    return f"Show the code sample ({language})." if language else "Show the code sample."


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
