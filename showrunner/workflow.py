"""Pure functions behind rules/common.smk: targets, approval state, each stage's settings.

Kept out of the .smk files so they are unit-tested without Snakemake.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from showrunner.approval import approval_state
from showrunner.artifacts import Storyboard, scene_name
from showrunner.config import CALL_POLICY_FIELDS, Config
from showrunner.files import read_model
from showrunner.reads import stage_reads
from showrunner.voices import LOCAL_CPU

EPISODE_FILES_TO_GATE = ("outline.md",)
EPISODE_FINAL_FILES = ("final.mp4", "podcast.mp3", "storyboard.review.json", "acceptance.json", "accepted.flag")


def stage_settings(config: Config, slug: str, stage: str) -> dict[str, Any]:
    """The values of what `stage` declares it reads (its READS), for one episode: the rule's params."""
    dumped = config.episode(slug).model_dump(mode="json")
    for provider in dumped["providers"].values():
        for name in (*CALL_POLICY_FIELDS, "api_key_env"):
            provider.pop(name, None)
    out: dict[str, Any] = {}
    for dotted in stage_reads(stage):
        node: Any = dumped
        for part in dotted.split("."):
            node = node[part]
        out[dotted] = node
    return out


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


def default_targets(config: Config, root: Path) -> list[str]:
    """Approved episodes to the end; the others as far as the gate (their outline)."""
    targets = []
    for slug in config.episodes:
        if is_past_gate(config, root, slug):
            targets += [f"results/{slug}/{name}" for name in EPISODE_FINAL_FILES]
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
    storyboard = read_model(storyboard_json, Storyboard)
    return [scene_name(ref.index) for ref in storyboard.scenes]
