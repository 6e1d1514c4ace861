"""Show notes: what an episode covers, its chapters with start times, and the links its sources
hold, as Markdown (show_notes.md), as the podcast's ID3 comment, and as the video's description.

Narration may point to them ("the link in the show notes"): every web address a source holds is
listed here. Links are read from the source files themselves: Markdown with markdown-it-py (the
parser the Markdown reader uses), HTML with BeautifulSoup, text and PDF text by pattern; badge
and image links are not links a listener wants.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from showrunner.artifacts import Outline, SceneRef, SceneTimings, Storyboard
from showrunner.errors import ArtifactError
from showrunner.files import read_model

_URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]\"']+[^\s<>()\[\].,;:!?'\"]")
_BADGE = re.compile(r"shields\.io|badge|travis-ci|codecov\.io|coveralls|/actions/workflows/|img\.|\.svg\b|\.png\b|"
                    r"\.jpe?g\b|\.gif\b", re.I)


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Chapter:
    start: float  # seconds
    end: float
    title: str


def read_episode(storyboard_path: str, outline_path: str,
                 timings_paths: Sequence[str]) -> tuple[Storyboard, Outline, list[SceneTimings]]:
    """What the chapters are made from: the storyboard, the outline and every scene's timings (one
    timings file per scene, or an ArtifactError naming the storyboard)."""
    storyboard = read_model(storyboard_path, Storyboard)
    timings = [read_model(path, SceneTimings) for path in timings_paths]
    if len(timings) != len(storyboard.scenes):
        raise ArtifactError(f"{storyboard_path}: {len(storyboard.scenes)} scenes, but {len(timings)} timings files")
    return storyboard, read_model(outline_path, Outline), timings


def chapters(scenes: Sequence[SceneRef], timings: Sequence[SceneTimings], outline: Outline, *, intro_s: float,
             total_s: float) -> list[Chapter]:
    """One chapter per run of scenes from the same outline section, titled by that section.

    A chapter starts where its first scene's voice starts, offset by the intro; the first one
    starts at 0 (it includes the intro) and the last one ends at `total_s`.
    """
    titles = {section.id: section.title for section in outline.sections}
    starts: list[tuple[float, str]] = []
    position = 0  # samples
    for ref, timing in zip(scenes, timings, strict=True):
        if not starts or starts[-1][1] != ref.section_id:
            starts.append((intro_s + position / timing.sample_rate, ref.section_id))
        position += timing.samples
    out = []
    for i, (start, section_id) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else total_s
        title = titles.get(section_id) or next(r.title for r in scenes if r.section_id == section_id)
        out.append(Chapter(0.0 if i == 0 else start, end, title))
    return out


def _keep(url: str, text: str) -> bool:
    return url.startswith(("http://", "https://")) and not _BADGE.search(url) and bool(text.strip() or url)


def links_in(path: Path) -> list[Link]:
    """The web links a source file holds, in order, each once (its link text when it has one)."""
    data = path.read_bytes()
    suffix = path.suffix.lower()
    found: list[Link] = []
    if suffix in (".md", ".markdown", ".mdx"):
        from markdown_it import MarkdownIt

        text = data.decode("utf-8", errors="replace")
        for token in MarkdownIt("commonmark").enable("table").parse(text):
            children = token.children or []
            for k, child in enumerate(children):
                if child.type != "link_open":
                    continue
                label = []
                for inner in children[k + 1:]:
                    if inner.type == "link_close":
                        break
                    if inner.type in ("text", "code_inline"):
                        label.append(inner.content)
                    elif inner.type in ("softbreak", "hardbreak"):
                        label.append(" ")
                url = str(child.attrs.get("href", ""))
                if label or not any(c.type == "image" for c in children[k + 1:k + 3]):
                    found.append(Link(" ".join("".join(label).split()), url))
        for url in _URL.findall(re.sub(r"\]\([^)]*\)|<[^>]+>", " ", text)):  # bare addresses in the prose
            found.append(Link("", url))
    elif suffix in (".html", ".htm"):
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(data, "html.parser")
        for anchor in soup.find_all("a", href=True):
            if anchor.find("img") is not None and not anchor.get_text(strip=True):
                continue
            found.append(Link(" ".join(anchor.get_text(" ").split()), str(anchor["href"])))
    elif suffix == ".pdf":
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        for page in reader.pages:
            for annotation in page.get("/Annots") or []:
                uri = (annotation.get_object().get("/A") or {}).get("/URI")
                if uri:
                    found.append(Link("", str(uri)))
            found += [Link("", url) for url in _URL.findall(page.extract_text() or "")]
    else:
        found = [Link("", url) for url in _URL.findall(data.decode("utf-8", errors="replace"))]
    out: dict[str, Link] = {}
    for link in found:
        url = link.url.strip()
        if url.startswith("www."):
            url = "https://" + url
        if _keep(url, link.text) and url not in out:
            out[url] = Link(link.text, url)
    return list(out.values())


def clock(seconds: float) -> str:
    """3725.4 -> "1:02:05"; 65 -> "1:05" (the form podcast apps and video sites link)."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _summary(outline: Outline) -> str:
    points = [p for s in outline.sections for p in s.key_points[:1]]
    return outline.summary.strip() or " ".join(p.rstrip(".") + "." for p in points[:3])


def markdown(title: str, show: str, outline: Outline, chapters_: Sequence[Chapter], links: Sequence[Link],
             sources: Sequence[str]) -> str:
    """show_notes.md: summary, chapters with start times, links and the sources themselves."""
    lines = [f"# {title}", "", f"*{show}*", "", _summary(outline), "", "## Chapters", ""]
    lines += [f"- {clock(c.start)} {c.title}" for c in chapters_]
    if links:
        lines += ["", "## Links", ""]
        lines += [f"- [{link.text}]({link.url})" if link.text else f"- <{link.url}>" for link in links]
    if sources:
        lines += ["", "## Sources", ""]
        lines += [f"- {source}" for source in sources]
    return "\n".join(lines) + "\n"


def plain(title: str, show: str, outline: Outline, chapters_: Sequence[Chapter], links: Sequence[Link],
          sources: Sequence[str]) -> str:
    """The same notes as plain text: a podcast's ID3 comment, a video's description (chapter
    lines as "0:00 Title", which video sites turn into chapters)."""
    lines = [f"{title} ({show})", "", _summary(outline), "", "Chapters:"]
    lines += [f"{clock(c.start)} {c.title}" for c in chapters_]
    if links:
        lines += ["", "Links:"]
        lines += [f"{link.text}: {link.url}" if link.text else link.url for link in links]
    if sources:
        lines += ["", "Sources: " + ", ".join(sources)]
    return "\n".join(lines) + "\n"


def plain_text(markdown: str) -> str:
    """show_notes.md as the plain text an ID3 comment holds: no Markdown link or heading syntax."""
    text = re.sub(r"^#+\s*", "", markdown, flags=re.M)
    text = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1: \2", text)
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)
    return re.sub(r"(?<!\*)\*([^*\n]+)\*(?!\*)", r"\1", text).strip()
