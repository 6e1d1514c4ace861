"""Where each episode stands, stage by stage: done, stale, missing or awaiting approval.

A stage is `done` when its outputs exist and none of its inputs is newer, `stale` when an input
(or an upstream stage) changed after it ran, `missing` when it has not run. `snakemake -n`
remains the authority on what a run would do (it also sees changed params and code); this is
the quick overview a person reads.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from showrunner.approval import STALE_AFTER_DAYS, approval_state
from showrunner.config import Config
from showrunner.workflow import scene_names, stage_needed

SCENE_STAGES = {"scene_image": ["image.png"], "scene_voice": ["voice.wav", "timings.json"], "scene_clip": ["clip.mp4"]}
# stage -> (outputs, upstream stages); per-scene stages are expanded over the storyboard's scenes.
STAGES: dict[str, tuple[list[str], list[str]]] = {
    "brief": (["brief.json"], []),
    "research": (["research.json"], ["brief"]),
    "outline": (["outline.json", "outline.md"], ["research"]),
    "approval_gate": (["approved.flag"], ["outline"]),
    "script": (["script.json"], ["approval_gate"]),
    "storyboard": (["storyboard.json"], ["script"]),
    "scene_image": ([], ["storyboard"]),
    "scene_voice": ([], ["storyboard"]),
    "scene_clip": ([], ["scene_image", "scene_voice"]),
    "captions": (["captions.srt", "captions.vtt"], ["scene_voice"]),
    "soundtrack": (["soundtrack.m4a"], ["scene_voice"]),
    "final": (["final.mp4"], ["scene_clip", "soundtrack", "captions"]),
    "podcast": (["podcast.mp3"], ["scene_voice"]),
    "acceptance": (["acceptance.json", "acceptance.md"], ["final", "podcast"]),
}


@dataclass
class StageStatus:
    stage: str
    state: str  # done | stale | missing | awaiting approval | approved | auto | not needed
    detail: str = ""
    warning: str = ""


def _outputs(results: Path, stage: str) -> list[Path]:
    if stage in SCENE_STAGES:
        storyboard = results / "storyboard.json"
        if not storyboard.exists():
            return []
        return [results / "media" / name / f for name in scene_names(storyboard) for f in SCENE_STAGES[stage]]
    return [results / name for name in STAGES[stage][0]]


def episode_status(config: Config, root: Path, slug: str) -> list[StageStatus]:
    results = root / "results" / slug
    episode = config.episode(slug)
    newest: dict[str, float] = {"sources": max((p.stat().st_mtime for p in
                                               (root / s for s in episode.spec.sources) if p.exists()), default=0)}
    state: dict[str, str] = {"sources": "done"}
    rows = []
    for stage, (_, upstream) in STAGES.items():
        if not stage_needed(config, slug, stage):  # e.g. pictures and clips of a podcast-only episode
            state[stage] = "done"
            rows.append(StageStatus(stage, "not needed", f"outputs: {', '.join(episode.spec.outputs)}"))
            continue
        outputs = _outputs(results, stage)
        exists = bool(outputs) and all(p.exists() for p in outputs)
        if exists:
            newest[stage] = max(p.stat().st_mtime for p in outputs)
        if stage == "approval_gate":
            row = _approval_row(results, episode.approval)
            state[stage] = "done" if exists and row.state in ("approved", "auto") else "missing"
            rows.append(row)
            continue
        if not exists:
            state[stage] = "missing"
            rows.append(StageStatus(stage, "missing"))
            continue
        oldest = min(p.stat().st_mtime for p in outputs)
        upstream = upstream or ["sources"]
        changed = [u for u in upstream if state[u] != "done"
                   or (_newer_scene_by_scene(results, u, stage) if {u, stage} <= SCENE_STAGES.keys()
                       else newest.get(u, 0) > oldest)]
        state[stage] = "stale" if changed else "done"
        rows.append(StageStatus(stage, state[stage], f"changed upstream: {', '.join(changed)}" if changed else ""))
    return rows


def _newer_scene_by_scene(results: Path, upstream: str, stage: str) -> bool:
    """Whether any scene's `upstream` files are newer than its own `stage` files (scene 6's
    picture, made after scene 1's clip, does not make scene 1's clip stale)."""
    for folder in {p.parent for p in _outputs(results, stage)}:
        made = min((folder / name).stat().st_mtime for name in SCENE_STAGES[stage])
        if max((folder / name).stat().st_mtime for name in SCENE_STAGES[upstream]) > made:
            return True
    return False


def _approval_row(results: Path, mode: str) -> StageStatus:
    if mode == "auto":
        return StageStatus("approval_gate", "auto", "approval: auto")
    state = approval_state(results)
    if state.approved:
        return StageStatus("approval_gate", "approved")
    if state.waiting_since is None:
        return StageStatus("approval_gate", "missing", state.reason)
    days = state.waiting_days or 0.0
    waited = f"for {_age(days)}"
    row = StageStatus("approval_gate", "awaiting approval",
                      waited if state.reason == "awaiting approval" else f"{state.reason}, {waited}")
    if days > STALE_AFTER_DAYS:
        row.warning = f"waiting for more than {STALE_AFTER_DAYS} days: review results/{results.name}/outline.md"
    return row


def _age(days: float) -> str:
    if days >= 1:
        return f"{days:.1f} days"
    hours = days * 24
    return f"{hours:.1f} hours" if hours >= 1 else f"{hours * 60:.0f} minutes"


def status_table(config: Config, root: Path, slugs: list[str] | None = None) -> dict[str, list[dict]]:
    return {slug: [asdict(r) for r in episode_status(config, root, slug)] for slug in (slugs or list(config.episodes))}
