"""Markdown: CommonMark (markdown-it-py) with tables; YAML (---) and TOML (+++) front matter read as
metadata, never as text; badges and pictures dropped with a record, local images kept as figures;
console sessions marked as output."""

from __future__ import annotations

import re
import tomllib

import yaml

from showrunner import cleaning
from showrunner.artifacts import Block
from showrunner.sources.common import BADGE, is_console
from showrunner.sources.common import BADGE as _BADGE
from showrunner.sources.common import clean as _clean
from showrunner.sources.common import table_rows as _table_rows

_FRONT = re.compile(r"\A(?:---\n(?P<yaml>.*?)\n(?:---|\.\.\.)|\+\+\+\n(?P<toml>.*?)\n\+\+\+)[ \t]*(?:\n|\Z)", re.S)


def front_matter(text: str, record: cleaning.Record) -> tuple[str, dict[str, str], int]:
    """(text after the front matter, its title/author/date/... as strings, lines it took)."""
    match = _FRONT.match(text)
    if not match:
        return text, {}, 0
    raw = match.group("yaml") if match.group("yaml") is not None else match.group("toml")
    try:
        data = yaml.safe_load(raw) if match.group("yaml") is not None else tomllib.loads(raw)
    except (yaml.YAMLError, tomllib.TOMLDecodeError):
        data = None
    lines = match.group(0).count("\n")
    record.drop("front matter (read as metadata)", match.group(0), "line 1")
    return text[match.end():], metadata_of(data), lines


def metadata_of(data) -> dict[str, str]:
    """The fields a document's front matter names, as plain strings: title, author, date, summary."""
    if not isinstance(data, dict):
        return {}
    out: dict[str, str] = {}
    keys = {"title": "title", "author": "author", "authors": "author", "by": "author", "date": "date",
            "summary": "summary", "description": "summary"}
    for key, value in data.items():
        name = keys.get(str(key).lower())
        if name is None or name in out or value in (None, "", []):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        out[name] = _clean(str(value))
    return out


def markdown_blocks(text: str, record: cleaning.Record) -> tuple[list[Block], dict[str, str]]:
    from markdown_it import MarkdownIt

    text, metadata, offset = front_matter(text, record)
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text)
    blocks: list[Block] = []

    def where(token) -> str:
        return f"line {token.map[0] + 1 + offset}" if token.map else "line ?"

    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            blocks.append(Block(kind="heading", level=int(tok.tag[1:]), text=_inline_text(tokens[i + 1]),
                                location=where(tok)))
            i += 3
        elif tok.type == "paragraph_open":
            pictures = _only_pictures(tokens[i + 1])
            links = _only_links(tokens[i + 1])
            if links is not None:
                record.drop("navigation", links, where(tok))
            elif pictures is not None:
                figures = _local_figures(tokens[i + 1], where(tok))
                if figures:
                    blocks.extend(figures)
                else:
                    record.drop(*pictures, where(tok))
            else:
                blocks.append(Block(kind="paragraph", text=_inline_text(tokens[i + 1], record, where(tok)),
                                    location=where(tok)))
            i += 3
        elif tok.type in ("fence", "code_block"):
            language = tok.info.split()[0] if tok.info.strip() else None
            code = tok.content.rstrip("\n")
            if is_console(code, language):
                language = "console"
            blocks.append(Block(kind="code", text=code, language=language, location=where(tok)))
            i += 1
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            end = _closing(tokens, i)
            items = _list_items(tokens[i + 1:end])
            if _link_list(tokens[i + 1:end]):  # "Documentation quick links": a list of links only
                record.drop("navigation", " • ".join(items), where(tok))
            else:
                blocks.append(Block(kind="list", text="\n".join(items), items=items, location=where(tok)))
            i = end + 1
        elif tok.type == "blockquote_open":
            end = _closing(tokens, i)
            parts = [_inline_text(t) for t in tokens[i + 1:end] if t.type == "inline"]
            blocks.append(Block(kind="quote", text=" ".join(p for p in parts if p), location=where(tok)))
            i = end + 1
        elif tok.type == "table_open":
            end = _closing(tokens, i)
            rows: list[list[str]] = []
            for t in tokens[i + 1:end]:
                if t.type == "tr_open":
                    rows.append([])
                elif t.type == "inline" and rows:
                    rows[-1].append(_inline_text(t))
            blocks.append(Block(kind="table", text=_table_rows(rows), location=where(tok)))
            i = end + 1
        elif tok.type == "html_block":
            before = len(record.items)
            found = _html_fragment_blocks(tok.content, record, where(tok))
            blocks.extend(found)
            if not found and len(record.items) == before and tok.content.strip() \
                    and not tok.content.lstrip().startswith("<!--"):
                record.drop("layout html", tok.content, where(tok))
            i += 1
        else:
            i += 1
    return blocks, metadata



def _closing(tokens, start: int) -> int:
    """Index of the token closing the one at `start` (same nesting level)."""
    close = tokens[start].type.replace("_open", "_close")
    level = tokens[start].level
    for j in range(start + 1, len(tokens)):
        if tokens[j].type == close and tokens[j].level == level:
            return j
    return len(tokens) - 1


def _list_items(tokens) -> list[str]:
    """One string per list item; a nested list's items follow their parent, indented by nothing."""
    items: list[str] = []
    depth = 0
    current: list[str] | None = None
    for t in tokens:
        if t.type == "list_item_open":
            depth += 1
            if current is not None and current:
                items.append(" ".join(current))
            current = []
        elif t.type == "list_item_close":
            depth -= 1
            if current:
                items.append(" ".join(current))
            current = None if depth == 0 else []
        elif t.type == "inline" and current is not None:
            current.append(_inline_text(t))
        elif t.type in ("fence", "code_block") and current is not None:
            current.append(_clean(t.content))
    return [item for item in items if item]



def _only_pictures(token) -> tuple[str, str] | None:
    """(reason, what) when an inline run is only images (badges, logos), maybe linked; else None."""
    children = token.children or []
    images = [c for c in children if c.type == "image"]
    if not images:
        return None
    for child in children:
        if child.type in ("image", "link_open", "link_close", "softbreak", "hardbreak"):
            continue
        if child.type == "text" and not child.content.strip():
            continue
        return None
    badge = any(_BADGE.search(str(c.attrs.get("src", ""))) for c in images)
    return ("badge" if badge else "image", " ".join(c.content or str(c.attrs.get("src", "")) for c in images))


def _inline_text(token, record: cleaning.Record | None = None, location: str = "") -> str:
    """Plain text of an inline token: markup dropped, link text kept, line breaks as spaces.
    An image inside prose is not prose: dropped (with a record when one is given)."""
    if not token.children:
        return _clean(token.content)
    parts: list[str] = []
    for child in token.children:
        if child.type == "text":
            parts.append(child.content)
        elif child.type == "code_inline":  # kept marked as code: it is said as code, not read symbol by symbol
            parts.append(f"`{child.content}`")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            if record is not None:
                reason = "badge" if _BADGE.search(str(child.attrs.get("src", ""))) else "image"
                record.drop(reason, child.content or str(child.attrs.get("src", "")), location)
        elif child.type in ("html_inline",):
            continue
    return _clean("".join(parts))


def _html_fragment_blocks(fragment: str, record: cleaning.Record, location: str) -> list[Block]:
    """An HTML block inside Markdown, read like a page: headings and prose kept, layout dropped."""
    from showrunner.sources.html import html_blocks

    blocks = html_blocks(fragment, record, whole_page=False)
    for item in record.items:
        if item.location.startswith("element "):
            item.location = location
    return [b.model_copy(update={"location": location}) for b in blocks]




def _local_figures(token, location: str) -> list[Block]:
    """Images a document ships beside itself (a relative path, not a badge or a web address):
    figures for the screen, with their alt text as the caption."""
    out = []
    images = [c for c in token.children or [] if c.type == "image"]
    if any(BADGE.search(str(c.attrs.get("src", ""))) for c in images):
        return []  # a row of badges with a logo: furniture, not a figure
    for child in images:
        if re.search(r"logo|banner|icon", f"{child.content} {child.attrs.get('src', '')}", re.I):
            continue
        src = str(child.attrs.get("src", ""))
        if not src or re.match(r"^[a-z]+:", src, re.I) or src.startswith("//") or BADGE.search(src):
            continue
        caption = _clean(child.content or "") or src.rsplit("/", 1)[-1]
        out.append(Block(kind="figure", text=caption, image=src, location=location))
    return out


def _link_list(tokens) -> bool:
    """A list of two or more items each of which is one link and nothing else ("* [User Guide](GUIDE.md)"),
    not all to the document's own sections: a table of links, navigation, not prose."""
    inlines = [t for t in tokens if t.type == "inline"]
    if len(inlines) < 2:
        return False
    targets = [str(c.attrs.get("href", "")) for t in inlines for c in t.children or [] if c.type == "link_open"]
    if all(target.startswith("#") for target in targets):
        return False  # links to the document's own sections: its table of contents (cleaning names it so)
    for inline in inlines:
        children = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
        if len(children) < 3 or children[0].type != "link_open" or children[-1].type != "link_close" or \
                any(c.type == "link_open" for c in children[1:]):
            return False
    return True


def _only_links(token) -> str | None:
    """A line of two or more links and separators only ("Installation • Usage • FAQ", language
    switchers): navigation, not prose. Its text, or None."""
    children = token.children or []
    links = sum(1 for c in children if c.type == "link_open")
    if links < 2:
        return None
    depth = 0
    for child in children:
        if child.type == "link_open":
            depth += 1
        elif child.type == "link_close":
            depth -= 1
        elif depth == 0 and child.type == "text" and child.content.strip(" •·|/-–—,[]()\t"):
            return None
        elif depth == 0 and child.type not in ("text", "softbreak", "hardbreak"):
            return None
    return _clean("".join(c.content for c in children if c.type == "text"))
