"""Reading source documents (Markdown, text, HTML, PDF) into structured blocks.

`read_source(path)` gives an `artifacts.SourceDocument`: the document as a list of blocks
(headings with their level, paragraphs, lists, code, tables as "cell | cell" rows, quotes),
each with where it came from ("line 12", "element 7", "page 3"). A missing, empty, unreadable
or unsupported source raises `SourceError` naming the file and the problem.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from pathlib import Path
from typing import Literal

from showrunner import cleaning
from showrunner.artifacts import Block, SourceDocument
from showrunner.errors import SourceError
from showrunner.files import sha256_bytes

SUPPORTED_SUFFIXES = {".md", ".markdown", ".txt", ".text", ".html", ".htm", ".pdf"}

FORMATS: dict[str, Literal["markdown", "text", "html", "pdf"]] = {
    ".md": "markdown", ".markdown": "markdown",
    ".txt": "text", ".text": "text",
    ".html": "html", ".htm": "html",
    ".pdf": "pdf",
}


def read_source(path: str | Path, name: str | None = None) -> SourceDocument:
    """Read one source file. `name` is how the document is referred to (default: the path)."""
    path = Path(path)
    name = name or str(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise SourceError(f"{name}: unsupported kind of source '{path.suffix or '(no suffix)'}' "
                          f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{name}: source file not found") from None
    except IsADirectoryError:
        raise SourceError(f"{name}: is a directory, not a source file") from None
    except OSError as err:
        raise SourceError(f"{name}: cannot be read ({err.strerror or err})") from None
    if not data.strip():
        raise SourceError(f"{name}: source file is empty")
    fmt = FORMATS[suffix]
    record = cleaning.Record()
    if fmt == "pdf":
        blocks = _pdf_blocks(data, name, record)
    elif fmt == "text":
        blocks = _text_blocks(_decode(data, name))
    else:
        blocks = {"markdown": _markdown_blocks, "html": _html_blocks}[fmt](_decode(data, name), record)
    blocks = _resolve_figures([b for b in blocks if b.text.strip()], path, name, record)
    blocks = cleaning.drop_contents(cleaning.clean_blocks(blocks, record), record)
    if not blocks:
        raise SourceError(f"{name}: no text found after reading it as {fmt}")
    title = _title(blocks, path, data if fmt == "html" else None)
    blocks = cleaning.drop_empty_sections(cleaning.normalise_structure(blocks, title), record)
    return SourceDocument(path=name, format=fmt, title=title, sha256=sha256_bytes(data), blocks=blocks,
                          dropped=record.items)


def read_sources(paths: list[str | Path], root: Path | None = None) -> list[SourceDocument]:
    """Read several sources; each is named by its path relative to `root` when it lies inside."""
    docs = []
    for p in paths:
        p = Path(p)
        docs.append(read_source(p, display_name(p, root)))
    return docs


def display_name(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return str(path.resolve().relative_to(Path(root).resolve()))
        except ValueError:
            pass
    return str(path)


# --- shared --------------------------------------------------------------------------------


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise SourceError(f"{name}: looks like a binary file, not text (it contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SourceError(f"{name}: not valid UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); "
                          "save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _clean(text: str) -> str:
    """Collapse runs of whitespace (line wraps included) into single spaces."""
    return " ".join(text.split())


def _title(blocks: list[Block], path: Path, html: bytes | None) -> str:
    if html is not None and blocks[0].kind == "heading" and blocks[0].level == 1:
        return blocks[0].text  # the page's own first heading: the <title> often carries the site's name
    if html is not None:
        from bs4 import BeautifulSoup

        tag = BeautifulSoup(html, "html.parser").find("title")
        if tag and _clean(tag.get_text()):
            # "Page title | Site name": the site's name is not the document's
            return re.split(r"\s+[|·•–—-]\s+(?=[^|·•–—-]+$)", _clean(tag.get_text()))[0]
    headings = [b for b in blocks if b.kind == "heading"]
    if headings:
        top = min(h.level or 1 for h in headings)
        return next(h.text for h in headings if (h.level or 1) == top)
    # no headings: a short opening sentence names the document better than its file name
    opening = next((b.text for b in blocks if b.kind == "paragraph"), "")
    first = re.split(r"(?<=[.!?])\s", opening, maxsplit=1)[0].rstrip(".!?:; ")
    if first and len(first.split()) <= 8:
        return first
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.name


def _table_rows(rows: list[list[str]]) -> str:
    return "\n".join(" | ".join(cell for cell in row) for row in rows if any(c.strip() for c in row))


# --- Markdown --------------------------------------------------------------------------------


def _markdown_blocks(text: str, record: cleaning.Record) -> list[Block]:
    from markdown_it import MarkdownIt

    offset = 0
    front = re.match(r"\A---\n.*?\n(---|\.\.\.)\n", text, flags=re.S)
    if front:  # YAML front matter: metadata, not content
        offset = front.group(0).count("\n")
        text = text[front.end():]
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
            figure = _local_figure(tokens[i + 1]) if pictures is not None and pictures[0] == "image" else None
            if figure is not None:  # a local image: a figure the screen shows (its file resolved in read_source)
                blocks.append(Block(kind="figure", text=figure[1], path=figure[0], location=where(tok)))
            elif pictures is not None:
                record.drop(*pictures, where(tok))
            else:
                blocks.append(Block(kind="paragraph", text=_inline_text(tokens[i + 1], record, where(tok)),
                                    location=where(tok)))
            i += 3
        elif tok.type in ("fence", "code_block"):
            language = tok.info.split()[0] if tok.info.strip() else None
            blocks.append(Block(kind="code", text=tok.content.rstrip("\n"), language=language, location=where(tok)))
            i += 1
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            end = _closing(tokens, i)
            items = _list_items(tokens[i + 1:end])
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
    return blocks


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


_BADGE = re.compile(r"shields\.io|badge|badgen|travis-ci|codecov|coveralls|pepy\.tech|/actions/|readthedocs\.org/"
                    r"projects/.*/badge|img\.shields", re.I)


def _local_figure(token) -> tuple[str, str] | None:
    """(src, caption) when an inline run is one image of a local file (not a URL); else None."""
    images = [c for c in token.children or [] if c.type == "image"]
    if len(images) != 1:
        return None
    src = str(images[0].attrs.get("src", ""))
    caption = images[0].content or str(images[0].attrs.get("title") or "") or Path(src).stem.replace("-", " ")
    return (src, caption) if _is_figure(src, caption) else None


_NOT_A_FIGURE = re.compile(r"\b(?:logo|badge|icon|banner|avatar|shield)s?\b", re.I)


def _is_figure(src: str, caption: str) -> bool:
    """A local image file that is not a logo, badge or icon."""
    if not src or re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I) or src.startswith("//"):
        return False
    return not (_NOT_A_FIGURE.search(caption) or _NOT_A_FIGURE.search(Path(src).stem.replace("_", " ")
                                                                        .replace("-", " ")))


def _html_figure(tag) -> tuple[str, str] | None:
    """(src, caption) when a paragraph is one image of a local file; else None."""
    images = tag.find_all("img")
    src = str(images[0].get("src") or "") if len(images) == 1 else ""
    caption = str(images[0].get("alt") or images[0].get("title") or "").strip() if images else ""
    return (src, caption or Path(src).stem) if _is_figure(src, caption) else None


def _resolve_figures(blocks: list[Block], path: Path, name: str, record: cleaning.Record) -> list[Block]:
    """Figures' files named as the document is (beside it, from the project root); a missing one is dropped."""
    out = []
    for block in blocks:
        if block.kind == "figure" and block.path:
            src = block.path.split("#")[0].split("?")[0]
            if not (path.parent / src).is_file():
                record.drop("image", f"{block.path} (file not found)", block.location)
                continue
            block = block.model_copy(update={"path": (Path(name).parent / src).as_posix()})
        out.append(block)
    return out


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
    blocks = _html_blocks(fragment, record, whole_page=False)
    for item in record.items:
        if item.location.startswith("element "):
            item.location = location
    return [b.model_copy(update={"location": location}) for b in blocks]


# --- plain text ------------------------------------------------------------------------------

_BULLET = re.compile(r"^\s*(?:[-*+\u2022\u2023\u25e6]|\d{1,3}[.)])\s+")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "is", "of", "on", "or",
                "the", "to", "vs", "with", "without", "how", "what", "why"}


def _looks_like_heading(line: str) -> bool:
    line = line.strip()
    words = line.split()
    if not words or len(words) > 10 or len(line) > 80 or line[-1] in ".,;!?\"'":
        return False
    if _BULLET.match(line) and not re.match(r"^\d+(\.\d+)*\s", line):
        return False
    letters = [w for w in words if w[0].isalpha()]
    if not letters:
        return False
    if line.isupper() and len(line) > 3:
        return True
    significant = [w for w in letters if w.lower() not in _SMALL_WORDS]
    if not significant:
        return False
    capitalised = sum(1 for w in significant if w[0].isupper())
    return capitalised / len(significant) >= 0.75 and words[0][0].isupper() or bool(
        re.match(r"^\d+(\.\d+)*\.?\s+[A-Z]", line))


def _heading_level(line: str, first: bool) -> int:
    numbered = re.match(r"^(\d+(?:\.\d+)*)\.?\s", line.strip())
    if numbered:
        return min(6, numbered.group(1).count(".") + 2)
    return 1 if first else 2


def _text_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    chunk: list[tuple[int, str]] = []
    chunks: list[list[tuple[int, str]]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            chunk.append((number, line.rstrip()))
        elif chunk:
            chunks.append(chunk)
            chunk = []
    if chunk:
        chunks.append(chunk)

    for chunk in chunks:
        first_line = chunk[0][0]
        where = f"line {first_line}"
        lines = [line for _, line in chunk]
        # Setext-style heading: a title underlined with ==== or ----
        if len(lines) >= 2 and re.fullmatch(r"\s*(=+|-+)\s*", lines[1]) and len(lines[1].strip()) >= 3:
            level = 1 if "=" in lines[1] else 2
            blocks.append(Block(kind="heading", level=level, text=_clean(lines[0]), location=where))
            rest = chunk[2:]
            if rest:
                blocks.extend(_text_chunk_blocks(rest))
            continue
        if len(lines) == 1 and _looks_like_heading(lines[0]):
            blocks.append(Block(kind="heading", level=_heading_level(lines[0], first=not blocks),
                                text=_clean(lines[0]), location=where))
            continue
        # a heading line directly above its paragraph
        if len(lines) >= 2 and _looks_like_heading(lines[0]) and not _BULLET.match(lines[1]) \
                and not _is_code(lines[1:]) and len(lines[1].split()) > 10:
            blocks.append(Block(kind="heading", level=_heading_level(lines[0], first=not blocks),
                                text=_clean(lines[0]), location=where))
            blocks.extend(_text_chunk_blocks(chunk[1:]))
            continue
        blocks.extend(_text_chunk_blocks(chunk))
    return blocks


def _is_code(lines: list[str]) -> bool:
    return all(line.startswith(("    ", "\t")) for line in lines)


def _text_chunk_blocks(chunk: list[tuple[int, str]]) -> list[Block]:
    where = f"line {chunk[0][0]}"
    lines = [line for _, line in chunk]
    if _is_code(lines):
        code = "\n".join(line[4:] if line.startswith("    ") else line[1:] for line in lines)
        return [Block(kind="code", text=code, location=where)]
    if all(line.lstrip().startswith(">") for line in lines):
        return [Block(kind="quote", text=_clean(" ".join(line.lstrip()[1:] for line in lines)), location=where)]
    if _BULLET.match(lines[0]) and sum(1 for line in lines if _BULLET.match(line)) >= 1 and \
            all(_BULLET.match(line) or line.startswith((" ", "\t")) for line in lines):
        items: list[str] = []
        for line in lines:
            if _BULLET.match(line):
                items.append(_BULLET.sub("", line).strip())
            else:
                items[-1] += " " + line.strip()
        items = [_clean(item) for item in items]
        return [Block(kind="list", text="\n".join(items), items=items, location=where)]
    cells = [re.split(r"\s*\|\s*|\t+", line.strip().strip("|")) for line in lines]
    if len(lines) >= 2 and all(len(row) >= 2 for row in cells) and len({len(row) for row in cells}) == 1:
        rows = [row for row in cells if not all(re.fullmatch(r":?-{2,}:?", c) for c in row)]
        return [Block(kind="table", text=_table_rows(rows), location=where)]
    return [Block(kind="paragraph", text=_clean(" ".join(lines)), location=where)]


# --- HTML ------------------------------------------------------------------------------------

_DROP = ["script", "style", "noscript", "template", "nav", "svg", "iframe", "form", "button", "footer", "aside",
         "head", "canvas", "select", "input"]
_CONTAINERS = {"html", "body", "main", "article", "section", "div", "header", "figure", "center", "details",
               "summary", "span", "font", "hgroup"}
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s",
           "samp", "small", "strong", "sub", "sup", "time", "u", "var", "wbr", "img", "del", "ins", "label"}


_DROP_REASONS = {"nav": "navigation", "footer": "footer", "aside": "sidebar", "form": "form", "button": "form",
                 "select": "form", "input": "form", "iframe": "embedded frame", "svg": "image", "canvas": "image"}
_LAYOUT_CLASS = re.compile(r"(?:^|[-_ ])(cookie|consent|gdpr|banner|breadcrumbs?|menu|navbar|nav|sidebar|footer|"
                           r"share|social|related|advert|ads|newsletter|skip-link)(?:$|[-_ ])", re.I)


def _layout_reason(tag) -> str | None:
    marks = " ".join([*(tag.get("class") or []), str(tag.get("id") or "")])
    match = _LAYOUT_CLASS.search(marks)
    if not match:
        return None
    word = match.group(1).lower()
    return {"cookie": "cookie notice", "consent": "cookie notice", "gdpr": "cookie notice",
            "breadcrumb": "navigation", "breadcrumbs": "navigation", "menu": "navigation", "navbar": "navigation",
            "nav": "navigation", "footer": "footer"}.get(word, "layout html")


def _html_blocks(text: str, record: cleaning.Record, whole_page: bool = True) -> list[Block]:
    from bs4 import BeautifulSoup, Comment, NavigableString, Tag

    soup = BeautifulSoup(text, "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    order = {id(tag): n for n, tag in enumerate(soup.find_all(True), start=1)}

    def place(tag) -> str:
        return f"element {order.get(id(tag), 0)}"

    for tag in soup.find_all(_DROP):
        if tag.decomposed:
            continue
        reason = _DROP_REASONS.get(tag.name)
        if reason and _clean(tag.get_text()):
            record.drop(reason, tag.get_text(" "), place(tag))
        tag.decompose()
    for tag in soup.find_all(role=["navigation", "banner", "contentinfo"]):
        if not tag.decomposed:
            record.drop({"navigation": "navigation", "banner": "site header"}.get(str(tag.get("role")), "footer"),
                        tag.get_text(" "), place(tag))
            tag.decompose()
    for tag in soup.find_all(hidden=True):
        if not tag.decomposed:
            tag.decompose()
    page_text = len(_clean(soup.get_text()))
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "main", "article"):
            continue
        reason = _layout_reason(tag)
        # a class name is a hint, not proof: never drop what holds the page's heading or most of its text
        if reason and (tag.find(["h1", "main", "article"]) or len(_clean(tag.get_text())) > 0.4 * page_text):
            reason = None
        if reason:
            record.drop(reason, tag.get_text(" "), place(tag))
            tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for code in soup.find_all("code"):
        if code.find_parent("pre") is None and code.get_text().strip():
            code.replace_with(f"`{code.get_text()}`")  # inline code stays marked as code, as in Markdown
    root = soup.find("main") or soup.find("article") or soup.find("body") or soup
    if whole_page and root.name in ("main", "article"):
        body = soup.find("body") or soup
        for child in body.find_all(True, recursive=False):
            if child is not root and root not in child.descendants and _clean(child.get_text()):
                record.drop("outside the main content", child.get_text(" "), place(child))

    blocks: list[Block] = []

    def where(tag) -> str:
        ident = tag.get("id") if isinstance(tag, Tag) else None
        return f"element {order.get(id(tag), 0)}" + (f" (#{ident})" if ident else "")

    def text_of(tag) -> str:
        return _clean(tag.get_text())

    def walk(node) -> None:
        pending: list[str] = []
        anchor = node

        def flush() -> None:
            joined = _clean(" ".join(pending))
            if joined:
                blocks.append(Block(kind="paragraph", text=joined, location=where(anchor)))
            pending.clear()

        for child in list(node.children):
            if isinstance(child, NavigableString):
                pending.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name in _INLINE:
                pending.append(child.get_text())
                continue
            flush()
            anchor = child
            if re.fullmatch(r"h[1-6]", name):
                blocks.append(Block(kind="heading", level=int(name[1]), text=text_of(child), location=where(child)))
            elif name == "p":
                said = text_of(child)
                if said:
                    blocks.append(Block(kind="paragraph", text=said, location=where(child)))
                elif (figure := _html_figure(child)) is not None:  # a local image: a figure the screen shows
                    blocks.append(Block(kind="figure", text=figure[1], path=figure[0], location=where(child)))
                elif child.find("img"):
                    pictures = child.find_all("img")
                    badge = any(_BADGE.search(str(img.get("src", ""))) for img in pictures)
                    record.drop("badge" if badge else "image", " ".join(str(img.get("alt") or img.get("src", ""))
                                                                         for img in pictures), where(child))
            elif name in ("ul", "ol", "dl", "menu"):
                items = _html_list_items(child)
                if items:
                    blocks.append(Block(kind="list", text="\n".join(items), items=items, location=where(child)))
            elif name == "pre":
                code_tag = child.find("code")
                classes = [str(c) for tag in (child, code_tag) if isinstance(tag, Tag)
                           for c in tag.get_attribute_list("class") if c]
                language = next((c.split("-", 1)[1] for c in classes if c.startswith(("language-", "lang-"))), None)
                blocks.append(Block(kind="code", text=child.get_text().strip("\n"), language=language,
                                    location=where(child)))
            elif name == "table":
                rows = [[_clean(cell.get_text()) for cell in tr.find_all(["th", "td"])]
                        for tr in child.find_all("tr")]
                blocks.append(Block(kind="table", text=_table_rows(rows), location=where(child)))
            elif name == "blockquote":
                blocks.append(Block(kind="quote", text=text_of(child), location=where(child)))
            elif name in ("hr",):
                continue
            else:  # containers and unknown block-level tags: look inside
                walk(child)
            anchor = node
        flush()

    walk(root)
    return blocks


def _html_list_items(tag) -> list[str]:
    items: list[str] = []
    if tag.name == "dl":
        term = None
        for child in tag.find_all(["dt", "dd"]):
            if child.name == "dt":
                term = _clean(child.get_text())
            else:
                definition = _clean(child.get_text())
                items.append(f"{term}: {definition}" if term else definition)
        return items
    for li in tag.find_all("li", recursive=False) or tag.find_all("li"):
        nested = li.find_all(["ul", "ol"])
        for n in nested:
            n.extract()
        own = _clean(li.get_text())
        if own:
            items.append(own)
        for n in nested:
            items.extend(_html_list_items(n))
    return items


# --- PDF -------------------------------------------------------------------------------------

_PDF_BULLET = re.compile(r"^\s*[\u2022\u2023\u25e6\u25aa\u25cf\-*]\s+")


def _pdf_blocks(data: bytes, name: str, record: cleaning.Record) -> list[Block]:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    if not data.lstrip().startswith(b"%PDF"):
        raise SourceError(f"{name}: not a PDF file (it does not start with %PDF)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))
            except Exception:  # noqa: BLE001 - pypdf raises several kinds here
                opened = False
            if not opened:
                raise SourceError(f"{name}: the PDF is encrypted with a password; save an unlocked copy")
        pages = list(reader.pages)
    except SourceError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as err:
        raise SourceError(f"{name}: not a readable PDF ({err})") from None
    if not pages:
        raise SourceError(f"{name}: the PDF has no pages")

    lines_by_page: list[list[tuple[str, float, bool]]] = []
    for page in pages:
        try:
            lines_by_page.append(_pdf_page_lines(page))
        except SourceError:
            raise
        except Exception as err:  # noqa: BLE001 - a damaged content stream can fail in many ways
            raise SourceError(f"{name}: not a readable PDF (page {len(lines_by_page) + 1}: {err})") from None
    if not any(text.strip() for lines in lines_by_page for text, _, _ in lines):
        raise SourceError(f"{name}: the PDF has no text layer (a scan?); run OCR on it first, "
                          "for example with ocrmypdf")

    lines_by_page = _without_furniture(lines_by_page, record)
    sizes: Counter[float] = Counter()
    for lines in lines_by_page:
        for text, size, _ in lines:
            sizes[round(size, 1)] += len(text)
    body = sizes.most_common(1)[0][0] if sizes else 0.0
    larger = sorted({s for s in sizes if body and s >= body * 1.15}, reverse=True)

    blocks: list[Block] = []
    for number, lines in enumerate(lines_by_page, start=1):
        blocks.extend(_pdf_page_blocks(lines, body, larger, f"page {number}"))
    return blocks


def _without_furniture(pages: list[list[tuple[str, float, bool]]],
                       record: cleaning.Record) -> list[list[tuple[str, float, bool]]]:
    """Running headers and footers (lines repeated near the edge of most pages) and page numbers."""
    repeated = cleaning.running_lines([[text for text, _, _ in page] for page in pages])
    out = []
    for number, page in enumerate(pages, start=1):
        texts = [k for k, (text, _, _) in enumerate(page) if text.strip()]
        edge = set(texts[:cleaning.EDGE_LINES] + texts[-cleaning.EDGE_LINES:])
        kept = []
        for k, line in enumerate(page):
            reason = cleaning.pdf_furniture(line[0], repeated, k in edge) if line[0].strip() else None
            if reason:
                record.drop(reason, line[0], f"page {number}")
            else:
                kept.append(line)
        out.append(kept)
    return out


def _pdf_page_lines(page) -> list[tuple[str, float, bool]]:
    """(text, font size, monospace) per visual line, with empty strings marking paragraph gaps."""
    runs: list[tuple[float, float, str, bool]] = []  # y, size, text, mono

    def visit(text, cm, tm, font_dict, font_size):
        if not text:
            return
        scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
        y = tm[5] * cm[3] + cm[5]
        font = str((font_dict or {}).get("/BaseFont", "")) if font_dict else ""
        mono = any(key in font.lower() for key in ("courier", "mono", "consol", "menlo"))
        runs.append((y, (font_size or 0) * scale, text, mono))

    page.extract_text(visitor_text=visit)
    lines: list[tuple[float, float, str, bool]] = []
    for y, size, text, mono in runs:
        for k, piece in enumerate(text.split("\n")):
            if k > 0 or not lines or abs(lines[-1][0] - y) > max(size, 1) * 0.5:
                lines.append((y, size, piece, mono))
            else:
                last = lines[-1]
                lines[-1] = (last[0], max(last[1], size), last[2] + piece, last[3] and mono)
    lines = [line for line in lines if line[2].strip()]
    out: list[tuple[str, float, bool]] = []
    gaps = [abs(a[0] - b[0]) for a, b in itertools.pairwise(lines) if a[0] != b[0]]
    usual = sorted(gaps)[len(gaps) // 2] if gaps else 0
    for prev, line in zip([None, *lines], lines, strict=False):
        if prev is not None and usual and abs(prev[0] - line[0]) > usual * 1.45:
            out.append(("", 0.0, False))
        out.append((line[2].rstrip(), line[1], line[3]))
    return out


def _pdf_page_blocks(lines: list[tuple[str, float, bool]], body: float, larger: list[float],
                     where: str) -> list[Block]:
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []
    code: list[str] = []

    def flush() -> None:
        if para:
            text = _clean(re.sub(r"-\n(?=[a-z])", "", "\n".join(para)))
            blocks.append(Block(kind="paragraph", text=text, location=where))
            para.clear()
        if items:
            blocks.append(Block(kind="list", text="\n".join(items), items=list(items), location=where))
            items.clear()
        if code:
            blocks.append(Block(kind="code", text="\n".join(code), location=where))
            code.clear()

    for text, size, mono in lines:
        if not text.strip():
            flush()
            continue
        rounded = round(size, 1)
        if rounded in larger and len(text.split()) <= 14:
            flush()
            blocks.append(Block(kind="heading", level=larger.index(rounded) + 1, text=_clean(text), location=where))
        elif mono:
            if para or items:
                flush()
            code.append(text)
        elif _PDF_BULLET.match(text):
            if para or code:
                flush()
            items.append(_clean(_PDF_BULLET.sub("", text)))
        elif items and not para:
            items[-1] = _clean(items[-1] + " " + text)
        else:
            if code:
                flush()
            para.append(text)
    flush()
    return blocks
