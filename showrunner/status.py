"""Where each episode stands, stage by stage: done, stale, missing or awaiting approval.

Snakemake is asked (`showrunner.dag.summary`, its `--summary`, which plans exactly as `snakemake -n`):
a stage is `done` when Snakemake would not run any of its jobs, `stale` when it would rerun them
(the detail says why: params changed, updated input files, rule implementation changed, or an
upstream stage that will rerun), `missing` when some output does not exist yet. The stages are
the workflow's rules, in the order rules/*.smk define them; per-scene stages count every scene.
The approval gate's row says whether the outline awaits review, and for how long.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from showrunner import dag
from showrunner.approval import STALE_AFTER_DAYS, approval_state
from showrunner.config import Config
from showrunner.rule_kinds import TARGET_RULES, gate_stage
from showrunner.workflow import stage_needed


@dataclass
class StageStatus:
    stage: str
    state: str  # done | stale | missing | awaiting approval | approved | auto | not needed
    detail: str = ""
    warning: str = ""
    jobs_pending: int = 0  # files of this stage a run would (re)make
    per_scene: bool = False  # one job per scene (its rule has the {scene} wildcard)
    gate: bool = False  # the approval gate (showrunner.rule_kinds.gate_stage): it waits on a person


def _belongs(path: str, slug: str) -> bool:
    return path.startswith(f"results/{slug}/") or path == f"results/show/episodes/{slug}.json"


def episode_status(config: Config, root: Path, slug: str, rules: dict[str, dict],
                   planned: list[dag.Planned]) -> list[StageStatus]:
    """A row per stage; `rules` as showrunner.dag.rules describes them."""
    episode = config.episode(slug)
    mine = [p for p in planned if _belongs(p.path, slug)]
    rows = []
    gate = gate_stage(rules)
    for stage in (r for r in rules if r not in TARGET_RULES):
        if not stage_needed(config, slug, stage, rules):  # e.g. pictures and clips of a podcast-only episode
            rows.append(StageStatus(stage, "not needed", f"outputs: {', '.join(episode.spec.outputs)}"))
            continue
        files = [p for p in mine if p.rule == stage]
        pending = sum(p.pending for p in files)
        if stage == gate:
            row = _approval_row(stage, root / "results" / slug, episode.approval)
        elif not files or any(not p.exists for p in files):
            missing = sum(not p.exists for p in files)
            row = StageStatus(stage, "missing", f"{missing} of {len(files)} files missing"
                              if files and missing < len(files) else "")
        elif pending:
            reasons = sorted({p.status for p in files if p.pending and p.status != "ok"})
            row = StageStatus(stage, "stale", ", ".join(reasons) or "upstream stage will rerun")
        else:
            row = StageStatus(stage, "done")
        row.jobs_pending = pending
        row.per_scene = "scene" in rules[stage].get("wildcards", ())
        rows.append(row)
    return rows


def _approval_row(stage: str, results: Path, mode: str) -> StageStatus:
    if mode == "auto":
        return StageStatus(stage, "auto", "approval: auto", gate=True)
    state = approval_state(results)
    if state.approved:
        return StageStatus(stage, "approved", gate=True)
    if state.waiting_since is None:
        return StageStatus(stage, "missing", state.reason, gate=True)
    days = state.waiting_days or 0.0
    waited = f"for {_age(days)}"
    row = StageStatus(stage, "awaiting approval",
                      waited if state.reason == "awaiting approval" else f"{state.reason}, {waited}", gate=True)
    if days > STALE_AFTER_DAYS:
        row.warning = f"waiting for more than {STALE_AFTER_DAYS} days: review results/{results.name}/outline.md"
    return row


def _age(days: float) -> str:
    if days >= 1:
        return f"{days:.1f} days"
    hours = days * 24
    return f"{hours:.1f} hours" if hours >= 1 else f"{hours * 60:.0f} minutes"


def status_table(config: Config, root: Path, slugs: list[str] | None = None,
                 configfiles: list[str] | None = None) -> dict[str, list[dict]]:
    """{slug: [{stage, state, detail, warning, jobs_pending}, ...]} for the given episodes (default: all),
    from one question to Snakemake about the DAG towards their final files."""
    slugs = list(slugs or config.episodes)
    for slug in slugs:
        config.episode(slug)  # an unknown slug names the episodes there are
    episodes = {slug: config.episodes[slug].outputs for slug in slugs}
    rules, planned = dag.summary(root, [], configfiles, episodes=episodes)
    return {slug: [asdict(r) for r in episode_status(config, root, slug, rules, planned)] for slug in slugs}
