"""The approval gate after the outline.

`showrunner approve` validates the (possibly hand-edited) outline and records the hashes of
outline.json and outline.md in approval.json. The `approval_gate` rule writes approved.flag only
while those hashes still match, so an outline edited after approval needs approval again, and
a change to the gate's own code (which reruns the rule) keeps the approval given.
`showrunner reject` stores feedback, which is an input of the outline rule.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from showrunner.artifacts import Outline
from showrunner.errors import ApprovalError
from showrunner.files import canonical_json, read_json, read_model, sha256_file, write_json, write_text
from showrunner.outline_markdown import parse_outline_markdown, read_outline_text, render_outline_markdown

RECORD = "approval.json"
FEEDBACK = "feedback.json"
STALE_AFTER_DAYS = 7


@dataclass
class ApprovalState:
    approved: bool
    reason: str
    waiting_since: float | None = None  # when the outline awaiting review was written

    @property
    def waiting_days(self) -> float | None:
        return None if self.waiting_since is None else (time.time() - self.waiting_since) / 86400


def _fingerprint(results: Path) -> dict[str, str]:
    return {name: sha256_file(results / name) for name in ("outline.json", "outline.md")}


def approval_state(results: Path) -> ApprovalState:
    if not (results / "outline.json").exists() or not (results / "outline.md").exists():
        return ApprovalState(False, "no outline yet")
    waiting_since = (results / "outline.md").stat().st_mtime
    record_path = results / RECORD
    if not record_path.exists():
        return ApprovalState(False, "awaiting approval", waiting_since)
    record = read_json(record_path)
    if record.get("outline") != _fingerprint(results):
        return ApprovalState(False, "outline changed since it was approved", waiting_since)
    return ApprovalState(True, "approved")


def approve(results: Path, slug: str) -> Outline:
    """Validate the outline as it stands (the newer of outline.md and outline.json wins) and approve it."""
    json_path, md_path = results / "outline.json", results / "outline.md"
    for path in (json_path, md_path):
        if not path.exists():
            raise ApprovalError(f"{path}: missing; build the outline first: snakemake {md_path}")
    if md_path.stat().st_mtime_ns > json_path.stat().st_mtime_ns:
        outline = parse_outline_markdown(read_outline_text(md_path), slug, str(md_path))
        if canonical_json(outline).encode("utf-8") != json_path.read_bytes():
            write_json(json_path, outline)
    else:
        outline = read_model(json_path, Outline)
        if outline.slug != slug:
            raise ApprovalError(f"{json_path}: slug: '{outline.slug}' does not match episode '{slug}'")
        markdown = render_outline_markdown(outline)
        if md_path.read_bytes() != markdown.encode("utf-8"):  # unchanged files keep their mtime
            write_text(md_path, markdown)
    write_json(results / RECORD, {"slug": slug, "approved_at": time.time(), "outline": _fingerprint(results)})
    return outline


def reject(results: Path, feedback: str) -> list[str]:
    """Store feedback for the next outline and withdraw any approval."""
    if not feedback.strip():
        raise ApprovalError("reject: --feedback must say what to change")
    path = results / FEEDBACK
    items = read_json(path)["feedback"] if path.exists() else []
    items.append(feedback.strip())
    write_json(path, {"feedback": items})
    (results / RECORD).unlink(missing_ok=True)
    return items


def feedback_of(path: Path | None) -> list[str]:
    return read_json(path)["feedback"] if path and Path(path).exists() else []


def pass_gate(results: Path, slug: str, mode: str, flag: Path) -> None:
    """Write approved.flag, or stop with what to review and how to approve."""
    if mode == "auto":
        write_json(flag, {"slug": slug, "approval": "auto"})
        return
    state = approval_state(results)
    if not state.approved:
        raise ApprovalError(
            f"{results / 'outline.md'}: {state.reason}.\n"
            f"Review (and edit, if you like) {results / 'outline.md'}, then approve it:\n"
            f"    showrunner approve {slug}\n"
            f"or ask for a rewrite:\n"
            f"    showrunner reject {slug} --feedback \"what to change\"\n"
            f"and run snakemake again."
        )
    write_json(flag, {"slug": slug, "approval": "approved", "outline": _fingerprint(results)})
