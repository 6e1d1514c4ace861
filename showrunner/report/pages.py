"""The report's HTML pages, rendered with jinja2 (autoescaped) from the episode's files."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from showrunner.artifacts import Outline, Script, ScriptReview
from showrunner.config import Host

_ENV = jinja2.Environment(loader=jinja2.PackageLoader("showrunner.report", "templates"),
                          autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
MIME = {".mp4": "video/mp4", ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".wav": "audio/wav", ".ogg": "audio/ogg"}
# Snakemake's report opens an HTML result as an iframe from a data: URL, and Chromium opens none
# over 2 MiB: the page is base64 inside that URL and the media base64 inside the page.
MAX_URL_CHARS = 2 * 1024 * 1024
MAX_INLINE_BYTES = (MAX_URL_CHARS * 3 // 4 - 8000) * 3 // 4
SCORE_PREFIX = "score_"


def _render(template: str, **context: Any) -> str:
    return _ENV.get_template(template).render(**context)


def outline_page(markdown: str, *, heading: str) -> str:
    """outline.md as a person reviews it, rendered: without its title line (the page's heading says
    it) and the comments that carry each section's id and facts."""
    text = re.sub(r"^<!--.*?-->[ \t]*$\n?", "", markdown, flags=re.M | re.S)
    text = re.sub(r"\A\s*# .*\n", "", text)
    body = MarkdownIt("commonmark", {"html": False}).render(text)
    return _render("outline.html.j2", heading=heading, subheading="The outline, as approved at the gate.",
                   body=Markup(body))


def script_page(script: Script, review: ScriptReview, outline: Outline, hosts: Sequence[Host], *,
                words_per_minute: int) -> str:
    """The accepted script by outline section, after a table of every draft's critic scores."""
    names = {h.id: h.name for h in hosts}
    order = {h.id: i for i, h in enumerate(hosts)}
    titles = {s.id: s.title for s in outline.sections}
    sections: list[dict[str, Any]] = []
    for segment in script.segments:
        if not sections or sections[-1]["id"] != segment.section_id:
            sections.append({"id": segment.section_id, "title": titles.get(segment.section_id, segment.section_id),
                             "segments": []})
        sections[-1]["segments"].append({"speaker": names.get(segment.speaker, segment.speaker),
                                      "host_index": order.get(segment.speaker, 0) % 2, "text": segment.text})
    metric_names = sorted({name for d in review.drafts for name in d.critique.metrics if name.startswith(SCORE_PREFIX)})
    return _render("script.html.j2", heading=f"Script: {script.title}",
                   subheading=f"{len(review.drafts)} draft(s) by the writer, scored 0-100 by the critic.",
                   review=review, sections=sections, words=script.words,
                   minutes=f"{script.words / words_per_minute:.1f}", metric_names=metric_names,
                   metric_label=lambda name: name.removeprefix(SCORE_PREFIX))


def acceptance_page(report: dict[str, Any]) -> str:
    """acceptance.json as a table: what was measured against what was expected."""
    checks = report["checks"]
    hard = [c for c in checks if c["hard"] and not c["passed"]]
    soft = [c for c in checks if not c["hard"] and not c["passed"]]
    verdict = f"FAILED: {len(hard)} hard check(s)" if hard else f"PASSED: {len(checks)} checks"
    if soft:
        verdict += f", {len(soft)} warning(s)"
    return _render("acceptance.html.j2", heading=f"Acceptance: {report['slug']}",
                   subheading="Measured from the finished files with ffprobe and ffmpeg.",
                   passed=not hard, verdict=verdict, checks=checks)


@dataclass
class CostRow:
    stage: str
    provider: str | None = None
    model: str | None = None
    calls: int = 0
    cached: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    characters: int = 0
    images: int = 0
    cost_usd: float = 0.0
    models: set[str] = field(default_factory=set)


def cost_rows(provenance_files: Iterable[str | Path]) -> list[CostRow]:
    """One row per stage (per-scene stages summed over their scenes), from the provenance records."""
    rows: dict[str, CostRow] = {}
    for path in provenance_files:
        record = json.loads(Path(path).read_text(encoding="utf-8"))
        row = rows.setdefault(record["stage"], CostRow(record["stage"]))
        row.provider = row.provider or record.get("provider")
        row.model = row.model or record.get("model")
        for call in record.get("calls", []):
            row.calls += 1
            row.cached += bool(call.get("cached"))
            usage = call.get("usage", {})
            row.input_tokens += int(usage.get("input_tokens", 0))
            row.output_tokens += int(usage.get("output_tokens", 0))
            row.characters += int(usage.get("characters", 0))
            row.images += int(usage.get("images", 0))
        row.cost_usd += float(record.get("cost_usd", 0.0))
    return list(rows.values())


def cost_page(slug: str, rows: Sequence[CostRow], *, spent: float | None, budget: float | None) -> str:
    return _render("cost.html.j2", heading=f"Cost: {slug}", subheading="What the model calls behind this build cost.",
                   rows=rows, total=sum(r.cost_usd for r in rows), calls=sum(r.calls for r in rows),
                   cached=sum(r.cached for r in rows), spent=spent, budget=budget)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.0f} kB"


def preview_note(original: Path, where: str, described: str | None) -> str:
    size = _size(original.stat().st_size)
    if described is None:
        return f"{where} ({size}) is too long to play inside the report: open the file itself."
    return f"A preview ({described}), small enough to play inside the report; the full file is {where} ({size})."


def player_page(media: str | Path | None, *, heading: str, subheading: str, duration_s: float | None,
                note: str = "") -> str:
    """A page that plays `media` in the browser, with the file inline (no second file to ship);
    without `media`, only the note."""
    duration = f"{int(duration_s // 60)}:{duration_s % 60:04.1f}" if duration_s else ""
    if media is None:
        return _render("player.html.j2", heading=heading, subheading=subheading, kind=None, note=note,
                       duration=duration)
    path = Path(media)
    data = path.read_bytes()
    mime = MIME[path.suffix.lower()]
    return _render("player.html.j2", heading=heading, subheading=subheading,
                   kind="video" if mime.startswith("video/") else "audio", mime=mime,
                   data=base64.b64encode(data).decode("ascii"), name=path.name, size=_size(len(data)),
                   duration=duration, note=note)
