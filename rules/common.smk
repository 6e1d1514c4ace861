# Config validation and every input/params function. Logic lives in showrunner.workflow.
import re
from pathlib import Path

from showrunner import startup
from showrunner import workflow as wf

ROOT = Path.cwd()

# Every config mistake, unknown target episode or broken storyboard stops the run here, before any job.
CONFIG = startup.load(config, ORIGINS, ROOT)


wildcard_constraints:
    slug="|".join(re.escape(slug) for slug in CONFIG.episodes),
    scene=r"\d+",


localrules:
    all,
    approval_gate,


def get_default_targets(wildcards):
    return wf.default_targets(CONFIG, ROOT)


def settings_for(stage):
    """The config sections a stage reads, as params: changing them reruns that stage."""

    def settings(wildcards):
        return wf.stage_settings(CONFIG, wildcards.slug, stage)

    return settings


def get_voice_lanes(wildcards):
    """scene_voice's `model` resource: 0 when every host's voice runs on this machine's CPU."""
    return wf.voice_lanes(CONFIG, wildcards.slug)


def get_sources(wildcards):
    return CONFIG.episodes[wildcards.slug].sources


def get_feedback(wildcards):
    path = Path(f"results/{wildcards.slug}/feedback.json")
    return [str(path)] if path.exists() else []


def get_music_bed(wildcards):
    """The user's own music bed (audio.music.bed), so that replacing the file reruns `music`."""
    return wf.music_inputs(CONFIG, wildcards.slug)


def get_scene_names(wildcards):
    storyboard = checkpoints.storyboard.get(slug=wildcards.slug).output.storyboard
    return wf.scene_names(storyboard)


def scene_files(pattern):
    """Every scene's file of one kind, known once the storyboard checkpoint has run."""

    def files(wildcards):
        return expand(pattern, slug=wildcards.slug, scene=get_scene_names(wildcards))

    files.pattern = pattern  # for tools that read the rules (showrunner.dag)
    return files


onsuccess:
    waiting = wf.awaiting_approval(CONFIG, ROOT)
    if waiting:
        print("\nAwaiting approval (review results/<slug>/outline.md, then `showrunner approve <slug>`):")
        for slug in waiting:
            print(f"    {slug}: results/{slug}/outline.md")
