"""The storyboard: a scene per outline section (split at segment boundaries when too long), bullets
from the key points or the section's code, a picture prompt, and the narration it covers.
"""

from __future__ import annotations

import math
import re

from showrunner.artifacts import Brief, CodeSample, Fact, Outline, OutlineSection, Research, Scene, Script, Segment
from showrunner.writing import sentences as sent
from showrunner.writing import speakable as spk
from showrunner.writing.outline import _code_key, _group_key, key_point, shorten
from showrunner.writing.script_writer import _normalise
from showrunner.writing.sentences import content_stems, jaccard, split_sentences, word_count

BULLET_WORDS = 14
THIN_WORDS = 12  # a part with less to say than this joins the scene before it
_FRAME_LINE = re.compile(r"^(?:and that was|and that's|thanks for|thank you|see you|catch you|next|now|finally|so)\b",
                         re.I)


def _substance(part: list[Segment]) -> int:
    """Words of a part that are not questions, signposts or the goodbye."""
    return sum(word_count(s) for seg in part for s in split_sentences(seg.text)
               if not s.rstrip().endswith("?") and not _FRAME_LINE.match(s))


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
        if len(parts) > 1 and _substance(parts[-1]) < THIN_WORDS and \
                seconds(parts[-2] + parts[-1]) <= max_scene_seconds * 1.25:
            parts[-2].extend(parts.pop())  # a few words of goodbye are not a scene of their own
        section = sections.get(run[0].section_id)
        title = section.title if section else brief.title
        points = list(section.key_points) if section else []
        codes = _section_codes(section, facts, research) if section else []
        parts = _one_visual_each(parts, codes)
        shown = _shown_codes(parts, codes)
        section_facts = [facts[f] for f in section.fact_ids if f in facts] if section else []
        assigned = _assign_points(parts, points)
        for k, part in enumerate(parts):
            index = len(scenes) + 1
            scene_title = title if k == 0 else f"{title}, continued"
            code = shown[k]
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


def _described(segment: Segment, codes: list[CodeSample]) -> int | None:
    """Which code sample (table, diagram) a segment's narration describes, if any."""
    said = _normalise(segment.text)
    for k, code in enumerate(codes):
        description = _normalise(spk.describe_code(code.code, code.language))
        if description and description in said:
            return k
    return None


def _one_visual_each(parts: list[list[Segment]], codes: list[CodeSample]) -> list[list[Segment]]:
    """Split a scene before a segment that describes a second visual: one picture per scene, so
    what the narration says about it is what is on screen."""
    if len(codes) < 2:
        return parts
    out: list[list[Segment]] = []
    for part in parts:
        current: list[Segment] = []
        seen: int | None = None
        for segment in part:
            k = _described(segment, codes)
            if k is not None and seen is not None and k != seen and current:
                carried = [current.pop()] if current and _is_bridge(current[-1]) else []
                if current:
                    out.append(current)
                current, seen = carried, None
            if k is not None:
                seen = k
            current.append(segment)
        if current:
            out.append(current)
    return out


def _shown_codes(parts: list[list[Segment]], codes: list[CodeSample]) -> list[CodeSample | None]:
    """Each scene's visual: the code sample its narration describes; else, for the one scene whose
    narration names what the section's only code defines, that code; else none (bullets)."""
    shown: list[CodeSample | None] = []
    for part in parts:
        found = next((k for k in (_described(seg, codes) for seg in part) if k is not None), None)
        shown.append(codes[found] if found is not None else None)
    if codes and not any(shown):
        k = _code_part(parts, codes[:1])
        if k >= 0:
            shown[k] = codes[0]
    return shown


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
