"""Pure functions behind rules/common.smk: targets, approval state, each stage's settings.

Kept out of the .smk files so they are unit-tested without Snakemake.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from showrunner.approval import approval_state
from showrunner.artifacts import Scene, Storyboard, scene_name
from showrunner.config import CALL_POLICY_FIELDS, Config
from showrunner.files import canonical_json, read_json, read_model, sha256_text
from showrunner.pronunciation import episode_lexicon
from showrunner.reads import stage_reads, stage_scene_reads
from showrunner.rule_kinds import (
    MEDIA,
    OUTPUT_COMPANIONS,
    OUTPUT_FILES,
    SHOW_NOTES,
    VIDEO_DESCRIPTION,
    model_stages,
    output_stages,
    provenance_patterns,
    report_files,
)
from showrunner.voices import LOCAL_CPU

# Which stages each output needs, which call models, which run per scene, which make the report's
# pages: read from the rules (showrunner.rule_kinds). What follows are files, not stages.
EPISODE_FILES_TO_GATE = ("outline.md",)
FINISHED_FILES = ("scene_critic.json", "acceptance.json", "accepted.flag")
SHOW_MEMORY = "results/show/episodes/{slug}.json"


def stage_settings(config: Config, slug: str, stage: str, scene: str | None = None) -> dict[str, Any]:
    """The values of what `stage` declares it reads (its READS), for one episode: the rule's params.

    For a stage that runs per scene, `pronunciations` holds only the entries the scene's text uses
    (results/<slug>/scenes/<scene>.json, there once the storyboard has run), so changing how a term
    is said reruns only the voices that say it. A stage that reads only part of its scene file
    (its SCENE_READS, see showrunner/reads.py) gets a digest of that part as `scene_file`: its rule
    takes the file as ancient(), so an edit to the rest (a beat, in the studio) leaves it done.
    """
    dumped = config.episode(slug).model_dump(mode="json")
    if scene is not None and "pronunciations" in stage_reads(stage):
        dumped["pronunciations"] = scene_pronunciations(config, slug, scene)
    for provider in dumped["providers"].values():
        for name in (*CALL_POLICY_FIELDS, "api_key_env"):
            provider.pop(name, None)
    out: dict[str, Any] = {}
    for dotted in stage_reads(stage):
        node: Any = dumped
        for part in dotted.split("."):
            node = node[part]
        out[dotted] = node
    scene_fields = stage_scene_reads(stage)
    if scene is not None and scene_fields:
        out["scene_file"] = scene_part_digest(slug, scene, scene_fields)
    return out


def scene_part_digest(slug: str, scene: str, fields: tuple[str, ...]) -> str:
    """sha256 of those top-level fields of results/<slug>/scenes/<scene>.json ('' before it is written)."""
    path = Path("results") / slug / "scenes" / f"{scene}.json"
    if not path.is_file():
        return ""
    data = read_json(path)
    return sha256_text(canonical_json({name: data.get(name) for name in fields}))


def scene_pronunciations(config: Config, slug: str, scene: str) -> dict[str, Any]:
    """{term: entry} of the episode's lexicon (built-in, show, episode) that one scene's segments say."""
    path = Path("results") / slug / "scenes" / f"{scene}.json"
    lexicon = episode_lexicon(config.episode(slug))
    if not path.is_file():  # not written yet: the whole lexicon, and the scene is made in this run anyway
        return {term: how.model_dump(mode="json") for term, how in lexicon.entries.items()}
    return lexicon.relevant(s.text for s in read_model(path, Scene).segments)


def voice_lanes(config: Config, slug: str) -> int:
    """The `model` lane a scene_voice job takes: none when every host speaks with a local CPU voice
    (espeak-ng, hibari, piper: two scenes at once use both cores), one for online or GPU voices."""
    episode = config.episode(slug)
    names = {speech_settings_name(host.speech.provider, episode) for host in episode.show.hosts}
    return 0 if names <= set(LOCAL_CPU) else 1


def speech_settings_name(provider: str | None, episode) -> str:
    return provider or episode.providers.speech.name


def results_dir(root: Path, slug: str) -> Path:
    return root / "results" / slug


def final_files(config: Config, slug: str, rules: dict[str, dict]) -> list[str]:
    """What a finished episode leaves: the outputs it asks for, its acceptance and its report pages
    (the report rules' report() outputs; `rules` as showrunner.dag.rules describes them)."""
    return episode_files(slug, config.episodes[slug].outputs, rules)


def episode_files(slug: str, outputs: Sequence[str], rules: dict[str, dict]) -> list[str]:
    """final_files of an episode that asks for `outputs` (video, podcast)."""
    names = [OUTPUT_FILES[o] for o in OUTPUT_FILES if o in outputs]
    names += list(dict.fromkeys(f for o in OUTPUT_FILES if o in outputs for f in OUTPUT_COMPANIONS[o]))
    names += FINISHED_FILES
    return [*(f"results/{slug}/{name}" for name in names),
            *(pattern.replace("{slug}", slug) for pattern in report_files(rules, outputs))]


def final_file_patterns(rules: dict[str, dict]) -> list[str]:
    """Every file a finished (or gated) episode may be asked for, as patterns with {slug}."""
    names = [*EPISODE_FILES_TO_GATE, *OUTPUT_FILES.values(), SHOW_NOTES, VIDEO_DESCRIPTION, *FINISHED_FILES]
    return [*(f"results/{{slug}}/{name}" for name in names), *report_files(rules, OUTPUT_FILES), SHOW_MEMORY]


def stage_needed(config: Config, slug: str, stage: str, rules: dict[str, dict]) -> bool:
    """Whether the episode's outputs need this stage (a podcast-only episode makes no pictures);
    `rules` as showrunner.dag.rules describes them."""
    outputs = config.episodes[slug].outputs
    return not any(stage in stages for output, stages in output_stages(rules).items() if output not in outputs)


def acceptance_media(config: Config, slug: str) -> dict[str, str]:
    """The acceptance rule's inputs that depend on the outputs asked for ({scene} still open)."""
    spec = config.episodes[slug]
    files: dict[str, str] = {}
    if spec.wants("video"):
        files.update(video=f"results/{slug}/{OUTPUT_FILES['video']}", srt=f"results/{slug}/captions.srt",
                     clips=f"results/{slug}/media/{{scene}}/clip.mp4")
    if spec.wants("podcast"):
        files["podcast"] = f"results/{slug}/{OUTPUT_FILES['podcast']}"
    return files


def medium_file(slug: str, medium: str) -> str:
    return f"results/{slug}/{MEDIA[medium]}"


def cost_inputs(config: Config, slug: str, rules: dict[str, dict]) -> list[str]:
    """The provenance records of every stage that may call a model (it declares the `model`
    resource) and that the episode's outputs need ({scene} still open)."""
    stages = [s for s in model_stages(rules) if stage_needed(config, slug, s, rules)]
    return [pattern.replace("{slug}", slug) for pattern in provenance_patterns(rules, stages)]


def default_targets(config: Config, root: Path, rules: dict[str, dict]) -> list[str]:
    """Approved episodes to the end; the others as far as the gate (their outline)."""
    targets = []
    for slug in config.episodes:
        if is_past_gate(config, root, slug):
            targets += final_files(config, slug, rules)
            targets.append(f"results/show/episodes/{slug}.json")
        else:
            targets += [f"results/{slug}/{name}" for name in EPISODE_FILES_TO_GATE]
    return targets


def is_past_gate(config: Config, root: Path, slug: str) -> bool:
    if config.episode(slug).approval == "auto":
        return True
    return approval_state(results_dir(root, slug)).approved


def awaiting_approval(config: Config, root: Path) -> list[str]:
    return [slug for slug in config.episodes if not is_past_gate(config, root, slug)]


def music_inputs(config: Config, slug: str) -> list[str]:
    """The music rule's input: the user's own bed file, or nothing when the bed is generated."""
    bed = config.episode(slug).audio.music.bed
    return [] if bed == "generated" else [bed]


def scene_names(storyboard_json: str | Path) -> list[str]:
    """The scene wildcards of a storyboard (read once per version of the file: planning asks for
    them from every per-scene input function of every episode)."""
    stat = Path(storyboard_json).stat()
    return list(_scene_names(str(storyboard_json), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=1024)
def _scene_names(path: str, _mtime_ns: int, _size: int) -> tuple[str, ...]:
    return tuple(scene_name(ref.index) for ref in read_model(path, Storyboard).scenes)
