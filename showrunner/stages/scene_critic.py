"""The scene critic: the storyboard judged scene by scene and as a whole, in scene_critic.json.

The measured checks (showrunner.writing.scene_critic) always run; the language provider then
judges the scenes too (the offline provider's judgement is the measurement itself, a language
model gives its own scores and reasons), and the lower score wins. The review reports; it does
not stop the build: a scene that scores low is logged as a warning naming the scene and why.
"""

from __future__ import annotations

import logging
from pathlib import Path

from showrunner.artifacts import Brief, Outline, Scene, Storyboard
from showrunner.files import read_model, write_json, write_text
from showrunner.prompts import render
from showrunner.provenance import write_provenance
from showrunner.providers.language.tasks import SCENE_CRITIC
from showrunner.stage_job import StageJob
from showrunner.stages.language import LANGUAGE_READS, language_provider, prompt_context, provider_fields
from showrunner.writing import scene_critic

log = logging.getLogger(__name__)

# The settings it reads: its rule's params (showrunner/reads.py)
READS = LANGUAGE_READS


def read_scenes(storyboard_json: Path, scenes_dir: Path) -> list[Scene]:
    storyboard = read_model(storyboard_json, Storyboard)
    return [read_model(Path(scenes_dir) / Path(ref.file).name, Scene) for ref in storyboard.scenes]


def run(job: StageJob) -> None:
    brief = read_model(job.input["brief"], Brief)
    outline = read_model(job.input["outline"], Outline)
    scenes = read_scenes(job.input["storyboard"], job.input["scenes"])
    writing = job.episode.writing
    measured = scene_critic.measure(brief, outline, scenes, max_scene_seconds=writing.max_scene_seconds,
                                    threshold=writing.critic.threshold)
    prompt = render(job.input["prompt"], **prompt_context(job, brief=brief, outline=outline, scenes=scenes,
                                                           measured=measured))
    provider, calls = language_provider(job)
    critique = provider.write(SCENE_CRITIC, prompt, brief=brief, outline=outline, scenes=scenes,
                              measured=scene_critic.as_critique(measured))
    review = scene_critic.combine(measured, critique, job.episode.providers.language.name)
    write_text(job.output["prompt"], prompt)
    write_json(job.output["review"], review)
    log.info("scene critic: score %d of %d scenes (threshold %d)", review.score, len(review.scenes),
             review.threshold)
    for reason in review.reasons:
        log.warning("scene critic: %s", reason)
    write_provenance(job, job.output["provenance"], **provider_fields(job, provider),
                     prompts={"scene_critic": prompt}, calls=calls.records,
                     extra={"score": review.score, "passed": review.passed})
