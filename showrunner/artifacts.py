"""The file contract: what each stage writes under results/<slug>/, as pydantic models.

Every JSON artifact is one of these models, so a stage (or a person editing a file by hand)
that writes something malformed is stopped with the file and the field named.
"""

from __future__ import annotations

from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)


class Artifact(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- brief.json ---------------------------------------------------------------------------


class Block(Artifact):
    """One structural piece of a source document, as plain text."""

    kind: Literal["heading", "paragraph", "list", "code", "table", "quote", "figure"]
    text: str = Field(description="plain text (inline code kept in `backticks`); for a list, items joined by "
                                  "newlines; a table as rows of cells; a figure's caption")
    level: int | None = Field(default=None, description="heading level, 1 = top")
    items: list[str] = Field(default_factory=list, description="list items")
    language: str | None = Field(default=None, description="code language when known; 'console' for a "
                                                           "terminal session (commands with their output)")
    location: str = Field(description="where in the source: 'line 12', 'page 3', 'element 7'")
    image: str | None = Field(default=None, description="a figure's image file, as the source names it")
    region: list[float] | None = Field(default=None, description="a PDF figure's or table's area on its page "
                                                                 "(x0, y0, x1, y1 in points, origin bottom left)")
    last: bool = Field(default=False, description="back matter (references, acknowledgements, appendices, "
                                                  "IANA and security considerations): ranked after the main points")
    path: str | None = Field(default=None, description="a figure's local image file, as the workflow reads it "
                                                       "(relative to the project root); its text is the caption")


class Dropped(Artifact):
    """Something of a source that is not prose and was left out when the source was read."""

    reason: str = Field(description="what it was: badge, image, layout html, navigation, footer, cookie notice, "
                                    "running header, page number, emoji, terminal art, table of contents, ...")
    text: str = Field(description="what was dropped (shortened)")
    location: str


class SourceDocument(Artifact):
    path: str
    format: Literal["markdown", "text", "html", "pdf"]
    title: str
    sha256: str
    blocks: list[Block] = Field(min_length=1)
    metadata: dict[str, str] = Field(default_factory=dict, description="front matter: title, author, date, ...")
    dropped: list[Dropped] = Field(default_factory=list, description="what was left out, and why")


class CoveredConcept(Artifact):
    """A concept a finished episode of the show already covered (from results/show/)."""

    episode: str
    concept: str


class BriefHost(Artifact):
    id: str
    name: str
    persona: str = ""


class Brief(Artifact):
    slug: str
    title: str
    topic: str | None = None
    show_name: str
    show_description: str = ""
    audience: str = ""
    tone: str = ""
    language: str = "en"
    hosts: list[BriefHost] = Field(min_length=1)
    target_minutes: float
    target_words: int
    sources: list[SourceDocument] = Field(default_factory=list)
    covered_elsewhere: list[CoveredConcept] = Field(default_factory=list)


# --- research.json ------------------------------------------------------------------------


class Fact(Artifact):
    id: str = Field(pattern=r"^f\d+$")
    text: str = Field(min_length=1)
    section: str = Field(description="the heading path it sits under, or the topic")
    source: str | None = Field(default=None, description="source path; None when the model supplied it")
    location: str | None = None
    sourced: bool = True
    score: float = 0.0
    kind: str | None = Field(default=None, description="the kind of source block: paragraph, list, quote")
    block: int | None = Field(default=None, description="which block of its source (facts of one list share it)")

    @model_validator(mode="after")
    def _unsourced_has_no_location(self) -> Fact:
        if self.source is None:
            self.sourced = False
        return self


class CodeSample(Artifact):
    section: str
    language: str | None = None
    code: str
    source: str | None = None
    location: str | None = None


class Research(Artifact):
    slug: str
    facts: list[Fact] = Field(min_length=1)
    code_samples: list[CodeSample] = Field(default_factory=list)


# --- outline.json / outline.md ------------------------------------------------------------


class OutlineSection(Artifact):
    id: str = Field(pattern=r"^s\d+$")
    title: str = Field(min_length=1)
    key_points: list[str] = Field(min_length=1)
    fact_ids: list[str] = Field(default_factory=list)
    notes: str = ""


class EpisodeLength(Artifact):
    """How long the episode will be: what was asked, what the sources can fill, what was agreed."""

    target_minutes: float = Field(gt=0, description="target_minutes from config.yaml")
    supported_minutes: float = Field(ge=0, description="about how much narration the sources hold")
    agreed_minutes: float = Field(gt=0, description="what the writer aims at and acceptance checks against")
    note: str = ""


class Outline(Artifact):
    slug: str
    title: str = Field(min_length=1)
    summary: str = ""
    sections: list[OutlineSection] = Field(min_length=1)
    feedback: list[str] = Field(default_factory=list, description="reviewer feedback this outline was written with")
    length: EpisodeLength | None = Field(default=None, description="set when the sources cannot fill the target")
    unsure_words: list[str] = Field(default_factory=list,
                                    description="words of the episode no voice is sure of: add how to say them "
                                                "under pronunciations in config.yaml before approving")

    @model_validator(mode="after")
    def _unique_section_ids(self) -> Outline:
        ids = [s.id for s in self.sections]
        if len(ids) != len(set(ids)):
            raise ValueError(f"section ids must be unique, got {ids}")
        return self


# --- script.json / script.review.json -----------------------------------------------------


class Segment(Artifact):
    id: str = Field(pattern=r"^seg\d+$")
    speaker: str = Field(description="a host id from the show blueprint")
    text: str = Field(min_length=1, description="speakable text: no markdown, no URLs")
    section_id: str


class Script(Artifact):
    slug: str
    title: str
    segments: list[Segment] = Field(min_length=1)

    @property
    def words(self) -> int:
        return sum(len(s.text.split()) for s in self.segments)


class Critique(Artifact):
    score: int = Field(ge=0, le=100)
    reasons: list[str] = Field(default_factory=list)
    metrics: dict[str, float] = Field(default_factory=dict)


class Draft(Artifact):
    iteration: int
    script: Script
    critique: Critique


class ScriptReview(Artifact):
    threshold: int
    max_iterations: int
    accepted_iteration: int
    passed: bool
    drafts: list[Draft] = Field(min_length=1)


# --- storyboard.json / scenes/<n>.json ----------------------------------------------------


class Beat(Artifact):
    """One picture of a scene, shown from a moment of its narration until the next beat's.

    It appears when the narration reaches word `word` of segment `segment_id` (timed from the
    voice's measured segment timings). `element` names the source element it shows, if any."""

    kind: Literal["title", "chapter", "points", "code", "figure", "table", "chart", "diagram", "number", "quote",
                  "illustration"]
    segment_id: str = Field(pattern=r"^seg\d+$")
    word: int = Field(default=0, ge=0, description="appears at this word of the segment (0 = as it begins)")
    heading: str = ""
    points: list[str] = Field(default_factory=list, description="key points on screen; the last is the one said now")
    text: str = Field(default="", description="a number, a quote, a caption, or a listing")
    label: str = Field(default="", description="what the number counts, a quote's attribution, code's language")
    first_line: int = Field(default=1, ge=1, description="code: the listing's line number of text's first line")
    highlight: list[int] = Field(default_factory=list, description="code: the listing's line numbers under discussion")
    rows: list[list[str]] = Field(default_factory=list, description="a table's or chart's rows, the header first")
    path: str | None = Field(default=None, description="a figure's image file (relative to the project root)")
    element: str = Field(default="", description="the source element shown: 'doc.md line 12'")
    page: int | None = Field(default=None, ge=1, description="a PDF figure: the page of `path` it is on")
    region: list[float] | None = Field(default=None, min_length=4, max_length=4,
                                       description="a PDF figure: its area on the page (x0, y0, x1, y1 in "
                                                   "points, origin bottom left), rendered from `path`")

    @field_validator("points")
    @classmethod
    def _points_say_something(cls, points: list[str]) -> list[str]:
        for k, point in enumerate(points, start=1):
            if not point.strip():
                raise ValueError(f"key point {k} is empty")
        return points

    @field_validator("text")
    @classmethod
    def _a_card_has_its_text(cls, text: str, info: ValidationInfo) -> str:
        kind = info.data.get("kind")
        if kind in ("number", "quote") and not text.strip():
            raise ValueError(f"a {'big number' if kind == 'number' else 'quote'} card shows its text: it is empty")
        return text

    @model_validator(mode="after")
    def _highlight_within_the_listing(self) -> Beat:
        if self.kind == "code" and self.highlight:
            last = self.first_line + len(self.text.expandtabs(4).rstrip("\n").split("\n")) - 1
            outside = [n for n in self.highlight if not self.first_line <= n <= last]
            if outside:
                raise ValueError(f"highlight: line {outside[0]} is not in the listing (lines {self.first_line}-{last})")
        return self

    @model_serializer(mode="wrap")
    def _pdf_fields_only_when_set(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        """A beat that shows no PDF figure is written as before the PDF fields existed (same bytes)."""
        data: dict[str, object] = handler(self)
        for key in ("page", "region"):
            if data.get(key) is None:
                data.pop(key, None)
        return data


class Scene(Artifact):
    index: int = Field(ge=1)
    section_id: str
    title: str = Field(min_length=1)
    bullets: list[str] = Field(default_factory=list)
    code: str | None = None
    code_language: str | None = None
    visual_prompt: str = ""
    segments: list[Segment] = Field(min_length=1, description="the narration this scene covers")
    estimated_seconds: float = Field(gt=0)
    beats: list[Beat] = Field(default_factory=list, description="the pictures, in order; none: one from the slide")

    @model_validator(mode="after")
    def _beats_follow_the_narration(self) -> Scene:
        order = {s.id: k for k, s in enumerate(self.segments)}
        last = (0, 0)
        for i, beat in enumerate(self.beats):
            if beat.segment_id not in order:
                raise ValueError(f"beats.{i}.segment_id: {beat.segment_id} is not a segment of this scene")
            at = (order[beat.segment_id], beat.word)
            if at < last:
                raise ValueError(f"beats.{i}: comes before the beat ahead of it in the narration")
            last = at
        return self


class SceneRef(Artifact):
    index: int
    file: str
    title: str
    section_id: str


class Storyboard(Artifact):
    slug: str
    title: str
    scenes: list[SceneRef] = Field(min_length=1)


# --- scene_critic.json ---------------------------------------------------------------


class SceneCheck(Artifact):
    name: str
    passed: bool
    detail: str = ""


class SceneReview(Artifact):
    """One scene judged on its own: narration against its picture, its length, how it reads."""

    index: int = Field(ge=1)
    title: str
    score: int = Field(ge=0, le=100)
    reasons: list[str] = Field(default_factory=list)
    checks: list[SceneCheck] = Field(default_factory=list)


class SceneCritiqueItem(Artifact):
    index: int = Field(ge=1)
    score: int = Field(ge=0, le=100)
    reasons: list[str] = Field(default_factory=list)


class SceneCritique(Artifact):
    """What a critic (the offline measures, or a language model) says about the scenes."""

    score: int = Field(ge=0, le=100)
    reasons: list[str] = Field(default_factory=list)
    scenes: list[SceneCritiqueItem] = Field(default_factory=list)


class SceneCriticReport(Artifact):
    """The scene critic's report: each scene, and the scenes together (repeats, order, opening, close)."""

    slug: str
    critic: str = Field(description="the language provider that judged the scenes, beside the measured checks")
    threshold: int
    score: int = Field(ge=0, le=100)
    passed: bool
    reasons: list[str] = Field(default_factory=list)
    checks: list[SceneCheck] = Field(default_factory=list, description="checks across the scenes")
    scenes: list[SceneReview] = Field(min_length=1)


def scene_name(index: int) -> str:
    """The scene wildcard: scenes/01.json, media/01/..."""
    return f"{index:02d}"


# --- media/<n>/timings.json ---------------------------------------------------------------


class SegmentTiming(Artifact):
    """Where one segment (a host's turn) sits in its scene's voice.wav, as measured."""

    segment_id: str
    speaker: str
    text: str
    start: float = Field(ge=0, description="seconds from the start of the scene's audio")
    end: float
    pauses: list[tuple[float, float]] = Field(default_factory=list,
                                              description="measured silences inside the segment (scene seconds)")
    words: list[tuple[float, float]] = Field(
        default_factory=list, description="where each word of `text` (split at spaces) is spoken, as the voice "
                                          "timed it (scene seconds); empty when the voice does not time its words")


class SceneTimings(Artifact):
    scene: int
    sample_rate: int
    samples: int = Field(description="total samples in voice.wav: a whole number of video frames")
    fps: int
    frames: int
    segments: list[SegmentTiming] = Field(min_length=1)

    @property
    def duration(self) -> float:
        return self.samples / self.sample_rate
