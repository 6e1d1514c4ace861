"""The scene critic and cohesion checks: the storyboard measured scene by scene and as a whole.

Per scene:
- picture: what the narration says about the code, table or diagram on screen matches it (the
  language it names, the number of lines or rows it gives, the labels it names), a visual the
  narration talks about is on the slide, and a visual on the slide is talked about;
- bullets: each slide bullet is said in the scene's narration (at least a third of its words);
- length: not over max_scene_seconds by more than a quarter, and not a few seconds of nothing;
- reads aloud: no read-aloud defect (showrunner.writing.read_aloud) in its sentences.

Across the scenes: no sentence said twice, no section opening on a pronoun that points at
nothing, the scenes follow the outline's order, an opening (a welcome) and a close (a goodbye),
no near-empty scene, nothing the sources dropped (headers, footers, navigation) said anyway.

`measure` gives the SceneCriticReport; `as_critique` the same as a SceneCritique (the offline
critic's answer); `combine` folds another critic's answer (a language model's) into the review.
"""

from __future__ import annotations

import re

from showrunner.artifacts import (
    Brief,
    Outline,
    Scene,
    SceneCheck,
    SceneCriticReport,
    SceneCritique,
    SceneCritiqueItem,
    SceneReview,
)
from showrunner.cleaning import diagram_labels
from showrunner.writing import read_aloud
from showrunner.writing import speakable as spk
from showrunner.writing.sentences import content_stems, split_sentences, word_count

BULLET_SAID = 0.34
CHECK_PENALTY = {"picture": 35, "bullets": 15, "length": 15, "reads aloud": 25}
EPISODE_PENALTY = 10
_NUMBERS = {w: i for i, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                        "nine", "ten", "eleven", "twelve"])}
_VISUAL_WORDS = re.compile(r"\b(?:on screen|on the screen|the listing|the diagram|the table|the code|this code|"
                           r"the snippet|the slide shows)\b", re.I)
_SHOWN_KIND = re.compile(r"\bthe (code|table|diagram) on screen\b", re.I)
_OPENING = re.compile(r"\b(?:welcome|hello|hi|hey|today)\b", re.I)
_CLOSE = re.compile(r"\b(?:thanks for|thank you|see you|goodbye|bye|next time|that was|that's all|that's it)\b",
                    re.I)
_LANGUAGE_NAMES = sorted({name for name in spk._LANGUAGES.values() if len(name) > 1}, key=len, reverse=True)


def _narration(scene: Scene) -> str:
    return " ".join(s.text for s in scene.segments)


def _said_number(text: str, noun: str) -> int | None:
    match = re.search(rf"\b(\d+|[a-z]+(?:-[a-z]+)?) {noun}s?\b", text, re.I)
    if not match:
        return None
    word = match.group(1).lower()
    if word.isdigit():
        return int(word)
    if word in _NUMBERS:
        return _NUMBERS[word]
    tens = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
            "ninety": 90}
    head, _, unit = word.partition("-")
    if head in tens:
        return tens[head] + _NUMBERS.get(unit, 0)
    return None


def picture_problems(scene: Scene) -> list[str]:
    """What the narration says about the picture that the picture does not bear out."""
    said = _narration(scene)
    problems = []
    if not scene.code:
        talked = _SHOWN_KIND.search(said)
        if talked:
            problems.append(f"the narration talks about {talked.group(0).lower()}, but the slide shows "
                            f"{'bullets' if scene.bullets else 'only its title'}")
        return problems
    language = (scene.code_language or "").lower()
    kind = "table" if language == "table" else "diagram" if language == "diagram" else "code"
    if not _VISUAL_WORDS.search(said):
        problems.append(f"the slide shows a {kind} that the narration never mentions")
        return problems
    named = _SHOWN_KIND.search(said)
    if named and named.group(1).lower() != kind:
        problems.append(f"the narration speaks of {named.group(0).lower()}, but the slide shows a {kind}")
    if kind == "code":
        shown = spk.language_name(scene.code_language)
        for name in _LANGUAGE_NAMES:
            if re.search(rf"\b{re.escape(name)}\b", said) and name != shown and \
                    re.search(rf"\b{re.escape(name)} (?:function|class|snippet|example|code|listing|type|rule)", said):
                problems.append(f"the narration calls the code {name}, but it is {shown or 'of no stated language'}")
                break
        lines = len([line for line in scene.code.splitlines() if line.strip()])
        claimed = _said_number(said, "line")
        if claimed is not None and claimed != lines:
            problems.append(f"the narration says {claimed} line{'s' if claimed != 1 else ''}, the listing has {lines}")
    elif kind == "table":
        rows = max(0, len([r for r in scene.code.splitlines() if r.strip()]) - 1)
        claimed = _said_number(said, "row")
        if claimed is not None and claimed != rows:
            problems.append(f"the narration says {claimed} rows, the table has {rows}")
    else:
        labels = {w for label in diagram_labels(scene.code) for w in content_stems(label)}
        match = re.search(r"diagram on screen shows (.+?)[.]", said)
        if match:
            missing = [w for w in content_stems(match.group(1)) if w not in labels]
            if missing:
                problems.append(f"the narration names {', '.join(missing)}, which the diagram does not show")
    return problems


def _judge_scene(scene: Scene, max_seconds: float, first: bool, last: bool) -> SceneReview:
    said = _narration(scene)
    said_stems = set(content_stems(said))
    checks: list[SceneCheck] = []
    picture = picture_problems(scene)
    checks.append(SceneCheck(name="picture", passed=not picture, detail="; ".join(picture) or
                             ("the narration describes what is shown" if scene.code else "no visual to describe")))
    unsaid = [b for b in scene.bullets if content_stems(b) and
              len(set(content_stems(b)) & said_stems) / len(set(content_stems(b))) < BULLET_SAID]
    checks.append(SceneCheck(name="bullets", passed=not unsaid,
                             detail=f"not said: {'; '.join(unsaid)}" if unsaid else
                             f"{len(scene.bullets)} bullet(s), each said"))
    seconds = scene.estimated_seconds
    too_long = seconds > max_seconds * 1.25
    too_thin = seconds < 4 and not (first or last)
    checks.append(SceneCheck(name="length", passed=not (too_long or too_thin),
                             detail=f"about {seconds:.0f} s" + (f", over {max_seconds:g} s" if too_long else "") +
                             (", too short to take in" if too_thin else "")))
    # every episode has show notes (results/<slug>/show_notes.md): narration may point to them
    defects = [d for sentence in split_sentences(said) for d in read_aloud.sentence_defects(sentence, notes=True)]
    checks.append(SceneCheck(name="reads aloud", passed=not defects,
                             detail="; ".join(str(d) for d in defects[:3]) or "no read-aloud defect"))
    score = 100 - sum(CHECK_PENALTY[c.name] for c in checks if not c.passed)
    reasons = [f"{c.name}: {c.detail}" for c in checks if not c.passed]
    return SceneReview(index=scene.index, title=scene.title, score=max(0, score), reasons=reasons, checks=checks)


def measure(brief: Brief, outline: Outline, scenes: list[Scene], *, max_scene_seconds: float, threshold: int,
            critic: str = "measured") -> SceneCriticReport:
    reviews = [_judge_scene(s, max_scene_seconds, i == 0, i == len(scenes) - 1) for i, s in enumerate(scenes)]
    checks: list[SceneCheck] = []
    by_section: list[list[str]] = []
    for scene in scenes:
        texts = [seg.text for seg in scene.segments]
        if by_section and scene.title.endswith(", continued"):
            by_section[-1] += texts
        else:
            by_section.append(texts)
    dropped = [d for doc in brief.sources for d in doc.dropped]
    episode_defects = [d for d in read_aloud.narration_defects(by_section, dropped)
                       if d.rule in ("repeated", "dangling-start", "furniture")]
    for rule, name in (("repeated", "no repeats"), ("dangling-start", "no dangling references"),
                       ("furniture", "nothing dropped is said")):
        found = [d for d in episode_defects if d.rule == rule]
        checks.append(SceneCheck(name=name, passed=not found,
                                 detail="; ".join(d.text[:80] for d in found[:3]) or "none"))
    titles = [s.title for s in scenes]
    repeated_titles = sorted({t for t in titles if titles.count(t) > 1})
    if repeated_titles:
        checks[0] = SceneCheck(name="no repeats", passed=False,
                               detail=f"{checks[0].detail}; slide titles used twice: {', '.join(repeated_titles)}")
    order = [s.id for s in outline.sections]
    positions = [order.index(s.section_id) if s.section_id in order else -1 for s in scenes]
    backwards = [scenes[i].index for i in range(1, len(scenes)) if positions[i] < positions[i - 1]]
    checks.append(SceneCheck(name="order", passed=not backwards and -1 not in positions,
                             detail=f"scenes out of the outline's order: {backwards}" if backwards else
                             "the scenes follow the outline"))
    opening = scenes[0].segments[0].text
    checks.append(SceneCheck(name="opening", passed=bool(_OPENING.search(opening) or brief.show_name in opening),
                             detail=opening[:80]))
    closing = scenes[-1].segments[-1].text
    checks.append(SceneCheck(name="close", passed=bool(_CLOSE.search(closing)), detail=closing[:80]))
    thin = [s.index for s in scenes[1:-1] if _content_words(s) < 12]
    checks.append(SceneCheck(name="no near-empty scene", passed=not thin,
                             detail=f"scenes with under 12 words of substance: {thin}" if thin else "none"))
    mean = sum(r.score for r in reviews) / len(reviews)
    failed = [c for c in checks if not c.passed]
    score = max(0, min(100, round(mean - EPISODE_PENALTY * len(failed))))
    reasons = [f"{c.name}: {c.detail}" for c in failed]
    reasons += [f"scene {r.index} ({r.title}): {reason}" for r in reviews for reason in r.reasons]
    return SceneCriticReport(slug=brief.slug, critic=critic, threshold=threshold, score=score,
                            passed=score >= threshold and not any(r.score < 50 for r in reviews),
                            reasons=reasons, checks=checks, scenes=reviews)


def _content_words(scene: Scene) -> int:
    """Words of a scene's narration that are not a bridging question or a signpost."""
    total = 0
    for segment in scene.segments:
        for sentence in split_sentences(segment.text):
            if sentence.rstrip().endswith("?") or re.match(r"^(?:next|now|finally|so)\b", sentence, re.I) \
                    and word_count(sentence) <= 6:
                continue
            total += word_count(sentence)
    return total


def as_critique(review: SceneCriticReport) -> SceneCritique:
    return SceneCritique(score=review.score, reasons=list(review.reasons),
                         scenes=[SceneCritiqueItem(index=r.index, score=r.score, reasons=list(r.reasons))
                                 for r in review.scenes])


def combine(measured: SceneCriticReport, critique: SceneCritique, critic: str) -> SceneCriticReport:
    """The measured review with another critic's judgement folded in: the lower score wins, every
    reason is kept (the critic's marked with its name)."""
    if critique == as_critique(measured):
        return measured.model_copy(update={"critic": critic})
    by_index = {item.index: item for item in critique.scenes}
    scenes = []
    for review in measured.scenes:
        item = by_index.get(review.index)
        if item is None:
            scenes.append(review)
            continue
        scenes.append(review.model_copy(update={
            "score": min(review.score, item.score),
            "reasons": review.reasons + [f"{critic}: {r}" for r in item.reasons]}))
    score = min(measured.score, critique.score)
    reasons = measured.reasons + [f"{critic}: {r}" for r in critique.reasons]
    return measured.model_copy(update={"critic": critic, "score": score, "reasons": reasons, "scenes": scenes,
                                       "passed": score >= measured.threshold and not any(s.score < 50
                                                                                        for s in scenes)})
