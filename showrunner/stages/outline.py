"""The outline: sections and key points, as outline.json and as outline.md for people to review.

Reviewer feedback (results/<slug>/feedback.json, written by `showrunner reject`) goes into the
prompt and to the provider, and is recorded in the outline.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

from showrunner.approval import feedback_of
from showrunner.artifacts import Brief, Outline, OutlineSection, Research
from showrunner.files import read_model, write_json, write_text
from showrunner.outline_markdown import render_outline_markdown
from showrunner.prompts import render
from showrunner.pronunciation import Lexicon, unsure_words
from showrunner.provenance import write_provenance
from showrunner.providers.language.tasks import OUTLINE
from showrunner.stage_job import StageJob
from showrunner.stages.language import LANGUAGE_READS, language_provider, prompt_context, provider_fields
from showrunner.writing import speakable as spk
from showrunner.writing.length import episode_length

# The settings it reads: its rule's params (showrunner/reads.py)
READS = LANGUAGE_READS

log = logging.getLogger(__name__)


def _line(text: str) -> str:
    return " ".join(text.split())


def _point(text: str) -> str:
    # a key point is one line of outline.md: no leading list marker, nothing that reads as markup
    return re.sub(r"^([-*+]|#+|>|<!--)\s*", "", _line(text))


def normalise_outline(outline: Outline, slug: str, research: Research, feedback: list[str]) -> Outline:
    """One-line titles, points and notes (so outline.md reads back the same), known fact ids only."""
    known = {f.id for f in research.facts}
    sections = []
    for section in outline.sections:
        points = [p for p in (_point(k) for k in section.key_points) if p]
        if not points:
            points = [_line(section.title)]
        notes = _line(section.notes)
        if re.match(r"^([-*+]\s|#|<!--|>)", notes):
            notes = "Note: " + notes
        sections.append(OutlineSection(id=section.id, title=_line(section.title).lstrip("# ") or section.id,
                                       key_points=points, fact_ids=[f for f in section.fact_ids if f in known],
                                       notes=notes))
    summary = _line(outline.summary)
    if summary.startswith(("#", ">")):
        summary = summary.lstrip("#> ")
    return Outline(slug=slug, title=_line(outline.title).lstrip("# ") or slug, summary=summary, sections=sections,
                   feedback=[_line(f) for f in feedback if _line(f)])


def words_to_check(outline: Outline, research: Research) -> list[str]:
    """The words of the outline and of the facts it draws on (as they will be said) that no voice is sure
    of: in no English word list and not in the built-in lexicon. The config's own pronunciations are
    not read here, so adding one at the gate does not redo the outline (the studio marks those)."""
    used = {f for s in outline.sections for f in s.fact_ids}
    texts = [outline.title, outline.summary, *(p for s in outline.sections for p in (s.title, *s.key_points))]
    texts += [spk.speakable(f.text) for f in research.facts if f.id in used]
    return unsure_words(texts, Lexicon())


def run(job: StageJob) -> None:
    brief = read_model(job.input["brief"], Brief)
    research = read_model(job.input["research"], Research)
    given = job.input.get("feedback") or []
    given = given if isinstance(given, list) else [given]
    feedback = feedback_of(Path(given[0])) if given else []
    prompt = render(job.input["prompt"], **prompt_context(job, brief=brief, research=research, feedback=feedback))
    provider, calls = language_provider(job)
    outline = provider.write(OUTLINE, prompt, brief=brief, research=research, feedback=feedback)
    outline = normalise_outline(outline, job.slug, research, feedback)
    length = episode_length(brief, research, outline, job.episode.writing.words_per_minute,
                            job.episode.writing.length)
    outline = outline.model_copy(update={"length": length})
    if length is not None:  # said up front, on the console and in outline.md, not found out at acceptance
        log.warning("%s: %s", job.slug, length.note)
        print(f"\nshowrunner: {job.slug}: {length.note}\n", file=sys.stderr)
    unsure = words_to_check(outline, research)
    outline = outline.model_copy(update={"unsure_words": unsure})
    if unsure:  # said at the gate, before anything is voiced
        note = (f"{job.slug}: no voice is sure how to say {', '.join(unsure)}: add them under "
                f"episodes.{job.slug}.pronunciations in config.yaml before approving (see outline.md)")
        log.warning("%s", note)
        print(f"\nshowrunner: {note}\n", file=sys.stderr)
    write_text(job.output["prompt"], prompt)
    write_json(job.output["outline"], outline)
    write_text(job.output["markdown"], render_outline_markdown(outline))
    log.info("outline: %d sections, %d key points, %d feedback item(s)", len(outline.sections),
             sum(len(s.key_points) for s in outline.sections), len(feedback))
    write_provenance(job, job.output["provenance"], **provider_fields(job, provider), prompts={"outline": prompt},
                     calls=calls.records, extra={"feedback": feedback})
