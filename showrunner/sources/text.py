"""Plain text: paragraphs, headings (underlined, numbered, capitalised), lists, indented code and
pipe tables. Two kinds of text document get their own furniture taken out:

- RFC-style specifications: the header block (Network Working Group / Request for Comments /
  Category ...), running page headers and "[Page N]" footers, form feeds, the dot-leader table
  of contents and the boilerplate sections (Status of This Memo, Copyright Notice, Full Copyright
  Statement, Intellectual Property) are dropped with a record; unindented lines are the section
  headings, numbered ones nested by their numbers; indented figures and ABNF become code;
  references are dropped and IANA/security considerations, acknowledgements and the authors'
  addresses ranked last.
- Man pages as rendered text: the running header and footer dropped, the NAME line made the
  title, upper-case section names the sections, option lists a table, the synopsis code.
"""

from __future__ import annotations

import re

from showrunner import cleaning
from showrunner.artifacts import Block
from showrunner.sources.common import TITLE_SMALL_WORDS, dehyphenate, drop_citations
from showrunner.sources.common import clean as _clean
from showrunner.sources.common import table_rows as _table_rows

_BULLET = re.compile(r"^\s*(?:[-*+\u2022\u2023\u25e6]|\d{1,3}[.)]|o(?=\s{2}))\s+")


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
    significant = [w for w in letters if w.lower() not in TITLE_SMALL_WORDS]
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


def plain_blocks(text: str) -> list[Block]:
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
                items[-1] += "\n" + line.strip()
        items = [dehyphenate(item.split("\n"), set()) for item in items]
        return [Block(kind="list", text="\n".join(items), items=items, location=where)]
    cells = [re.split(r"\s*\|\s*|\t+", line.strip().strip("|")) for line in lines]
    if len(lines) >= 2 and all(len(row) >= 2 for row in cells) and len({len(row) for row in cells}) == 1:
        rows = [row for row in cells if not all(re.fullmatch(r":?-{2,}:?", c) for c in row)]
        return [Block(kind="table", text=_table_rows(rows), location=where)]
    return [Block(kind="paragraph", text=dehyphenate(lines, set()), location=where)]




def text_blocks(text: str, record: cleaning.Record) -> tuple[list[Block], dict[str, str]]:
    lines = text.split("\n")
    if sum(1 for line in lines if "\f" in line):
        record.drop("form feed", f"{sum(line.count(chr(12)) for line in lines)} page breaks", "line 1")
    lines = [line.replace("\f", "") for line in lines]
    head = "\n".join(lines[:80])
    if _RFC_MARK.search(head):
        return rfc_blocks(lines, record)
    if lines and _MAN_HEADER.match(next((line for line in lines if line.strip()), "")):
        return man_blocks(lines, record)
    return plain_blocks("\n".join(lines)), {}


# --- RFC-style specifications ----------------------------------------------------------------

_RFC_MARK = re.compile(r"^(?:Network Working Group|Request for Comments:|Internet Engineering Task Force|"
                       r"Internet-Draft\s{2,})", re.M)
_RFC_HEADER_FIELD = re.compile(r"^(?:Network Working Group|Request for Comments|Category|Obsoletes|Updates|ISSN|"
                               r"Internet Engineering Task Force|Internet-Draft|Intended status|Expires|BCP|STD|"
                               r"FYI|Stream)\b", re.I)
_PAGE_FOOTER = re.compile(r"\[Page \d+\]\s*$")
_PAGE_HEADER = re.compile(r"^(?:RFC \d+|Internet-Draft)\s{2,}.*\S\s{2,}\S.*$")
_DOT_LEADER = re.compile(r"(?:\.\s?){4,}\s*\d+\s*$")
_BOILERPLATE = re.compile(r"^(?:status of this memo|copyright notice|full copyright statement|"
                          r"intellectual property(?: rights)?|table of contents|contents|"
                          r"acknowledge?ment|conventions used in this document|requirements language)$", re.I)
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*|[A-Z](?:\.\d+)*)\.?\s+\S")


def _without_page_breaks(lines: list[str], record: cleaning.Record) -> list[tuple[int, str]]:
    """Lines with the running page headers and footers taken out; a paragraph that a page break
    cut in two is joined again (the blank lines around the break go with it)."""
    kept: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if _PAGE_FOOTER.search(line) or _PAGE_HEADER.match(line):
            record.drop("running header or footer", line, f"line {number}")
            # a break inside a paragraph: drop the blank lines before it, and mark the join
            while kept and not kept[-1][1].strip():
                kept.pop()
            kept.append((number, "\x00break"))
            continue
        if kept and kept[-1][1] == "\x00break" and not line.strip():
            continue
        kept.append((number, line.rstrip()))
    out: list[tuple[int, str]] = []
    for k, (number, line) in enumerate(kept):
        if line != "\x00break":
            out.append((number, line))
            continue
        before = next((text for _, text in reversed(out) if text.strip()), "")
        after = next((text for _, text in kept[k + 1:] if text.strip() and text != "\x00break"), "")
        continues = before and not re.search(r"[.:;!?)\]]\s*$", before) and re.match(r"^\s+[a-z(]", after)
        if not continues:
            out.append((number, ""))
    return out


def rfc_blocks(lines: list[str], record: cleaning.Record) -> tuple[list[Block], dict[str, str]]:
    numbered = _without_page_breaks(lines, record)
    chunks: list[list[tuple[int, str]]] = []
    chunk: list[tuple[int, str]] = []
    for number, line in numbered:
        if line.strip():
            chunk.append((number, line))
        elif chunk:
            chunks.append(chunk)
            chunk = []
    if chunk:
        chunks.append(chunk)

    metadata: dict[str, str] = {}
    blocks: list[Block] = []
    # the header block: two columns of fields (working group, number, category / authors, date)
    while chunks and any(_RFC_HEADER_FIELD.match(line.strip()) for _, line in chunks[0]):
        first = chunks.pop(0)
        found = next((re.search(r"Request for Comments:\s*(\d+)", line) for _, line in first
                      if "Request for Comments" in line), None)
        if found:
            metadata["number"] = f"RFC {found.group(1)}"
        record.drop("RFC header block", " / ".join(_clean(line) for _, line in first), f"line {first[0][0]}")
    # the title: the centred lines before the first unindented heading
    if chunks and all(line.startswith("  ") for _, line in chunks[0]):
        first = chunks.pop(0)
        metadata["title"] = _clean(" ".join(line for _, line in first))
        blocks.append(Block(kind="heading", level=1, text=metadata["title"], location=f"line {first[0][0]}"))

    for chunk in chunks:
        # a heading is an unindented line; the lines after it in the same chunk are its text
        while chunk and not chunk[0][1].startswith(" ") and len(chunk[0][1].split()) <= 12 \
                and not chunk[0][1].rstrip().endswith("."):
            number, line = chunk.pop(0)
            found = _NUMBERED.match(line.strip())
            level = min(6, found.group(1).count(".") + 2) if found else 2
            blocks.append(Block(kind="heading", level=level, text=_clean(line), location=f"line {number}"))
        if not chunk:
            continue
        texts = [line for _, line in chunk]
        if sum(1 for line in texts if _DOT_LEADER.search(line)) * 2 >= len(texts):
            record.drop("table of contents", " ".join(_clean(line) for line in texts), f"line {chunk[0][0]}")
            continue
        body = [(n, line[3:] if line.startswith("   ") else line.lstrip()) for n, line in chunk]
        found_blocks = _text_chunk_blocks(body)
        for block in found_blocks:
            if block.kind == "paragraph" and _looks_like_grammar(block.text, [line for _, line in body]):
                block = Block(kind="code", text="\n".join(line for _, line in body), language="abnf",
                              location=block.location)
            if block.kind in ("paragraph", "list"):
                text, markers = drop_citations(block.text)
                items = [drop_citations(item)[0] for item in block.items]
                if markers:
                    record.drop("citation marker", " ".join(markers), block.location)
                block = block.model_copy(update={"text": text, "items": items})
            # consecutive pieces of one figure or grammar, split by blank lines, make one block
            if block.kind == "code" and block.language == "abnf" and blocks and blocks[-1].kind == "code" and \
                    blocks[-1].language == "abnf":
                merged = blocks[-1].text + "\n\n" + block.text
                blocks[-1] = blocks[-1].model_copy(update={"text": merged})
                continue
            blocks.append(block)
    return _drop_boilerplate_sections(_templates(_joined_lists(blocks)), record), metadata


def _joined_lists(blocks: list[Block]) -> list[Block]:
    """A numbered list whose items each carry an example (item, example, item, example, ...) as
    one list of its rules, followed by the examples: the rules are the point, said together."""
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        j = i
        items: list[str] = []
        codes: list[Block] = []
        while j < len(blocks) and blocks[j].kind == "list":
            items.extend(blocks[j].items)
            j += 1
            while j < len(blocks) and blocks[j].kind == "code" and blocks[j].language != "abnf":
                codes.append(blocks[j])
                j += 1
        if len(items) >= 2 and codes and j - i > 2:
            # "... For example:" pointed at the example that now follows the list
            items = [re.sub(r"\s*(?:For example|For instance|e\.g\.),?:?$", "", item) for item in items]
            out.append(blocks[i].model_copy(update={"text": "\n".join(items), "items": items}))
            out.extend(codes)
            i = j
        else:
            out.append(blocks[i])
            i += 1
    return out


_FIELD = re.compile(r"^([A-Z][\w ()/&'-]{1,50}):\s*(\S.{0,100})$")
_LABEL = re.compile(r"^[A-Z][\w ()/&'-]{1,50}:$")


def _templates(blocks: list[Block]) -> list[Block]:
    """A registration template (`Field: value` lines, `Label:` over a paragraph) as a table and
    sub-headings, not as a run of one-line paragraphs."""
    out: list[Block] = []
    level = 2
    run: list[Block] = []

    def flush() -> None:
        if len(run) >= 3:
            rows = [["Field", "Value"], *[list(_FIELD.match(b.text).groups()) for b in run]]  # type: ignore[union-attr]
            out.append(Block(kind="table", text=_table_rows(rows), location=run[0].location))
        else:
            out.extend(run)
        run.clear()

    for block in blocks:
        if block.kind == "paragraph" and _FIELD.match(block.text) and len(block.text.split()) <= 14:
            run.append(block)
            continue
        flush()
        if block.kind == "heading":
            level = block.level or 2
        if block.kind == "paragraph" and _LABEL.match(block.text) and len(block.text.split()) <= 5:
            out.append(Block(kind="heading", level=min(6, level + 1), text=block.text.rstrip(":"),
                             location=block.location))
            continue
        out.append(block)
    flush()
    return out


def _looks_like_grammar(text: str, lines: list[str]) -> bool:
    """An ABNF rule or a line of a figure: `name = ...`, or mostly symbols, never a sentence."""
    if re.search(r"[a-z]{3,}[^.]*\.\s*$", text) and not re.match(r"^[\w-]+\s+=", text):
        return False
    grammar = sum(1 for line in lines if re.match(r"^\s*[\w-]+\s+=\s", line))
    symbols = sum(1 for c in text if not (c.isalnum() or c.isspace()))
    return grammar >= max(1, len(lines) // 2) or (len(text) > 0 and symbols / len(text) > 0.25)


def _drop_boilerplate_sections(blocks: list[Block], record: cleaning.Record) -> list[Block]:
    out: list[Block] = []
    dropping: int | None = None
    for block in blocks:
        if block.kind == "heading":
            level = block.level or 1
            if dropping is not None and level <= dropping:
                dropping = None
            name = _NUMBERED.sub(lambda m: m.group(0)[-1], block.text).strip() if _NUMBERED.match(block.text) \
                else block.text
            if dropping is None and _BOILERPLATE.match(name.strip().rstrip(":")):
                dropping = level
        if dropping is not None:
            record.drop("RFC boilerplate", block.text, block.location)
            continue
        out.append(block)
    return out


# --- man pages -------------------------------------------------------------------------------

_MAN_HEADER = re.compile(r"^\s*([A-Za-z0-9_.:+-]+)\((\w+)\)\s+.*\s\1\(\2\)\s*$")
_OPTION = re.compile(r"^-{1,2}[\w?]")


def man_blocks(lines: list[str], record: cleaning.Record) -> tuple[list[Block], dict[str, str]]:
    texts = [line.replace("\t", "        ").rstrip() for line in lines]
    header = _MAN_HEADER.match(next(line for line in texts if line.strip()))
    mark = f"{header.group(1)}({header.group(2)})" if header else "\x00"
    last = max((k for k, line in enumerate(texts) if line.strip()), default=-1)
    kept: list[tuple[int, str]] = []
    for number, line in enumerate(texts, start=1):
        if line.strip() and (_MAN_HEADER.match(line) or (number - 1 == last and line.rstrip().endswith(mark))):
            record.drop("running header or footer", line, f"line {number}")
            continue
        kept.append((number, line))
    sections: list[tuple[int, str, list[tuple[int, str]]]] = []
    for number, line in kept:
        if line and not line.startswith(" ") and (line.strip().upper() == line.strip() or len(line.split()) <= 6):
            sections.append((number, line.strip(), []))
        elif sections:
            sections[-1][2].append((number, line))
    metadata: dict[str, str] = {}
    blocks: list[Block] = []
    for number, heading, body in sections:
        indent = min((len(line) - len(line.lstrip()) for _, line in body if line.strip()), default=0)
        body = [(n, line[indent:]) for n, line in body]
        if heading == "NAME":
            said = _clean(" ".join(line for _, line in body))
            metadata["title"] = re.sub(r"\s+\\?[-—–]+\s+", ": ", said, count=1)
            blocks.append(Block(kind="heading", level=1, text=metadata["title"], location=f"line {number}"))
            continue
        blocks.append(Block(kind="heading", level=2, text=heading.capitalize(), location=f"line {number}"))
        if heading == "SYNOPSIS":
            code = "\n".join(line for _, line in body if line.strip())
            blocks.append(Block(kind="code", text=_clean(code), language="synopsis", location=f"line {number + 1}"))
            continue
        entries = _option_entries(body)
        if len(entries) >= 2:
            rows = [["Option", "Description"], *[[opt, desc] for opt, desc, _ in entries]]
            blocks.append(Block(kind="table", text=_table_rows(rows), location=f"line {entries[0][2]}"))
            rest = [(n, line) for n, line in body if n < entries[0][2]]
            blocks.extend(plain_chunks(rest))
            continue
        blocks.extend(plain_chunks(body))
    return [_options_as_code(b) for b in blocks], metadata


_MAN_CODE = re.compile(r"(?<![\w`-])['\"]?(--?[A-Za-z][\w-]*|\$[A-Z_][A-Z0-9_]*[\w/.-]*|[\w.-]*/[\w./-]+)['\"]?"
                       r"(?![\w`])")


def _options_as_code(block: Block) -> Block:
    """A man page's options, variables and paths in its prose are code (set in bold or italics
    on the page): marked as code spans, so a writer names them instead of spelling them."""
    if block.kind not in ("paragraph", "list"):
        return block
    text = _MAN_CODE.sub(lambda m: f"`{m.group(1)}`", block.text)
    items = [_MAN_CODE.sub(lambda m: f"`{m.group(1)}`", item) for item in block.items]
    return block.model_copy(update={"text": text, "items": items})


def _option_entries(body: list[tuple[int, str]]) -> list[tuple[str, str, int]]:
    """`-x, --long` at the section's margin with its description indented below it."""
    entries: list[tuple[str, str, int]] = []
    for number, line in body:
        if _OPTION.match(line):
            entries.append((line.strip(), "", number))
        elif entries and line.startswith(" ") and line.strip():
            opt, desc, at = entries[-1]
            entries[-1] = (opt, dehyphenate([desc, line], set()), at)
    return entries


def plain_chunks(body: list[tuple[int, str]]) -> list[Block]:
    out: list[Block] = []
    chunk: list[tuple[int, str]] = []
    for number, line in [*body, (0, "")]:
        if line.strip():
            chunk.append((number, line))
        elif chunk:
            out.extend(_example_blocks(chunk))
            chunk = []
    return out


def _example_blocks(chunk: list[tuple[int, str]]) -> list[Block]:
    """A man page example: a sentence saying what it does over the indented command."""
    indent = min(len(line) - len(line.lstrip()) for _, line in chunk)
    commands = [k for k, (_, line) in enumerate(chunk) if line.lstrip().startswith("$ ")
                and len(line) - len(line.lstrip()) > indent]
    if not commands or commands[0] == 0:
        return _text_chunk_blocks([(n, line[indent:]) for n, line in chunk])
    said = [(n, line[indent:]) for n, line in chunk[:commands[0]]]
    code = "\n".join(line.strip() for _, line in chunk[commands[0]:])
    return [*_text_chunk_blocks(said), Block(kind="code", text=code, language="sh",
                                             location=f"line {chunk[commands[0]][0]}")]
