"""Pure functions behind rules/common.smk: targets, approval state, each stage's settings.

Kept out of the .smk files so they are unit-tested without Snakemake.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from showrunner.approval import approval_state
from showrunner.artifacts import Storyboard, scene_name
from showrunner.config import CALL_POLICY_FIELDS, Config
from showrunner.errors import ConfigError
from showrunner.files import read_model
from showrunner.sources import SUPPORTED_SUFFIXES
from showrunner.voices import LOCAL_CPU

# Which config sections each stage reads. They become the rule's `params`, so changing one of
# them reruns exactly the stages that read it (Snakemake's "params" rerun trigger).
STAGE_SECTIONS: dict[str, tuple[str, ...]] = {
    "brief": ("spec", "show", "target_minutes", "writing"),
    "research": ("show", "providers.language"),
    "outline": ("show", "providers.language", "target_minutes", "writing"),
    "approval_gate": ("approval",),
    "script": ("show", "providers.language", "target_minutes", "writing"),
    "storyboard": ("show", "providers.language", "writing", "video.aspect"),
    "scene_image": ("show.style", "providers.image", "video"),
    "scene_voice": ("show.hosts", "providers.speech", "audio", "video.fps", "writing.words_per_minute"),
    "scene_clip": ("video",),
    "soundtrack": ("audio", "video.fps"),
    "captions": ("acceptance", "video.fps"),
    "music": ("audio.music", "audio.sample_rate"),
    "final": ("video", "show.language"),
    "podcast": ("show.name", "audio"),
    "acceptance": ("acceptance", "video", "audio", "target_minutes"),
    "transcript": ("acceptance.listen",),
    "show_memory": (),
}

EPISODE_FILES_TO_GATE = ("outline.md",)
EPISODE_FINAL_FILES = ("final.mp4", "podcast.mp3", "acceptance.json")


def stage_settings(config: Config, slug: str, stage: str) -> dict[str, Any]:
    episode = config.episode(slug)
    dumped = episode.model_dump(mode="json")
    for provider in dumped["providers"].values():
        for name in CALL_POLICY_FIELDS:
            provider.pop(name, None)
    out: dict[str, Any] = {}
    for dotted in STAGE_SECTIONS[stage]:
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


def check_sources(config: Config, root: Path) -> None:
    """Fail before any job runs when a configured source is missing, empty or unsupported."""
    problems = []
    for slug, spec in config.episodes.items():
        for i, source in enumerate(spec.sources):
            where = f"config.yaml: episodes.{slug}.sources[{i}]"
            path = root / source
            if Path(source).is_absolute() or ".." in Path(source).parts:
                problems.append(f"{where}: {source}: give a path inside the project, without '..'")
            elif not path.exists():
                problems.append(f"{where}: {source}: file not found")
            elif not path.is_file():
                problems.append(f"{where}: {source}: not a file")
            elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
                problems.append(f"{where}: {source}: unsupported kind '{path.suffix}' "
                                f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
            elif path.stat().st_size == 0:
                problems.append(f"{where}: {source}: file is empty")
        if not spec.sources and config.episode(slug).providers.language.name == "extractive":
            problems.append(f"config.yaml: episodes.{slug}.topic: a topic-only episode needs a language model: "
                            "the offline 'extractive' provider writes only from sources. Add 'sources', or set "
                            "providers.language (for this episode: overrides.providers.language) to name: openai "
                            "with a base_url and model (any OpenAI-compatible endpoint, e.g. Ollama at "
                            "http://localhost:11434/v1)")
    if problems:
        raise ConfigError("\n".join(problems))


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
