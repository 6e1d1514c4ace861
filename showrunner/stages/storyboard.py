"""The storyboard: the script cut into scenes, each with its slide (title, bullets or code), a
picture prompt, the narration it covers and its visual beats (showrunner/screen/plan.py). A
Snakemake checkpoint: the scene count is known only once it has run.

scenes/<NN>.json are written into a temporary sibling directory that is renamed into place, so a
crash never leaves half a set of scenes.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from showrunner.artifacts import Brief, Outline, Research, Scene, SceneRef, Script, Storyboard, scene_name
from showrunner.files import (
    canonical_json,
    clean_temporaries,
    fsync_path,
    read_model,
    temporary_prefix,
    write_json,
    write_text,
)
from showrunner.prompts import render
from showrunner.provenance import write_provenance
from showrunner.providers.language.tasks import STORYBOARD
from showrunner.screen.plan import plan_episode
from showrunner.stage_job import StageJob
from showrunner.stages.language import LANGUAGE_READS, language_provider, prompt_context, provider_fields

# The settings it reads: its rule's params (showrunner/reads.py)
READS = (*LANGUAGE_READS, "show.style")

log = logging.getLogger(__name__)


def write_scene_dir(directory: Path, scenes: list[Scene]) -> None:
    """Write scenes/<NN>.json into a temporary sibling, fsynced, then swap it into place."""
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    clean_temporaries(directory)
    tmp = Path(tempfile.mkdtemp(prefix=temporary_prefix(directory.name), suffix=".part", dir=directory.parent))
    try:
        for scene in scenes:
            path = tmp / f"{scene_name(scene.index)}.json"
            path.write_text(canonical_json(scene), encoding="utf-8")
            fsync_path(path)
        fsync_path(tmp)
        old = None
        if directory.exists():
            old = Path(tempfile.mkdtemp(prefix=temporary_prefix(directory.name), suffix=".old", dir=directory.parent))
            os.replace(directory, old / directory.name)
        os.replace(tmp, directory)
        fsync_path(directory.parent)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def run(job: StageJob) -> None:
    brief = read_model(job.input["brief"], Brief)
    research = read_model(job.input["research"], Research)
    outline = read_model(job.input["outline"], Outline)
    script = read_model(job.input["script"], Script)
    prompt = render(job.input["prompt"],
                    **prompt_context(job, brief=brief, research=research, outline=outline, script=script))
    provider, calls = language_provider(job)
    scenes = provider.write(STORYBOARD, prompt, brief=brief, outline=outline, research=research, script=script,
                            words_per_minute=job.episode.writing.words_per_minute,
                            style=job.episode.show.style.model_dump(mode="json"))
    scenes = plan_episode(scenes, brief)  # the beats: what is on screen as each part is said
    scenes_dir = Path(job.output["scenes"])
    refs = [SceneRef(index=s.index, file=f"{scenes_dir.name}/{scene_name(s.index)}.json", title=s.title,
                     section_id=s.section_id) for s in scenes]
    storyboard = Storyboard(slug=job.slug, title=outline.title, scenes=refs)
    write_text(job.output["prompt"], prompt)
    write_scene_dir(scenes_dir, scenes)
    write_json(job.output["storyboard"], storyboard)
    log.info("storyboard: %d scenes, about %.0f seconds", len(scenes), sum(s.estimated_seconds for s in scenes))
    write_provenance(job, job.output["provenance"], **provider_fields(job, provider), prompts={"storyboard": prompt},
                     calls=calls.records)
