"""HTML: the page's main content (BeautifulSoup), navigation, footers, sidebars, cookie notices,
forms and scripts dropped with a record; headings, prose, lists, tables and code kept; a `<pre>`
terminal session marked as console output; local images kept as figures with their captions; a
docs site's page metadata (a leading JSON comment, as go.dev's pages carry) read as metadata."""

from __future__ import annotations

import json
import re

from showrunner import cleaning
from showrunner.artifacts import Block
from showrunner.sources.common import BADGE as _BADGE
from showrunner.sources.common import clean as _clean
from showrunner.sources.common import is_console
from showrunner.sources.common import table_rows as _table_rows

_JSON_COMMENT = re.compile(r"\A\s*<!--\s*(\{.*?\})\s*-->", re.S)


def page_metadata(text: str) -> dict[str, str]:
    """A page's leading `<!--{ "Title": ... }-->` comment, as static site generators write it."""
    match = _JSON_COMMENT.match(text)
    if not match:
        return {}
    try:
        data = json.loads(match.group(1))
    except ValueError:
        return {}
    from showrunner.sources.markdown import metadata_of

    return metadata_of(data)


_DROP = ["script", "style", "noscript", "template", "nav", "svg", "iframe", "form", "button", "footer", "aside",
         "head", "canvas", "select", "input"]
_CONTAINERS = {"html", "body", "main", "article", "section", "div", "header", "figure", "center", "details",
               "summary", "span", "font", "hgroup"}
_INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "i", "kbd", "mark", "q", "s",
           "samp", "small", "strong", "sub", "sup", "time", "u", "var", "wbr", "img", "del", "ins", "label"}


_DROP_REASONS = {"nav": "navigation", "footer": "footer", "aside": "sidebar", "form": "form", "button": "form",
                 "select": "form", "input": "form", "iframe": "embedded frame", "svg": "image", "canvas": "image"}
_LAYOUT_CLASS = re.compile(r"(?:^|[-_ ])(cookie|consent|gdpr|banner|breadcrumbs?|menu|navbar|nav|sidebar|footer|"
                           r"share|social|related|advert|ads|newsletter|skip-link)(?:$|[-_ ])", re.I)


def _layout_reason(tag) -> str | None:
    marks = " ".join([*(tag.get("class") or []), str(tag.get("id") or "")])
    match = _LAYOUT_CLASS.search(marks)
    if not match:
        return None
    word = match.group(1).lower()
    return {"cookie": "cookie notice", "consent": "cookie notice", "gdpr": "cookie notice",
            "breadcrumb": "navigation", "breadcrumbs": "navigation", "menu": "navigation", "navbar": "navigation",
            "nav": "navigation", "footer": "footer"}.get(word, "layout html")


def html_blocks(text: str, record: cleaning.Record, whole_page: bool = True) -> list[Block]:
    from bs4 import BeautifulSoup, Comment, NavigableString, Tag

    soup = BeautifulSoup(text, "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    order = {id(tag): n for n, tag in enumerate(soup.find_all(True), start=1)}

    def place(tag) -> str:
        return f"element {order.get(id(tag), 0)}"

    for tag in soup.find_all(_DROP):
        if tag.decomposed:
            continue
        reason = _DROP_REASONS.get(tag.name)
        if reason and _clean(tag.get_text()):
            record.drop(reason, tag.get_text(" "), place(tag))
        tag.decompose()
    for tag in soup.find_all(role=["navigation", "banner", "contentinfo"]):
        if not tag.decomposed:
            record.drop({"navigation": "navigation", "banner": "site header"}.get(str(tag.get("role")), "footer"),
                        tag.get_text(" "), place(tag))
            tag.decompose()
    for tag in soup.find_all(hidden=True):
        if not tag.decomposed:
            tag.decompose()
    page_text = len(_clean(soup.get_text()))
    for tag in soup.find_all(True):
        if tag.decomposed or tag.name in ("html", "body", "main", "article"):
            continue
        reason = _layout_reason(tag)
        # a class name is a hint, not proof: never drop what holds the page's heading or most of its text
        if reason and (tag.find(["h1", "main", "article"]) or len(_clean(tag.get_text())) > 0.4 * page_text):
            reason = None
        if reason:
            record.drop(reason, tag.get_text(" "), place(tag))
            tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for code in soup.find_all("code"):
        if code.find_parent("pre") is None and code.get_text().strip():
            code.replace_with(f"`{code.get_text()}`")  # inline code stays marked as code, as in Markdown
    root = soup.find("main") or soup.find("article") or soup.find("body") or soup
    if whole_page and root.name in ("main", "article"):
        body = soup.find("body") or soup
        for child in body.find_all(True, recursive=False):
            if child is not root and root not in child.descendants and _clean(child.get_text()):
                record.drop("outside the main content", child.get_text(" "), place(child))

    blocks: list[Block] = []

    def where(tag) -> str:
        ident = tag.get("id") if isinstance(tag, Tag) else None
        return f"element {order.get(id(tag), 0)}" + (f" (#{ident})" if ident else "")

    def text_of(tag) -> str:
        return _clean(tag.get_text())

    def walk(node) -> None:
        pending: list[str] = []
        anchor = node

        def flush() -> None:
            joined = _clean(" ".join(pending))
            if joined:
                blocks.append(Block(kind="paragraph", text=joined, location=where(anchor)))
            pending.clear()

        for child in list(node.children):
            if isinstance(child, NavigableString):
                pending.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower()
            if name in _INLINE:
                pending.append(child.get_text())
                continue
            flush()
            anchor = child
            if re.fullmatch(r"h[1-6]", name):
                blocks.append(Block(kind="heading", level=int(name[1]), text=text_of(child), location=where(child)))
            elif name == "figure" and child.find("img"):
                figure = _figure(child, where(child))
                if figure is not None:
                    blocks.append(figure)
                else:
                    record.drop("image", str(child.get("alt") or child.get("src") or "figure"), where(child))
            elif name == "p":
                said = text_of(child)
                if said:
                    blocks.append(Block(kind="paragraph", text=said, location=where(child)))
                elif child.find("img"):
                    pictures = child.find_all("img")
                    figures = [f for f in (_figure(img, where(child)) for img in pictures) if f is not None]
                    if figures:
                        blocks.extend(figures)
                        continue
                    badge = any(_BADGE.search(str(img.get("src", ""))) for img in pictures)
                    record.drop("badge" if badge else "image", " ".join(str(img.get("alt") or img.get("src", ""))
                                                                         for img in pictures), where(child))
            elif name in ("ul", "ol", "dl", "menu") and child.find("pre"):
                # steps with code between them: each step's words a list item, each code block shown
                items = []
                for li in child.find_all("li", recursive=False):
                    pres = li.find_all("pre")
                    for pre in pres:
                        pre.extract()
                    own = _clean(li.get_text())
                    if own:
                        items.append(own)
                    for pre in pres:
                        if items:
                            blocks.append(Block(kind="list", text="\n".join(items), items=items,
                                                location=where(child)))
                            items = []
                        code = pre.get_text().strip("\n")
                        blocks.append(Block(kind="code", text=code, language="console" if is_console(code, None)
                                            else None, location=where(pre)))
                if items:
                    blocks.append(Block(kind="list", text="\n".join(items), items=items, location=where(child)))
            elif name in ("ul", "ol", "dl", "menu"):
                items = _html_list_items(child)
                if items:
                    blocks.append(Block(kind="list", text="\n".join(items), items=items, location=where(child)))
            elif name == "pre":
                code_tag = child.find("code")
                classes = [str(c) for tag in (child, code_tag) if isinstance(tag, Tag)
                           for c in tag.get_attribute_list("class") if c]
                language = next((c.split("-", 1)[1] for c in classes if c.startswith(("language-", "lang-"))), None)
                code = child.get_text().strip("\n")
                if is_console(code, language):
                    language = "console"
                blocks.append(Block(kind="code", text=code, language=language, location=where(child)))
            elif name == "table":
                rows = [[_clean(cell.get_text()) for cell in tr.find_all(["th", "td"])]
                        for tr in child.find_all("tr")]
                blocks.append(Block(kind="table", text=_table_rows(rows), location=where(child)))
            elif name == "blockquote":
                blocks.append(Block(kind="quote", text=text_of(child), location=where(child)))
            elif name in ("hr",):
                continue
            else:  # containers and unknown block-level tags: look inside
                walk(child)
            anchor = node
        flush()

    walk(root)
    return blocks


def _html_list_items(tag) -> list[str]:
    items: list[str] = []
    if tag.name == "dl":
        term = None
        for child in tag.find_all(["dt", "dd"]):
            if child.name == "dt":
                term = _clean(child.get_text())
            else:
                definition = _clean(child.get_text())
                items.append(f"{term}: {definition}" if term else definition)
        return items
    for li in tag.find_all("li", recursive=False) or tag.find_all("li"):
        nested = li.find_all(["ul", "ol"])
        for n in nested:
            n.extract()
        own = _clean(li.get_text())
        if own:
            items.append(own)
        for n in nested:
            items.extend(_html_list_items(n))
    return items



def _figure(tag, location: str) -> Block | None:
    """A local image (or a <figure> holding one) as a figure: its file and its caption."""
    img = tag if tag.name == "img" else tag.find("img")
    src = str(img.get("src") or "")
    if not src or re.match(r"^[a-z]+:", src, re.I) or src.startswith("//") or _BADGE.search(src):
        return None
    caption_tag = tag.find("figcaption") if tag.name == "figure" else None
    caption = _clean(caption_tag.get_text()) if caption_tag else _clean(str(img.get("alt") or ""))
    return Block(kind="figure", text=caption or src.rsplit("/", 1)[-1], image=src, location=location)
