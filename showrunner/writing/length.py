"""How much narration the sources hold, against the length asked for (decided with the outline).

The estimate counts what a writer can say from the material: every fact the outline's sections
draw on, made speakable, a sentence for each code sample or table shown, and the spoken frame
(welcome, a bridge per section, goodbye). When that falls short of target_minutes by more than
SHORTFALL, the episode's agreed length is what the sources support (writing.length: material,
the default) or still the target (writing.length: target), and the outline says so.
"""

from __future__ import annotations

from showrunner.artifacts import Brief, EpisodeLength, Outline, Research
from showrunner.writing import speakable as spk
from showrunner.writing.sentences import word_count

SHORTFALL = 0.10  # under 90 % of the target: say so and agree a length
FRAME_WORDS = 40  # the welcome and the goodbye
BRIDGE_WORDS = 8  # a question or signpost per section
VISUAL_WORDS = 18  # a sentence saying what a code sample or table on screen is


def material_words(brief: Brief, research: Research, outline: Outline) -> int:
    used = {fid for s in outline.sections for fid in s.fact_ids}
    facts = [f for f in research.facts if f.id in used] or research.facts
    sections = {f.section for f in facts}
    visuals = [c for c in research.code_samples if c.section in sections or not used]
    said = sum(word_count(spk.speakable(f.text)) for f in facts)
    return said + VISUAL_WORDS * len(visuals) + FRAME_WORDS + BRIDGE_WORDS * max(0, len(outline.sections) - 1)


def episode_length(brief: Brief, research: Research, outline: Outline, words_per_minute: int,
                   mode: str = "material") -> EpisodeLength | None:
    """None when the sources fill the target; else the agreed length with a note saying why."""
    supported = round(material_words(brief, research, outline) / words_per_minute, 1)
    target = brief.target_minutes
    if supported >= target * (1 - SHORTFALL):
        return None
    if mode == "target":
        agreed = target
        note = (f"The sources support about {supported:g} minutes of narration, not the {target:g} minutes asked "
                f"for; writing.length is 'target', so the episode still aims at {target:g} minutes and will "
                "repeat or stretch the material.")
    else:
        agreed = max(0.1, supported)
        note = (f"The sources support about {supported:g} minutes of narration, not the {target:g} minutes asked "
                f"for; the episode aims at {agreed:g} minutes. Add sources, or set writing.length: target to "
                "insist on the target.")
    return EpisodeLength(target_minutes=target, supported_minutes=supported, agreed_minutes=agreed, note=note)


def agreed_brief(brief: Brief, outline: Outline, words_per_minute: int) -> Brief:
    """The brief with the outline's agreed length as its target (the writer and critic aim at it)."""
    if outline.length is None:
        return brief
    minutes = outline.length.agreed_minutes
    return brief.model_copy(update={"target_minutes": minutes, "target_words": round(minutes * words_per_minute)})
