"""PDF: pdfminer.six's layout analysis (text boxes and lines with their fonts and positions), read
in column order, with the furniture taken out and a record kept:

- columns: on each page, the text between full-width boxes is read left column first, then the
  right one (two-column papers), whole-width boxes in their place (single-column manuals);
- running headers and footers (lines near the top or bottom repeated on most pages) and page
  numbers; footnotes (small type at the foot of a page); superscript markers;
- headings from numbering ("1 Introduction", "5.2 Leader election", "A Appendix") with bold or
  larger type or another typeface than the body's, and from type clearly larger than the body; a
  heading's number the layout set apart is put back before its words; a run-in heading ("Frequency
  Assignment We propose ...") is ended with a full stop; a displayed formula's stray pieces (a
  subscript, a comma on a line of its own) are not prose;
- a word split at a line end joined against a word list (pyspellchecker's English list) and the
  document's own words; Unicode NFKC (ligatures such as "ﬁ" become "fi");
- numbered citation markers ([12], [3, 4]) removed; figure and table captions kept as figure
  blocks with their page region, never as narration; equations and table cells are not prose;
- the title block (authors, affiliations, e-mail addresses) dropped; references dropped;
  acknowledgements and appendices marked to rank last (showrunner.sources.common).
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from showrunner import cleaning
from showrunner.artifacts import Block
from showrunner.errors import SourceError
from showrunner.sources.common import clean, dehyphenate, drop_citations, nfkc, vocabulary

_CAPTION = re.compile(r"^(?i:Figure|Fig\.|Table|Listing|Algorithm|Chart)\s*\d+(?:[.:]?\s+(?![a-z])|[.:]\s)")
_NUMBERED_HEADING = re.compile(r"^(?:(\d+(?:\.\d+){0,3})\.?|([A-H])(?:\.(\d+))?\.?|([IVX]{1,5})\.)"
                               r"\s+([A-Z][^.]{1,90})$")
_NAMED_HEADING = re.compile(r"^(?:abstract|introduction|references|bibliography|acknowledge?ments?|conclusions?|"
                            r"related work|appendix(?:\s+[A-Z])?|appendices|discussion|results|background|"
                            r"contents|keywords)$", re.I)
_BULLET = re.compile(r"^\s*[\u2022\u2023\u25e6\u25aa\u25cf\u2013*-]\s+")
_MATH = re.compile(r"[\u2200-\u22ff\u2A00-\u2AFF\U0001D400-\U0001D7FF∑∏∫√≤≥≈≠±×÷]")
_MONO = ("courier", "mono", "consol", "menlo", "cmtt", "sftt", "inconsolata", "typewriter", "txtt", "lmtt")
_BOLD = ("bold", "black", "heavy", "semibold", "demi", ".b", "-b", "cmbx", "sfbx")
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with", "vs."}
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)
EDGE = 0.085  # share of the page height at the top and bottom where running headers and footers live


@dataclass
class Line:
    text: str
    size: float
    bold: bool
    mono: bool
    x0: float
    y0: float
    x1: float
    y1: float
    font: str = ""  # the font most of its letters are set in (subset prefix dropped)
    lead_font: str = ""  # the font of its first letter
    lead: str = ""  # its first words set in that font, up to where another font starts


@dataclass
class Box:
    lines: list[Line]
    x0: float
    y0: float
    x1: float
    y1: float
    page: int
    kind: str = "text"
    extra: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


def pdf_blocks(data: bytes, name: str, record: cleaning.Record) -> tuple[list[Block], dict[str, str]]:
    import logging

    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if not data.lstrip().startswith(b"%PDF"):
        raise SourceError(f"{name}: not a PDF file (it does not start with %PDF)")
    try:
        pages = list(extract_pages(io.BytesIO(data), laparams=LAParams(line_margin=0.6, boxes_flow=None)))
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise SourceError(f"{name}: the PDF is encrypted with a password; save an unlocked copy") from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError, OSError) as err:
        raise SourceError(f"{name}: not a readable PDF ({err or type(err).__name__})") from None
    except Exception as err:  # noqa: BLE001 - a damaged file can fail in many ways inside pdfminer
        if "password" in str(err).lower() or "encrypt" in type(err).__name__.lower():
            raise SourceError(f"{name}: the PDF is encrypted with a password; save an unlocked copy") from None
        raise SourceError(f"{name}: not a readable PDF ({err or type(err).__name__})") from None
    if not pages:
        raise SourceError(f"{name}: the PDF has no pages")
    boxes_by_page = [_page_boxes(page, number) for number, page in enumerate(pages, start=1)]
    if not any(box.kind == "text" and box.text.strip() for boxes in boxes_by_page for box in boxes):
        raise SourceError(f"{name}: the PDF has no text layer (a scan?); run OCR on it first, "
                          "for example with ocrmypdf")
    return _Reader(pages, boxes_by_page, record).blocks()


def _font_flags(fontname: str) -> tuple[bool, bool]:
    font = fontname.lower().split("+")[-1]
    return any(k in font for k in _BOLD), any(k in font for k in _MONO)


def _page_boxes(page, number: int) -> list[Box]:
    from pdfminer.layout import LTChar, LTCurve, LTFigure, LTImage, LTTextBox, LTTextLine

    boxes: list[Box] = []
    for item in page:
        if isinstance(item, LTTextBox):
            lines = []
            for text_line in item:
                if not isinstance(text_line, LTTextLine):
                    continue
                chars = [c for c in text_line if isinstance(c, LTChar)]
                if not chars:
                    continue
                sizes = [round(c.size, 1) for c in chars if c.get_text().strip()]
                size = statistics.median(sizes) if sizes else 0.0
                kept = []
                for c in text_line:
                    if isinstance(c, LTChar):
                        ch = c.get_text()
                        # a superscript marker (footnote, citation): smaller and raised, never said
                        if ch.strip() and c.size < 0.8 * size and c.y0 > text_line.y0 + 0.3 * size \
                                and re.fullmatch(r"[\d,*†‡§¶∗–-]", ch):
                            continue
                        kept.append(ch)
                    else:
                        kept.append(c.get_text())
                text = "".join(kept).replace("\n", " ").rstrip()
                if not text.strip():
                    continue
                fonts = Counter(c.fontname for c in chars if c.get_text().strip())
                bold, _ = _font_flags(fonts.most_common(1)[0][0]) if fonts else (False, False)
                # monospaced only when nearly all of it is: a code word inside a sentence is not code
                mono_chars = sum(n for font, n in fonts.items() if _font_flags(font)[1])
                mono = bool(fonts) and mono_chars >= 0.85 * sum(fonts.values())
                if not mono and mono_chars:
                    text = _inline_code(text_line, kept)
                font = fonts.most_common(1)[0][0].split("+")[-1] if fonts else ""
                lead = next((c.fontname.split("+")[-1] for c in chars if c.get_text().strip()), "")
                run = ""
                for c in text_line:
                    if isinstance(c, LTChar) and c.get_text().strip() and c.fontname.split("+")[-1] != lead:
                        break
                    run += c.get_text()
                run = run.replace("\n", " ").strip()
                lines.append(Line(text, size, bold, mono, text_line.x0, text_line.y0, text_line.x1, text_line.y1,
                                  font, lead, run if text.startswith(run) else ""))
            if lines:
                boxes.append(Box(lines, item.x0, item.y0, item.x1, item.y1, number))
        elif isinstance(item, (LTFigure, LTImage)) or (isinstance(item, LTCurve) and item.width * item.height > 2000):
            if item.width > 20 and item.height > 20:
                boxes.append(Box([], item.x0, item.y0, item.x1, item.y1, number, kind="figure"))
    return boxes


_BARE_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}|[A-H](?:\.\d{1,2}){0,3})\.?$")


def _joined_section_numbers(boxes: list[Box], body_font: str) -> list[Box]:
    """A heading's number that the layout analysis set apart from its words ("1" in the paragraph
    box under "INTRODUCTION", "2.2.1" before "Inline Equations. A formula ..."): a line that is only a
    section number, in heading type (bold, or another typeface than the body's; a table's row numbers
    are in the body's) and in the type of the line that starts just right of it on the same baseline,
    is put back in front of that line (else it is read as the paragraph's first word)."""
    text_lines = [(box, line) for box in boxes if box.kind == "text" for line in box.lines]
    changed = False
    for box, line in text_lines:
        if not _BARE_NUMBER.match(line.text.strip()) or line.mono or (line.font == body_font and not line.bold):
            continue
        size = line.size or 10.0
        after = [(b, other) for b, other in text_lines if other is not line and abs(other.y0 - line.y0) < 0.25 * size
                 and 0 <= other.x0 - line.x1 < 3 * size and round(other.size) == round(line.size)
                 and other.lead_font == line.lead_font and re.match(r"[A-Z]", other.text.strip())]
        if len(after) != 1:
            continue
        other = after[0][1]
        other.text = f"{line.text.strip()} {other.text.strip()}"
        other.x0 = line.x0
        box.lines.remove(line)
        changed = True
    if not changed:
        return boxes
    out = []
    for box in boxes:
        if box.kind == "text" and not box.lines:
            continue
        if box.kind == "text":
            box.x0, box.y0 = min(ln.x0 for ln in box.lines), min(ln.y0 for ln in box.lines)
            box.x1, box.y1 = max(ln.x1 for ln in box.lines), max(ln.y1 for ln in box.lines)
        out.append(box)
    return out


class _Reader:
    def __init__(self, pages, boxes_by_page: list[list[Box]], record: cleaning.Record) -> None:
        self.pages = pages
        self.boxes_by_page = boxes_by_page
        self.record = record
        sizes: Counter[float] = Counter()
        for boxes in boxes_by_page:
            for box in boxes:
                for line in box.lines:
                    sizes[round(line.size)] += len(line.text)
        self.body = sizes.most_common(1)[0][0] if sizes else 10.0
        self.larger = sorted({s for s in sizes if s >= self.body * 1.15}, reverse=True)
        fonts: Counter[str] = Counter()
        for boxes in boxes_by_page:
            for box in boxes:
                for line in box.lines:
                    if round(line.size) == self.body:
                        fonts[line.font] += len(line.text)
        self.body_font = fonts.most_common(1)[0][0] if fonts else ""
        self.boxes_by_page = [_joined_section_numbers(boxes, self.body_font) for boxes in boxes_by_page]

    # --- page order and furniture ----------------------------------------------------------

    def ordered(self, number: int) -> list[Box]:
        """A page's boxes in reading order: bands separated by whole-width boxes, each band's left
        column before its right column."""
        page = self.pages[number - 1]
        width = page.width
        middle = page.x0 + width / 2
        boxes = sorted(self.boxes_by_page[number - 1], key=lambda b: -b.y1)
        text_boxes = [b for b in boxes if b.kind == "text"]
        two_columns = sum(1 for b in text_boxes if b.x1 < middle + 5) >= 2 and \
            sum(1 for b in text_boxes if b.x0 > middle - 5) >= 2
        if not two_columns:
            return boxes
        out: list[Box] = []
        band: list[Box] = []

        def flush() -> None:
            left = [b for b in band if (b.x0 + b.x1) / 2 < middle]
            right = [b for b in band if (b.x0 + b.x1) / 2 >= middle]
            out.extend(sorted(left, key=lambda b: -b.y1) + sorted(right, key=lambda b: -b.y1))
            band.clear()

        for box in boxes:
            spans = box.x0 < middle - 20 and box.x1 > middle + 20
            if spans:
                flush()
                out.append(box)
            else:
                band.append(box)
        flush()
        return out

    def furniture(self) -> set[str]:
        """Keys of running headers and footers: lines in the top or bottom band of a page repeated
        on most pages, or on most odd or most even pages (books and journals alternate the title
        and the authors); digits count as one, so page numbers and dates still match."""
        if len(self.boxes_by_page) < 2:
            return set()
        counts: dict[int, Counter[str]] = {0: Counter(), 1: Counter()}
        for number, boxes in enumerate(self.boxes_by_page, start=1):
            height = self.pages[number - 1].height
            seen = set()
            for box in boxes:
                for line in box.lines:
                    if line.y1 > height * (1 - EDGE) or line.y0 < height * EDGE:
                        seen.add(_key(line.text))
            counts[number % 2].update(seen)
        pages = len(self.boxes_by_page)
        both = counts[0] + counts[1]
        keys = {k for k, n in both.items() if n >= max(2, (pages + 1) // 2)}
        for parity in (0, 1):
            same = len(range(2 - parity, pages + 1, 2))
            keys |= {k for k, n in counts[parity].items() if n >= max(2, (same + 1) // 2)}
        return keys

    # --- blocks ----------------------------------------------------------------------------

    def blocks(self) -> tuple[list[Block], dict[str, str]]:
        repeated = self.furniture()
        items: list[tuple[str, Box, Line | None]] = []  # (kind, box, line)
        for number in range(1, len(self.pages) + 1):
            height = self.pages[number - 1].height
            for box in self.ordered(number):
                if box.kind == "figure":
                    items.append(("figure", box, None))
                    continue
                kept = []
                for line in box.lines:
                    near_edge = line.y1 > height * (1 - EDGE) or line.y0 < height * EDGE
                    if near_edge and _PAGE_NUMBER.match(line.text.strip()):
                        self.record.drop("page number", line.text, f"page {number}")
                    elif near_edge and _key(line.text) in repeated:
                        self.record.drop("running header or footer", line.text, f"page {number}")
                    else:
                        kept.append(line)
                if kept:
                    items.append(("text", Box(kept, box.x0, box.y0, box.x1, box.y1, number), None))
        own = vocabulary(" ".join(nfkc(b.text) for _, b, _ in items if b.kind == "text"))
        return self._structure(items, own)

    def _heading(self, line: Line, box_lines: int) -> int | None:
        """The level of a line that is a heading, or None."""
        text = nfkc(line.text).strip()
        words = text.split()
        if not words or len(words) > 14 or len(text) > 100:
            return None
        rounded = round(line.size)
        numbered = _NUMBERED_HEADING.match(text)
        # a numbered line set wholly in another typeface than the body's ("2.1 Frequency Assignment"
        # in a sans-serif over serif text) is a heading though neither bold nor larger
        styled = bool(numbered) and not line.mono and line.font != self.body_font and \
            line.lead_font == line.font and rounded >= self.body
        emphasised = line.bold or rounded in self.larger or (text.isupper() and len(text) > 3) or styled
        unfinished = re.search(r"\b(?:to|the|of|and|a|an|in|for|with|is|are|by|from|that)$", text) or \
            re.search(r"\(.*\):\s", text)
        if numbered and emphasised and not text.rstrip().endswith((",", ";")) and not unfinished:
            digits = numbered.group(1)
            if digits:
                return min(6, digits.count(".") + 2)
            if numbered.group(2):
                return 3 if numbered.group(3) else 2
            return 2
        if _NAMED_HEADING.match(text) and emphasised:
            return 2
        if rounded in self.larger and box_lines <= 3 and not text.endswith("."):
            return self.larger.index(rounded) + 1
        return None

    def _run_in(self, line: Line, text: str) -> str:
        """A paragraph's first line that opens on a run-in heading (a few capitalised words in bold,
        italic or another typeface, the body's type resuming after them on the same line, "Frequency
        Assignment We propose ..."): the heading ends with a full stop, so it is never read as the
        sentence's subject. One that ends in a stop or a colon already is left as it is."""
        lead = nfkc(line.lead).strip()
        if not lead or line.mono or line.lead_font == self.body_font or not text.startswith(lead):
            return text
        rest = text[len(lead):].lstrip()
        words = lead.split()
        title = all(w[0].isupper() or w[0].isdigit() or w in _SMALL_WORDS for w in words) and \
            (words[0][0].isupper() or _NUMBERED_HEADING.match(lead) is not None)
        if not rest or not re.match(r"[A-Z][a-z]", rest) or len(words) > 8 or not title or \
                re.search(r"[.:!?;,]$", lead) or not re.search(r"[A-Za-z]{2}", lead):
            return text
        return f"{lead}. {rest}"

    def _is_formula_piece(self, line: Line, text: str) -> bool:
        """A displayed formula's stray piece on a line of its own: a sub- or superscript ("t", "T + 1"
        in small type), a variable or a comma in a math or italic font ("b", ","); no word, a few
        characters, smaller than the body or in another font than the body's."""
        chars = text.replace(" ", "")
        if not chars or len(chars) > 6 or re.search(r"[A-Za-z]{2}", chars) or _BULLET.match(text + " "):
            return False
        return line.size < 0.85 * self.body or (line.font != self.body_font and not line.bold and not line.mono)

    def _structure(self, items, own: set[str]) -> tuple[list[Block], dict[str, str]]:
        blocks: list[Block] = []
        metadata: dict[str, str] = {}
        record = self.record
        figures: list[Box] = [b for kind, b, _ in items if kind == "figure"]
        texts: list[Box] = [b for kind, b, _ in items if kind == "text"]
        taken: set[int] = set()  # the figure areas captions took: one caption each
        title_done = False
        abstract_seen = any(re.fullmatch(r"abstract\.?", nfkc(line.text).strip(), re.I)
                            for kind, b, _ in items if kind == "text" and b.page == 1 for line in b.lines)
        before_abstract = abstract_seen
        author_sizes: set[int] = set()
        prev: Box | None = None  # the last box whose text went into the prose
        para: list[str] = []
        bullets: list[list[str]] = []
        para_where = ""

        code: list[Line] = []
        code_where = ""

        def finish() -> None:
            """Close what is finished; a paragraph cut off mid-sentence by a figure, a table or a
            footnote goes on after it."""
            if para and not re.search(r"[.!?:]\)?[\"']?$", para[-1].rstrip()):
                return
            flush()

        def flush() -> None:
            nonlocal para, bullets, code
            if code:
                blocks.append(Block(kind="code", text=_code_text(code), location=code_where))
                code = []
            if bullets:
                said = [drop_citations(dehyphenate(item, own))[0] for item in bullets]
                blocks.append(Block(kind="list", text="\n".join(said), items=said, location=para_where))
                bullets = []
            if para:
                text = dehyphenate(para, own)
                text, markers = drop_citations(text)
                if markers:
                    record.drop("citation marker", " ".join(markers), para_where)
                if text.strip():
                    blocks.append(Block(kind="paragraph", text=text, location=para_where))
            para = []

        for kind, box, _ in items:
            where = f"page {box.page}"
            if kind == "figure":
                continue
            lines = box.lines
            first = nfkc(lines[0].text).strip()
            # the title: the largest type on the first page
            if not title_done and box.page == 1 and self.larger and round(lines[0].size) == self.larger[0]:
                flush()
                metadata["title"] = clean(" ".join(nfkc(line.text) for line in lines
                                                   if round(line.size) == self.larger[0]))
                blocks.append(Block(kind="heading", level=1, text=metadata["title"], location=where))
                title_done = True
                rest = [line for line in lines if round(line.size) != self.larger[0]]
                if not rest:
                    continue
                lines = rest
                first = nfkc(lines[0].text).strip()
            if before_abstract and box.page == 1:
                if re.fullmatch(r"abstract\.?", first, re.I):
                    before_abstract = False
                else:
                    author_sizes.update(round(line.size) for line in lines)
                    record.drop("title block (authors, affiliations)", " ".join(line.text for line in lines), where)
                    continue
            if box.page == 1 and author_sizes and all(round(line.size) in author_sizes for line in lines) \
                    and round(lines[0].size) != round(self.body) and len(lines) <= 6 and \
                    (any("@" in line.text for line in lines) or max(len(line.text.split()) for line in lines) <= 5):
                record.drop("title block (authors, affiliations)", " ".join(line.text for line in lines), where)
                continue
            if _CAPTION.match(first):
                finish()
                caption = dehyphenate([nfkc(line.text) for line in lines], own)
                region = _nearest_figure(box, figures, texts, taken)
                if region is None and re.match(r"(?i)algorithm|listing", first):
                    region = _algorithm_region(box, texts)
                blocks.append(Block(kind="figure", text=drop_citations(caption)[0], location=where,
                                    region=[round(v, 1) for v in region] if region else None))
                continue
            sizes = [line.size for line in lines]
            if sizes and max(sizes) < 0.85 * self.body and box.y1 < self.pages[box.page - 1].height * 0.3:
                finish()
                record.drop("footnote", " ".join(line.text for line in lines), where)
                continue
            near = prev is not None and prev.page == box.page and abs(prev.y0 - box.y1) < 2 * self.body
            if all(line.mono for line in lines) and para and near and len(lines) <= 2 and \
                    len(" ".join(line.text for line in lines).split()) <= 4 and \
                    not re.search(r"[.!?:]\)?[\"']?$", para[-1].rstrip()):
                # a code word set on its own line inside a sentence: the sentence goes on
                para.append("`" + clean(" ".join(nfkc(line.text) for line in lines)) + "`")
                continue
            if all(line.mono for line in lines):
                if para or bullets or (code and code_where != where):
                    flush()
                code.extend(lines)
                code_where = where
                continue
            heads = any(self._heading(line, len(lines)) is not None for line in lines)
            if not heads and (_is_table_text(lines) or (not para and _is_cell_text(lines))):
                finish()
                record.drop("table or figure text (shown as its page region, not read)",
                            " ".join(line.text for line in lines), where)
                continue
            if code:
                flush()
            prev = box
            para_where = para_where if para else where
            for line in lines:
                text = nfkc(line.text).strip()
                level = self._heading(line, len(lines))
                if level is not None:
                    flush()
                    blocks.append(Block(kind="heading", level=level, text=clean(text), location=where))
                    continue
                if _is_math(line.text, text) or self._is_formula_piece(line, text):
                    record.drop("equation", text, where)
                    continue
                if not para or re.search(r"[.!?:]\)?[\"']?$", para[-1].rstrip()):
                    text = self._run_in(line, text)
                text = re.sub(r"^(?:(?:[A-Z]\.?)?\d+(?:\.\d+)+\.?\s+)+(?=[A-Z])", "", text)  # run-in heading numbers
                if _BULLET.match(text):
                    if para:
                        flush()
                    para_where = where
                    bullets.append([_BULLET.sub("", text)])
                    continue
                if bullets and not para:
                    bullets[-1].append(text)
                    continue
                para.append(text)
                para_where = para_where or where
            # a box ends a paragraph when its last line ends a sentence (columns and pages may
            # split a paragraph between boxes: then it goes on in the next box)
            if (para and re.search(r"[.!?:]\)?[\"']?$", para[-1].rstrip())) or (bullets and not para):
                if not bullets or not para:
                    flush()
        flush()
        return _without_classification(blocks, record), metadata


_CLASSIFICATION = re.compile(r"^(?:ccs concepts|keywords|key words|additional key words and phrases|index terms|"
                             r"acm reference format|general terms|categories and subject descriptors)\b", re.I)


def _without_classification(blocks: list[Block], record: cleaning.Record) -> list[Block]:
    """A paper's keywords and classification codes: for indexes, not for listeners."""
    out: list[Block] = []
    dropping: int | None = None
    numbered = appendix = False
    for block in blocks:
        if block.kind == "heading":
            if dropping is not None and (block.level or 1) <= dropping:
                dropping = None
            if _CLASSIFICATION.match(block.text):
                dropping = block.level or 1
            numbered = numbered or bool(re.match(r"^\d+\.?\s", block.text))
            # lettered sections after numbered ones are the appendices: ranked last
            appendix = appendix or (numbered and bool(re.match(r"^[A-H]\.?\s+\S", block.text)))
        if dropping is not None or (block.kind == "paragraph" and _CLASSIFICATION.match(block.text)):
            record.drop("keywords and classification", block.text, block.location)
            continue
        out.append(block.model_copy(update={"last": True}) if appendix else block)
    return out


def _inline_code(text_line, kept: list[str]) -> str:
    """A line's text with its runs of monospaced type marked as code spans (`like this`)."""
    from pdfminer.layout import LTChar

    out: list[str] = []
    inside = False
    k = 0
    for c in text_line:
        if k >= len(kept):
            break
        ch = c.get_text()
        if isinstance(c, LTChar) and ch.strip():
            mono = _font_flags(c.fontname)[1]
            if mono and not inside:
                out.append("`")
                inside = True
            elif not mono and inside:
                if out and out[-1] == " ":
                    out.pop()
                    out.append("` ")
                else:
                    out.append("`")
                inside = False
        out.append(ch)
        k += 1
    if inside:
        out.append("`")
    text = re.sub(r"`\s*`", "", "".join(out).replace("\n", " "))
    return re.sub(r"`\s*([^`]*?)\s*`", r"`\1`", text).rstrip()


def _code_text(lines: list[Line]) -> str:
    """Monospaced lines as code, their indentation rebuilt from where each line starts."""
    left = min(line.x0 for line in lines)
    out = []
    for line in lines:
        width = (line.size or 10) * 0.6
        out.append(" " * round((line.x0 - left) / width) + line.text.rstrip())
    return "\n".join(out)


def _is_math(raw: str, text: str) -> bool:
    """A line of a displayed equation: unmapped glyphs, an equation number after a formula, or
    math symbols with few letters."""
    if "(cid:" in raw:
        return True
    letters = sum(ch.isalpha() for ch in text)
    if re.search(r"\(\d{1,3}\)\s*$", text) and ("=" in text or _MATH.search(raw)):
        return True
    if _MATH.search(raw) and letters < 0.6 * len(text):
        return True
    words = re.findall(r"[A-Za-z]{3,}", text)
    return "=" in text and len(words) < 3 and len(text.split()) >= 2


def _is_cell_text(lines: list[Line]) -> bool:
    """A cell or row of a table, or a label of a chart, standing alone: a few words, no sentence."""
    text = " ".join(line.text for line in lines).strip()
    words = text.split()
    digits = sum(ch.isdigit() for ch in text)
    if re.search(r"[.!?:;,]$", text):
        return len(words) <= 40 and digits > 0.3 * len(text.replace(" ", ""))
    return len(words) <= 10 or digits > 0.3 * len(text.replace(" ", ""))


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.split()).lower())


def _is_table_text(lines: list[Line]) -> bool:
    """Cells of a table or labels of a chart: several short lines, none of them a sentence."""
    if len(lines) < 3:
        return False
    words = [len(line.text.split()) for line in lines]
    sentences = sum(1 for line in lines if re.search(r"[a-z]{2,}[.!?]$", line.text.strip()))
    return statistics.mean(words) < 3.5 and sentences == 0


FIGURE_GAP_PT = 72.0  # a caption sits at most this far from its figure, with no prose between
LABEL_GAP_PT = 10.0  # a chart's labels at most this far from the rest of it
TEXT_GAP_PT = 16.0  # a table's rows at most this far apart (a text-only diagram's labels: PART_GAP_PT)
TEXT_PARTS = 3  # a figure or table of text only has at least this many text boxes (or two, this tall)
TEXT_MIN_PT = 36.0
PART_GAP_PT = 24.0  # a figure's drawn parts (a diagram's boxes, a panel) at most this far apart


def _gap(a: Box, b: tuple[float, float, float, float]) -> float:
    dx = max(b[0] - a.x1, a.x0 - b[2], 0.0)
    dy = max(b[1] - a.y1, a.y0 - b[3], 0.0)
    return max(dx, dy)


def _is_prose(box: Box) -> bool:
    return len(box.text.split()) >= 12 and bool(re.search(r"[a-z]{2,}[.!?:]\)?$", box.text.strip()))


_SECTION_HEADING = re.compile(r"^\d+(?:\.\d+)*\.?\s+[A-Z][a-z]")


def _text_region(caption: Box, labels: list[Box], table: bool) -> tuple[float, float, float, float] | None:
    """A figure or table made of text only: the short text boxes on the caption's side (under a
    table's caption, over a figure's, else the other), each within TEXT_GAP_PT of the area so far,
    starting within FIGURE_GAP_PT of the caption; never a section heading. At least TEXT_PARTS
    boxes, or two TEXT_MIN_PT tall."""
    cells = [t for t in labels if not (len(t.lines) == 1 and _SECTION_HEADING.match(nfkc(t.lines[0].text).strip()))]
    for up in ((False, True) if table else (True, False)):
        side = [t for t in cells if (t.y0 >= caption.y1 - 2 if up else t.y1 <= caption.y0 + 2)]
        near = [t for t in side if (t.y0 - caption.y1 if up else caption.y0 - t.y1) <= FIGURE_GAP_PT
                and min(t.x1, caption.x1) - max(t.x0, caption.x0) > 0]
        if not near:
            continue
        seed = min(near, key=lambda t: t.y0 - caption.y1 if up else caption.y0 - t.y1)
        region = (seed.x0, seed.y0, seed.x1, seed.y1)
        rest = [t for t in side if t is not seed]
        found, grown = 1, True
        while grown:
            grown = False
            for t in rest:
                if _gap(t, region) <= (TEXT_GAP_PT if table else PART_GAP_PT):
                    region = (min(region[0], t.x0), min(region[1], t.y0), max(region[2], t.x1), max(region[3], t.y1))
                    rest.remove(t)
                    found, grown = found + 1, True
                    break
        # a table has rows and columns, a diagram several labels: a line or two of text is neither
        tall = region[3] - region[1] >= TEXT_MIN_PT
        pad = 3.0  # text boxes end at the glyphs' advance, a little inside their ink
        padded = (region[0] - pad, region[1] - pad, region[2] + pad, region[3] + pad)
        return padded if found >= TEXT_PARTS or (found > 1 and tall) else None
    return None


def _algorithm_region(caption: Box, texts: list[Box]) -> tuple[float, float, float, float] | None:
    """An algorithm or listing set as text: its caption heads it, its lines follow under it, each
    within TEXT_GAP_PT of the last and in the caption's column, until prose. None when there are none."""
    region = (caption.x0, caption.y0, caption.x1, caption.y1)
    rest = [t for t in texts if t.page == caption.page and t is not caption and t.y1 <= caption.y0 + 2
            and min(t.x1, caption.x1) - max(t.x0, caption.x0) > 0.5 * (t.x1 - t.x0)]
    found = 0
    for t in sorted(rest, key=lambda t: -t.y1):
        if region[1] - t.y1 > TEXT_GAP_PT or _is_prose(t) or _CAPTION.match(nfkc(t.lines[0].text).strip()):
            break
        region = (min(region[0], t.x0), t.y0, max(region[2], t.x1), region[3])
        found += 1
    pad = 3.0
    return (region[0] - pad, region[1] - pad, region[2] + pad, region[3] + pad) if found else None


def _nearest_figure(caption: Box, figures: list[Box], texts: list[Box] | None = None,
                    used: set[int] | None = None) -> tuple[float, float, float, float] | None:
    """The figure or table area a caption belongs to, on its page: a drawn area beside it (a
    figure's caption under it, a table's over it, else the other side), not one another caption
    took and not a framed box of prose; grown by the figure's other parts and its short labels
    (a chart's axes and ticks) close to it."""
    texts = [t for t in texts or [] if t.page == caption.page and t is not caption]
    used = used if used is not None else set()

    def inside(t: Box, f: Box) -> bool:
        return t.x0 >= f.x0 - 1 and t.x1 <= f.x1 + 1 and t.y0 >= f.y0 - 1 and t.y1 <= f.y1 + 1

    def framed_prose(f: Box) -> bool:
        """A box drawn around sentences (a highlighted summary), not a figure."""
        return sum(len(t.text.split()) for t in texts if inside(t, f) and
                   max(len(line.text.split()) for line in t.lines) >= 6) >= 30

    def prose_between(f: Box) -> bool:
        """Some of the text's sentences lie between the caption and `f`: it is not the caption's."""
        up = f.y0 >= caption.y1 - 2
        low, high = (caption.y1, f.y0) if up else (f.y1, caption.y0)
        return any(_is_prose(t) and min(t.x1, f.x1) - max(t.x0, f.x0) > 0 and min(t.y1, high) > max(t.y0, low)
                   for t in texts)

    free = [f for f in figures if f.page == caption.page and id(f) not in used and not framed_prose(f)]
    same = [f for f in free if min(f.x1, caption.x1) - max(f.x0, caption.x0) > 0]
    above = [(f.y0 - caption.y1, f) for f in same if f.y0 >= caption.y1 - 2]
    below = [(caption.y0 - f.y1, f) for f in same if f.y1 <= caption.y0 + 2]
    table = re.match(r"table", caption.text.strip(), re.I) is not None
    best: Box | None = None
    for side in ((below, above) if table else (above, below)):
        near = [(gap, f) for gap, f in side if gap <= FIGURE_GAP_PT and not prose_between(f)]
        if near:
            best = min(near, key=lambda x: x[0])[1]
            break
    labels = [t for t in texts if t.lines and not _is_prose(t) and not _CAPTION.match(nfkc(t.lines[0].text).strip())
              and max(len(line.text.split()) for line in t.lines) <= 6]
    if best is None:
        # nothing drawn big enough (a table ruled by thin lines, a diagram of small boxes): the area
        # is its text, the cells or labels next to the caption on its side and those close to them
        return _text_region(caption, labels, table)
    up = best.y0 >= caption.y1 - 2
    used.add(id(best))
    region = (best.x0, best.y0, best.x1, best.y1)
    # the figure's other drawn parts: its panels, a diagram's boxes, with no prose between them and the caption
    for f in free:
        if f is not best and (f.y0 >= caption.y1 - 2 if up else f.y1 <= caption.y0 + 2) and not prose_between(f) \
                and _gap(f, region) <= FIGURE_GAP_PT:
            region = (min(region[0], f.x0), min(region[1], f.y0), max(region[2], f.x1), max(region[3], f.y1))
            used.add(id(f))
    parts = [f for f in same if f is not best and id(f) not in used] + labels
    grown = True
    while grown:
        grown = False
        for part in parts:
            on_side = part.y0 >= caption.y1 - 2 if up else part.y1 <= caption.y0 + 2
            if on_side and _gap(part, region) <= (PART_GAP_PT if part.kind == "figure" else LABEL_GAP_PT):
                region = (min(region[0], part.x0), min(region[1], part.y0), max(region[2], part.x1),
                          max(region[3], part.y1))
                if part.kind == "figure":
                    used.add(id(part))
                parts.remove(part)
                grown = True
                break
    return region
