"""A scene's visual beats: what is on screen at each moment of its narration.

The storyboard plans them (`plan_beats`) from the scene, the document's elements that belong to
it (figures, quotes) and where the narration comes to each; scene_image draws one still per
beat and scene_clip times each from the voice's measured timings. A beat is anchored to a word
of a segment, so the picture changes as the words are said:

- the episode opens on a title card, a new section on a chapter card;
- a key point appears when the sentence that says it begins (points build up, the newest marked);
- a figure appears where the narration comes to it; a number said becomes a big-number card;
  a quote from the document a quote card with its attribution;
- a listing appears when the narration describes it, then steps through its lines (the lines
  under discussion highlighted; a long listing pages across beats instead of shrinking);
  a table is drawn as a table, and a numeric table as a chart as well; a Graphviz block as its
  diagram;
- no stretch of narration much longer than PACE_S goes without a change: the sentence being
  said becomes the next point;
- when the speaker changes, the picture is drawn again with the new host's name.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from showrunner.artifacts import Beat, Block, Brief, Scene
from showrunner.writing import speakable as spk
from showrunner.writing.outline import key_point, shorten
from showrunner.writing.sentences import content_stems, split_sentences

FIGURE_HOLD_S = 6.0  # a figure is on screen at least this long (by the narration's words)
PACE_S = 4.5  # a new picture at the next sentence once the current one has been up this long
WORDS_PER_SECOND = 2.5
POINT_WORDS = 14
CODE_STEP_LINES = 8  # a listing moves on by about this many lines a step
PAGE_MIN_S = 3.5  # ...and each of its pages is up at least this long (by the narration's words)
AGENDA = 5  # a chapter card lists at most this many of the episode's parts
DIAGRAM_LANGUAGES = {"dot", "graphviz", "gv"}
_NUMBER = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s?%| per ?cent\b)?(?![\w.])")
_SIGNPOST = re.compile(r"^(?:so|and|next|now|thanks|thank you|see you|welcome|tell us|over to)\b", re.I)


@dataclass(frozen=True)
class Element:
    """A document element placed in a scene: shown from `word` of `segment_id` on."""

    kind: str  # figure | quote
    segment_id: str
    word: int
    text: str  # the caption or the quote
    label: str = ""  # the attribution
    path: str | None = None
    element: str = ""
    page: int | None = None  # a PDF figure: its page and area (points, origin bottom left)
    region: tuple[float, ...] | None = None


@dataclass
class _Sentence:
    seg: int
    segment_id: str
    word: int
    text: str
    start_s: float
    stems: set[str]
    clause: bool = False  # a clause of a long sentence, not its beginning


LONG_WORDS = 22  # a sentence longer than this is taken as its clauses (a picture may change at a clause)
_CLAUSE = re.compile(r"[,;:\u2014]\s+")


def _clauses(sentence: str) -> list[str]:
    """A long sentence cut at the clause mark nearest its middle, each part at least 8 words, again
    while a part is long; a short one as it is."""
    words = sentence.split()
    if len(words) <= LONG_WORDS:
        return [sentence]
    cuts = [m.end() for m in _CLAUSE.finditer(sentence)
            if len(sentence[:m.end()].split()) >= 8 and len(sentence[m.end():].split()) >= 8]
    if not cuts:
        return [sentence]
    cut = min(cuts, key=lambda at: abs(len(sentence[:at].split()) - len(words) / 2))
    return [*_clauses(sentence[:cut].rstrip()), *_clauses(sentence[cut:])]


def _sentences(scene: Scene) -> list[_Sentence]:
    out: list[_Sentence] = []
    clock = 0.0
    for k, segment in enumerate(scene.segments):
        text, cursor = segment.text, 0
        for sentence, clause in [(c, n > 0) for s in split_sentences(text) or [text]
                                 for n, c in enumerate(_clauses(s))]:
            at = text.find(sentence, cursor)
            at = cursor if at < 0 else at
            word = len(text[:at].split())
            out.append(_Sentence(k, segment.id, word, sentence, clock + word / WORDS_PER_SECOND,
                                 set(content_stems(sentence)), clause))
            cursor = at + len(sentence)
        clock += len(text.split()) / WORDS_PER_SECOND + 0.4
    return out


def scene_beats(scene: Scene) -> list[Beat]:
    """The scene's beats as the storyboard recorded them (a scene without any: planned from its text)."""
    return list(scene.beats) or plan_beats(scene, opening=None)


def plan_beats(scene: Scene, *, opening: str | None, chapter: int = 0, elements: tuple[Element, ...] = (),
               show: str = "", episode_title: str = "", hosts: tuple[str, ...] = (),
               agenda: tuple[str, ...] = (), closing: bool = False, tagline: tuple[str, ...] = ()) -> list[Beat]:
    """The scene's beats in order. `opening`: 'title' (the episode's first scene), 'chapter' (a
    new section) or None; `closing`: the episode's last scene (its goodbye names the show: the show's
    card, with `tagline` under its name)."""
    sentences = _sentences(scene)
    planned: list[Beat] = []
    taken: set[int] = set()  # sentences that already bring a picture
    heading = scene.title.removesuffix(", continued")

    def at(i: int, beat: Beat) -> None:
        planned.append(beat)
        taken.add(i)

    first = scene.segments[0].id
    floor = 0 if opening is None else 1  # the first sentence a key point may come at
    if opening == "title":
        title = Beat(kind="title", segment_id=first, heading=episode_title or scene.title, text=show,
                     label=" and ".join(hosts), points=list(agenda))
        greeting = _greeting(sentences, show, hosts)
        # while the show is named: the show's card (its name and what it is); the episode's title
        # card (its title, its parts, its hosts) as the hosts name themselves, or else as the
        # narration turns to the topic ("Today: ...")
        turn = next((i for i in range(1, greeting) if any(f"I'm {h}" in sentences[i].text for h in hosts)
                     and sentences[i].start_s >= MIN_HOLD_S), greeting)
        if 0 < turn < len(sentences) and sentences[turn].start_s >= MIN_HOLD_S:
            at(0, Beat(kind="title", segment_id=first, heading=show, label=" and ".join(hosts),
                       points=_tagline(sentences[:turn], show) or list(agenda)))
            s = sentences[turn]
            at(turn, title.model_copy(update={"segment_id": s.segment_id, "word": s.word}))
            taken.update(range(turn, greeting + 1))  # the title card is what "Today: ..." says
            floor = greeting + 1
        else:
            at(0, title)
    elif opening == "chapter":
        # the episode's parts with this one among them (a map of where we are), or the part's points
        parts = list(agenda) if heading in agenda else [shorten(p, 8, min_words=3) for p in scene.bullets[:3]]
        at(0, Beat(kind="chapter", segment_id=first, heading=heading, text=f"Part {chapter}" if chapter else "",
                   points=parts))

    def sentence_of(segment_id: str, word: int) -> int:
        here = (_seg_index(scene, segment_id), word)
        return max((i for i, s in enumerate(sentences) if (s.seg, s.word) <= here), default=0)

    # the listing (code, table, diagram): from the sentence that describes it to the scene's end
    code_from = len(sentences)
    if scene.code:
        code_from = _described_at(scene, sentences)
        for beat in _code_beats(scene, sentences, code_from, heading):
            at(sentence_of(beat.segment_id, beat.word), beat)
    for element in elements:
        i = sentence_of(element.segment_id, element.word)
        at(i, Beat(kind="figure" if element.kind == "figure" else "quote", segment_id=element.segment_id,
                   word=element.word, heading=heading,
                   text=element.text, label=element.label, path=element.path, element=element.element,
                   page=element.page, region=list(element.region) if element.region else None))

        # a figure stays while the narration is about it: nothing else comes for FIGURE_HOLD_S
        taken.update(j for j in range(i + 1, len(sentences))
                     if sentences[j].start_s - sentences[i].start_s < FIGURE_HOLD_S)

    # the key points, each where the narration says it (in order, never before the last one)
    for point in scene.bullets:
        stems = set(content_stems(point))
        candidates = [i for i in range(floor, min(code_from, len(sentences))) if i not in taken]
        if not candidates:
            break
        best = max(candidates, key=lambda i: (len(stems & sentences[i].stems) / max(len(stems), 1), -i))
        s = sentences[best]
        number = _number_in(s.text)
        if number:
            at(best, Beat(kind="number", segment_id=s.segment_id, word=s.word, heading=heading, text=number,
                          label=point))
        else:
            at(best, Beat(kind="points", segment_id=s.segment_id, word=s.word, heading=heading, points=[point]))
        floor = best + 1

    # numbers said, then the pace: a sentence that comes long after the last change becomes a point
    last = -PACE_S
    for i, s in enumerate(sentences[:code_from]):
        if i in taken:
            last = s.start_s
            continue
        number = _number_in(s.text)
        signpost = bool(_SIGNPOST.match(s.text)) and not s.clause
        quiet = s.text.rstrip().endswith("?") or len(s.text.split()) < 5 or signpost \
            or _greets(s.text, show, hosts)
        if number and not quiet:
            at(i, Beat(kind="number", segment_id=s.segment_id, word=s.word, heading=heading, text=number,
                       label=key_point(s.text, POINT_WORDS)))
        elif i == 0 and quiet:  # (a sentence already showing something was skipped above)
            # a scene that opens on a question or a signpost: the question is the card; a greeting or
            # a word or two leaves the part's name up
            question = len(s.text.split()) >= 5 and not _greets(s.text, show, hosts) \
                and key_point(s.text, POINT_WORDS).strip()
            at(i, Beat(kind="points", segment_id=s.segment_id, word=s.word, heading=heading,
                       points=[key_point(s.text, POINT_WORDS)]) if question else _part_card(scene, heading))
        elif s.start_s - last >= PACE_S and not quiet:
            at(i, Beat(kind="points", segment_id=s.segment_id, word=s.word, heading=heading,
                       points=[key_point(s.text, POINT_WORDS)]))
        else:
            continue
        last = s.start_s
    if not any((_seg_index(scene, b.segment_id), b.word) == (0, 0) for b in planned):
        planned.append(_part_card(scene, heading))
    if closing and show:
        planned = _end_card(scene, sentences, planned, show, hosts, tagline)

    planned = _one_per_moment(scene, sentences, planned)
    planned = _one_per_moment(scene, sentences, _clear_of_cards(scene, sentences, planned))  # (a moved one may clash)
    planned = _paced(scene, sentences, _steady(scene, planned), show=show, hosts=hosts)
    beats: list[Beat] = []
    said: list[str] = []
    for beat in planned:
        if beat.kind == "points":
            said = [*said, *beat.points][-4:]
            beat = beat.model_copy(update={"points": said})
        elif beat.kind not in ("title", "chapter"):
            said = []
        beats.append(beat)
    return _with_speakers(scene, beats)


def _end_card(scene: Scene, sentences: list[_Sentence], planned: list[Beat], show: str, hosts: tuple[str, ...],
              tagline: tuple[str, ...]) -> list[Beat]:
    """The show's card as the goodbye names the show ('Thanks for listening to Plain Circuits'), when
    what is up before it has been up MIN_HOLD_S: the closing line held 12.9 s, or a figure stayed up
    over the goodbye with the next host's name. A key point or number planned over the goodbye goes."""
    starts, _ = _clock(scene)
    bye = next((s for i, s in enumerate(sentences) if i > 0 and show in s.text and not s.clause), None)
    if bye is None:
        return planned

    def anchor(b: Beat) -> tuple[int, int]:
        return _seg_index(scene, b.segment_id), b.word

    here = (bye.seg, bye.word)
    before = [starts[anchor(b)[0]] + b.word / WORDS_PER_SECOND for b in planned if anchor(b) < here]
    if not before or bye.start_s - max(before) < MIN_HOLD_S:
        return planned
    card = Beat(kind="title", segment_id=bye.segment_id, word=bye.word, heading=show, label=" and ".join(hosts),
                points=list(tagline))
    return [b for b in planned if anchor(b) < here or (b.element and anchor(b) != here)] + [card]


def _greets(text: str, show: str, hosts: tuple[str, ...]) -> bool:
    """Whether a sentence names the show or a host names themself ('I'm Ada')."""
    return bool(show and show in text) or any(f"I'm {h}" in text for h in hosts)


def _greeting(sentences: list[_Sentence], show: str, hosts: tuple[str, ...]) -> int:
    """How many of the scene's first sentences greet (name the show, 'I'm Ada', 'Welcome')."""
    n = 0
    while n < len(sentences) and (_greets(sentences[n].text, show, hosts)
                                  or sentences[n].text.lower().startswith("welcome")):
        n += 1
    return n


def _tagline(greeting: list[_Sentence], show: str) -> list[str]:
    """What the greeting says the show is ('..., short explainers on how software works'), as a point."""
    for s in greeting:
        if show and show in s.text:
            rest = s.text.split(show, 1)[1].strip(" ,.:;!\u2014-")
            if len(rest.split()) >= 3:
                return [shorten(rest[0].upper() + rest[1:], POINT_WORDS, min_words=3)]
    return []


def _one_per_moment(scene: Scene, sentences: list[_Sentence], planned: list[Beat]) -> list[Beat]:
    """The beats in order, one per moment: of two at the same word only the later would be seen, so
    a document's figure or quote is kept over anything else, and one that falls on a title or
    chapter card comes at the next sentence instead (or takes the card's place when none follows)."""
    def anchor(b: Beat) -> tuple[int, int]:
        return _seg_index(scene, b.segment_id), b.word

    beats = sorted(planned, key=anchor)
    for _ in range(len(beats) + 1):
        clash = next((k for k in range(1, len(beats)) if anchor(beats[k - 1]) == anchor(beats[k])), None)
        if clash is None:
            break
        a, b = beats[clash - 1], beats[clash]
        element, other = (a, b) if a.element and not b.element else (b, a)
        later = [x for x in sentences if (x.seg, x.word) > anchor(element)]
        if a.element and b.element:  # two of the document's figures: the second comes next
            element = b
            if not later:  # the scene's last sentence: the second comes half way through what is left of it
                seg, word = anchor(b)
                left = len(scene.segments[seg].text.split()) - word
                if left >= 2:
                    beats = sorted([x for x in beats if x is not b] + [b.model_copy(update={"word": word + left // 2})],
                                   key=anchor)
                    continue
        if element.element and later and (other.kind in ("title", "chapter") or other.element):
            # at the first sentence that leaves the card up MIN_HOLD_S, or the next one
            here = next(x.start_s for x in sentences if (x.seg, x.word) == anchor(other)) if any(
                (x.seg, x.word) == anchor(other) for x in sentences) else later[0].start_s
            to = next((x for x in later if x.start_s - here >= MIN_HOLD_S), later[0])
            moved = element.model_copy(update={"segment_id": to.segment_id, "word": to.word})
            beats = sorted([x for x in beats if x is not element] + [moved], key=anchor)
        else:
            beats = [x for x in beats if x is not other]
    return beats


def _clear_of_cards(scene: Scene, sentences: list[_Sentence], beats: list[Beat]) -> list[Beat]:
    """A document's figure or quote that would end a title or chapter card within MIN_HOLD_S comes
    at the first sentence that leaves the card up that long (when the scene has one)."""
    starts, _ = _clock(scene)

    def time_of(beat: Beat) -> float:
        return starts[_seg_index(scene, beat.segment_id)] + beat.word / WORDS_PER_SECOND

    out = list(beats)
    for k in range(1, len(out)):
        card, element = out[k - 1], out[k]
        if card.kind in ("title", "chapter") and element.element and time_of(element) - time_of(card) < MIN_HOLD_S:
            taken = {(_seg_index(scene, b.segment_id), b.word) for b in out if b.element}
            to = next((x for x in sentences if x.start_s - time_of(card) >= MIN_HOLD_S
                       and (x.seg, x.word) not in taken), None)
            if to is not None:
                out[k] = element.model_copy(update={"segment_id": to.segment_id, "word": to.word})
    return sorted(out, key=lambda b: (_seg_index(scene, b.segment_id), b.word))


HOLD_S = 6.5  # no picture stays longer than this (by the narration's words) while a sentence could change it
FIGURE_HOLD_MAX_S = 10.0  # a figure may stay this long while the narration is about it
MIN_HOLD_S = 2.5  # a change this close to another is not made: no picture flickers past
INTO_WORDS = 3  # a long hold may be split this many words into a sentence that begins too soon to split it at


def _clock(scene: Scene) -> tuple[list[float], float]:
    """When each segment begins and when the scene ends, by its words (as _sentences counts)."""
    starts, clock = [], 0.0
    for segment in scene.segments:
        starts.append(clock)
        clock += len(segment.text.split()) / WORDS_PER_SECOND + 0.4
    return starts, clock


def _steady(scene: Scene, planned: list[Beat]) -> list[Beat]:
    """No picture up for less than MIN_HOLD_S: of two beats that close, a key point or number gives
    way (a point to the next point, which then brings both), else a listing's step that shows the
    same lines again; a card, a figure, a quote, a listing's first showing or a new page stay."""
    starts, end = _clock(scene)

    def time_of(beat: Beat) -> float:
        return starts[_seg_index(scene, beat.segment_id)] + beat.word / WORDS_PER_SECOND

    def yields(beats: list[Beat], k: int) -> bool:
        beat = beats[k]
        if beat.kind in ("points", "number"):
            return True
        before = beats[k - 1] if k > 0 else None
        return beat.kind in ("code", "table", "chart") and before is not None and before.kind in (
            "code", "table", "chart") and before.text == beat.text and before.rows == beat.rows and (
            beat.kind != "code" or before.highlight == beat.highlight or beat.text.count("\n") < CODE_STEP_LINES)

    beats = list(planned)
    for _ in range(len(planned) + 1):
        times = [time_of(b) for b in beats]
        ends = [*times[1:], end]
        short = next((k for k in range(len(beats)) if len(beats) > 1 and ends[k] - times[k] < MIN_HOLD_S
                      and (yields(beats, k) or (k + 1 < len(beats) and yields(beats, k + 1)))), None)
        if short is None:
            break
        k = short if yields(beats, short) else short + 1
        gone = beats.pop(k)
        if gone.kind == "points" and k < len(beats) and beats[k].kind == "points" and k == short:
            beats[k] = beats[k].model_copy(update={"points": [*gone.points, *beats[k].points]})
        if k == 0 and beats:  # the scene's first picture is up from its first word
            beats[0] = beats[0].model_copy(update={"segment_id": scene.segments[0].id, "word": 0})
    return beats


def _paced(scene: Scene, sentences: list[_Sentence], planned: list[Beat], *, show: str,
           hosts: tuple[str, ...]) -> list[Beat]:
    """Split every hold longer than HOLD_S (a figure: FIGURE_HOLD_MAX_S) at the sentence nearest its
    middle that leaves MIN_HOLD_S on both sides (as it begins, or a few words into it): a listing,
    table or chart stays with its caption following what is said; any other picture gives way to the
    sentence as a key point."""
    starts, end = _clock(scene)

    def time_of(beat: Beat) -> float:
        return starts[_seg_index(scene, beat.segment_id)] + beat.word / WORDS_PER_SECOND

    def usable(s: _Sentence) -> bool:
        return len(s.text.split()) >= 5 and bool(key_point(s.text, POINT_WORDS).strip()) \
            and not _greets(s.text, show, hosts)

    def start(s: _Sentence, begin: float, finish: float, inside: bool) -> tuple[float, int] | None:
        """When, and at which of its first words, the sentence may change a picture up from `begin` to
        `finish`: as it begins, or (`inside`) a few words in where it begins too soon after the picture
        came (a chapter card's question of two seconds, then one long sentence, held the card 13.6 s)."""
        for w in range(min(len(s.text.split()) // 3, INTO_WORDS) + 1 if inside else 1):
            at = s.start_s + w / WORDS_PER_SECOND
            if at > finish - MIN_HOLD_S:
                return None
            if at >= begin + MIN_HOLD_S:
                return at, w
        return None

    beats = list(planned)
    for _ in range(4 * len(sentences) + 4):
        times = [time_of(b) for b in beats]
        ends = [*times[1:], end]
        split = None
        for k, beat in enumerate(beats):
            limit = FIGURE_HOLD_MAX_S if beat.kind in ("figure", "diagram") else HOLD_S
            if ends[k] - times[k] <= limit:
                continue
            middle = (times[k] + ends[k]) / 2
            inside = [(s, *when) for s in sentences if usable(s)
                      # (not into the episode's title card's 'Today: ...': a point there would say the title again)
                      and (when := start(s, times[k], ends[k], beat.kind != "title")) is not None
                      and (s.segment_id, s.word + when[1]) != (beat.segment_id, beat.word)]
            if inside:
                split = k, min(inside, key=lambda x: abs(x[1] - middle))
                break
        if split is None:
            break
        k, (s, _, offset) = split
        beat, point = beats[k], key_point(s.text, POINT_WORDS)
        anchor = {"segment_id": s.segment_id, "word": s.word + offset}
        if beat.kind in ("code", "table"):
            new = beat.model_copy(update={**anchor, "points": [point]})
        elif beat.kind == "chart":  # back to the table, its caption what is said now
            new = beat.model_copy(update={**anchor, "kind": "table", "label": "", "points": [point]})
        else:
            new = Beat(kind="points", heading=beat.heading if beat.kind not in ("title", "chapter")
                       else scene.title.removesuffix(", continued"), points=[point], segment_id=s.segment_id,
                       word=s.word + offset)
        beats.insert(k + 1, new)
    return beats


def _part_card(scene: Scene, heading: str) -> Beat:
    """While the scene's opening words say nothing to show: the part's name with what it goes
    through (a chapter card without its number), or its name alone when it has no points."""
    parts = [shorten(p, 8, min_words=3) for p in scene.bullets[:3]]
    if parts:
        return Beat(kind="chapter", segment_id=scene.segments[0].id, heading=heading, points=parts)
    return Beat(kind="points", segment_id=scene.segments[0].id, heading=heading, points=[])


def _seg_index(scene: Scene, segment_id: str) -> int:
    return next(k for k, s in enumerate(scene.segments) if s.id == segment_id)


_NOT_COUNTED = {"http", "https", "sha", "md", "python", "version", "release", "port", "ipv", "utf", "iso", "rfc",
                "pep", "es", "c", "x", "v", "step", "page", "line", "chapter", "part", "section", "figure", "table"}


_LEADS = {"in", "by", "since", "around", "about", "over", "under", "only", "just", "nearly", "almost", "all", "some",
          "with", "after", "before", "from", "until", "for", "at", "on", "of", "to", "than", "roughly", "up",
          "the", "and", "but", "so", "then", "now", "today", "each", "every", "another", "its", "their", "those",
          "these", "both", "first", "last", "our", "we", "it", "they", "there", "here", "less", "more"}


def _number_in(sentence: str) -> str | None:
    """A number worth a card: a year, a percentage, or a count of something ('16 connections');
    not a name's number (SHA-256, HTTP/1.1, Python 3.9, port 8080, version 2)."""
    for match in _NUMBER.finditer(sentence):
        text = match.group(0)
        before = sentence[:match.start()]
        word_before = re.findall(r"([A-Za-z]+)[\s/-]*$", before)
        if before[-1:] in ("-", "/", ".", "v") or (word_before and (word_before[0].lower() in _NOT_COUNTED
                                                                    or word_before[0].isupper())):
            continue
        if word_before and word_before[0][:1].isupper() and word_before[0].lower() not in _LEADS \
                and before.rstrip().endswith(word_before[0]):
            continue  # a name's number: 'Round 1', 'Go 1', 'Windows 10' (not 'In 1976')
        after = sentence[match.end():]
        if "%" in text or "cent" in text:
            return text.replace(" per cent", "%").replace(" percent", "%").replace(" %", "%")
        if re.fullmatch(r"1[5-9]\d\d|20\d\d", text):
            return text  # a year
        if "." not in text and re.match(r"\s+(?!(?:and|or|to|of|in|on|is|was|for|the|from|with|at|by|are|were|has|had|"
                                        r"have|that|which|but|as|so|if|then|than)\b)[a-z]{3,}", after):
            return text  # a count of something
    return None


def _described_at(scene: Scene, sentences: list[_Sentence]) -> int:
    """The sentence where the narration comes to the scene's listing, table or diagram."""
    assert scene.code is not None
    description = set(content_stems(spk.describe_code(scene.code, scene.code_language)))
    for i, s in enumerate(sentences):
        if "on screen" in s.text.lower() or (description and len(description & s.stems) >= 0.6 * len(description)):
            return i
    names = {w for n in re.findall(r"\b(?:def|class|function|fn|func|struct|rule)\s+([A-Za-z_]\w*)", scene.code)
             for w in content_stems(spk.identifier_words(n))}
    for i, s in enumerate(sentences):
        if names and names <= s.stems:
            return i
    return min(1, len(sentences) - 1)


def _line_words(line: str) -> set[str]:
    return set(content_stems(" ".join(spk.identifier_words(t) for t in re.findall(r"[A-Za-z_]\w+", line))))


def _code_beats(scene: Scene, sentences: list[_Sentence], start: int, heading: str) -> list[Beat]:
    """The listing as a sequence of steps: each highlights the lines its sentence talks about, or
    the next few lines; a table is a table (and a chart when its numbers allow); Graphviz its diagram."""
    assert scene.code is not None
    language = (scene.code_language or "").lower()
    start = min(start, len(sentences) - 1)
    s = sentences[start]
    paced: list[int] = []  # the sentences from the describing one on, one each PACE_S at least
    for i in range(start, len(sentences)):
        if not paced or sentences[i].start_s - sentences[paced[-1]].start_s >= PACE_S:
            paced.append(i)
    if language == "table":
        # the table, its caption following what is said; a numeric table as a chart at the next step
        rows = spk.table_rows(scene.code)
        chart = numeric_column(rows) is not None
        if chart and len(paced) < 2:
            later = _later_anchor(scene, sentences, start)
            here = (_seg_index(scene, later[0]), later[1])
            paced.append(max(i for i, x in enumerate(sentences) if (x.seg, x.word) <= here))
        beats = []
        for j, i in enumerate(paced):
            x = sentences[i]
            point = key_point(x.text, POINT_WORDS)
            if chart and j == 1:
                beats.append(Beat(kind="chart", segment_id=x.segment_id, word=x.word, heading=heading, rows=rows,
                                  label=point))
            else:
                beats.append(Beat(kind="table", segment_id=x.segment_id, word=x.word, heading=heading, rows=rows,
                                  points=[point] if j else []))
        return beats
    if language in DIAGRAM_LANGUAGES:
        return [Beat(kind="diagram", segment_id=s.segment_id, word=s.word, heading=heading, text=scene.code,
                     label=language)]
    lines = scene.code.expandtabs(4).rstrip("\n").split("\n")
    if language == "diagram":  # terminal art: drawn as it is, no steps
        return [Beat(kind="code", segment_id=s.segment_id, word=s.word, heading=heading, text=scene.code,
                     label="")]
    # a page is up at least PAGE_MIN_S: a listing the narration passes quickly takes fewer,
    # longer pages (its lines drawn smaller, never below the minimum, or paged by the drawing)
    _, end = _clock(scene)
    fit = max(1, int((end - sentences[start].start_s) // PAGE_MIN_S))
    step = max(CODE_STEP_LINES, math.ceil(len(lines) / fit))
    pages = max(1, math.ceil(len(lines) / step))
    # where each step begins: at the paced sentences (the caption follows what is said); a listing
    # with more pages than that spreads its pages over the words from the describing sentence on
    positions = [(sentences[i].segment_id, sentences[i].word) for i in paced] if len(paced) >= pages \
        else _spread(scene, sentences, start, pages)
    beats = []
    for k, (segment_id, word) in enumerate(positions):
        said = _sentence_text(scene, segment_id, word)
        named = [n + 1 for n, line in enumerate(lines) if line.strip() and _line_words(line) & set(content_stems(said))
                 and len(_line_words(line) & set(content_stems(said))) >= 2]
        page = min(k * pages // len(positions), pages - 1)
        chunk = list(range(page * step + 1, min((page + 1) * step, len(lines)) + 1))
        highlight = [n for n in named if n in chunk] or (chunk if pages > 1 else named)
        here = (_seg_index(scene, segment_id), word)
        sentence = max((x for x in sentences if (x.seg, x.word) <= here), key=lambda x: (x.seg, x.word))
        beats.append(Beat(kind="code", segment_id=segment_id, word=word, heading=heading, text=scene.code,
                          label=spk.language_name(scene.code_language) or "", highlight=highlight,
                          points=[key_point(sentence.text, POINT_WORDS)]))
    return beats


def _sentence_text(scene: Scene, segment_id: str, word: int) -> str:
    text = scene.segments[_seg_index(scene, segment_id)].text
    return " ".join(text.split()[word:word + 30])


def _spread(scene: Scene, sentences: list[_Sentence], start: int, steps: int) -> list[tuple[str, int]]:
    """`steps` anchors from sentence `start` to the scene's end, evenly by words."""
    words = [(seg.id, w) for seg in scene.segments[sentences[start].seg:] for w in range(len(seg.text.split()))]
    skip = sentences[start].word
    words = words[skip:] or [(sentences[start].segment_id, sentences[start].word)]
    return [words[min(len(words) - 1, round(k * len(words) / steps))] for k in range(steps)]


def _later_anchor(scene: Scene, sentences: list[_Sentence], start: int) -> tuple[str, int]:
    if start + 1 < len(sentences):
        return sentences[start + 1].segment_id, sentences[start + 1].word
    return _spread(scene, sentences, start, 2)[1]


def numeric_column(rows: list[list[str]]) -> int | None:
    """The first column after the labels whose body cells are all numbers (two rows or more)."""
    if len(rows) < 3:
        return None
    for c in range(1, len(rows[0])):
        cells = [r[c] if c < len(r) else "" for r in rows[1:]]
        if all(parse_number(x) is not None for x in cells):
            return c
    return None


def parse_number(cell: str) -> float | None:
    text = cell.strip().replace(",", "").rstrip("%").strip()
    for unit in ("ms", "s", "x", "MB", "GB", "KB"):
        text = text.removesuffix(unit).strip()
    try:
        return float(text)
    except ValueError:
        return None


def _with_speakers(scene: Scene, beats: list[Beat]) -> list[Beat]:
    """A beat again, unchanged but for the host's name, where the speaker changes inside it."""
    speaker = {s.id: s.speaker for s in scene.segments}
    out: list[Beat] = []
    for k, segment in enumerate(scene.segments):
        mine = [b for b in beats if b.segment_id == segment.id]
        if k > 0 and out and not any(b.word == 0 for b in mine) and speaker[out[-1].segment_id] != segment.speaker \
                and out[-1].kind not in ("title",):
            out.append(out[-1].model_copy(update={"segment_id": segment.id, "word": 0}))
        out.extend(mine)
    return out


# --- the episode: openings, and the document's figures and quotes placed where they are said ---


def plan_episode(scenes: list[Scene], brief: Brief, sources_root: str = "") -> list[Scene]:
    """Every scene with its beats: the first opens on the title card, a new section on its chapter
    card; each local figure and each quote of the sources shown where the narration comes to it."""
    placed = _place_elements(scenes, brief)
    out: list[Scene] = []
    chapter = 0
    hosts = tuple(h.name for h in brief.hosts)
    parts = [s.title for k, s in enumerate(scenes) if k == 0 or scenes[k - 1].section_id != s.section_id]
    named = [t for t in parts[1:] if t.lower() not in ("overview", "introduction")]
    first = _sentences(scenes[0]) if scenes else []
    tagline = tuple(_tagline(first[:_greeting(first, brief.show_name, hosts)], brief.show_name))
    for k, scene in enumerate(scenes):
        new_section = k == 0 or scenes[k - 1].section_id != scene.section_id
        chapter += 1 if new_section else 0
        opening = "title" if k == 0 else "chapter" if new_section else None
        here = parts.index(scene.title) if opening == "chapter" and scene.title in parts else 0
        window = parts[max(0, min(here - 2, len(parts) - AGENDA)):][:AGENDA]  # this part among its neighbours
        beats = plan_beats(scene, opening=opening, chapter=chapter, elements=tuple(placed.get(scene.index, ())),
                           show=brief.show_name, episode_title=brief.title, hosts=hosts,
                           agenda=tuple(named[:4] or [shorten(p, 8, min_words=3) for p in scene.bullets[:3]])
                           if k == 0 else tuple(window) if opening == "chapter" else (),
                           closing=k == len(scenes) - 1 and k > 0, tagline=tagline)
        out.append(scene.model_copy(update={"beats": beats}))
    return out


def _free_of_cards(scenes: list[Scene], k: int, show: str, hosts: tuple[str, ...]) -> list[_Sentence]:
    """The sentences of scenes[k] where a document's figure can come: not a greeting, not what the
    episode's title card covers (the greeting and the sentence after it), not the words of a new part
    said while its chapter card has been up less than MIN_HOLD_S."""
    sentences = _sentences(scenes[k])
    greeting = _greeting(sentences, show, hosts) + 1 if k == 0 else 0
    card = k > 0 and scenes[k - 1].section_id != scenes[k].section_id  # (the first scene's card: its greeting)
    return [s for i, s in enumerate(sentences) if i >= greeting and not (card and s.start_s < MIN_HOLD_S)
            and not _greets(s.text, show, hosts)]


_LABEL = re.compile(r"^\s*(fig(?:ure)?\.?|table|algorithm|listing)\s*(\d+)\b", re.I)
_ROLE = {"caption": 2.0, "cited": 1.5, "near": 0.75, "heading": 0.5}  # how much a word of each says what a figure shows


def _cited_by(label: re.Match[str] | None, text: str) -> bool:
    """Whether a paragraph names the figure ('as Figure 3 shows', 'Fig. 3', 'Table 3')."""
    if label is None:
        return False
    kind = label.group(1).lower().rstrip(".")
    names = r"fig(?:ure|s?\.)?s?" if kind.startswith("fig") else re.escape(kind) + "s?"
    return re.search(rf"\b{names}\s*{label.group(2)}\b(?!\.\d)", text, re.I) is not None


def figure_words(blocks: list, n: int) -> dict[str, float]:
    """What the document's figure at blocks[n] is about, each content word weighted by where it is
    said: its caption most, then the paragraphs that cite it by number, the paragraphs either side
    of it, and its section's heading least."""
    block = blocks[n]
    label = _LABEL.match(block.text)
    heading = next((b.text for b in reversed(blocks[:n]) if b.kind == "heading"), "")
    before = next((b.text for b in reversed(blocks[:n]) if b.kind == "paragraph"), "")
    after = next((b.text for b in blocks[n + 1:] if b.kind == "paragraph"), "")
    cited = " ".join(b.text for k, b in enumerate(blocks) if k != n and b.kind in ("paragraph", "list")
                     and _cited_by(label, b.text))
    weights: dict[str, float] = {}
    for role, text in (("heading", heading), ("near", f"{before} {after}"), ("cited", cited), ("caption", block.text)):
        for stem in content_stems(text):
            weights[stem] = max(weights.get(stem, 0.0), _ROLE[role])
    for generic in ("figur", "fig", "tabl", "algorithm", "listing"):
        weights.pop(generic, None)
    return weights


def _place_elements(scenes: list[Scene], brief: Brief) -> dict[int, list[Element]]:
    """Each local figure at the sentence whose narration best matches what it shows (its caption, the
    paragraphs that cite it, those around it; words the whole episode keeps saying count less),
    each at a sentence of its own while there are sentences enough, so every figure is shown and
    none hides another; each quote where the narration says it."""
    hosts = [h.name for h in brief.hosts]
    # a greeting ("I'm Ada", the show's name) is no place for a figure, nor a sentence a card covers: the
    # title card's ("Today: ...") or a part's opening words under its chapter card (a figure matched to
    # "And scaling experiments, Ben?" was moved past the card onto a clause about something else)
    show = brief.show_name
    sentences = [(scene, s) for k, scene in enumerate(scenes) for s in _free_of_cards(scenes, k, show, tuple(hosts))] \
        or [(scene, s) for scene in scenes for s in _sentences(scene) if not (show and show in s.text)
            and not any(f"I'm {h}" in s.text for h in hosts)]  # (an episode too short for that: any but a greeting)
    if not sentences:
        return {}
    # what is said while a figure placed at a sentence would be up: that sentence and those within
    # FIGURE_HOLD_S after it in its scene
    window: dict[tuple[int, str, int], set[str]] = {}
    for scene in scenes:
        mine = [s for sc, s in sentences if sc is scene]
        for k, s in enumerate(mine):
            window[(scene.index, s.segment_id, s.word)] = set().union(
                *(x.stems for x in mine[k:] if x.start_s - s.start_s < FIGURE_HOLD_S))
    # a word most sentences say tells little about which one a figure belongs to
    said = [s.stems for _, s in sentences]
    rarity = {w: math.log(1 + len(said) / sum(1 for x in said if w in x)) for w in set().union(*said)}

    def key(item: tuple[Scene, _Sentence]) -> tuple[int, str, int]:
        return item[0].index, item[1].segment_id, item[1].word

    figures: list[tuple[str, Block, dict[str, float], set[str]]] = []
    placed: dict[int, list[Element]] = {}
    used: set[tuple[int, str, int]] = set()
    for doc in brief.sources:
        heading = ""
        for n, block in enumerate(doc.blocks):
            if block.kind == "heading":
                heading = block.text
            # a PDF's figure whose region was not found is shown as its page
            pdf_page = doc.path.lower().endswith(".pdf") and re.fullmatch(r"page \d+", block.location)
            if block.kind == "figure" and (block.path or pdf_page):
                sections = {s.section_id for s in scenes if s.title.removesuffix(", continued") == heading}
                figures.append((doc.path, block, figure_words(doc.blocks, n), sections))
            elif block.kind == "quote":
                stems = set(content_stems(block.text))

                def overlap(x: tuple[Scene, _Sentence], stems: set[str] = stems) -> float:
                    return len(x[1].stems & stems) / max(len(stems), 1)

                scene, s = max(sentences, key=overlap)
                if stems and len(s.stems & stems) >= 0.6 * len(stems) and key((scene, s)) not in used:
                    used.add(key((scene, s)))
                    placed.setdefault(scene.index, []).append(Element(
                        "quote", s.segment_id, s.word, block.text.strip(), label=doc.title,
                        element=f"{doc.path} {block.location}"))

    def score(f: int, item: tuple[Scene, _Sentence]) -> float:
        scene, s = item
        weights, sections = figures[f][2], figures[f][3]

        def match(stems: set[str]) -> float:
            return sum(weights[w] * rarity.get(w, 1.0) for w in stems if w in weights)

        value = match(s.stems) + 0.5 * match(window[key(item)] - s.stems)
        quiet = s.text.rstrip().endswith("?") or len(s.text.split()) < 5
        return value * (0.5 if quiet else 1.0) + (1.0 if scene.section_id in sections else 0.0)

    # as many figures as can be each at a sentence of its own that talks about it (two of the words
    # that say what it shows), the better match first; then each figure left at its best free
    # sentence; what is left when sentences run out shares the best one, where the scene's plan
    # gives each its own moment
    scores = [[score(f, item) for item in sentences] for f in range(len(figures))]

    def talking_about(f: int) -> list[int]:
        """The sentences that say two of the words of the figure's caption, citations or neighbours, best first."""
        said = [k for k, (_, x) in enumerate(sentences)
                if len({w for w in x.stems if figures[f][2].get(w, 0.0) >= _ROLE["near"]}) >= 2]
        return sorted(said, key=lambda k: -scores[f][k])

    talks = [talking_about(f) for f in range(len(figures))]
    holder: dict[int, int] = {}  # sentence -> figure

    def claim(f: int, seen: set[int]) -> bool:
        for k in talks[f]:
            if k in seen or key(sentences[k]) in used:
                continue
            seen.add(k)
            if k not in holder or claim(holder[k], seen):
                holder[k] = f
                return True
        return False

    for f in sorted(range(len(figures)), key=lambda f: len(talks[f])):
        claim(f, set())
    at = {f: sentences[k] for k, f in holder.items()}
    used.update(key(sentences[k]) for k in holder)
    anchors: dict[int, tuple[str, int]] = {}

    def best_score(f: int) -> float:
        return -max(scores[f], default=0.0)

    def sentence_at(scene: Scene, segment_id: str, word: int) -> int:
        """The sentence of `scene` that holds the word."""
        here = (_seg_index(scene, segment_id), word)
        mine = [k for k, (sc, x) in enumerate(sentences) if sc is scene and (x.seg, x.word) <= here]
        return mine[-1] if mine else next(k for k, (sc, _) in enumerate(sentences) if sc is scene)

    for f in sorted((f for f in range(len(figures)) if f not in at), key=best_score):
        free = [k for k in range(len(sentences)) if key(sentences[k]) not in used]
        if free:
            k = max(free, key=lambda k: (scores[f][k], -k))
            at[f] = sentences[k]
            used.add(key(sentences[k]))
            continue
        # more figures than sentences: half way through the longest stretch between two taken
        # moments of a scene, the one whose sentence matches best
        best: tuple[float, int, int, str, int] | None = None
        for scene in {id(sc): sc for sc, _ in sentences}.values():
            words = [(seg.id, w) for seg in scene.segments for w in range(len(seg.text.split()))]
            taken = sorted(n for n, (seg_id, w) in enumerate(words) if (scene.index, seg_id, w) in used)
            for a, b in zip(taken, [*taken[1:], len(words)], strict=True):
                if b - a >= 4:
                    segment_id, word = words[(a + b) // 2]
                    k = sentence_at(scene, segment_id, word)
                    if best is None or (scores[f][k], b - a) > best[:2]:
                        best = (scores[f][k], b - a, k, segment_id, word)
        if best is None:  # more figures than four words each: the best sentence, shared
            at[f] = sentences[max(range(len(sentences)), key=lambda k: scores[f][k])]
            continue
        at[f] = sentences[best[2]]
        anchors[f] = best[3], best[4]
        used.add((sentences[best[2]][0].index, best[3], best[4]))
    for f, (path, block, _, _) in enumerate(figures):
        scene, s = at[f]
        segment_id, word = anchors.get(f, (s.segment_id, s.word))
        caption = block.text.strip() or key_point(s.text, POINT_WORDS)
        page = re.fullmatch(r"page (\d+)", block.location) if block.region or not block.path else None
        placed.setdefault(scene.index, []).append(Element(
            "figure", segment_id, word, caption, path=block.path or path, element=f"{path} {block.location}",
            page=int(page.group(1)) if page else None,
            region=tuple(block.region) if page and block.region and block.path else None))
    return placed
