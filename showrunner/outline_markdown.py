"""outline.md: the outline as a person reviews and edits it, and back.

    # Title

    Summary paragraph.

    > Reviewer feedback: make it shorter

    > Length: The sources support about 1.2 minutes ... (target 3, supported 1.2, agreed 1.2 minutes)

    > Pronunciation: no voice is sure of: kubectl, Snakemake (say how under pronunciations in config.yaml)

    ## Section title
    <!-- id: s1; facts: f1 f4 -->
    - a key point
    - another key point

    Notes for this section (any other text).

`parse_outline_markdown(render_outline_markdown(o))` gives `o` back.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from showrunner.artifacts import EpisodeLength, Outline, OutlineSection
from showrunner.errors import ArtifactError

_META = re.compile(r"^<!--\s*id:\s*(?P<id>\S+?)\s*(?:;\s*facts:\s*(?P<facts>[^>]*?))?\s*-->$")
_FEEDBACK = "> Reviewer feedback: "
_LENGTH = "> Length: "
_UNSURE = "> Pronunciation: no voice is sure of: "
_UNSURE_HINT = " (say how under pronunciations in config.yaml)"
_LENGTH_NUMBERS = re.compile(r"^(?P<note>.*) \(target (?P<target>[\d.]+), supported (?P<supported>[\d.]+), "
                             r"agreed (?P<agreed>[\d.]+) minutes\)$")


def render_outline_markdown(outline: Outline) -> str:
    lines = [f"# {outline.title}", ""]
    if outline.summary:
        lines += [outline.summary, ""]
    for item in outline.feedback:
        lines += [f"{_FEEDBACK}{item}", ""]
    if outline.length is not None:
        n = outline.length
        lines += [f"{_LENGTH}{n.note} (target {n.target_minutes:g}, supported {n.supported_minutes:g}, "
                  f"agreed {n.agreed_minutes:g} minutes)", ""]
    if outline.unsure_words:
        lines += [f"{_UNSURE}{', '.join(outline.unsure_words)}{_UNSURE_HINT}", ""]
    for section in outline.sections:
        lines.append(f"## {section.title}")
        facts = f"; facts: {' '.join(section.fact_ids)}" if section.fact_ids else ""
        lines.append(f"<!-- id: {section.id}{facts} -->")
        lines += [f"- {point}" for point in section.key_points]
        lines.append("")
        if section.notes:
            lines += [section.notes, ""]
    return "\n".join(lines).rstrip() + "\n"


def read_outline_text(path: str | Path) -> str:
    """outline.md as text; a byte that is not UTF-8 is named by line and column, never a traceback."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise ArtifactError(f"{path}: line {line}, column {column}: byte 0x{data[err.start]:02x} is not UTF-8 text; "
                            "save the file as UTF-8 (your editor's encoding setting) and approve again") from None


def parse_outline_markdown(text: str, slug: str, path: str = "outline.md") -> Outline:
    """Read an edited outline.md; a problem names the file, the line and the field."""
    title = None
    length: EpisodeLength | None = None
    summary: list[str] = []
    feedback: list[str] = []
    unsure: list[str] = []
    sections: list[dict] = []
    current: dict | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if re.fullmatch(r"#{1,2}", line):
            raise ArtifactError(f"{path}: line {number}: {'title' if line == '#' else 'sections'}: a '{line} ' "
                                "heading with no title; give it a title, or delete the line")
        if line.startswith("# ") and not line.startswith("## "):
            if title is not None:
                raise ArtifactError(f"{path}: line {number}: title: a second '# ' title line; use '## ' for sections")
            title = line[2:].strip()
        elif line.startswith("## "):
            current = {"title": line[3:].strip(), "key_points": [], "fact_ids": [], "notes": [], "line": number}
            sections.append(current)
        elif line.startswith(_FEEDBACK.strip()) and current is None:
            feedback.append(line[len(_FEEDBACK.strip()):].strip())
        elif line.startswith(_LENGTH.strip()) and current is None:
            numbers = _LENGTH_NUMBERS.match(line[len(_LENGTH.strip()):].strip())
            if numbers is None:
                raise ArtifactError(f"{path}: line {number}: length: keep the '(target N, supported N, agreed N "
                                    "minutes)' at the end of the '> Length:' line, or delete the whole line")
            length = EpisodeLength(note=numbers["note"], target_minutes=float(numbers["target"]),
                                   supported_minutes=float(numbers["supported"]),
                                   agreed_minutes=float(numbers["agreed"]))
        elif line.startswith(_UNSURE.strip()) and current is None:
            listed = line[len(_UNSURE.strip()):].strip().removesuffix(_UNSURE_HINT.strip()).strip()
            unsure += [w.strip() for w in listed.split(",") if w.strip()]
        elif current is None:
            if title is None:
                raise ArtifactError(f"{path}: line {number}: title: the outline must start with a '# Title' line")
            summary.append(line)
        elif (meta := _META.match(line)):
            current["id"] = meta["id"]
            current["fact_ids"] = (meta["facts"] or "").split()
        elif line.startswith(("- ", "* ")):
            current["key_points"].append(line[2:].strip())
        else:
            current["notes"].append(line)
    if title is None:
        raise ArtifactError(f"{path}: title: missing '# Title' line")
    if not sections:
        raise ArtifactError(f"{path}: sections: no '## Section' headings; an outline needs at least one section")
    used = {s["id"] for s in sections if "id" in s}
    next_id = 1
    built = []
    for s in sections:
        if "id" not in s:
            while f"s{next_id}" in used:
                next_id += 1
            s["id"] = f"s{next_id}"
            used.add(s["id"])
        if not s["key_points"]:
            raise ArtifactError(f"{path}: line {s['line']}: sections[{s['id']}].key_points: section "
                                f"'{s['title']}' has no key points (add lines starting with '- ')")
        try:
            built.append(OutlineSection(id=s["id"], title=s["title"], key_points=s["key_points"],
                                        fact_ids=s["fact_ids"], notes="\n".join(s["notes"])))
        except ValidationError as err:
            field = ".".join(str(p) for p in err.errors()[0]["loc"])
            raise ArtifactError(f"{path}: line {s['line']}: sections[{s['id']}].{field}: "
                                f"{err.errors()[0]['msg']}") from None
    try:
        return Outline(slug=slug, title=title, summary=" ".join(summary), sections=built, feedback=feedback,
                       length=length, unsure_words=unsure)
    except ValidationError as err:
        raise ArtifactError(f"{path}: {err.errors()[0]['msg']}") from None
