"""What the language stages share: the provider (which writes a task's artifact:
showrunner.providers.language.tasks), the prompt context and the provenance fields.

Every prompt template is rendered with the same context (see `prompt_context`), so a template
may use any of these names; what a stage does not have yet is None.
"""

from __future__ import annotations

from typing import Any

from showrunner.config import CALL_POLICY_FIELDS
from showrunner.providers import provider_for
from showrunner.providers.calls import ModelCalls
from showrunner.stage_job import StageJob

# What every language stage reads: the provider, and everything `prompt_context` gives the prompt.
LANGUAGE_READS = ("providers.language", "show.name", "show.description", "show.audience", "show.tone", "show.language",
                  "show.hosts", "spec.title", "spec.topic", "target_minutes", "writing")


def language_provider(job: StageJob):
    """(provider, calls): the configured language provider and the call log it records into."""
    calls = ModelCalls(job.episode, job.stage, job.root)
    return provider_for("language", job.episode, calls), calls


def provider_fields(job: StageJob, provider) -> dict[str, Any]:
    """provider / model / parameters for write_provenance."""
    settings = job.episode.providers.language
    return {"provider": settings.name, "model": provider.model,
            "parameters": settings.model_dump(mode="json", exclude_none=True,
                                              exclude={*CALL_POLICY_FIELDS, "api_key_env"})}


def _dump(model) -> Any:
    return model.model_dump(mode="json") if model is not None else None


def prompt_context(job: StageJob, *, brief=None, research=None, outline=None, script=None, previous=None,
                   critique=None, feedback: list[str] | None = None, iteration: int = 1, scenes=None,
                   measured=None) -> dict[str, Any]:
    """The names every prompt template may use.

    show      name, description, audience, tone, language
    hosts     [{id, name, persona}]
    episode   slug, title, topic, target_minutes, target_words (the outline's agreed length once there is one),
              words_per_minute,
              max_sentence_words, max_scene_seconds, max_iterations, threshold
    brief, research, outline, script, previous, critique: the artifacts as plain data, or None
    feedback  reviewer feedback for the outline (a list, maybe empty)
    iteration the writer/critic round, from 1
    scenes, measured: the storyboard's scenes and what the scene critic measured (scene critic only)
    """
    ep = job.episode
    show = ep.show
    minutes = ep.target_minutes
    if outline is not None and outline.length is not None:  # the length agreed with the outline
        minutes = outline.length.agreed_minutes
    return {
        "show": {"name": show.name, "description": show.description, "audience": show.audience,
                 "tone": show.tone, "language": show.language},
        "hosts": [{"id": h.id, "name": h.name, "persona": h.persona} for h in show.hosts],
        "episode": {"slug": ep.slug, "title": ep.title, "topic": ep.spec.topic,
                    "target_minutes": minutes, "target_words": round(minutes * ep.writing.words_per_minute),
                    "words_per_minute": ep.writing.words_per_minute,
                    "max_sentence_words": ep.writing.max_sentence_words,
                    "max_scene_seconds": ep.writing.max_scene_seconds,
                    "max_iterations": ep.writing.critic.max_iterations,
                    "threshold": ep.writing.critic.threshold},
        "brief": _dump(brief),
        "research": _dump(research),
        "outline": _dump(outline),
        "script": _dump(script),
        "previous": _dump(previous),
        "critique": _dump(critique),
        "feedback": list(feedback or []),
        "iteration": iteration,
        "scenes": [_dump(s) for s in scenes] if scenes is not None else None,
        "measured": _dump(measured),
    }
