"""The document's own visuals, made drawable: figures (local image files, or a PDF figure's page
region drawn by PDFium through pypdfium2: Apache-2.0/BSD-3, no renderer to install), code coloured by
Pygments (BSD), numeric tables as bar charts (matplotlib), Graphviz blocks through `dot`."""

from __future__ import annotations

import functools
import io
import math
import shutil
import subprocess
from pathlib import Path

from PIL import Image

from showrunner.errors import ArtifactError, ToolMissing
from showrunner.screen.themes import Palette, Rgb, hex_of

FIGURE_MAT = (250, 250, 247)  # figures are drawn for a white page: they sit on one


def load_figure(path: Path) -> Image.Image:
    try:
        with Image.open(path) as opened:
            opened.load()
            if opened.mode in ("RGBA", "LA", "P"):
                rgba = opened.convert("RGBA")
                flat = Image.new("RGB", rgba.size, FIGURE_MAT)
                flat.paste(rgba, mask=rgba.split()[3])
                return flat
            return opened.convert("RGB")
    except FileNotFoundError:
        raise ArtifactError(f"{path}: the figure's image file is missing") from None
    except OSError as err:
        raise ArtifactError(f"{path}: not an image Pillow can read ({err})") from None


def render_pdf_region(path: Path, page: int, region: list[float] | None, size: tuple[int, int],
                      most: float = 4.0) -> Image.Image:
    """A PDF figure: its region (x0, y0, x1, y1 in points, origin bottom left) of page `page` (None:
    the whole page), drawn by PDFium at the scale that fits `size` (at most `most` pixels a point), on white."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    try:
        pdf = pdfium.PdfDocument(str(path))
    except FileNotFoundError:
        raise ArtifactError(f"{path}: the figure's PDF is missing") from None
    except pdfium.PdfiumError as err:
        raise ArtifactError(f"{path}: not a PDF PDFium can read ({err})") from None
    try:
        if not 1 <= page <= len(pdf):
            raise ArtifactError(f"{path}: the figure's page {page} is not in the PDF ({len(pdf)} pages)")
        sheet = pdf[page - 1]
        left, bottom, right, top = sheet.get_bbox()  # the page's box, in the same points as the region
        region = region or [left, bottom, right, top]
        x0, y0 = max(region[0], left), max(region[1], bottom)
        x1, y1 = min(region[2], right), min(region[3], top)
        if x1 - x0 < 1 or y1 - y0 < 1:
            raise ArtifactError(f"{path}: the figure's region {region} is outside page {page}")
        scale = min(size[0] / (x1 - x0), size[1] / (y1 - y0), most)
        bitmap = sheet.render(scale=scale, crop=(x0 - left, y0 - bottom, right - x1, top - y1),
                              fill_color=(*FIGURE_MAT, 255), may_draw_forms=False)
        return bitmap.to_pil().convert("RGB")
    finally:
        pdf.close()


BAND = 0.4  # of the page's height: the band a figure whose region was not found is looked for in


def pdf_caption_region(path: Path, page: int, caption: str) -> list[float]:
    """Where a PDF figure whose own region was not found most likely is, in points (x0, y0, x1, y1,
    origin bottom left): the band of the page's drawn width next to its caption (above a figure's,
    under a table's), BAND of the page high, the caption in it; the page's drawn part when the
    caption is not found on the page."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        sheet = pdf[page - 1]
        left, bottom, right, top = sheet.get_bbox()
        image = sheet.render(scale=1.0, fill_color=(255, 255, 255, 255), may_draw_forms=False).to_pil().convert("L")
        box = image.point(lambda v: 255 if v < 245 else 0).getbbox()
        pad = 6.0
        x0, y0, x1, y1 = (left, bottom, right, top) if box is None else (
            max(left, left + box[0] - pad), max(bottom, top - box[3] - pad), min(right, left + box[2] + pad),
            min(top, top - box[1] + pad))
        text = sheet.get_textpage()
        words = caption.split()
        found = next((hit for n in (3, 2) if len(words) >= n
                      for hit in [text.search(" ".join(words[:n]), match_case=False).get_next()] if hit), None)
        if not found:
            return [x0, y0, x1, y1]
        boxes = [text.get_charbox(k) for k in range(found[0], found[0] + found[1])]
        low, high = min(b[1] for b in boxes), max(b[3] for b in boxes)
        band = BAND * (top - bottom)
        if caption.lstrip().lower().startswith("table"):  # a table's caption is above it
            return [x0, max(y0, high - band), x1, min(y1, high + pad)]
        return [x0, max(y0, low - 3 * pad), x1, min(y1, low + band)]  # a figure's under it
    finally:
        pdf.close()


def pdf_region_width(path: Path, page: int, region: list[float] | None) -> float:
    """The width in points of a PDF figure's region (None: its page's) as render_pdf_region draws it."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        left, _, right, _ = pdf[page - 1].get_bbox()
        return min(region[2], right) - max(region[0], left) if region else right - left
    finally:
        pdf.close()


def pdf_region_text_points(path: Path, page: int, region: list[float] | None) -> float | None:
    """The size (points, the font's em) of the small text inside a PDF figure's region: the 5th
    percentile of its characters', so a stray subscript does not count; None when the region has
    no text (a raster image: its text cannot be measured without reading it)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_raw  # type: ignore[import-untyped]

    pdf = pdfium.PdfDocument(str(path))
    try:
        sheet = pdf[page - 1]
        text = sheet.get_textpage()
        x0, y0, x1, y1 = region or sheet.get_bbox()
        sizes = []
        for i in range(text.count_chars()):
            left, bottom, right, top = text.get_charbox(i)
            if left >= x0 - 1 and right <= x1 + 1 and bottom >= y0 - 1 and top <= y1 + 1 \
                    and text.get_text_range(i, 1).strip():
                sizes.append(float(pdfium_raw.FPDFText_GetFontSize(text, i)))
        sizes.sort()
        return sizes[len(sizes) // 20] if sizes else None
    finally:
        pdf.close()


# --- code --------------------------------------------------------------------------------------


def _family(token) -> str:
    from pygments import token as t

    for family, name in ((t.Comment, "comment"), (t.String, "string"), (t.Number, "number"),
                         (t.Keyword, "keyword"), (t.Name.Builtin, "builtin"), (t.Name.Function, "name"),
                         (t.Name.Class, "name"), (t.Name.Decorator, "name")):
        if token in family:
            return name
    return "operator"


@functools.cache
def _lexer(language: str):
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        return get_lexer_by_name(language.lower(), stripnl=False, ensurenl=False) if language else TextLexer()
    except ClassNotFound:
        return TextLexer()


def code_colours(code: str, language: str, pal: Palette) -> list[list[Rgb]]:
    """The colour of every character of every line (tabs expanded as the listing draws them)."""
    text = code.expandtabs(4).rstrip("\n")
    lines: list[list[Rgb]] = [[]]
    for token, value in _lexer(language).get_tokens(text):
        colour = pal.syntax.get(_family(token), pal.foreground)
        for char in value:
            if char == "\n":
                lines.append([])
            else:
                lines[-1].append(colour)
    return lines


def colour_row(colours: list[list[Rgb]], line: int, piece: str, offset: int, hang: int) -> list[tuple[str, Rgb]]:
    """A drawn row (`hang` spaces, then the line from `offset`) as runs of one colour each."""
    per_char = colours[line] if line < len(colours) else []
    runs: list[tuple[str, Rgb]] = []
    if hang:
        runs.append((piece[:hang], per_char[0] if per_char else (0, 0, 0)))
    for k, char in enumerate(piece[hang:]):
        colour = per_char[offset + k] if offset + k < len(per_char) else (per_char[-1] if per_char else (0, 0, 0))
        if runs and runs[-1][1] == colour:
            runs[-1] = (runs[-1][0] + char, colour)
        else:
            runs.append((char, colour))
    return runs


# --- charts ------------------------------------------------------------------------------------


def bar_chart(rows: list[list[str]], pal: Palette, font_path: str, size: tuple[int, int],
              min_px: int) -> tuple[Image.Image, int]:
    """A numeric table's first numeric column as horizontal bars, labelled by its first column.
    Returns the picture at `size` and the size in pixels of its smallest text."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    from showrunner.screen.plan import numeric_column, parse_number

    column = numeric_column(rows)
    if column is None:
        raise ArtifactError("a chart needs a table with a numeric column")
    labels = [r[0] for r in rows[1:]]
    values = [parse_number(r[column]) or 0.0 for r in rows[1:]]
    dpi = 100
    text_px = max(min_px, round(size[1] * 0.045))
    points = text_px * 72 / dpi
    prop = font_manager.FontProperties(fname=font_path, size=points)
    fig = plt.figure(figsize=(size[0] / dpi, size[1] / dpi), dpi=dpi, facecolor=hex_of(pal.background),
                     layout="constrained")
    try:
        ax = fig.add_subplot()
        ax.set_facecolor(hex_of(pal.background))
        positions = list(range(len(values)))[::-1]
        ax.barh(positions, values, color=hex_of(pal.accent), height=0.62)
        ax.set_yticks(positions, labels=labels, fontproperties=prop, color=hex_of(pal.foreground))
        ax.tick_params(axis="x", labelsize=points, colors=hex_of(pal.foreground))
        for label in ax.get_xticklabels():
            label.set_fontproperties(prop)
        ax.set_title(rows[0][column], fontproperties=prop, color=hex_of(pal.foreground), loc="left")
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        for spine in ("left", "bottom"):
            ax.spines[spine].set_color(hex_of(pal.foreground))
        top = max(values) if values else 1
        for y, v, raw in zip(positions, values, (r[column] for r in rows[1:]), strict=True):
            ax.text(v + top * 0.01, y, raw.strip(), va="center", fontproperties=prop, color=hex_of(pal.foreground))
        ax.set_xlim(0, top * 1.25 if top > 0 else 1)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi, facecolor=hex_of(pal.background))
    finally:
        plt.close(fig)
    out.seek(0)
    with Image.open(out) as image:
        picture = image.convert("RGB")
    if picture.size != tuple(size):
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    return picture, text_px


# --- Graphviz ----------------------------------------------------------------------------------

GRAPHVIZ_POINTS = 14.0  # dot's default label size
GRAPHVIZ_DPI = 96


@functools.lru_cache(maxsize=32)
def _dot(source: str, args: tuple[str, ...]) -> bytes:
    proc = subprocess.run(["dot", "-Tpng", *args], input=source.encode("utf-8"), capture_output=True, check=False)
    if proc.returncode != 0 or not proc.stdout:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ArtifactError(f"the Graphviz block does not draw: {message[-1] if message else 'no output'}")
    return proc.stdout


def graphviz(source: str, pal: Palette, font_path: str, rankdir: str = "TB",
             dpi: int = GRAPHVIZ_DPI) -> tuple[Image.Image, int]:
    """A Graphviz block drawn by `dot` in the theme's colours (its own `rankdir` wins over this one).
    Returns the picture at its own size and its labels' size in pixels at that size."""
    if shutil.which("dot") is None:
        raise ToolMissing("dot (Graphviz) not found on PATH: install it with `sudo apt-get install graphviz`")
    fg, bg = hex_of(pal.foreground), hex_of(pal.background)
    family = Path(font_path).stem
    args = (f"-Gdpi={dpi}", f"-Grankdir={rankdir}", f"-Gbgcolor={bg}", f"-Gfontcolor={fg}",
            f"-Ncolor={fg}", f"-Nfontcolor={fg}", f"-Ecolor={fg}", f"-Efontcolor={fg}", f"-Nfontname={family}",
            f"-Efontname={family}", f"-Gfontname={family}", "-Gpad=0.2")
    with Image.open(io.BytesIO(_dot(source, args))) as image:
        picture = image.convert("RGB")
    return picture, math.floor(GRAPHVIZ_POINTS * dpi / 72)
