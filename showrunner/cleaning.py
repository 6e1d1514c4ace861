"""Cleaning sources: what is not prose is dropped (with a record of what and why) or kept as a visual.

The readers in showrunner.sources call these while they read, and `clean_document` runs over
every document's blocks afterwards, whatever the format:

- emoji and pictographs (the `emoji` package's Unicode data) and box-drawing or block characters
  are taken out of prose; a code block drawn mostly with them is terminal art, kept as a diagram
  (language "diagram") for the screen and described, never read;
- copyright and "all rights reserved" lines, cookie notices and "follow us" lines are dropped;
- a table of contents (a contents heading over a list of the document's own headings, or any line with a
  dot leader, "Weights ........ 8", whatever the format) is dropped;
- the structure is one title heading (level 1) with the sections one level below, however many
  top-level headings the document had.

Every drop becomes a `Dropped(reason, text, location)` in brief.json.
"""

from __future__ import annotations

import re
import unicodedata

import emoji

from showrunner.artifacts import Block, Dropped

PREVIEW_CHARS = 120

_BOX = re.compile(r"[\u2500-\u259f\u25a0-\u25ff\u2190-\u21ff\u27f0-\u27ff\u2900-\u297f\u2b00-\u2bff]")
_BOILERPLATE = [
    (re.compile(r"(?:©|\(c\)|copyright\b).{0,80}$|all rights reserved", re.I), "copyright line"),
    (re.compile(r"\b(?:we|this (?:site|website)) uses? cookies\b|\baccept (?:all )?cookies\b", re.I), "cookie notice"),
    (re.compile(r"^(?:follow us|share this|subscribe to our newsletter|back to top)\b", re.I), "site furniture"),
]
_CONTENTS = re.compile(r"^(?:table of contents|contents|toc|on this page|in this (?:article|guide|page))$", re.I)
# a dot leader between an entry and its page ("2.1 Weights ........ 8"): a contents line in any format
_LEADER = re.compile(r"(?:[.·]\s?){5,}|(?:…\s?){2,}")


class Record:
    """Collects what a reader drops."""

    def __init__(self) -> None:
        self.items: list[Dropped] = []

    def drop(self, reason: str, text: str, location: str) -> None:
        text = " ".join(text.split())
        if len(text) > PREVIEW_CHARS:
            text = text[:PREVIEW_CHARS - 1] + "…"
        self.items.append(Dropped(reason=reason, text=text or "(empty)", location=location))


def preview(text: str) -> str:
    return " ".join(text.split())[:PREVIEW_CHARS]


# --- characters ------------------------------------------------------------------------------


def strip_pictographs(text: str) -> tuple[str, list[str]]:
    """(text without emoji, pictographs and box-drawing characters, what was taken out)."""
    text = re.sub(r"(?<=\w)\s*[→⇒⟶⟹]\s*(?=\w)", " to ", text)  # an arrow between words is said: "A to B"
    found: list[str] = [e["emoji"] for e in emoji.emoji_list(text)]
    out = emoji.replace_emoji(text, replace="")
    found += _BOX.findall(out)
    out = _BOX.sub(" ", out)
    # variation selectors and joiners left behind by a partial emoji sequence
    out = re.sub(r"[\ufe0e\ufe0f\u200d\u20e3]", "", out)
    out = re.sub(r"\s+([,.;:!?])(?=\s|$)", r"\1", " ".join(out.split()))
    return out, found


def is_terminal_art(code: str) -> bool:
    """A code block drawn mostly with box-drawing, block or arrow characters."""
    visible = [c for c in code if not c.isspace()]
    if not visible:
        return False
    drawn = sum(1 for c in visible if _BOX.match(c) or c in "+-|=_/\\<>^v*#")
    return len(_BOX.findall(code)) >= 4 and drawn / len(visible) >= 0.4


def diagram_labels(code: str) -> list[str]:
    """The words written inside terminal art, in reading order."""
    labels: list[str] = []
    for line in code.splitlines():
        for piece in re.split(r"\s{2,}|" + _BOX.pattern + r"|[|+]", line):
            piece = piece.strip(" -=_<>:")
            if re.search(r"[A-Za-z]{2,}", piece) and piece not in labels:
                labels.append(piece)
    return labels


def _boilerplate(text: str) -> str | None:
    for pattern, reason in _BOILERPLATE:
        if pattern.search(text):
            return reason
    return None


# --- whole documents -------------------------------------------------------------------------


def clean_blocks(blocks: list[Block], record: Record) -> list[Block]:
    """Pictographs out of prose, boilerplate lines dropped, terminal art marked as a diagram."""
    out: list[Block] = []
    for block in blocks:
        if block.kind == "code":
            if block.language != "diagram" and is_terminal_art(block.text):
                record.drop("terminal art (kept on screen as a diagram, not read)", block.text, block.location)
                block = block.model_copy(update={"language": "diagram"})
            out.append(block)
            continue
        reason = _boilerplate(block.text) if block.kind in ("paragraph", "quote") else None
        if reason:
            record.drop(reason, block.text, block.location)
            continue
        text, found = strip_pictographs(block.text)
        items = []
        for item in block.items:
            cleaned, more = strip_pictographs(item)
            found += more
            if cleaned:
                items.append(cleaned)
        if found:
            record.drop("emoji or pictograph", " ".join(dict.fromkeys(found)), block.location)
        if block.kind == "table":  # cell by cell: the rows and columns stay as they were
            text = "\n".join(" | ".join(strip_pictographs(c)[0] for c in row.split(" | "))
                             for row in block.text.splitlines())
        elif block.kind == "list":
            for item in items:
                if _boilerplate(item):
                    record.drop(_boilerplate(item) or "", item, block.location)
            items = [i for i in items if not _boilerplate(i)]
            text = "\n".join(items)
        if not re.search(r"\w", text):
            continue
        out.append(block.model_copy(update={"text": text, "items": items}))
    return out


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return " ".join(re.findall(r"\w+", text))


def drop_contents(blocks: list[Block], record: Record) -> list[Block]:
    """A table of contents: a list most of whose items are the document's own headings, under a
    contents heading or right at the top. The heading goes with it."""
    headings = {_normal(b.text) for b in blocks if b.kind == "heading"}
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind in ("heading", "paragraph", "list") and _LEADER.search(block.text):
            # a contents entry whatever the reader made of it (a PDF's contents page is lines of text)
            entries = [item for item in block.items if _LEADER.search(item)] if block.kind == "list" else []
            if block.kind != "list" or len(entries) == len(block.items):
                record.drop("table of contents", block.text, block.location)
                i += 1
                continue
            kept = [item for item in block.items if item not in entries]
            record.drop("table of contents", "; ".join(entries), block.location)
            block = block.model_copy(update={"items": kept, "text": "\n".join(kept)})
        if block.kind == "list" and block.items:
            hits = sum(1 for item in block.items if _normal(item) in headings)
            under_contents = bool(out) and out[-1].kind == "heading" and _CONTENTS.match(out[-1].text.strip())
            if hits >= max(2, 0.6 * len(block.items)) or (under_contents and hits >= 1):
                if under_contents:
                    heading = out.pop()
                    record.drop("table of contents", heading.text, heading.location)
                record.drop("table of contents", "; ".join(block.items), block.location)
                i += 1
                continue
        out.append(block)
        i += 1
    return out


def normalise_structure(blocks: list[Block], title: str) -> list[Block]:
    """One title heading at level 1 first, every other heading below it, levels without gaps.

    A document whose top level is used more than once (a web page or PDF with two h1s) keeps its
    first top heading as the title when it opens the document, or gets the document title as one,
    and the other top headings become sections."""
    headings = [b for b in blocks if b.kind == "heading"]
    if not headings:
        return blocks
    top = min(b.level or 1 for b in headings)
    tops = [b for b in headings if (b.level or 1) == top]
    opens = blocks[0].kind == "heading" and (blocks[0].level or 1) == top
    out = list(blocks)
    if len(tops) > 1:
        if opens:
            first, rest = out[0], out[1:]
        else:
            first, rest = Block(kind="heading", level=top, text=title, location="title"), out
        shifted = [b.model_copy(update={"level": (b.level or 1) + 1}) if b.kind == "heading" else b for b in rest]
        out = [first, *shifted]
    elif not opens:
        return blocks
    # levels: the title at 1, no gaps below it
    levels = sorted({b.level or 1 for b in out[1:] if b.kind == "heading"})
    mapping = {level: k + 2 for k, level in enumerate(levels)}
    fixed = [out[0].model_copy(update={"level": 1})] if out[0].kind == "heading" else [out[0]]
    for b in out[1:]:
        fixed.append(b.model_copy(update={"level": mapping[b.level or 1]}) if b.kind == "heading" else b)
    return fixed


def drop_empty_sections(blocks: list[Block], record: Record) -> list[Block]:
    """A heading with nothing under it before the next heading of the same or a higher level."""
    out: list[Block] = []
    for i, block in enumerate(blocks):
        if block.kind == "heading" and i > 0:
            rest = blocks[i + 1:]
            nxt = next((k for k, b in enumerate(rest) if b.kind == "heading" and (b.level or 1) <= (block.level or 1)),
                       len(rest))
            if not rest[:nxt]:
                record.drop("empty section", block.text, block.location)
                continue
        out.append(block)
    return out


# --- PDF -------------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
EDGE_LINES = 2


def _line_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def running_lines(pages: list[list[str]]) -> set[str]:
    """Keys of the lines near the top or bottom of a page that repeat on most pages (page
    numbers and dates changing from page to page still match: digits count as one)."""
    if len(pages) < 2:
        return set()
    counts: dict[str, int] = {}
    for lines in pages:
        texts = [t for t in lines if t.strip()]
        edge = texts[:EDGE_LINES] + texts[-EDGE_LINES:]
        for key in {_line_key(t) for t in edge}:
            counts[key] = counts.get(key, 0) + 1
    need = max(2, (len(pages) + 1) // 2)
    return {key for key, n in counts.items() if n >= need}


def pdf_furniture(text: str, repeated: set[str], near_edge: bool) -> str | None:
    """Why a PDF line is page furniture (running header or footer, page number), or None."""
    if near_edge and _PAGE_NUMBER.match(text.strip()):
        return "page number"
    if near_edge and _line_key(text) in repeated:
        return "running header or footer"
    return None
