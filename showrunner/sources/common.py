"""What every reader shares: decoding, whitespace, titles, tables, citation markers, console
sessions, back matter and the word list that joins words split at line ends."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from showrunner.artifacts import Block
from showrunner.errors import SourceError

BADGE = re.compile(r"shields\.io|badge|badgen|travis-ci|codecov|coveralls|pepy\.tech|/actions/|readthedocs\.org/"
                   r"projects/.*/badge|img\.shields", re.I)

# the small words a Title Case heading leaves in lower case ("Definition of the CSV Format")
TITLE_SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "is", "of", "on",
                               "or", "the", "to", "vs", "with", "without", "how", "what", "why"})


def decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise SourceError(f"{name}: looks like a binary file, not text (it contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise SourceError(f"{name}: not valid UTF-8 text (byte 0x{data[err.start]:02x} at offset {err.start}); "
                          "save the file as UTF-8") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def clean(text: str) -> str:
    """Collapse runs of whitespace (line wraps included) into single spaces."""
    return " ".join(text.split())


def table_rows(rows: list[list[str]]) -> str:
    return "\n".join(" | ".join(cell for cell in row) for row in rows if any(c.strip() for c in row))


def title(blocks: list[Block], path: Path, html: bytes | None, metadata: dict[str, str]) -> str:
    if metadata.get("title"):
        return clean(metadata["title"])
    if html is not None and blocks[0].kind == "heading" and blocks[0].level == 1:
        return blocks[0].text  # the page's own first heading: the <title> often carries the site's name
    if html is not None:
        from bs4 import BeautifulSoup

        tag = BeautifulSoup(html, "html.parser").find("title")
        if tag and clean(tag.get_text()):
            # "Page title | Site name": the site's name is not the document's
            return re.split(r"\s+[|·•–—-]\s+(?=[^|·•–—-]+$)", clean(tag.get_text()))[0]
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


# --- citation markers ------------------------------------------------------------------------

# [12], [3, 4], [3-5], [3–5, 9]: numbered citations, never said
_ONE = r"(?:\[\d{1,3}(?:\s*[,–-]\s*\d{1,3})*\]|\[[A-Z][^\[\]]{0,300}?\b(?:1[89]|20)\d\d[a-z]?\])"
CITATION = re.compile(rf"(?<![\w\])]){_ONE}(?:\s*(?:,|and|&)\s*{_ONE})*")


def drop_citations(text: str) -> tuple[str, list[str]]:
    """(text without numbered citation markers, the markers taken out)."""
    found = [m.group(0).strip() for m in CITATION.finditer(text)]
    if not found:
        return text, []
    out = CITATION.sub("", text)
    out = re.sub(r"\(\s*(?:for ex(?:ample)?\.?|e\.g\.|see)?\s*,?\s*\)", "", out)  # "(for ex. [4], [5])" emptied
    out = re.sub(r"[ \t]{2,}", " ", out)
    return re.sub(r"\s+([,.;:!?)])", r"\1", out), found


# --- console sessions ------------------------------------------------------------------------

CONSOLE_LANGUAGES = {"console", "shell-session", "shellsession", "sh-session", "terminal", "term", "output",
                     "pycon", "psql", "ansi"}
_PROMPT = re.compile(r"^\s*(?:\$|❯|>>>|>|PS [^>]*>|[\w.@-]+[:~][^$#\n]{0,40}[$#])\s+\S")
_BOX = re.compile(r"[\u2500-\u259f]")


def is_console(code: str, language: str | None) -> bool:
    """A terminal session: commands after a prompt with the output they printed, or output drawn
    with box characters. It is shown as output, never described as commands to run."""
    lang = (language or "").lower()
    if lang in CONSOLE_LANGUAGES:
        return True
    if lang and lang not in ("sh", "bash", "shell", "zsh", "text", "txt", "plain", "none"):
        return False
    lines = [line for line in code.splitlines() if line.strip()]
    if not lines:
        return False
    prompts = sum(1 for line in lines if _PROMPT.match(line))
    boxed = sum(1 for line in lines if _BOX.search(line))
    output = len(lines) - prompts
    return (prompts >= 1 and output >= 1 and _PROMPT.match(lines[0]) is not None) or boxed >= 2


# --- back matter -----------------------------------------------------------------------------

REFERENCES = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?(?:references|bibliography|works cited|normative references|"
                        r"informative references|literature cited|authors?(?:'s|s'|')? addresses|"
                        r"authors?(?:'s|s'|')? address|contact information)$", re.I)
BACK_MATTER = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+|[A-Z]\.?\s+)?(?:acknowledge?ments?|appendix\b.*|appendices|"
                         r"iana considerations|security considerations|privacy considerations|contributors|"
                         r"author contributions|funding|conflicts? of interest)$", re.I)


def mark_back_matter(blocks: list[Block], record) -> list[Block]:
    """References are dropped (a list of citations is never narration); acknowledgements,
    appendices and considerations are kept but marked to rank after the main points. A section
    is back matter up to the next heading of its level or above."""
    out: list[Block] = []
    mode: str | None = None
    level = 0
    for block in blocks:
        if block.kind == "heading":
            text = block.text.strip().rstrip(":")
            if mode is not None and (block.level or 1) <= level:
                mode = None
            if mode is None:
                if REFERENCES.match(text):
                    mode, level = "references", block.level or 1
                elif BACK_MATTER.match(text):
                    mode, level = "last", block.level or 1
        if mode == "references":
            record.drop("references or addresses", block.text, block.location)
            continue
        out.append(block.model_copy(update={"last": True}) if mode == "last" else block)
    return out


# --- words split at line ends ----------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The English word list pyspellchecker ships (MIT), lower case."""
    import gzip
    import json
    from importlib import resources

    data = resources.files("spellchecker").joinpath("resources", "en.json.gz").read_bytes()
    return frozenset(json.loads(gzip.decompress(data)).keys())


_WORD_CHARS = re.compile(r"[^\w]+")


def vocabulary(text: str) -> set[str]:
    """The words a document itself uses, lower case (its own terms join split words too)."""
    return {w.lower() for w in re.findall(r"[A-Za-z][A-Za-z'-]*[A-Za-z]", text)}


def join_split_word(left: str, right: str, own: set[str]) -> str:
    """`left` ended a line with a hyphen and `right` starts the next: the one word they make.
    "leader-" + "ship" -> "leadership" (a word); "user-" + "friendly" -> "user-friendly" (both
    halves are words and the joined form is not)."""
    joined = left + right
    key = _WORD_CHARS.sub("", joined).lower()
    words = english_words()
    if key in own or key in words:
        return joined
    head = _WORD_CHARS.sub("", left).lower()
    tail = _WORD_CHARS.sub("", right).lower()
    if f"{head}-{tail}" in own or (head in words and tail in words and len(head) > 2 and len(tail) > 2):
        return f"{left}-{right}"
    return joined


def dehyphenate(lines: list[str], own: set[str]) -> str:
    """Lines of one paragraph joined with spaces; a word split at a line end made whole."""
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        match = re.search(r"(\w+)-$", out)
        upper = match is not None and match.group(1).isupper()
        nxt = re.match(r"([A-Z][A-Z_]*\w*)(.*)$" if upper else r"([a-z]\w*)(.*)$", line)
        if match and nxt:
            word = join_split_word(match.group(1), nxt.group(1), own)
            out = out[:match.start()] + word + nxt.group(2)
        else:
            out = f"{out} {line}" if out else line
    return clean(out)


def nfkc(text: str) -> str:
    """Unicode compatibility forms made plain: ligatures (ﬁ, ﬂ) become letters, full-width
    forms and non-breaking spaces ordinary ones."""
    return unicodedata.normalize("NFKC", text)


_HEADING_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[A-H](?:\.\d+)+\.?|[IVX]{1,5}\.)\s+(?=\S)")


def unnumbered(blocks: list[Block]) -> list[Block]:
    """Headings without their section numbers ("5.2 Leader election" -> "Leader election"), and
    headings set in capitals in ordinary case ("INTRODUCTION" -> "Introduction"): the numbers gave
    the levels already, and a voice should not say them."""
    out = []
    for block in blocks:
        if block.kind == "heading":
            text = _HEADING_NUMBER.sub("", block.text).strip() or block.text
            if text.isupper() and len(text) > 3:
                text = text.capitalize()
            block = block.model_copy(update={"text": text})
        out.append(block)
    return out

