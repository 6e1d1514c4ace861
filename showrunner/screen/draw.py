"""A beat drawn as a still, laid out for the frame's shape, with what was drawn measured.

Layouts: in 16:9 a visual (figure, chart, diagram, number, picture) sits left of its text; in
9:16 and 1:1 above it, so no half of a tall frame is left empty. Text is fitted to its box: as
large as the box allows (up to a cap per role), never smaller than MIN_TEXT of the frame's
height; what does not fit at that size moves on (older points leave, a listing pages, a table
shows the rows that fit and says how many follow). Every text drawn is recorded with its size
and the contrast of its colour on what it is drawn on, so the stage can refuse a beat that
breaks the rules and the bench can report the smallest and the lowest.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from showrunner.artifacts import Beat
from showrunner.errors import ConfigError
from showrunner.screen import visuals
from showrunner.screen.themes import Palette, Rgb, contrast

MIN_TEXT = 0.026  # of the frame's height: every text at least this (the rule is 2.5%)
MARGIN = 0.06  # of the short side
LINE = 1.22


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    mono: str


@dataclass
class Measure:
    """What a beat's text is: the smallest size (pixels, the font's em) and the lowest contrast."""

    height: int
    smallest: int = 1 << 30
    lowest: float = 21.0
    texts: int = 0
    figure_text: float | None = None  # the small text inside a PDF figure, of the frame's height (not ruled)
    notes: list[str] = field(default_factory=list)

    def text(self, size: int, colour: Rgb, on: Rgb) -> None:
        self.smallest = min(self.smallest, size)
        self.lowest = min(self.lowest, contrast(colour, on))
        self.texts += 1

    @property
    def smallest_fraction(self) -> float:
        return self.smallest / self.height if self.texts else 1.0


@functools.cache
def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, max(int(size), 1))
    except OSError as err:
        raise ConfigError(f"config.yaml: show.style: cannot load font {path}: {err}") from None


Box = tuple[int, int, int, int]  # left, top, width, height


# a long word may break after a hyphen, underscore or slash, or between the words of a camelCase name
# ('basicLoadBalance' held a 9:16 point to a third of the frame's width)
_BREAK = re.compile(r"(?<=[-_/])(?=[^-_/\s])|(?<=[a-z])(?=[A-Z][a-z])")


def pieces(word: str) -> list[str]:
    """A word as the parts a line may end between: 'async-await' as 'async-' and 'await', 'loadBalance' as
    'load' and 'Balance'."""
    return [p for p in _BREAK.split(word) if p]


def wrap(text: str, f: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """The text's lines at most `width` wide: words kept whole unless one alone is wider (then broken
    after a hyphen, underscore or slash or inside a camelCase name, and cut only where a part alone is
    wider still)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if f.getlength(candidate) <= width:
                current = candidate
                continue
            parts = pieces(word) if f.getlength(word) > width else [word]
            for n, part in enumerate(parts):
                candidate = (f"{current}{part}" if n else f"{current} {part}") if current else part
                if f.getlength(candidate) <= width:
                    current = candidate
                    continue
                if current:
                    lines.append(current)
                current = part
                while f.getlength(current) > width and len(current) > 1:  # one long part: cut it
                    cut = len(current) - 1
                    while cut > 1 and f.getlength(current[:cut]) > width:
                        cut -= 1
                    lines.append(current[:cut])
                    current = current[cut:]
        lines.append(current)
    return lines


class Canvas:
    def __init__(self, size: tuple[int, int], pal: Palette, fonts: Fonts):
        self.width, self.height = size
        self.pal, self.fonts = pal, fonts
        self.image = Image.new("RGB", size, pal.background)
        self.draw = ImageDraw.Draw(self.image)
        self.measure = Measure(self.height)
        self.min_px = math.ceil(MIN_TEXT * self.height)
        self.margin = round(MARGIN * min(size))

    @property
    def portrait(self) -> bool:
        return self.height > self.width * 1.15

    @property
    def landscape(self) -> bool:
        return self.width > self.height * 1.15

    def px(self, fraction: float) -> int:
        return max(round(fraction * self.height), self.min_px)

    def text(self, xy: tuple[float, float], text: str, f: ImageFont.FreeTypeFont, colour: Rgb, on: Rgb) -> None:
        self.draw.text(xy, text, font=f, fill=colour)
        self.measure.text(round(f.size), colour, on)

    def fit(self, paragraphs: list[tuple[str, Rgb]], box: Box, path: str, cap: float, *, on: Rgb | None = None,
            gap: float = 0.45, align: str = "left", valign: str = "top", prefix: Callable | None = None,
            draw: bool = True) -> tuple[int, bool]:
        """Paragraphs at the largest size up to `cap` (of the height) that fits the box, not below
        the minimum. Returns (height used, everything fitted)."""
        left, top, width, height = box
        on = on or self.pal.background
        size = max(self.px(cap), self.min_px)
        while True:
            f = font(path, size)
            indent = round(size * 1.1) if prefix else 0
            blocks = [wrap(text, f, width - indent) for text, _ in paragraphs]
            line_h = round(size * LINE)
            used = sum(len(b) * line_h for b in blocks) + round(size * gap) * max(len(blocks) - 1, 0)
            words_fit = all(f.getlength(w) <= width - indent for text, _ in paragraphs for word in text.split()
                            for w in pieces(word))
            if (used <= height and words_fit) or size <= self.min_px:
                break
            size = max(self.min_px, min(int(size * 0.93), size - 1))
        fits = used <= height
        if not draw:
            return used, fits
        y = top + (max(height - used, 0) // 2 if valign == "middle" else 0)
        for k, (block, (_, colour)) in enumerate(zip(blocks, paragraphs, strict=True)):
            if prefix:
                prefix(self, left, y, size, k)
            for line in block:
                if y + line_h > top + height + round(size * (LINE - 1)) and not fits:
                    break
                x: float = left + indent
                if align == "center":
                    x = left + (width - f.getlength(line)) / 2
                self.text((x, y), line, f, colour, on)
                y += line_h
            y += round(size * gap)
        return used, fits


# --- the frame ------------------------------------------------------------------------------


def regions(size: tuple[int, int]) -> dict[str, Box]:
    """The frame's boxes: header (heading), body (all content), visual and text (a split body), foot."""
    width, height = size
    c = Canvas.__new__(Canvas)
    c.width, c.height = width, height
    c.min_px = math.ceil(MIN_TEXT * height)
    m = round(MARGIN * min(size))
    foot_h = round(c.min_px * 1.9)
    foot_top = height - m - foot_h
    header_h = round(height * (0.15 if width > height * 1.15 else 0.11 if height > width * 1.15 else 0.13))
    top = m + round(0.012 * height) + round(0.02 * height)
    body_top = top + header_h + round(0.025 * height)
    body = (m, body_top, width - 2 * m, foot_top - round(0.025 * height) - body_top)
    bx, by, bw, bh = body
    gap = round(0.03 * min(size))
    if width > height * 1.15:
        vw = round(bw * 0.58)
        visual, text = (bx, by, vw, bh), (bx + vw + gap, by, bw - vw - gap, bh)
    else:
        vh = round(bh * (0.6 if height > width * 1.15 else 0.58))
        visual, text = (bx, by, bw, vh), (bx, by + vh + gap, bw, bh - vh - gap)
    return {"header": (m, top, width - 2 * m, header_h), "body": body, "visual": visual, "text": text,
            "foot": (m, foot_top, width - 2 * m, foot_h), "full": (m, m, width - 2 * m, foot_top - m - gap)}


def draw_beat(beat: Beat, size: tuple[int, int], pal: Palette, fonts: Fonts, *, show: str, host: str,
              root: Path, picture: bytes | None = None) -> tuple[Image.Image, Measure]:
    c = Canvas(size, pal, fonts)
    r = regions(size)
    kind = beat.kind
    if kind == "title":
        _title(c, beat, r)
    elif kind == "chapter":
        _chapter(c, beat, r)
    else:
        _heading(c, beat.heading, r["header"], big=kind == "points" and c.portrait)
        {"points": _points, "code": _code, "figure": _figure, "diagram": _figure, "chart": _figure,
         "illustration": _figure, "table": _table, "number": _number, "quote": _quote}[kind](
            c, beat, r, root=root, picture=picture)
    _foot(c, r["foot"], host, show)
    return c.image, c.measure


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()


def _heading(c: Canvas, heading: str, box: Box, big: bool = False) -> None:
    left, top, width, height = box
    bar = max(round(0.008 * c.height), 3)
    c.draw.rectangle([left, top - bar - round(0.018 * c.height), left + round(0.08 * min(c.width, c.height)),
                      top - round(0.018 * c.height)], fill=c.pal.accent)
    c.fit([(heading, c.pal.foreground)], box, c.fonts.bold, 0.075 if big else 0.062, valign="top")


def _foot(c: Canvas, box: Box, host: str, show: str) -> None:
    left, top, width, height = box
    size = c.min_px
    f = font(c.fonts.bold, size)
    if host:
        pad = round(size * 0.45)
        label_w = f.getlength(host)
        dot = round(size * 0.32)
        c.draw.rounded_rectangle([left, top, left + label_w + 3 * pad + 2 * dot, top + height],
                                 radius=round(height / 2), fill=c.pal.card)
        cy = top + height // 2
        c.draw.ellipse([left + pad, cy - dot, left + pad + 2 * dot, cy + dot], fill=c.pal.accent)
        c.text((left + 2 * pad + 2 * dot, cy - round(size * 0.62)), host, f, c.pal.foreground, c.pal.card)
    g = font(c.fonts.regular, size)
    name_w = g.getlength(show)
    c.text((left + width - name_w, top + height // 2 - round(size * 0.62)), show, g, c.pal.muted, c.pal.background)


def _title(c: Canvas, beat: Beat, r: dict[str, Box]) -> None:
    left, top, width, height = r["full"]
    label = font(c.fonts.bold, c.px(0.045))
    c.text((left, top), beat.text, label, c.pal.accent_text, c.pal.background)
    y = top + round(label.size * 1.9)
    c.draw.rectangle([left, y, left + round(0.12 * min(c.width, c.height)), y + max(round(0.01 * c.height), 4)],
                     fill=c.pal.accent)
    y += round(0.05 * c.height)
    hosts_h = round(c.px(0.045) * 2.2) if beat.label else 0
    gap = round(0.025 * c.height) if beat.label else 0  # the hosts' line apart from what is above it
    _card_body(c, beat, (left, y, width, top + height - y - hosts_h - gap), 0.26 if c.landscape else 0.2)
    if beat.label:
        c.fit([(f"with {beat.label}", c.pal.muted)], (left, top + height - hosts_h, width, hosts_h),
              c.fonts.regular, 0.045)


def _chapter(c: Canvas, beat: Beat, r: dict[str, Box]) -> None:
    left, top, width, height = r["full"]
    label = font(c.fonts.bold, c.px(0.05))
    if beat.text:
        c.text((left, top), beat.text, label, c.pal.accent_text, c.pal.background)
    y = top + round(label.size * 1.8)
    c.draw.rectangle([left, y, left + width, y + max(round(0.006 * c.height), 3)], fill=c.pal.accent)
    y += round(0.05 * c.height)
    _card_body(c, beat, (left, y, width, top + height - y), 0.26 if c.landscape else 0.12)


def _card_body(c: Canvas, beat: Beat, box: Box, cap: float) -> None:
    """A card's big title, and under it what the part (or the episode) goes through."""
    left, top, width, height = box
    if not beat.points:
        c.fit([(beat.heading, c.pal.foreground)], box, c.fonts.bold, cap, valign="middle")
        return
    if c.landscape and len(beat.points) > 1:  # the title on the left, the list beside it (one point: under it)
        gap = round(0.04 * c.width)
        title_w = round(width * 0.55)
        title_box, list_box = (left, top, title_w, height), (left + title_w + gap, top, width - title_w - gap, height)
    else:  # the title above, the list under it
        list_h = round(height * 0.5)
        title_box, list_box = (left, top, width, height - list_h), (left, top + height - list_h, width, list_h)
    c.fit([(beat.heading, c.pal.foreground)], title_box, c.fonts.bold, cap, valign="middle")
    # a chapter's list is the episode's parts: this one marked, the others quiet
    here = beat.points.index(beat.heading) if beat.kind == "chapter" and beat.heading in beat.points else -1
    c.fit([(p, c.pal.foreground if k == here else c.pal.muted) for k, p in enumerate(beat.points)],
          list_box, c.fonts.regular, 0.08 if c.landscape else 0.065, gap=0.3,
          valign="middle",
          prefix=lambda cv, x, y, size, k: _bullet(cv, x, y, size, k, here))


def _bullet(c: Canvas, x: int, y: int, size: int, k: int, newest: int) -> None:
    dot = max(round(size * 0.2), 2)
    cy = y + round(size * 0.62)
    colour = c.pal.accent if k == newest else c.pal.muted
    c.draw.ellipse([x + dot, cy - dot, x + 3 * dot, cy + dot], fill=colour)


def _points(c: Canvas, beat: Beat, r: dict[str, Box], **_) -> None:
    """The point being said large, filling its box; the earlier ones quieter beside it (16:9: a
    column on the left, read first) or under it (9:16, 1:1). With no point, the heading fills the body."""
    points = list(beat.points)
    bx, by, bw, bh = r["body"]
    if not points:
        c.fit([(beat.heading, c.pal.foreground)], (bx, by, bw, bh), c.fonts.bold, 0.2 if c.landscape else 0.13,
              valign="middle")
        return
    newest, earlier = points[-1], points[:-1]
    bar = max(round(0.006 * min(c.width, c.height)), 4)
    gap = round(0.04 * min(c.width, c.height))
    if earlier and c.landscape:
        side = round(bw * 0.36)
        lead = (bx + side + gap + 4 * bar, by, bw - side - gap - 4 * bar, bh)
        rest = (bx, by, side, bh)
    elif earlier:
        lead_h = round(bh * 0.58)
        lead = (bx + 4 * bar, by, bw - 4 * bar, lead_h)
        rest = (bx, by + lead_h + gap, bw, bh - lead_h - gap)
    else:
        lead, rest = (bx + 4 * bar, by, bw - 4 * bar, bh), None
    if rest is not None:
        while len(earlier) > 1 and not c.fit([(p, c.pal.muted) for p in earlier], rest, c.fonts.regular, 0.055,
                                             draw=False, prefix=lambda *a: None)[1]:
            earlier = earlier[1:]
        c.fit([(p, c.pal.muted) for p in earlier], rest, c.fonts.regular, 0.055, gap=0.5, valign="middle",
              prefix=lambda cv, x, y, size, k: _bullet(cv, x, y, size, k, -1))
    cap = (0.15 if rest is not None else 0.19) if c.landscape else 0.1 if rest is not None else 0.15
    used, _fits = c.fit([(newest, c.pal.foreground)], lead, c.fonts.regular, cap, draw=False)
    top = lead[1] + max(lead[3] - used, 0) // 2
    c.draw.rectangle([lead[0] - 4 * bar, top, lead[0] - 3 * bar, top + min(used, lead[3])], fill=c.pal.accent)
    c.fit([(newest, c.pal.foreground)], lead, c.fonts.regular, cap, valign="middle")


def _caption(c: Canvas, text: str, box: Box, most: float | None = None) -> None:
    if text:
        c.fit([(text, c.pal.foreground)], box, c.fonts.regular, most or (0.08 if c.landscape else 0.05),
              valign="middle" if c.landscape else "top")


def _figure(c: Canvas, beat: Beat, r: dict[str, Box], *, root: Path, picture: bytes | None) -> None:
    vx, vy, vw, vh = r["visual"]
    caption = beat.label if beat.kind in ("diagram", "chart") else beat.text
    text_box = r["text"]
    if beat.kind == "figure":
        mat = visuals.FIGURE_MAT
        pad = round(0.02 * min(c.width, c.height))
        inner = (vx + pad, vy + pad, vw - 2 * pad, vh - 2 * pad)
        if beat.page:
            # a PDF's figure: its region of the page (its whole page when no region was found), drawn
            # at the size it is shown at (sharp) (a small one, an icon, drawn up to 12 pixels a point:
            # it fills its box like any other)
            pdf = root / (beat.path or "")
            region = beat.region or visuals.pdf_caption_region(pdf, beat.page, beat.text)
            image = visuals.render_pdf_region(pdf, beat.page, region, inner[2:], most=12.0)
            most = 1.0
            points = visuals.pdf_region_text_points(pdf, beat.page, region)
            if points is not None:  # its text as drawn: the points at the scale it was rendered and shown at
                drawn = image.width / max(visuals.pdf_region_width(pdf, beat.page, region), 1e-9) * min(
                    1.0, inner[2] / image.width, inner[3] / image.height)
                c.measure.figure_text = points * drawn / c.height
        else:
            image, most = visuals.load_figure(root / (beat.path or "")), 8.0
        if not c.landscape:
            # above its caption: a wide figure's mat is its own height, and the caption takes the rest
            shown_h = min(round(image.height * min(inner[2] / image.width, inner[3] / image.height, most)), inner[3])
            vh = shown_h + 2 * pad
            inner = (inner[0], inner[1], inner[2], shown_h)
            gap = round(0.03 * min(c.width, c.height))
            tx, ty, tw, th = r["text"]
            text_box = (tx, vy + vh + gap, tw, ty + th - (vy + vh + gap))
        c.draw.rounded_rectangle([vx, vy, vx + vw, vy + vh], radius=round(0.01 * c.height), fill=mat)
        _paste_contained(c, image, inner, most=most)
    elif beat.kind == "diagram":
        # across or down, whichever draws the labels larger; the whole body if the half is too small
        best: tuple[float, str, Box, float] | None = None
        for box in ((vx, vy, vw, vh), r["body"]):
            for rankdir in ("TB", "LR"):
                image, text_px = visuals.graphviz(beat.text, c.pal, c.fonts.regular, rankdir)
                scale = min(box[2] / image.width, box[3] / image.height, 4.0)
                if best is None or text_px * scale > best[0]:
                    best = (text_px * scale, rankdir, box, scale)
            if best is not None and best[0] >= c.min_px:
                break
        assert best is not None
        _, rankdir, box, scale = best
        # drawn again at the resolution it is shown at, so it is sharp
        dpi = max(round(visuals.GRAPHVIZ_DPI * scale * 0.999), 1)
        image, _ = visuals.graphviz(beat.text, c.pal, c.fonts.regular, rankdir, dpi=dpi)
        scale = _paste_contained(c, image, box, most=1.0)
        c.measure.text(math.floor(visuals.GRAPHVIZ_POINTS * dpi / 72 * scale), c.pal.foreground, c.pal.background)
        if box == r["body"]:
            caption = ""
    elif beat.kind == "chart":
        image, text_px = visuals.bar_chart(beat.rows, c.pal, c.fonts.regular, (vw, vh), c.min_px)
        c.image.paste(image, (vx, vy))
        c.measure.text(text_px, c.pal.foreground, c.pal.background)
    elif picture is not None:
        with Image.open(io.BytesIO(picture)) as opened:
            _paste_contained(c, opened.convert("RGB"), (vx, vy, vw, vh), cover=True)
    _caption(c, caption, text_box, most=0.065 if text_box != r["text"] else None)


def _paste_contained(c: Canvas, image: Image.Image, box: Box, cover: bool = False, most: float = 8.0) -> float:
    x, y, w, h = box
    scale = min((max if cover else min)(w / image.width, h / image.height), most)
    size = (max(round(image.width * scale), 1), max(round(image.height * scale), 1))
    resized = image.resize(size, Image.Resampling.LANCZOS)
    if cover:
        resized = resized.crop(((size[0] - w) // 2, (size[1] - h) // 2, (size[0] - w) // 2 + w,
                                (size[1] - h) // 2 + h))
        c.image.paste(resized, (x, y))
    else:
        c.image.paste(resized, (x + (w - size[0]) // 2, y + (h - size[1]) // 2))
    return scale


def _number(c: Canvas, beat: Beat, r: dict[str, Box], **_) -> None:
    vx, vy, vw, vh = r["visual"]
    size = round(vh * 0.8)
    while size > c.min_px and font(c.fonts.bold, size).getlength(beat.text) > vw:
        size = int(size * 0.94)
    f = font(c.fonts.bold, max(size, c.min_px))
    box = c.draw.textbbox((0, 0), beat.text, font=f)
    c.text((vx + (vw - (box[2] - box[0])) / 2 - box[0], vy + (vh - (box[3] - box[1])) / 2 - box[1]), beat.text, f,
           c.pal.accent_text, c.pal.background)
    _caption(c, beat.label, r["text"])


def _quote(c: Canvas, beat: Beat, r: dict[str, Box], **_) -> None:
    left, top, width, height = r["body"]
    mark = font(c.fonts.bold, c.px(0.16))
    c.text((left, top - round(mark.size * 0.2)), "\u201c", mark, c.pal.accent_text, c.pal.background)
    inset = round(mark.size * 0.6)
    by = c.px(0.05) * 2
    c.fit([(beat.text, c.pal.foreground)], (left + inset, top + inset // 2, width - inset, height - by - inset // 2),
          c.fonts.regular, 0.07 if c.landscape else 0.05, valign="middle")
    if beat.label:
        c.fit([(f"\u2014 {beat.label}", c.pal.muted)], (left + inset, top + height - by, width - inset, by),
              c.fonts.regular, 0.04)


def _code(c: Canvas, beat: Beat, r: dict[str, Box], **_) -> None:
    left, top, width, height = r["body"]
    pal = c.pal
    label_h = 0
    if beat.label:
        f = font(c.fonts.mono, c.min_px)
        c.text((left, top), beat.label, f, pal.accent_text, pal.background)
        label_h = round(c.min_px * 1.6)
    caption = beat.points[-1] if beat.points else ""
    caption_room = round(height * (0.3 if c.portrait else 0.22)) if caption else 0
    panel_top, avail = top + label_h, height - label_h - caption_room
    lines = beat.text.expandtabs(4).rstrip("\n").split("\n")
    pad = round(c.min_px * 0.8)
    gutter_chars = len(str(beat.first_line + len(lines) - 1)) + 1
    inner_w = width - 2 * pad
    # the largest size up to the cap at which every line fits unwrapped and the listing fits the
    # panel; below that the minimum, wrapping long lines and paging
    longest = max((len(x) for x in lines), default=1) + gutter_chars
    size = c.px((0.07 if c.landscape else 0.042) * (1.4 if len(lines) <= 6 else 1.0))
    while size > c.min_px and (font(c.fonts.mono, size).getlength("M") * longest > inner_w
                               or len(lines) * round(size * 1.3) > avail - 2 * pad):
        size -= 1
    f = font(c.fonts.mono, size)
    columns = max(int(inner_w // f.getlength("M")) - gutter_chars, 8)
    rows: list[tuple[int, str, int, int]] = []  # (listing line, text, offset in the line, hanging indent)
    for n, line in enumerate(lines, start=beat.first_line):
        indent = len(line) - len(line.lstrip(" "))
        rows.append((n, line[:columns], 0, 0))
        hang = min(indent + 2, columns // 2)
        offset = columns
        while offset < len(line):
            rows.append((n, " " * hang + line[offset:offset + columns - hang], offset, hang))
            offset += columns - hang
    line_h = round(size * 1.3)
    per_page = max((avail - 2 * pad) // line_h, 1)
    # page so that the lines under discussion are on screen: pages start at a row multiple of per_page
    focus = next((k for k, (n, *_) in enumerate(rows) if n in beat.highlight), 0)
    start = (focus // per_page) * per_page
    shown = rows[start:start + per_page]
    panel_h = len(shown) * line_h + 2 * pad
    c.draw.rounded_rectangle([left, panel_top, left + width, panel_top + panel_h], radius=round(0.01 * c.height),
                             fill=pal.card)
    colours = visuals.code_colours(beat.text, beat.label, pal)
    y = panel_top + pad
    x0 = left + pad
    for n, piece, offset, hang in shown:
        lit = n in beat.highlight
        on = pal.highlight if lit else pal.card
        band = (y - round(size * 0.12), y + line_h - round(size * 0.12))
        if lit:
            c.draw.rectangle([left, band[0], left + width, band[1]], fill=pal.highlight)
            c.draw.rectangle([left, band[0], left + max(round(size * 0.2), 3), band[1]], fill=pal.accent)
        if offset == 0:
            c.text((x0, y), str(n).rjust(gutter_chars - 1), f, pal.syntax["comment"], on)
        x = x0 + f.getlength("M") * gutter_chars
        for text, colour in visuals.colour_row(colours, n - beat.first_line, piece, offset, hang):
            if text.strip():
                c.text((x, y), text, f, colour, on)
            x += f.getlength(text)
        y += line_h
    if start + per_page < len(rows) or start > 0:
        page, pages = start // per_page + 1, math.ceil(len(rows) / per_page)
        g = font(c.fonts.regular, c.min_px)
        note = f"{page} / {pages}"
        c.text((left + width - g.getlength(note), top), note, g, pal.muted, pal.background)
    if caption:
        gap = round(0.03 * c.height)
        below = panel_top + panel_h + gap
        c.fit([(caption, pal.foreground)], (left, below, width, top + height - below), c.fonts.regular,
              (0.08 if c.landscape else 0.055) * (1.25 if len(lines) <= 4 else 1.0), valign="middle")


def _table(c: Canvas, beat: Beat, r: dict[str, Box], **_) -> None:
    left, top, width, height = r["body"]
    rows = [list(row) for row in beat.rows if row]
    if not rows:
        return
    if beat.points:  # what is said about it, under it
        room = round(height * (0.3 if c.portrait else 0.24))
        gap = round(0.03 * c.height)
        c.fit([(beat.points[-1], c.pal.foreground)], (left, top + height - room, width, room), c.fonts.regular,
              0.07 if c.landscape else 0.05, valign="middle")
        height -= room + gap
    cols = max(len(row) for row in rows)
    rows = [row + [""] * (cols - len(row)) for row in rows]
    weights = [max(min(max(len(row[k]) for row in rows), 40), 6) for k in range(cols)]
    total = sum(weights)
    widths = [width * w / total for w in weights]
    pal = c.pal
    size = c.px(0.05 if c.landscape else 0.035)
    while True:
        f, b = font(c.fonts.regular, size), font(c.fonts.bold, size)
        pad = round(size * 0.45)
        cells = [[wrap(cell, b if i == 0 else f, w - 2 * pad) for cell, w in zip(row, widths, strict=True)]
                 for i, row in enumerate(rows)]
        heights = [max(len(x) for x in row) * round(size * LINE) + 2 * pad for row in cells]
        if sum(heights) <= height or size <= c.min_px:
            break
        size = max(c.min_px, int(size * 0.93))
    narrow = any(b.getlength(w) > cw - 2 * pad for row in rows for cell, cw in zip(row, widths, strict=True)
                 for w in cell.split())
    if narrow:  # too many columns for the width: each row as a record, "column: value"
        paragraphs = []
        for row in rows[1:]:
            paragraphs.append((row[0], pal.foreground))
            paragraphs.append(("\n".join(f"{h}: {v}" for h, v in zip(rows[0][1:], row[1:], strict=True)),
                               pal.muted))
        c.fit(paragraphs, (left, top, width, height), c.fonts.regular, 0.04, gap=0.35)
        return
    y = top
    more = 0
    for i, (cell_lines, h) in enumerate(zip(cells, heights, strict=True)):
        if y + h > top + height - (round(size * LINE) + 2 * pad if i < len(cells) - 1 else 0):
            more = len(cells) - i
            break
        fill = pal.accent if i == 0 else (pal.card if i % 2 else pal.background)
        c.draw.rectangle([left, y, left + width, y + h], fill=fill)
        colour = pal.on_accent if i == 0 else pal.foreground
        x: float = left
        for lines, w in zip(cell_lines, widths, strict=True):
            for k, line in enumerate(lines):
                if line:
                    c.text((x + pad, y + pad + k * round(size * LINE)), line, b if i == 0 else f, colour, fill)
            x += w
        y += h
    if more:
        note = f"and {more} more row{'s' if more > 1 else ''}"
        c.text((left, y + pad), note, font(c.fonts.regular, size), pal.muted, pal.background)
