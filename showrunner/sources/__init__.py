"""Reading source documents into structured blocks, one reader per format:

- showrunner.sources.markdown: CommonMark with YAML/TOML front matter as metadata, console sessions;
- showrunner.sources.html: a page's main content, its furniture dropped;
- showrunner.sources.text: plain text, RFC-style specifications and rendered man pages;
- showrunner.sources.pdf: pdfminer.six layout analysis (columns, fonts, captions, furniture).

`read_source(path)` gives an `artifacts.SourceDocument`: the title, the front matter's metadata,
and the document as blocks (headings with their level, paragraphs, lists, code, tables as
"cell | cell" rows, quotes, figures with their caption and image file or page region), each with
where it came from ("line 12", "element 7", "page 3"), and a record of everything dropped. A
missing, empty, unreadable or unsupported source raises `SourceError` naming the file and the
problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from showrunner import cleaning
from showrunner.artifacts import Block, SourceDocument
from showrunner.errors import SourceError
from showrunner.files import sha256_bytes
from showrunner.sources import common

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
        from showrunner.sources.pdf import pdf_blocks

        blocks, metadata = pdf_blocks(data, name, record)
    elif fmt == "text":
        from showrunner.sources.text import text_blocks

        blocks, metadata = text_blocks(common.decode(data, name), record)
    elif fmt == "markdown":
        from showrunner.sources.markdown import markdown_blocks

        blocks, metadata = markdown_blocks(common.decode(data, name), record)
    else:
        from showrunner.sources.html import html_blocks, page_metadata

        text = common.decode(data, name)
        blocks, metadata = html_blocks(text, record), page_metadata(text)
    blocks = _resolve_figures([b for b in blocks if b.text.strip()], path, name, record)
    blocks = cleaning.drop_contents(cleaning.clean_blocks(blocks, record), record)
    blocks = common.mark_back_matter(blocks, record)
    if fmt in ("pdf", "text"):
        blocks = common.unnumbered(blocks)
    if not blocks:
        raise SourceError(f"{name}: no text found after reading it as {fmt}")
    title = common.title(blocks, path, data if fmt == "html" else None, metadata)
    tops = [b for b in blocks if b.kind == "heading" and (b.level or 1) == 1]
    opens = blocks[0].kind == "heading" and (blocks[0].level or 1) == 1 and len(tops) == 1
    if metadata.get("title") and not opens and not (blocks[0].kind == "heading" and blocks[0].text == title):
        # front matter's title heads the document; the document's own top headings become sections
        blocks.insert(0, Block(kind="heading", level=1, text=title, location="front matter"))
    blocks = cleaning.drop_empty_sections(cleaning.normalise_structure(blocks, title), record)
    if not blocks:
        raise SourceError(f"{name}: no text found after reading it as {fmt}")
    return SourceDocument(path=name, format=fmt, title=title, sha256=sha256_bytes(data), blocks=blocks,
                          metadata=metadata, dropped=record.items)


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




MIN_FIGURE_PT = 24.0  # a PDF figure's region narrower or lower than a third of an inch is not shown
# (every PDF figure has its caption: a small one, a 34-point icon with "Figure 1:" under it, is still the figure)


def _resolve_figures(blocks: list[Block], path: Path, name: str, record: cleaning.Record) -> list[Block]:
    """A figure's image file found beside the document and named as the workflow reads it (`path`,
    from the project root); a figure whose file is missing is dropped with a record. A PDF's figure
    with a page region shows that region of the PDF: its `path` is the PDF."""
    out = []
    for block in blocks:
        if block.kind == "figure" and block.image:
            src = block.image.split("#")[0].split("?")[0]
            if not (path.parent / src).is_file():
                record.drop("image", f"{block.image} (file not found)", block.location)
                continue
            block = block.model_copy(update={"path": (Path(name).parent / src).as_posix()})
        elif block.kind == "figure" and block.region and path.suffix.lower() == ".pdf":
            # a PDF's figure is its region of the page, rendered from the PDF itself; one too small
            # to be a picture (a rule, a logo) is kept as a caption only
            x0, y0, x1, y1 = block.region
            if x1 - x0 >= MIN_FIGURE_PT and y1 - y0 >= MIN_FIGURE_PT:
                block = block.model_copy(update={"path": Path(name).as_posix()})
            else:
                record.drop("figure region (too small to show)", f"{block.region}", block.location)
        out.append(block)
    return out
