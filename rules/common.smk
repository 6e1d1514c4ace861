# Config validation and every input/params function. Logic lives in showrunner.workflow.
import re
from pathlib import Path

from showrunner import rule_kinds, startup
from showrunner import workflow as wf
from showrunner.screen import figures as screen_figures

ROOT = Path.cwd()

# Every config mistake, unknown target episode or broken storyboard stops the run here, before any job.
CONFIG = startup.load(config, ORIGINS, ROOT)
# A lock left by a killed run (no live Snakemake here holds it) is cleared with a message: no --unlock.
startup.clear_stale_lock(workflow, ROOT)
# One pending rescheduling timer, not one more per scheduling round (they cost CPU and a second at the end).
startup.one_scheduler_timer()


wildcard_constraints:
    slug="|".join(re.escape(slug) for slug in CONFIG.episodes),
    scene=r"\d+",


localrules:
    all,
    approval_gate,


def get_default_targets(wildcards):
    return wf.default_targets(CONFIG, ROOT, workflow_rules())


def settings_for(stage):
    """The config sections a stage reads, as params: changing them reruns that stage."""

    def settings(wildcards):
        return wf.stage_settings(CONFIG, wildcards.slug, stage, wildcards.get("scene"))

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


def get_acceptance_media(wildcards):
    """final.mp4, its captions and clips if the episode asks for the video; podcast.mp3 if for the podcast."""
    files = wf.acceptance_media(CONFIG, wildcards.slug)
    if "clips" in files:
        files["clips"] = scene_files(files["clips"])(wildcards)
    return files


def get_medium(wildcards):
    """The report's {medium}: final.mp4 or podcast.mp3."""
    return wf.medium_file(wildcards.slug, wildcards.medium)


# The parsed rules, as showrunner.rule_kinds describes them: read once, when the DAG is built
# (never while the Snakefile is parsed), by the input functions that ask which stages are which.
RULES = {}


def workflow_rules():
    if not RULES:
        RULES.update(rule_kinds.describe(workflow.rules))
    return RULES


def get_cost_inputs(wildcards):
    """The provenance of every stage that declares the `model` resource and that the episode needs."""
    scenes = get_scene_names(wildcards)  # once, not once per pattern: planning many episodes adds up
    patterns = wf.cost_inputs(CONFIG, wildcards.slug, workflow_rules())
    return [path for pattern in patterns for path in expand(pattern, scene=scenes)]


# The storyboard.json of each episode whose checkpoint is complete in this run. Snakemake's checkpoints.get costs
# time that grows with the number of episodes (it compares against every checkpoint output made),
# and the per-scene input functions ask it about two dozen times per episode; once complete, a
# checkpoint stays complete for the rest of the run.
STORYBOARD_DONE = {}


def get_scene_names(wildcards):
    if wildcards.slug not in STORYBOARD_DONE:
        # raises while the storyboard is still to run
        STORYBOARD_DONE[wildcards.slug] = checkpoints.storyboard.get(slug=wildcards.slug).output.storyboard
    return wf.scene_names(STORYBOARD_DONE[wildcards.slug])


def get_scene_figures(wildcards):
    """The document figures a scene's beats show: a changed figure redraws that scene only."""
    get_scene_names(wildcards)
    return screen_figures.figure_paths(f"results/{wildcards.slug}/scenes/{wildcards.scene}.json")


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
