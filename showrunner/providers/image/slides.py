"""Slides: the offline reference picture, drawn with Pillow in the show's style.

A scene becomes a slide: its title, then its bullets and/or its code (monospaced, in a panel),
and the show's name at the foot, in show.style's colours and fonts, at the frame size of the
video (16:9, 9:16 or 1:1). Text wraps to the width and shrinks until it fits: nothing is ever
cut off. Everything sits inside a margin wider than a `zoom` clip's crop.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass
from pathlib import Path

import PIL
from PIL import Image, ImageDraw, ImageFont

from showrunner.artifacts import Scene
from showrunner.config import Style
from showrunner.errors import ConfigError
from showrunner.files import sha256_bytes, sha256_file
from showrunner.providers.base import ImageModel
from showrunner.providers.calls import CallResult, Usage

VERSION = sha256_bytes(Path(__file__).read_bytes())

MARGIN = 0.075  # of the short side, on every edge
LINE_SPACING = 1.3
TAB = 4
CODE_READABLE = 0.022  # of the short side: code is not shrunk below this to avoid wrapping it


class SlideImages(ImageModel):
    @property
    def model(self) -> str:
        return self.settings.model or "slides"

    def render(self, scene: Scene, size: tuple[int, int]) -> bytes:
        style = self.episode.show.style
        request = {
            "title": scene.title, "bullets": scene.bullets, "code": scene.code, "code_language": scene.code_language,
            "size": list(size), "style": style.model_dump(), "show": self.episode.show.name,
            "fonts": {name: _font_hash(path) for name, path in _font_paths(style).items()},
            "pillow": PIL.__version__,
        }
        result = self.calls.call(
            kind="image", provider=self.settings.name, model=self.model, version=VERSION, request=request,
            perform=lambda: CallResult(body=slide_png(scene, size, style, self.episode.show.name),
                                       usage=Usage(images=1)),
            estimate=Usage(images=1), settings=self.settings)
        return result.body


def slide_png(scene: Scene, size: tuple[int, int], style: Style, show_name: str) -> bytes:
    image = draw_slide(scene, size, style, show_name)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=3)
    return out.getvalue()


# --- fonts ---------------------------------------------------------------------------------


def _font_paths(style: Style) -> dict[str, str]:
    return {"font": style.font, "font_bold": style.font_bold, "font_mono": style.font_mono}


@functools.cache
def _font_hash(path: str) -> str:
    if not Path(path).is_file():
        raise ConfigError(f"config.yaml: show.style: font file {path} not found "
                          "(install fonts-dejavu-core, or name a .ttf file that exists)")
    return sha256_file(path)


@functools.cache
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, max(int(size), 1))
    except OSError as err:
        raise ConfigError(f"config.yaml: show.style: cannot load font {path}: {err}") from None


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _blend(a: str, b: str, amount: float) -> tuple[int, int, int]:
    ca, cb = _rgb(a), _rgb(b)
    return tuple(round(x + (y - x) * amount) for x, y in zip(ca, cb, strict=True))  # type: ignore[return-value]


# --- wrapping ------------------------------------------------------------------------------


def _break_word(word: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """A word wider than `width`, in pieces that each fit (at least one character each)."""
    pieces, current = [], ""
    for char in word:
        if current and font.getlength(current + char) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def wrap_text(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap to `width` pixels; explicit newlines are kept; long words are broken."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if font.getlength(candidate) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            if font.getlength(word) <= width:
                current = word
            else:
                *full, current = _break_word(word, font, width)
                lines += full
        lines.append(current)
    return lines


def wrap_code(code: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Code lines as they are; a line wider than `width` continues on the next, indented."""
    char = max(font.getlength("M"), 1.0)
    columns = max(int(width // char), 4)
    out: list[str] = []
    for line in code.expandtabs(TAB).rstrip("\n").split("\n"):
        line = line.rstrip()
        if len(line) <= columns:
            out.append(line)
            continue
        indent = len(line) - len(line.lstrip(" "))
        hang = " " * min(indent + 2, columns // 2)
        out.append(line[:columns])
        rest = line[columns:]
        while rest:
            take = columns - len(hang)
            out.append(hang + rest[:take])
            rest = rest[take:]
    return out


# --- layout --------------------------------------------------------------------------------


@dataclass
class Block:
    """Lines of text in one font, `left` pixels in from where the block is drawn."""

    lines: list[str]
    font: ImageFont.FreeTypeFont
    size: int
    colour: tuple[int, int, int]
    left: float

    @property
    def line_height(self) -> int:
        return max(round(self.size * LINE_SPACING), 1)

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


def _title_block(title: str, style: Style, width: float, max_height: float, base: float,
                 colour: tuple[int, int, int], left: float, largest: float) -> Block:
    size = max(int(base * largest), 1)
    while True:
        font = _font(style.font_bold, size)
        lines = wrap_text(title, font, width)
        block = Block(lines, font, size, colour, left)
        if size <= 2 or block.height <= max_height:
            return block
        size = max(min(int(size * 0.92), size - 1), 2)


def _body_blocks(scene: Scene, style: Style, width: float, height: float, base: float,
                 fg: tuple[int, int, int], left: float) -> tuple[list[Block], int, int]:
    """The bullets and code at the largest size that fits `width` x `height`; (blocks, size, gap)."""
    size = max(int(base * 0.05), 1)
    if scene.code and not scene.bullets:
        size = max(int(base * 0.042), 1)
    while True:
        blocks: list[Block] = []
        gap = max(round(size * 0.55), 1)
        used = 0
        bullet_indent = size * 1.2
        for bullet in scene.bullets:
            font = _font(style.font, size)
            lines = wrap_text(bullet, font, width - bullet_indent)
            block = Block(lines, font, size, fg, left + round(bullet_indent))
            blocks.append(block)
            used += block.height + gap
        wrapped = False
        if scene.code:
            code_size = max(round(size * 0.84), 1)
            pad = max(round(code_size * 0.7), 1)
            font = _font(style.font_mono, code_size)
            lines = wrap_code(scene.code, font, width - 2 * pad)
            block = Block(lines, font, code_size, fg, left + pad)
            blocks.append(block)
            used += block.height + 2 * pad + (round(code_size * 1.6) if scene.code_language else 0)
            # code reads best unwrapped: shrink for that too, down to a size still easy to read
            wrapped = len(lines) > len(scene.code.expandtabs(TAB).rstrip("\n").split("\n"))
            wrapped = wrapped and code_size > base * CODE_READABLE
        if size <= 2 or (used <= height and not wrapped):
            return blocks, size, gap
        size = max(min(int(size * 0.92), size - 1), 2)


def draw_slide(scene: Scene, size: tuple[int, int], style: Style, show_name: str) -> Image.Image:
    width, height = size
    base = min(width, height)
    margin = round(base * MARGIN)
    fg, accent = _rgb(style.foreground), _rgb(style.accent)
    muted = _blend(style.foreground, style.background, 0.45)
    panel = _blend(style.background, style.foreground, 0.07)
    image = Image.new("RGB", size, _rgb(style.background))
    draw = ImageDraw.Draw(image)
    inner = width - 2 * margin

    # the foot: the show's name on one line, small and quiet
    foot_size = max(round(base * 0.026), 1)
    while foot_size > 1 and _font(style.font, foot_size).getlength(show_name) > inner:
        foot_size -= 1
    foot_top = height - margin - foot_size
    draw.text((margin, foot_top), show_name, font=_font(style.font, foot_size), fill=muted)
    bottom = foot_top - round(base * 0.03)

    # the accent rule, then the title
    rule_height = max(round(base * 0.008), 1)
    rule_gap = rule_height + round(base * 0.03)
    top = margin + rule_gap
    has_body = bool(scene.bullets or scene.code)
    title_room = round((bottom - top) * (0.34 if has_body else 1.0))
    title = _title_block(scene.title, style, inner, title_room, base, fg, 0, largest=0.075 if has_body else 0.1)
    title_height = min(title.height, title_room)
    if not has_body:  # a title slide: the rule and the title in the middle of the free space
        top += max((bottom - top - title_height) // 2, 0)
    draw.rectangle([margin, top - rule_gap, margin + round(base * 0.09), top - rule_gap + rule_height - 1],
                   fill=accent)
    _fit_into(image, style, (margin, top, inner, title_room), title.height,
              lambda d, x, y: _draw_block(d, title, x, y))
    if not has_body:
        return image

    body_top = top + title_height + round(base * 0.045)
    room = bottom - body_top
    blocks, body_size, gap = _body_blocks(scene, style, inner, room, base, fg, 0)

    def paint(d: ImageDraw.ImageDraw, x: int, y: int) -> int:
        for i, block in enumerate(blocks):
            if i < len(scene.bullets):
                dot = max(round(body_size * 0.22), 1)
                cx, cy = x + dot, y + round(body_size * 0.62)
                d.ellipse([cx - dot, cy - dot, cx + dot, cy + dot], fill=accent)
                _draw_block(d, block, x, y)
                y += block.height + gap
                continue
            pad = max(round(block.size * 0.7), 1)
            if scene.code_language:
                d.text((x, y), scene.code_language, font=_font(style.font_mono, block.size), fill=accent)
                y += round(block.size * 1.6)
            d.rectangle([x, y, x + inner - 1, y + block.height + 2 * pad], fill=panel)
            _draw_block(d, block, x, y + pad)
            y += block.height + 2 * pad + gap
        return y - gap

    needed = paint(ImageDraw.Draw(Image.new("RGB", (1, 1))), 0, 0)
    _fit_into(image, style, (margin, body_top, inner, room), needed, paint)
    return image


def _fit_into(image: Image.Image, style: Style, box: tuple[int, int, int, int], needed: int, paint) -> None:
    """Paint content `needed` pixels tall into box (left, top, width, height). Text has already
    shrunk as far as it reasonably can; if it is still too tall it is drawn apart and scaled down
    into the box, so nothing is ever cut off."""
    left, top, width, height = box
    if needed <= height:
        paint(ImageDraw.Draw(image), left, top)
        return
    canvas = Image.new("RGB", (width, max(needed, 1)), _rgb(style.background))
    paint(ImageDraw.Draw(canvas), 0, 0)
    scale = max(height, 1) / canvas.height
    image.paste(canvas.resize((max(round(width * scale), 1), max(height, 1)), Image.Resampling.LANCZOS), (left, top))


def _draw_block(draw: ImageDraw.ImageDraw, block: Block, x: int, y: int) -> None:
    for i, line in enumerate(block.lines):
        draw.text((x + block.left, y + i * block.line_height), line, font=block.font, fill=block.colour)
