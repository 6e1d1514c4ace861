"""The script: the ranked sentences of each outline section made speakable, fitted to the target
length and split between the hosts; a revision answers the critique's measured problems.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Set
from dataclasses import dataclass, field

from showrunner.artifacts import Brief, Critique, Outline, Research, Script, Segment
from showrunner.sources.common import TITLE_SMALL_WORDS, english_words
from showrunner.writing import measures, read_aloud
from showrunner.writing import sentences as sent
from showrunner.writing import speakable as spk
from showrunner.writing.outline import _code_key, _covered_penalty, _group_key, shorten
from showrunner.writing.research import is_back_matter, is_main, is_secondary
from showrunner.writing.sentences import content_stems, jaccard, split_sentences, spoken_words, word_count

OPENING = 0.2  # share of the content budget the opening's first sentences may take before the rest
REPEAT_WEIGHT = 1.0  # how much a unit's rank loses for each share of its words the chosen units already say
OPENING_FLOOR = 0.25  # an opening sentence ranked under this (the document's best sentence ranks 1) is not said first
# A sentence longer than this is said by its claim: its asides (in brackets, between dashes) and a trailing relative
# or participle clause are left out while it is longer, so the room they took says another point (seen main points
# 48 -> 49 of 64: go-race-detector-blog's "based on the ThreadSanitizer runtime library" fits once its ", which has
# been used to detect many errors in ..." goes; at 16 words subleq-readme lost its round-2 point, 20 and 25 the same)
COMPRESS_WORDS = 25
SUMMARY_OPENING = 0.5  # the same for an opening that is the document's own summary (a paper's abstract)
_SUMMARY = re.compile(r"\b(?:abstract|summary|tl;?dr|synopsis|at a glance|in brief)\b", re.I)


@dataclass
class Unit:
    """Something the narration can say: a source sentence, a code description, a key point."""

    uid: str
    section_id: str
    order: float
    text: str  # speakable
    rank: float
    needs: str | None = None
    group: str | None = None  # a list's lead-in and its items: said together or not at all
    banned: bool = False  # never said: a lead-in without its items, a pronoun pointing at nothing
    item: str | None = None  # a list item's place ("line 12, item 3"): its sentences share it
    full: str = ""  # a main list's member as said whole, before its list was summarised
    banned_at_start: bool = False
    home: str | None = None  # its list as drawn from the source, whatever a summary for one budget left out
    base: float = 0.0  # the rank without the key points' weight
    points: dict[str, float] = field(default_factory=dict)  # the key points it says ("s2:0"), with how much of each


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
        if match.group(0).startswith(",") and not _clause_break(sentence[:match.start()], sentence[match.end():]):
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


_SUBORDINATE = re.compile(r"^(?:if|when|whenever|while|because|although|though|since|unless|until|once|after|before|"
                          r"as|like|unlike|despite|in addition to|apart from|besides|instead of|rather than|"
                          r"whether|where|so that|even if|even though|to \w+)\b", re.I)  # "to get an overview, ..."
_PREDICATE_START = re.compile(r"^(?:are|is|was|were|has|have|had|can|could|will|would|shall|should|must|may|might|"
                              r"do|does|did)\b", re.I)  # "..., are typically not things you want": no subject
_ASIDE_INSIDE = re.compile(r"^(?:for|with|without|of|on|by|from|at|in|into|as|via|per)\s", re.I)  # an aside's start
_ASIDE_START = re.compile(r"^(?:like|such as|including|especially|for example|for instance|e\.g\.|i\.e\.|"
                          r"typically|usually|which is|who|whose|whom|(?:in|of|for|by|on|to|at|from|with) which)\b",
                          re.I)


def _clause_break(left: str, right: str) -> bool:
    """Whether a sentence may be cut at a bare comma between left and right: not after a
    subordinate opening ("In addition to skipping hidden files, ..."), not before an aside ("...
    because binary files, like PDFs or images, are ...")."""
    if _ASIDE_START.match(right.strip()) or _PREDICATE_START.match(right.strip()) or \
            re.match(r"[a-z]+ing\b|\d", right.strip()):  # "..., eliminating much of", "a 4-layer, 2.1M-parameter"
        return False
    # inside a list of short items: "including Fibonacci, | integer multiplication, division", "programs, | negate,
    # addition, ...", "multiplication, division, | and square root"
    if ("," in left and word_count(re.split(r",\s", left)[-1]) <= 3) or \
            ("," in right and word_count(re.split(r",\s", right)[0]) <= 3):
        return False
    opening = re.split(r",\s", left)[-1] if "," in left else left
    if _SUBORDINATE.match(opening.strip()):  # "First, to get an overview of all options, you ..."
        return False
    if ("," in left and _ASIDE_INSIDE.match(opening.strip())) or _ASIDE_INSIDE.match(right.strip()):
        return False  # an aside's either side: "passing the n flag, | for showing line numbers, | increases ..."
    return not re.search(r"\b(?:because|if|when|while|although|that|which)\b", opening, re.I) or \
        bool(re.match(r"(?:and|but|so|yet)\b", right.strip()))


_UNSAYABLE = {"cut-off", "dangling-reference", "markup", "symbol", "url", "glued", "raw-option", "raw-command",
              "first-person", "badge", "slash-as-of", "split-word", "dangling-end"}


def unsayable(text: str) -> bool:
    """A sentence the offline writer does not say, even made speakable: it stops mid-thought,
    points at a link, a figure or a page the episode does not provide (the show notes hold the
    sources' links), or still carries symbols a voice would read out (code read as prose)."""
    return any(d.rule in _UNSAYABLE for s in split_sentences(text) for d in read_aloud.sentence_defects(s, notes=True))


# A draft whose words take this much longer to say than their count says (spoken_words) is fitted by how long
# they take: at 150 words a minute, acm-sample-acmtog's 152 words took 69.2 s, over acceptance's +15% (the
# voices said 10.9-12.8 letters a second, seen documents). Short words are not taken to be faster: the pauses
# between short sentences take the time back (a half-minute espeak-ng episode, 91 words of 4.1 letters, took
# 35.9 s: 152 a minute, as its count said, where letters said 32 s), though go-getting-started's 144 words took
# 48.3 s. Within the tolerance, the count stands: a draft is not redrawn for a difference the window holds.
SPOKEN_TOLERANCE = 0.06


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
        # sections about the project rather than the subject (installing, licence), and a paper's appendices
        facts = {f.id: f for f in research.facts}
        self.secondary = {s.id for s in outline.sections if is_secondary(s.title) or
                          is_back_matter(brief, [facts[i] for i in s.fact_ids if i in facts])}
        # the episode's title's and the outline's headings' words: what a long sentence's aside keeps (_compressed)
        self.heading_stems = set(content_stems(brief.title)) | {stem for s in outline.sections
                                                                for stem in content_stems(s.title)}
        self.units = self._units()
        self.by_id = {u.uid: u for u in self.units}
        for u in self.units:
            u.banned_at_start, u.home = u.banned, u.group
        self._summarise_lists()

    # -- units ------------------------------------------------------------------------------
    def _units(self) -> list[Unit]:
        facts = {f.id: (i, f) for i, f in enumerate(self.research.facts)}
        units: list[Unit] = []
        for section in self.outline.sections:
            members = sorted((facts[fid] for fid in section.fact_ids if fid in facts), key=lambda t: t[0])
            section_units: list[Unit] = []
            point_stems = [set(content_stems(p)) for p in section.key_points]
            previous: Unit | None = None
            lead_in: Unit | None = None  # "... failure modes:" and the list it introduces
            lead_block: tuple | None = None
            items: dict[str, list[Unit]] = {}
            bare_lists: dict[tuple, str] = {}  # a list with no lead-in: its items said together, the first heads it
            for index, fact in members:
                stems = set(content_stems(fact.text))
                penalty, _ = _covered_penalty(stems, self.brief)
                says = {f"{section.id}:{k}": len(ps & stems) / len(ps) for k, ps in enumerate(point_stems) if ps}
                says = {k: v for k, v in says.items() if v >= 0.5}
                best_point = max(says.values(), default=0.0)
                rank = fact.score * penalty + (1.0 + best_point if best_point >= 0.5 else 0.0)
                unit = Unit(uid=fact.id, section_id=section.id, order=float(index),
                            text=self._speakable(self._compressed(fact)), rank=rank,
                            item=fact.location if fact.kind == "list" else None,
                            base=fact.score * penalty, points=says)
                block = (fact.source, fact.block if fact.block is not None else fact.location)
                leaning = sent.leans_back(fact.text)
                if lead_in is not None and lead_block is None:
                    lead_block = block  # the block right after the lead-in
                in_list = lead_in is not None and block == lead_block and fact.kind in (None, "list")
                if in_list and lead_in is not None:
                    unit.group = lead_in.uid  # an item of a list is said with the sentence introducing it
                    items.setdefault(lead_in.uid, []).append(unit)
                elif lead_in is not None and block != lead_block:
                    lead_in, lead_block = None, None
                if not in_list and fact.kind == "list":
                    in_list = True
                    unit.group = bare_lists.setdefault(block, unit.uid)
                if not in_list:
                    if leaning and previous is not None:
                        unit.needs = previous.uid
                    elif leaning == 2:  # a dangling "They ..." with nothing before it
                        unit.banned = True
                if fact.text.rstrip().endswith(":"):
                    lead_in, lead_block = unit, None
                section_units.append(unit)
                previous = unit
            for unit in section_units:
                fact_text = self._fact_text(unit.uid) or ""
                if unit.uid in items:
                    unit.group = unit.uid
                    # a list item of two sentences is still one item
                    count = len({self._fact_location(u.uid) for u in items[unit.uid]})
                    unit.text = self._speakable(_lead_in(fact_text, count))
                elif fact_text.rstrip().endswith(":") and _DANGLING_END.search(fact_text.rstrip(" :")):
                    unit.banned = True  # "... because:" with its list not in the section
                elif unit.item and unsayable(unit.text) and \
                        not unsayable(head := self._speakable(_head(fact_text))) and head != unit.text:
                    unit.text = head  # a list item whose aside points at a link: its head says the point
                elif unsayable(unit.text) and (claim := _claim(fact_text)) and \
                        not unsayable(said := self._speakable(claim)):
                    unit.text = said  # "Model width, not depth, is the primary bottleneck: d=256 ...": its claim
                elif unsayable(unit.text):
                    unit.banned = True  # stops mid-thought, points at what the episode lacks, or is code read as prose
                    if unit.group is not None and unit.group != unit.uid and unit.group not in items:
                        unit.group = None  # an item of a list with no lead-in is left out, not the whole list
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
                # a second sample that would be described in the same words is not described (or shown), and
                # a description that only says "a short Rust example, one line long" tells the listener nothing
                code_unit.banned = any(u.text == code_unit.text for u in units + section_units
                                       if u.uid.startswith("code")) or \
                    any(d.rule == "code-filler" for d in read_aloud.sentence_defects(code_unit.text))
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

    def _lists(self, main_only: bool = True) -> list[list[Unit]]:
        """The lists (a lead-in and its items, or a list's items alone), each in order; those of the main
        sections (not installing, licence, references) when main_only."""
        secondary = self.secondary
        heads = [u for u in self.units if u.group == u.uid and not (main_only and u.section_id in secondary)]
        return [sorted((u for u in self.units if u.group == h.uid), key=lambda u: u.order) for h in heads]

    def leads(self) -> list[Unit]:
        """Each section's topic: the unit saying its first key point (the outline puts the section's first
        standalone sentence first), main sections before secondary ones."""
        secondary = self.secondary
        found: list[Unit] = []
        for section in sorted(self.outline.sections, key=lambda s: s.id in secondary):
            units = [u for u in self.units if u.section_id == section.id and not u.banned]
            for point in section.key_points[:1]:
                ps = set(content_stems(point))
                if ps and units:
                    found.append(max(units, key=lambda u: (len(ps & set(content_stems(u.text))) / len(ps), u.rank,
                                                           -u.order)))
        return found

    def _main(self, section_id: str) -> bool:
        return is_main(self._section_title(section_id)) and section_id not in self.secondary

    def _section_title(self, section_id: str) -> str:
        return next(s.title for s in self.outline.sections if s.id == section_id)

    def _opening(self) -> list[Unit]:
        """The opening's first sentences after its topic (what the subject is, why it matters: a README's
        "It is a simple, fast alternative to find", an abstract's idea and result), up to OPENING of the content
        budget (the target's, whatever a redraft aims at)."""
        budget = self.budget()
        first = self.outline.sections[0].id
        units = sorted((u for u in self.units if u.section_id == first and not u.banned and u.group is None
                        and not u.uid.startswith("code")), key=lambda u: u.order)
        # a document's own summary (a paper's abstract) is its main points in a paragraph: it may take more
        share = SUMMARY_OPENING if _SUMMARY.search(self.outline.sections[0].title) else OPENING
        # the outline's key points of the opening first, then its other sentences in the document's order, leaving
        # out what says little (a licence line or a plea that happens to be short does not take the place of what
        # the subject is); said in the document's order
        out: list[Unit] = units[:1]
        words = sum(u.words for u in out)
        keys = [u for u in units[1:] if u.rank >= 1.0]
        for u in keys + [u for u in units[1:] if u not in keys and u.rank >= OPENING_FLOOR]:
            if words + u.words <= share * budget:
                words += u.words
                out.append(u)
        return sorted(out, key=lambda u: u.order)

    def _summarise_lists(self, budget: int | None = None) -> None:
        """A main section's list is what the section says (a spec's rules, a tool's features): it is said
        whole when the content budget (the draft's) holds it beside the sections' topic sentences, else by
        each item's first sentence, else by each item's head (its first clause, from the source, asides left
        out). A later sentence of a summarised item is not said on its own."""
        budget = self.budget() if budget is None else budget
        opening = self._opening()
        leads = [u for u in self.leads() if u not in opening and u.group is None]
        room = budget - sum(u.words for u in opening) - sum(u.words for u in leads)
        # the main sections' lists first; another section's list is summarised the same way in the room left,
        # rather than said whole or not at all (a tutorial's steps: each step's first sentence)
        # each list as drawn from the source: a summary for a smaller budget (a redraft's) is undone first
        whole = [sorted((u for u in self.units if u.home == h.uid), key=lambda u: u.order) for h in self.units
                 if h.home == h.uid and h.section_id not in self.secondary]
        for members in sorted(whole, key=lambda m: not self._main(m[0].section_id)):
            head = members[0].uid
            for u in members:  # as drawn from the source, before any summary
                u.group, u.banned = head, u.banned_at_start
                u.full = u.full or u.text
                u.text = u.full
            words = sum(u.words for u in members)
            firsts = [u for k, u in enumerate(members) if u.item is None or
                      all(o.item != u.item for o in members[:k])]
            if words <= room:
                room -= words
                continue
            for u in members:
                if u not in firsts:
                    u.group, u.banned = None, True
            words = sum(u.words for u in firsts)
            if words > room:
                for u in firsts:
                    if u.item is not None:
                        u.text = self._speakable(_head(self._fact_text(u.uid) or u.full))
                words = sum(u.words for u in firsts)
            if words > room and members[0].item is not None:  # no lead-in counting them: its first, then its best
                said = firsts[0].words
                for u in sorted(firsts[1:], key=lambda u: (-u.rank, u.order)):
                    if said + u.words > room:
                        u.group, u.banned = None, True
                    else:
                        said += u.words
                words = said
            elif words > room and self._main(members[0].section_id):
                # a main list whose lead-in counts its items ("... consists of seven parts."), when even its items'
                # heads do not fit: the lead-in and its best items that do, said as some of them, rather than the
                # spec's whole rule list lost at once
                items = [u for u in firsts[1:] if u.item is not None]
                said, kept = firsts[0].words + 5, []
                for u in sorted(items, key=lambda u: (-u.rank, u.order)):
                    if said + u.words <= room:
                        said += u.words
                        kept.append(u)
                if len(kept) >= 2:
                    for u in items:
                        if u not in kept:
                            u.group, u.banned = None, True
                    firsts[0].text = f"{firsts[0].full} Here are {spk.number_word(len(kept))} of them."
                    words = said
            room -= min(words, room)

    def _fact_location(self, uid: str) -> str:
        return next((f"{f.source}:{f.location}" for f in self.research.facts if f.id == uid), uid)

    def _fact_text(self, uid: str) -> str | None:
        return next((f.text for f in self.research.facts if f.id == uid), None)

    def _compressed(self, fact) -> str:
        """A long sentence said by its claim (compress), keeping what names the title's or a heading's words; a
        list item is left whole (a list too long for its room is said by its items' heads)."""
        if fact.kind == "list":
            return fact.text
        return compress(fact.text, COMPRESS_WORDS, self.heading_stems | set(content_stems(fact.section)))

    def _speakable(self, text: str) -> str:
        return spk.speakable(text)

    def _pack(self, uid: str, chosen: set[str]) -> list[str]:
        """The unit with everything it needs: the sentence it leans on, its list's lead-in and items."""
        pack: list[str] = []
        todo = [uid]
        while todo:
            current = todo.pop(0)
            if current in chosen or current in pack or current not in self.by_id:
                continue
            unit = self.by_id[current]
            if unit.banned:
                return []
            kind = read_aloud.description_kind(unit.text) if unit.uid.startswith("code") else None
            if kind and any(c.startswith("code") and self.by_id[c].section_id == unit.section_id and
                            read_aloud.description_kind(self.by_id[c].text) == kind for c in chosen):
                return []  # a kind of picture is described once in its section
            if unit.uid.startswith("code") and sum(1 for c in chosen if c.startswith("code") and
                                                   _opening_words(self.by_id[c].text) ==
                                                   _opening_words(unit.text)) >= 2:
                return []  # a third "The code on screen is a function called ..." is a drone, not news
            pack.append(current)
            if unit.needs:
                todo.append(unit.needs)
            if unit.group:
                todo += [u.uid for u in self.units if u.group == unit.group]
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
        self._summarise_lists(budget)
        # a code sample is on screen in its scene, so the narration says what it is
        # the main sections' lists are key lists: said whole, before any code or secondary section
        secondary = self.secondary
        lists = [u for u in self.units if u.group == u.uid and u.section_id not in secondary]
        codes: dict[tuple, Unit] = {}  # each kind of picture is described once in its section: the first
        for u in self.units:
            if u.uid.startswith("code") and not u.banned:
                codes.setdefault((u.section_id, read_aloud.description_kind(u.text)), u)
        # a list of another section (options, examples) is said when it ranks for its room, as any sentence: forced
        # in, it took whatever room a little more budget left (go-race-detector.html's GORACE options displaced its
        # usage and report points when the frame was four words shorter)
        musts = self.key_point_units() + [u for u in lists if self._main(u.section_id)] + list(codes.values())

        def priority(u: Unit) -> tuple:
            return (u.section_id in secondary, u.group == u.uid, u.uid.startswith("code"), -u.rank, u.order)

        # main points first: what the subject is (the opening), each section's topic sentence, then the main
        # sections' lists (summarised to fit when long), then the other key points and the code on screen
        # a topic that is an item of its section's list comes with that list, after the other topics
        leads = [u for u in self.leads() if u.group is None] + [u for u in self.leads() if u.group is not None]
        key_lists = [u for u in lists if self._main(u.section_id)]
        unique = list({id(u): u for u in musts if u not in leads and u not in key_lists}.values())
        ordered = self._opening() + leads + sorted(key_lists, key=lambda u: u.order) + \
            sorted(unique, key=priority)
        for unit in ordered:
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
        stems = {u.uid: set(content_stems(u.text)) for u in self.units}
        while total < budget * 0.97:
            # a round: each section offers its best unit that still fits; the thinnest sections
            # (fewest words so far) go first, the strongest unit among equals. A unit that says again what is
            # already chosen ("errors are values", a third time) is worth less than one that says something new
            offers = []
            said_stems = [stems[c] for c in chosen]
            said_points = {k for c in chosen for k in self.by_id[c].points}

            def novel(u: Unit, said_points: set[str] = said_points, said_stems: list[set[str]] = said_stems) -> float:
                rank = u.rank if not u.points else \
                    u.base + max((1.0 + v for k, v in u.points.items() if k not in said_points), default=0.0)
                return rank - REPEAT_WEIGHT * max((jaccard(stems[u.uid], o) for o in said_stems), default=0.0)

            for sid in sections:
                said = sum(self.by_id[c].words for c in chosen if self.by_id[c].section_id == sid)
                for u in sorted((u for u in ranked if u.section_id == sid and u.uid not in chosen),
                                key=lambda u: (-novel(u), u.order)):
                    pack = self._pack(u.uid, chosen)
                    if pack and total + self._words(pack) <= budget * 1.04:
                        # a section thin after the addition goes first: a whole list offered by a thin section
                        # (go-race-detector.html's GORACE options, 100 words) waits for the others' sentences
                        offers.append(((said + self._words(pack)) // 45, -u.rank, u.order, pack))
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
            removable = [u for u in reversed(ranked) if u.uid in chosen and u.uid not in keep and u.group is None
                         and not any(self.by_id[o].needs == u.uid for o in chosen)
                         and sum(1 for o in chosen if self.by_id[o].section_id == u.section_id) > 1]
            if not removable:
                break
            chosen.discard(removable[0].uid)
            total -= removable[0].words
        return chosen

    # -- the spoken frame -------------------------------------------------------------------
    def _lower_title(self, title: str) -> str:
        """A heading as said inside a sentence: "Training Results" -> "training results". Every word
        of a Title Case heading is lowered, the first word of any other; never an acronym (CSV,
        MIME), a word with a capital inside (JavaScript) or a name the document writes capitalised
        mid-sentence."""
        words_ = title.split()
        bare = [w.strip(",:;()\"'") for w in words_]
        content = [w for w in bare if w and w.lower() not in TITLE_SMALL_WORDS]
        title_case = len(content) >= 2 and all(w[0].isupper() or not w[0].isalpha() for w in content)
        for k, word in enumerate(bare):
            if not word or not (k == 0 or title_case) or not word[0].isupper():
                continue
            if word == "A" and title_case:  # the article, which the capital-before-lower rule below misses
                words_[k] = words_[k].replace("A", "a", 1)
                continue
            if (len(word) > 1 and word.isupper()) or word in self.proper or \
                    any(c.isupper() for part in word.split("-") for c in part[1:]):
                continue
            words_[k] = re.sub(r"(?<![\w'])[A-Z](?=[a-z])", lambda m: m.group(0).lower(), words_[k]) if title_case \
                else words_[k].replace(word[0], word[0].lower(), 1)
        return " ".join(words_)

    def _topic(self, title: str) -> str:
        question = title.rstrip().endswith("?")
        # as said: "Why should I use ripgrep?" -> "... should you ...", "the `-f/--file` flag" -> "the file flag"
        title = re.sub(r"^(?:[A-Z]|\d+(?:\.\d+)*)\.?\s+(?=[A-Z])", "", title.strip())  # "B More help", "5.2 Leader"
        title = spk.speakable(title).rstrip(".!?")
        title = title + "?" if question else title
        head = re.split(r"\s*:\s+|\s+[—–-]\s+|\s*—\s*", title, maxsplit=1)[0]  # not at "Best–Practices"
        return self._lower_title(head.strip().rstrip("?").strip()) or title

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
        today = self._lower_title(b.title).rstrip(" .")
        return spk.tidy(f"{greeting} {b.show_name}{clause}.") + f" {who}. Today: {today}" + \
            ("" if today.endswith(("?", "!")) else ".")

    def outro_segments(self) -> list[str]:
        b = self.brief
        title = self._lower_title(b.title).rstrip(" .!")
        if title.endswith("?"):  # a question for a title: "What is rustdoc?"
            wrap = f"And that was our answer to {title}"
        elif re.match(r"^(how|why|what|when|where|who)\b", title, re.I):
            wrap = f"And that's {title}."
        else:
            wrap = f"And that was our look at {title}."
        bye = "Catch you next time!" if re.search(r"playful|fun|casual|cheeky", b.tone, re.I) else \
            "See you next time."
        if self.short:  # a very short episode: one segment to close
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
        if re.fullmatch(r"[a-z]+(?:tion|sion|ment|ance|ence|ity|ure|ness|[^s]s)", topic) and topic in english_words():
            topic = "the " + topic  # a section named by one common noun: "Tell us about the introduction"
        if re.match(r"^(how|why|what|when|where|who|which)\b", topic, re.I):
            if not title.rstrip().endswith("?"):  # "How it works" is no question: "Tell us how it works, Ben."
                return f"Tell us {topic}, {name}."
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
        stop = "?" if title.rstrip().endswith("?") else "."  # "Now, is it really faster than everything else?"
        if last:
            return spk.tidy(f"Finally, {topic}{stop}")
        return spk.tidy(("Next, {t}" if index % 2 else "Now, {t}").format(t=topic) + stop)

    # -- assembly ---------------------------------------------------------------------------
    def _fixed_words(self) -> int:
        n = len(self.outline.sections)
        frame = word_count(self.intro()) + sum(word_count(t) for t in self.outro_segments())
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
        said: set[str] = set()  # a sentence two sources (or two list items) share is said once
        turn = 1 % n_hosts
        for index, section in enumerate(sections):
            units = sorted((u for u in self.units if u.uid in chosen and u.section_id == section.id),
                           key=lambda u: u.order)
            sentences: list[str] = []
            visuals: set[str] = set()
            for u in units:
                if u.uid.startswith("code"):  # a picture's description starts its own segment
                    visuals.add(spk.tidy(u.text))
                    sentences.append(spk.tidy(u.text))
                    continue
                for s in split_sentences(u.text):
                    sentences.extend(split_long(spk.tidy(s), max_words))
            kept = []
            for s in sentences:
                if s and _normalise(s) not in said:
                    kept.append(s)
                    if len(s.split()) >= 4:
                        said.add(_normalise(s))
            sentences = kept
            if not sentences:
                continue
            if n_hosts == 1:
                if index > 0:
                    sentences.insert(0, self.transition(index, index == len(sections) - 1, section.title))
                for chunk in _chunks(sentences, 60, 4, visuals):
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
            for chunk in _chunks(sentences, 45, 2, visuals):
                segments.append((self.hosts[turn].id, chunk, section.id))
                turn = (turn + 1) % n_hosts
        closing = self.outro_segments()
        last = sections[-1].id
        if n_hosts == 1:
            segments.append((self.hosts[0].id, " ".join(closing), last))
        else:
            for text in closing:
                segments.append((self.hosts[turn].id, text, last))
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
        """Draft against the content budget; correct the budget by what the frame really took, and by how
        long the draft's words take to say where that is more than SPOKEN_TOLERANCE over their count
        (spoken_words: a paper's long words take longer). Of the drafts
        tried, the one closest to the target (the earliest on a tie): a budget correction can overshoot
        when a whole sentence comes or goes, and the last draft is then not the best (a half-minute
        episode went 75 -> 99 words, over the duration window, as the correction swung back)."""
        budget = self.budget()
        target = self.brief.target_words
        tried: list[tuple[float, int, Script]] = []
        for attempt in range(3):
            script = draft(budget)
            size = float(script.words)
            spoken = spoken_words(" ".join(s.text for s in script.segments))
            if spoken - size > SPOKEN_TOLERANCE * size:
                size = spoken
            miss = target - size
            tried.append((abs(miss), attempt, script))
            if abs(miss) <= 0.03 * target:
                break
            budget = max(20, budget + round(miss * script.words / max(size, 1.0)))
        return min(tried, key=lambda t: t[:2])[2]

    def _chosen_in(self, script: Script) -> set[str]:
        said = _normalise(" ".join(s.text for s in script.segments))
        chosen = set()
        for u in self.units:
            if u.banned:
                continue
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
        # what the draft said first (each section's topic, the opening, the main lists) stays
        keep: set[str] = {u.uid for u in self.leads() + self._opening() if u.uid in chosen} | \
            {u.uid for members in self._lists() for u in members if u.uid in chosen}
        # missing key points: add the unit that says most of each
        if metrics.get("key_point_coverage", 1.0) < 1.0 or found.missing_key_points:
            for point in found.missing_key_points:
                ps = set(content_stems(point))
                best = max(self.units, key=lambda u: (len(ps & set(content_stems(u.text))), u.rank), default=None)
                if best is not None:
                    pack = self._pack(best.uid, chosen)
                    if self._words(pack) > budget / 3:
                        continue  # a whole list for one point: the draft's selection already weighed it
                    chosen.update(pack)
                    keep.update(pack or [best.uid])
        # near-duplicates: keep the better-ranked sentence of each pair
        if metrics.get("near_duplicate_sentences", 0) or found.duplicate_pairs:
            for a, b in found.duplicate_pairs:
                ua, ub = self._unit_saying(a, chosen), self._unit_saying(b, chosen)
                if ua and ub and ua is not ub and ua.group is None and ub.group is None:
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


_DANGLING_END = re.compile(r"\b(?:because|the following(?: \w+)?|as follows|following|such as|include|includes|"
                           r"are|is|like|namely)$", re.I)


_ASIDES = (
    # a bracketed aside: not a numbered item "(1)" nor an abbreviation being defined "(WSNs)"
    re.compile(r"\s\((?!\d+\))(?![A-Za-z]*[A-Z][A-Za-z]*[A-Z]s?\))[^()]{3,}\)"),
    re.compile(r"\s?—\s?[^—]{3,}?\s?—\s?(?=\w)|\s–\s[^–]{3,}?\s–\s"),  # between dashes, not "1–8"
    re.compile(r",\s(?:which|where|including|such as|for example|for instance|like|especially|"
               r"[a-z]{2,}ing)\b[^;:]*?(?=[.!?]?$)"),  # a trailing relative or participle clause
    re.compile(r"\s?—\s?[^—]{3,}?(?=[.!?]?$)|\s–\s[^–]{3,}?(?=[.!?]?$)"),  # a trailing aside after a dash
)


def compress(text: str, max_words: int, key: Set[str] = frozenset()) -> str:
    """A long sentence said by its claim: asides in brackets or dashes and a trailing relative or participle
    clause left out while it is over max_words, unless the part left out names something of `key` (the title's
    and headings' words) that the rest does not."""
    t = " ".join(text.split())
    for pattern in _ASIDES:
        if word_count(t) <= max_words:
            break
        for match in list(pattern.finditer(t))[::-1]:
            rest = re.sub(r"\s+([,.;:!?])(?=\s|$)", r"\1", " ".join(f"{t[:match.start()]} {t[match.end():]}".split()))
            gone = set(content_stems(match.group(0))) - set(content_stems(rest))
            if word_count(rest) < 6 or gone & key:
                continue
            t = rest
            if word_count(t) <= max_words:
                break
    if t != text.strip() and t[-1:] not in ".!?:":
        t += "."
    return t


def _lead_in(text: str, items: int) -> str:
    """A list's lead-in as a whole sentence before its items: "X is fast because:" -> "X is fast
    for three reasons."; "consists of one or more of the following:" -> "consists of three parts."."""
    t = text.rstrip().rstrip(":").rstrip()
    n = spk.number_word(items)
    t = re.sub(r"\bbecause$", f"for {n} reasons", t)
    t = re.sub(r"\b(consists?|comprises?|is made up) of (?:one or more of )?the following(?: \w+)?$",
               rf"\1 of {n} parts", t)
    t = re.sub(r"\b(?:(?:one or more|any|all|some|each) of )?the following(?: \w+)?$", f"these {n}", t)
    t = re.sub(r"\b(as follows|namely)$", f"{n} in all", t)
    t = re.sub(r"\b(such as|include|includes|are|is|like)$", rf"\1 these {n}", t)
    return t + "."


def _opening_words(text: str) -> str:
    return " ".join(sent.words(text)[:5]).lower()


def _claim(text: str) -> str | None:
    """A sentence's claim before a colon or semicolon that goes on into detail ("Model width, not depth, is the
    primary bottleneck: d=256 eliminates ..."), when it is a whole clause of at least four words."""
    head = re.split(r"[:;]\s", text, maxsplit=1)[0].strip()
    if head == text.strip() or word_count(head) < 4 or _SUBORDINATE.match(head) or sent.leans_back(head) == 2:
        return None
    return head + "."


def _head(text: str, max_words: int = 16) -> str:
    """A list item's head: its first clause, without asides in brackets ("Each field may or may not be
    enclosed in double quotes."); the whole item when it has no clean cut."""
    t = re.sub(r"\s\([^()]*\)", "", text).strip()
    cut = shorten(t.rstrip(" ."), max_words)
    if cut.endswith("…") or word_count(cut) < 3:
        return text
    if _SUBORDINATE.match(cut) and "," not in cut:  # "To the best of our knowledge": an opening, not a head
        cut = shorten(t.rstrip(" ."), max_words + 8)
        if cut.endswith("…") or "," not in cut:
            return text
    return spk.tidy(cut + ".")


def _normalise(text: str) -> str:
    return " ".join(sent.words(text))


def _chunks(sentences: list[str], max_words: int, max_sentences: int, starts: set[str] | None = None) -> list[str]:
    chunks: list[list[str]] = []
    for s in sentences:
        if chunks and s not in (starts or ()) and len(chunks[-1]) < max_sentences and \
                sum(word_count(x) for x in chunks[-1]) + word_count(s) <= max_words:
            chunks[-1].append(s)
        else:
            chunks.append([s])
    return [" ".join(c) for c in chunks]
