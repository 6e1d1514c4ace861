"""The show's look: a named theme (dark, light, paper) and the colours every beat is drawn in.

A theme gives a background, a foreground, an accent and the colours derived from them: a quieter
text colour, a card colour, a highlight for code lines, and syntax colours. show.style's own
background, foreground and accent replace the theme's three when given. Every colour that text
is drawn in is checked against what it is drawn on (WCAG 2 contrast ratio, at least 4.5:1):
derived colours are pushed towards the foreground until they pass; the three a person chose are
not changed, so a theme that cannot be read is refused with the pair named.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MIN_CONTRAST = 4.5  # WCAG 2 AA for body text

Rgb = tuple[int, int, int]

THEMES: dict[str, dict[str, str]] = {
    # the show's original look: night blue, warm white, amber
    "dark": {"background": "#0f1420", "foreground": "#f4f1ea", "accent": "#f2a93b", "card": "#1a2233"},
    # white page, near-black ink, a deep blue accent
    "light": {"background": "#fbfbf8", "foreground": "#15181e", "accent": "#1d5fbf", "card": "#eceef2"},
    # whiteboard / paper: warm off-white, pencil-dark ink, marker red
    "paper": {"background": "#f5efe0", "foreground": "#2b2620", "accent": "#b3261e", "card": "#ebe2cc"},
}

# Pygments token families and the colour each theme gives them (adjusted for contrast on the card)
SYNTAX: dict[str, dict[str, str]] = {
    "dark": {"keyword": "#ff9e64", "string": "#9ece6a", "comment": "#a9b1d6", "number": "#e0af68",
             "name": "#7dcfff", "builtin": "#bb9af7", "operator": "#f4f1ea"},
    "light": {"keyword": "#8f1d6e", "string": "#1f6b2a", "comment": "#5c6370", "number": "#8a4b00",
              "name": "#0b5394", "builtin": "#6b2fa3", "operator": "#15181e"},
    "paper": {"keyword": "#a1261a", "string": "#2f6b1f", "comment": "#6b6152", "number": "#7a4a00",
              "name": "#1f4e8c", "builtin": "#6a2c8f", "operator": "#2b2620"},
}


def rgb(hex_colour: str) -> Rgb:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def hex_of(colour: Rgb) -> str:
    return "#" + "".join(f"{c:02x}" for c in colour)


def blend(a: Rgb, b: Rgb, amount: float) -> Rgb:
    return tuple(round(x + (y - x) * amount) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def luminance(colour: Rgb) -> float:
    """WCAG 2 relative luminance."""
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Rgb, b: Rgb) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable(colour: Rgb, on: Rgb, towards: Rgb, minimum: float = MIN_CONTRAST) -> Rgb:
    """`colour`, moved towards `towards` just far enough to reach `minimum` contrast on `on`."""
    for step in range(21):
        candidate = blend(colour, towards, step / 20)
        if contrast(candidate, on) >= minimum:
            return candidate
    return towards


@dataclass(frozen=True)
class Palette:
    name: str
    background: Rgb
    foreground: Rgb
    accent: Rgb
    card: Rgb  # panels: code, tables, the host's name, figures' mats
    muted: Rgb  # secondary text on the background (points already said, the show's name)
    accent_text: Rgb  # the accent as text on the background (headings' labels, numbers)
    highlight: Rgb  # a code line under discussion: its band on the card
    on_accent: Rgb  # text on an accent chip
    syntax: dict[str, Rgb] = field(default_factory=dict)

    def text_pairs(self) -> dict[str, tuple[Rgb, Rgb]]:
        """Every (text colour, what it is drawn on) this palette uses, by name."""
        pairs = {"foreground on background": (self.foreground, self.background),
                 "muted on background": (self.muted, self.background),
                 "accent on background": (self.accent_text, self.background),
                 "foreground on card": (self.foreground, self.card),
                 "foreground on highlight": (self.foreground, self.highlight),
                 "text on accent": (self.on_accent, self.accent)}
        for name, colour in self.syntax.items():
            pairs[f"{name} on card"] = (colour, self.card)
            pairs[f"{name} on highlight"] = (colour, self.highlight)
        return pairs


def theme_colours(theme: str) -> dict[str, str]:
    return dict(THEMES[theme])


def palette(theme: str, background: str | None = None, foreground: str | None = None,
            accent: str | None = None) -> Palette:
    """The theme's palette, with the show's own three colours when given; derived colours readable."""
    base = THEMES[theme]
    bg, fg = rgb(background or base["background"]), rgb(foreground or base["foreground"])
    ac = rgb(accent or base["accent"])
    dark = luminance(bg) < luminance(fg)
    # a card a little towards the foreground; with the theme's own colours, the theme's card
    card = rgb(base["card"]) if background is None and foreground is None else blend(bg, fg, 0.08)
    highlight = blend(card, ac, 0.22 if dark else 0.16)
    muted = readable(blend(fg, bg, 0.38), bg, fg, MIN_CONTRAST + 0.3)
    accent_text = readable(ac, bg, fg)
    on_accent = max((bg, fg, (0, 0, 0), (255, 255, 255)), key=lambda c: contrast(c, ac))
    syntax = {}
    for name, colour in SYNTAX[theme].items():
        syntax[name] = readable(readable(rgb(colour), card, fg), highlight, fg)
    return Palette(theme, bg, fg, ac, card, muted, accent_text, highlight, on_accent, syntax)


def unreadable(pal: Palette, minimum: float = MIN_CONTRAST) -> list[str]:
    """The text/background pairs of a palette below `minimum`, with their ratios."""
    return [f"{name}: {contrast(a, b):.2f}:1" for name, (a, b) in pal.text_pairs().items()
            if contrast(a, b) < minimum]
