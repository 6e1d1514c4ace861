"""The storyboard at a glance: every beat's still (or every scene's picture) in a grid, numbered and titled."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from showrunner.files import atomic_path

THUMB_WIDTH = 360
GAP = 16
CAPTION_LINES = 2
BACKGROUND = (246, 246, 244)
INK = (28, 30, 36)
BADGE = (242, 169, 59)


@dataclass(frozen=True)
class Tile:
    number: int
    title: str
    image: Path
    label: str = ""  # the badge, when not the number: "03.2" (scene 3, beat 2)


def columns_for(count: int, most: int = 4) -> int:
    """Up to `most` pictures a row, and never a last row much emptier than the others."""
    if count <= most:
        return max(count, 1)
    rows = -(-count // most)
    return -(-count // rows)


def _fit(text: str, font: ImageFont.FreeTypeFont, width: int, lines: int) -> list[str]:
    """Word-wrap `text` into at most `lines` lines of `width` pixels, ending in '…' when cut."""
    words, out, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) <= width or not line:
            line = candidate
            continue
        out.append(line)
        line = word
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        last = out[-1]
        while last and font.getlength(last + "…") > width:
            last = last[:-1].rstrip()
        out[-1] = last + "…"
    return out


def contact_sheet(tiles: Sequence[Tile], out: str | Path, *, font: str, font_bold: str,
                  most_columns: int = 4) -> tuple[int, int]:
    """Write the grid as a PNG; return its (columns, rows)."""
    if not tiles:
        raise ValueError("a contact sheet needs at least one scene")
    with Image.open(tiles[0].image) as first:
        aspect = first.height / first.width
    width = THUMB_WIDTH if aspect <= 1 else round(THUMB_WIDTH * 0.6)
    thumb = (width, round(width * aspect))
    text_font = ImageFont.truetype(font, 17)
    badge_font = ImageFont.truetype(font_bold, 20)
    line_height = 22
    caption = 16 + CAPTION_LINES * line_height
    cols = columns_for(len(tiles), most_columns)
    rows = -(-len(tiles) // cols)
    cell = (thumb[0], thumb[1] + caption)
    sheet = Image.new("RGB", (GAP + cols * (cell[0] + GAP), GAP + rows * (cell[1] + GAP)), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    for i, tile in enumerate(tiles):
        x = GAP + (i % cols) * (cell[0] + GAP)
        y = GAP + (i // cols) * (cell[1] + GAP)
        with Image.open(tile.image) as picture:
            sheet.paste(picture.convert("RGB").resize(thumb, Image.Resampling.LANCZOS), (x, y))
        draw.rectangle((x, y, x + thumb[0] - 1, y + thumb[1] - 1), outline=(200, 200, 196))
        # the number in a badge under the picture (over it, it would hide the slide's own title)
        label = tile.label or f"{tile.number:02d}"
        box = draw.textbbox((0, 0), label, font=badge_font)
        pad, top = 5, y + thumb[1] + 8
        badge_width = box[2] + 2 * pad
        draw.rounded_rectangle((x, top, x + badge_width, top + line_height + 4), radius=4, fill=BADGE)
        draw.text((x + pad, top + 2 + (line_height - box[3]) // 2), label, font=badge_font, fill=INK)
        indent = int(badge_width) + 10
        for n, line in enumerate(_fit(tile.title, text_font, thumb[0] - indent, CAPTION_LINES)):
            draw.text((x + indent, top + 3 + n * line_height), line, font=text_font, fill=INK)
    with atomic_path(out) as tmp:
        sheet.save(tmp, format="PNG", optimize=True)
    return cols, rows
