"""What a language model is asked to reply, per task, and how a reply becomes an artifact: the one
validation of each artifact a language provider writes, whichever provider wrote it (the tasks
that use them are in showrunner.providers.language.tasks).

The reply models hold only what the model should write (and, hidden from the schema a model is
shown, what the offline writer measures besides: a fact's salience, a critique's metrics). What
it must not invent (the slug, fact, section and segment ids, whether a fact is sourced, a
scene's narration) is filled in here, so a reply that breaks a rule the schema cannot express
(a speaker who is not a host, a scene that skips a segment) raises ReplyError with a message the
model can act on when it is asked again.
"""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.json_schema import SkipJsonSchema

from showrunner.artifacts import (
    Brief,
    CodeSample,
    Critique,
    Fact,
    Outline,
    OutlineSection,
    Research,
    Scene,
    SceneCritique,
    SceneCritiqueItem,
    Script,
    Segment,
)


class ReplyError(ValueError):
    """A reply that cannot become the artifact; the message is shown to the model on a re-ask."""


class Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")


# --- research -----------------------------------------------------------------------------


class FactReply(Reply):
    text: str = Field(min_length=1, description="one self-contained fact, a sentence or two")
    section: str = Field(default="", description="the heading it sits under in the source, or a short theme")
    source: str | None = Field(default=None, description="the source document's path it comes from; null if none")
    location: str | None = Field(default=None, description="where in that source, e.g. 'line 12'")
    # measured by the offline writer; not asked of a model
    score: SkipJsonSchema[float] = 0.0
    kind: SkipJsonSchema[str | None] = None
    block: SkipJsonSchema[int | None] = None


class CodeReply(Reply):
    section: str = ""
    language: str | None = None
    code: str = Field(min_length=1)
    source: str | None = None
    location: str | None = None


class ResearchReply(Reply):
    facts: list[FactReply] = Field(min_length=1)
    code_samples: list[CodeReply] = Field(default_factory=list)


def to_research(brief: Brief, reply: ResearchReply) -> Research:
    """Facts numbered f1, f2...; a fact is sourced only when it names one of the brief's sources."""
    sources = _source_names(brief)
    fallback_section = brief.topic or brief.title
    facts = []
    for i, fact in enumerate(reply.facts, start=1):
        source = sources.get(_norm(fact.source)) if fact.source else None
        facts.append(Fact(id=f"f{i}", text=fact.text.strip(), section=fact.section.strip() or fallback_section,
                          source=source, location=fact.location if source else None, sourced=source is not None,
                          score=fact.score, kind=fact.kind, block=fact.block))
    samples = []
    for c in reply.code_samples:
        source = sources.get(_norm(c.source)) if c.source else None
        samples.append(CodeSample(section=c.section.strip() or fallback_section, language=c.language, code=c.code,
                                  source=source, location=c.location if source else None))
    return Research(slug=brief.slug, facts=facts, code_samples=samples)


def _source_names(brief: Brief) -> dict[str, str]:
    """Every way a model may name a source (path, file name, title) -> its path."""
    names: dict[str, str] = {}
    for doc in brief.sources:
        for name in (doc.path, PurePosixPath(doc.path).name, doc.title):
            names.setdefault(_norm(name), doc.path)
    return names


def _norm(text: str | None) -> str:
    return (text or "").strip().strip("`'\"").lower()


# --- outline ------------------------------------------------------------------------------


class SectionReply(Reply):
    title: str = Field(min_length=1)
    key_points: list[str] = Field(min_length=1)
    fact_ids: list[str] = Field(default_factory=list, description="ids of the research facts it uses: f1, f2...")
    notes: str = ""


class OutlineReply(Reply):
    title: str = Field(min_length=1)
    summary: str = ""
    sections: list[SectionReply] = Field(min_length=1)


def to_outline(brief: Brief, research: Research, feedback: list[str], reply: OutlineReply) -> Outline:
    """Sections numbered s1, s2...; fact ids the research does not have are dropped."""
    known = {f.id for f in research.facts}
    sections = []
    for i, section in enumerate(reply.sections, start=1):
        points = [p.strip() for p in section.key_points if p.strip()]
        if not points:
            raise ReplyError(f"sections[{i - 1}].key_points: give at least one non-empty key point")
        sections.append(OutlineSection(id=f"s{i}", title=section.title.strip(), key_points=points,
                                       fact_ids=[f for f in dict.fromkeys(section.fact_ids) if f in known],
                                       notes=section.notes.strip()))
    return Outline(slug=brief.slug, title=reply.title.strip() or brief.title, summary=reply.summary.strip(),
                   sections=sections, feedback=list(feedback))


# --- script -------------------------------------------------------------------------------


class SegmentReply(Reply):
    speaker: str = Field(min_length=1, description="a host id")
    text: str = Field(min_length=1, description="what the host says: plain speakable text, no markdown, no URLs")
    section_id: str = Field(description="the outline section id it belongs to: s1, s2...")


class ScriptReply(Reply):
    segments: list[SegmentReply] = Field(min_length=1)


def to_script(brief: Brief, outline: Outline, reply: ScriptReply) -> Script:
    """Segments numbered seg1, seg2...; every speaker must be a host, every section the outline's."""
    hosts = {}
    for host in brief.hosts:
        hosts[_norm(host.id)] = host.id
        hosts.setdefault(_norm(host.name), host.id)
    sections = {s.id for s in outline.sections}
    problems = []
    segments = []
    for i, seg in enumerate(reply.segments):
        speaker = hosts.get(_norm(seg.speaker))
        if speaker is None:
            problems.append(f"segments[{i}].speaker: '{seg.speaker}' is not a host; use one of "
                            f"{', '.join(h.id for h in brief.hosts)}")
        if seg.section_id.strip() not in sections:
            problems.append(f"segments[{i}].section_id: '{seg.section_id}' is not an outline section; use one of "
                            f"{', '.join(sorted(sections))}")
        if not seg.text.strip():
            problems.append(f"segments[{i}].text: is empty")
        if not problems and speaker is not None:
            segments.append(Segment(id=f"seg{i + 1}", speaker=speaker, text=seg.text.strip(),
                                    section_id=seg.section_id.strip()))
    if problems:
        raise ReplyError("\n".join(problems))
    return Script(slug=brief.slug, title=outline.title, segments=segments)


# --- critique -----------------------------------------------------------------------------


class CritiqueReply(Reply):
    score: int = Field(ge=0, le=100, description="0-100: how ready the script is to record")
    reasons: list[str] = Field(default_factory=list, description="what to improve, most important first")
    metrics: SkipJsonSchema[dict[str, float]] = Field(default_factory=dict)  # the offline critic's measures


def to_critique(reply: CritiqueReply) -> Critique:
    return Critique(score=reply.score, reasons=[r.strip() for r in reply.reasons if r.strip()], metrics=reply.metrics)


# --- storyboard ---------------------------------------------------------------------------


class SceneReply(Reply):
    title: str = Field(min_length=1, description="the slide title")
    bullets: list[str] = Field(default_factory=list, description="up to four short slide bullets")
    visual_prompt: str = Field(default="", description="a picture for the scene, described for an image model")
    code: str | None = Field(default=None, description="a short code sample to show, if the scene is about code")
    code_language: str | None = None
    segment_ids: list[str] = Field(min_length=1, description="the script segments it narrates, in order")


class StoryboardReply(Reply):
    scenes: list[SceneReply] = Field(min_length=1)


def to_scenes(script: Script, reply: StoryboardReply, words_per_minute: int) -> list[Scene]:
    """Scenes numbered 1, 2...; together they narrate every segment once, in the script's order."""
    by_id = {s.id: s for s in script.segments}
    order = [s.id for s in script.segments]
    claimed = [sid.strip() for scene in reply.scenes for sid in scene.segment_ids]
    unknown = [sid for sid in claimed if sid not in by_id]
    if unknown:
        raise ReplyError(f"segment_ids: {', '.join(unknown)} are not script segments (they are {order[0]}.."
                         f"{order[-1]})")
    if claimed != order:
        missing = [sid for sid in order if sid not in claimed]
        repeated = sorted({sid for sid in claimed if claimed.count(sid) > 1})
        detail = "; ".join(filter(None, [f"missing {', '.join(missing)}" if missing else "",
                                         f"repeated {', '.join(repeated)}" if repeated else "",
                                         "out of order" if not missing and not repeated else ""]))
        raise ReplyError(f"segment_ids: the scenes must narrate every segment once, in order, from {order[0]} "
                         f"to {order[-1]} ({detail})")
    scenes = []
    for index, scene in enumerate(reply.scenes, start=1):
        segments = [by_id[sid.strip()] for sid in scene.segment_ids]
        words = sum(len(s.text.split()) for s in segments)
        scenes.append(Scene(index=index, section_id=segments[0].section_id, title=scene.title.strip(),
                            bullets=[b.strip() for b in scene.bullets if b.strip()],
                            code=scene.code or None, code_language=scene.code_language if scene.code else None,
                            visual_prompt=scene.visual_prompt.strip(), segments=segments,
                            estimated_seconds=round(max(1.0, words / words_per_minute * 60), 2)))
    return scenes


# --- the schema the model is given --------------------------------------------------------


def reply_schema(reply_model: type[BaseModel], ids: dict[str, list[Any]] | None = None) -> dict:
    """The reply model's JSON schema, each id field limited to the values that exist.

    `ids` maps a field name (speaker, section_id, segment_ids, fact_ids) to its values; a list
    field limits its items. A server that follows the schema exactly then writes only real ids.
    Replies are still parsed leniently (a host's name for its id), so the limits only help.
    """
    schema = reply_model.model_json_schema()

    def limit(node: object) -> None:
        if isinstance(node, dict):
            for name, prop in (node.get("properties") or {}).items():
                values = (ids or {}).get(name)
                if values and isinstance(prop, dict):
                    target = prop.get("items") if prop.get("type") == "array" else prop
                    if isinstance(target, dict):
                        target["enum"] = list(dict.fromkeys(values))
            for value in node.values():
                limit(value)
        elif isinstance(node, list):
            for value in node:
                limit(value)

    limit(schema)
    return schema
# --- scene critic -------------------------------------------------------------------------


class SceneScoreReply(Reply):
    index: int = Field(ge=1, description="the scene's number, from 1")
    score: int = Field(ge=0, le=100)
    reasons: list[str] = Field(default_factory=list, description="what to fix in this scene")


class SceneCriticReply(Reply):
    score: int = Field(ge=0, le=100, description="0-100: how well the scenes work together")
    reasons: list[str] = Field(default_factory=list, description="what to fix across the scenes")
    scenes: list[SceneScoreReply] = Field(default_factory=list)


def to_scene_critique(reply: SceneCriticReply, count: int) -> SceneCritique:
    """Scores for scenes 1..count; an index outside them is an error the model can fix."""
    unknown = sorted({s.index for s in reply.scenes if s.index > count})
    if unknown:
        raise ReplyError(f"scenes: there are {count} scenes, numbered 1 to {count}; no scene {unknown[0]}")
    items = {s.index: s for s in reply.scenes}
    return SceneCritique(score=reply.score, reasons=[r.strip() for r in reply.reasons if r.strip()],
                         scenes=[SceneCritiqueItem(index=i, score=item.score,
                                                   reasons=[r.strip() for r in item.reasons if r.strip()])
                                 for i, item in sorted(items.items())])


# --- parsing ------------------------------------------------------------------------------

R = TypeVar("R", bound=BaseModel)
_FENCE = re.compile(r"^```[a-zA-Z0-9_-]*\s*\n(.*?)\n?```\s*$", re.DOTALL)
_THINKING = re.compile(r"^\s*<think>.*?</think>\s*", re.DOTALL)


def parse_reply(body: bytes | str, model: type[R]) -> R:
    """The reply as `model`; ReplyError says what is wrong, in words the model can act on."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    text = _THINKING.sub("", text).strip()  # reasoning models served locally may think aloud first
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1).strip()
    if not text:
        raise ReplyError("the reply was empty: answer with one JSON object")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ReplyError(f"the reply is not valid JSON ({err.msg} at line {err.lineno}, column {err.colno}): "
                         "answer with one JSON object only, no prose around it") from None
    try:
        return model.model_validate(data)
    except ValidationError as err:
        lines = [f"- {'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in err.errors()]
        raise ReplyError("the reply does not match the schema:\n" + "\n".join(lines)) from None
