"""The offline writer's answers to the language tasks (showrunner.providers.language.tasks), in the
shape of each task's reply, so that they become artifacts exactly as a language model's replies do.

It looks at the task's name and its inputs and does its extractive work; what it measures besides
the reply a model writes (a fact's salience, a critique's metrics) travels in the reply's fields
that are hidden from the schema a model is shown.
"""

from __future__ import annotations

from typing import Any

from showrunner.writing.critique import build_critique
from showrunner.writing.outline import build_outline
from showrunner.writing.research import build_research
from showrunner.writing.script_writer import ScriptWriter
from showrunner.writing.storyboard import build_storyboard


def answer(task: str, inputs: dict[str, Any], writing: Any) -> dict[str, Any]:
    """The reply to `task` (a name in TASKS) given its inputs and the writing settings."""
    if task == "research":
        research = build_research(inputs["brief"])
        facts = [f.model_dump(mode="json", include={"text", "section", "source", "location", "score", "kind",
                                                    "block"}) for f in research.facts]
        return {"facts": facts, "code_samples": [c.model_dump(mode="json") for c in research.code_samples]}
    if task == "outline":
        outline = build_outline(inputs["brief"], inputs["research"], list(inputs["feedback"]))
        return {"title": outline.title, "summary": outline.summary,
                "sections": [s.model_dump(mode="json", exclude={"id"}) for s in outline.sections]}
    if task == "script_writer":
        writer = ScriptWriter(inputs["brief"], inputs["outline"], inputs["research"], writing.words_per_minute,
                              writing.max_sentence_words)
        script = writer.write(inputs.get("previous"), inputs.get("critique"))
        return {"segments": [s.model_dump(mode="json", exclude={"id"}) for s in script.segments]}
    if task == "script_critic":
        critique = build_critique(inputs["brief"], inputs["outline"], inputs["script"], writing.words_per_minute,
                                  writing.max_sentence_words)
        return critique.model_dump(mode="json")
    if task == "storyboard":
        scenes = build_storyboard(inputs["brief"], inputs["outline"], inputs["research"], inputs["script"],
                                  writing.words_per_minute, writing.max_scene_seconds, inputs["style"])
        return {"scenes": [{"title": s.title, "bullets": s.bullets, "visual_prompt": s.visual_prompt, "code": s.code,
                            "code_language": s.code_language, "segment_ids": [seg.id for seg in s.segments]}
                           for s in scenes]}
    if task == "scene_critic":  # the offline critic's judgement is the measurement: it adds no guess of its own
        return inputs["measured"].model_dump(mode="json")
    raise ValueError(f"the offline writer has no answer for the task '{task}'")
