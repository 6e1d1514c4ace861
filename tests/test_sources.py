"""Reading sources: structure kept (headings, paragraphs, lists, code, tables, quotes), each block
located, and every bad source stopped with a SourceError naming the file."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from showrunner.errors import SourceError
from showrunner.sources import SUPPORTED_SUFFIXES, read_source, read_sources
from tests.conftest import EP1_SOURCE


def kinds(doc):
    return [b.kind for b in doc.blocks]


def first(doc, kind):
    return next(b for b in doc.blocks if b.kind == kind)


# --- Markdown ------------------------------------------------------------------------------


def test_markdown_keeps_structure_and_lines():
    doc = read_source(EP1_SOURCE, "sources/ep1/build-caches.md")
    assert doc.format == "markdown"
    assert doc.path == "sources/ep1/build-caches.md"
    assert doc.title == "How a build cache decides what to rebuild"
    headings = [(b.level, b.text) for b in doc.blocks if b.kind == "heading"]
    assert headings[0] == (1, "How a build cache decides what to rebuild")
    assert (2, "Timestamps: the oldest rule") in headings
    assert (2, "The action key") in headings
    assert first(doc, "heading").location == "line 1"

    listing = first(doc, "list")
    assert len(listing.items) == 3
    assert listing.items[1].startswith("Clocks on different machines disagree")
    assert listing.location == "line 16"

    code = first(doc, "code")
    assert code.language == "python"
    assert code.text.startswith("def needs_rebuild(target, inputs, recorded):")
    assert code.location == "line 32"

    table = first(doc, "table")
    rows = table.text.splitlines()
    assert rows[0] == "Part of the key | Example | What goes wrong if it is left out"
    assert rows[2] == "Command line | cc -O2 main.c | a flag change is ignored"
    assert len(rows) == 4

    paragraph = next(b for b in doc.blocks if b.kind == "paragraph" and b.text.startswith("Make, written"))
    assert "\n" not in paragraph.text  # hard-wrapped lines joined
    assert paragraph.location == "line 10"
    assert len(doc.sha256) == 64


def test_markdown_inline_markup_quotes_and_front_matter(tmp_path):
    source = tmp_path / "notes.md"
    source.write_text("---\ntitle: ignored\n---\n# Notes\n\nSome **bold** and `code` with a [link](https://x.org).\n\n"
                      "> A quoted line\n> that continues.\n\n1. first\n2. second\n   - nested\n")
    doc = read_source(source)
    assert kinds(doc) == ["heading", "paragraph", "quote", "list"]
    assert doc.blocks[1].text == "Some bold and `code` with a link."  # inline code stays marked
    assert doc.blocks[1].location == "line 6"  # front matter lines counted
    assert doc.blocks[2].text == "A quoted line that continues."
    assert doc.blocks[3].items == ["first", "second", "nested"]


# --- plain text ----------------------------------------------------------------------------


def test_text_headings_paragraphs_lists_and_code(tmp_path):
    source = tmp_path / "guide.txt"
    source.write_text(
        "Build Caches Explained\n"
        "======================\n"
        "\n"
        "Every build tool answers one question:\n"
        "is this output still good?\n"
        "\n"
        "How Timestamps Work\n"
        "\n"
        "Make compares modification times. It is cheap.\n"
        "\n"
        "- copying gives a new time\n"
        "- clocks disagree\n"
        "  across machines\n"
        "\n"
        "    def needs_rebuild(target):\n"
        "        return True\n"
    )
    doc = read_source(source)
    assert kinds(doc) == ["heading", "paragraph", "heading", "paragraph", "list", "code"]
    assert (doc.blocks[0].level, doc.blocks[0].text) == (1, "Build Caches Explained")
    assert doc.blocks[1].text == "Every build tool answers one question: is this output still good?"
    assert doc.blocks[1].location == "line 4"
    assert (doc.blocks[2].level, doc.blocks[2].text, doc.blocks[2].location) == (2, "How Timestamps Work", "line 7")
    assert doc.blocks[4].items == ["copying gives a new time", "clocks disagree across machines"]
    assert doc.blocks[5].text == "def needs_rebuild(target):\n    return True"
    assert doc.title == "Build Caches Explained"


def test_text_sentence_lines_are_not_headings(tmp_path):
    source = tmp_path / "plain.txt"
    source.write_text("This is just a sentence.\n\nAnother one follows here, in lower case\n")
    doc = read_source(source)
    assert kinds(doc) == ["paragraph", "paragraph"]
    assert doc.title == "This is just a sentence"  # a short opening sentence, for lack of a heading
    source.write_text("This opening sentence is far too long to serve as the title of anything at all.\n")
    assert read_source(source).title == "Plain"  # else the file name


# --- HTML ----------------------------------------------------------------------------------

HTML = """<!doctype html>
<html><head><title>Build caches</title><style>p { color: red }</style>
<script>var tracking = "do not read me";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About us</a></nav>
<main>
  <h1>How caches decide</h1>
  <p>Every build tool answers <em>one</em> question.<br>Again and again.</p>
  <h2 id="hashes">Content hashes</h2>
  <ul><li>Hashes compare content.</li><li>Times compare clocks.</li></ul>
  <pre><code class="language-python">def needs_rebuild(target):
    return True</code></pre>
  <table><tr><th>Part</th><th>Example</th></tr><tr><td>Input</td><td>main.c</td></tr></table>
  <blockquote>Same inputs, same output.</blockquote>
  <div>Loose text in a div.</div>
</main>
<footer>Copyright nobody</footer>
</body></html>
"""


def test_html_blocks_without_scripts_styles_or_navigation(tmp_path):
    source = tmp_path / "page.html"
    source.write_text(HTML)
    doc = read_source(source)
    assert doc.format == "html"
    assert doc.title == "How caches decide"  # the page's own h1, not the <title> with its site name
    assert kinds(doc) == ["heading", "paragraph", "heading", "list", "code", "table", "quote", "paragraph"]
    text = " ".join(b.text for b in doc.blocks)
    for hidden in ("tracking", "color", "Home", "About us", "Copyright"):
        assert hidden not in text
    assert doc.blocks[1].text == "Every build tool answers one question. Again and again."
    heading = doc.blocks[2]
    assert (heading.level, heading.text) == (2, "Content hashes")
    assert heading.location.startswith("element ") and heading.location.endswith("(#hashes)")
    assert doc.blocks[3].items == ["Hashes compare content.", "Times compare clocks."]
    assert doc.blocks[4].language == "python" and "def needs_rebuild" in doc.blocks[4].text
    assert doc.blocks[5].text == "Part | Example\nInput | main.c"
    locations = [b.location for b in doc.blocks]
    assert len(set(locations)) == len(locations)  # every block has its own element


# --- PDF -----------------------------------------------------------------------------------


def make_pdf(path, *, encrypt: bool = False, text: bool = True):
    pdf = FPDF()
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    if not text:
        pdf.rect(20, 20, 50, 50, style="F")
        pdf.output(str(path))
        return
    pdf.set_font("helvetica", "B", 20)
    pdf.cell(0, 12, "Build caches", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 11)
    pdf.multi_cell(0, 6, "Every build tool answers one question over and over: is this output still good, or "
                         "must it be made again? Getting the answer right matters a great deal for every team.",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 10, "Timestamps", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 11)
    pdf.multi_cell(0, 6, "Make compares modification times.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for item in ("Copying a file gives it a new time.", "Clocks on different machines disagree."):
        pdf.multi_cell(0, 6, "- " + item, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("courier", "", 10)
    for line in ("def needs_rebuild(target):", "    return True"):
        pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 10, "Hashes", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 11)
    pdf.multi_cell(0, 6, "Content hashes look at content instead of time.", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def test_pdf_headings_by_font_size_lists_code_and_pages(tmp_path):
    source = tmp_path / "caches.pdf"
    make_pdf(source)
    doc = read_source(source)
    assert doc.format == "pdf"
    assert kinds(doc) == ["heading", "paragraph", "heading", "paragraph", "list", "code", "heading", "paragraph"]
    assert (doc.blocks[0].level, doc.blocks[0].text) == (1, "Build caches")
    assert (doc.blocks[2].level, doc.blocks[2].text) == (2, "Timestamps")
    assert doc.blocks[1].text.startswith("Every build tool answers one question over and over")
    assert doc.blocks[1].text.endswith("for every team.")  # wrapped lines joined into one paragraph
    assert doc.blocks[4].items == ["Copying a file gives it a new time.", "Clocks on different machines disagree."]
    assert doc.blocks[5].text == "def needs_rebuild(target):\n    return True"
    assert [b.location for b in doc.blocks] == ["page 1"] * 6 + ["page 2"] * 2
    assert doc.title == "Build caches"


# --- bad sources ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, content, problem", [
    ("empty.md", b"", "empty"),
    ("blank.txt", b"  \n\n \t\n", "empty"),
    ("latin.txt", "caf\u00e9 cr\u00e8me".encode("latin-1"), "not valid UTF-8"),
    ("binary.md", b"\x00\x01\x02binary", "binary"),
    ("only-script.html", b"<html><script>alert(1)</script><style>p{}</style></html>", "no text"),
    ("only-code.md", b"```\n\n```\n", "no text"),
    ("broken.pdf", b"%PDF-1.4\nthis is not really a pdf\n", "not a readable PDF"),
    ("fake.pdf", b"hello, I am text", "not a PDF"),
    ("notes.docx", b"PK\x03\x04", "unsupported kind"),
    ("README", b"text", "unsupported kind"),
])
def test_bad_source_names_file_and_problem(tmp_path, name, content, problem):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError) as caught:
        read_source(path)
    assert str(path) in str(caught.value)
    assert problem in str(caught.value)


def test_missing_source(tmp_path):
    with pytest.raises(SourceError, match=r"gone\.md: source file not found"):
        read_source(tmp_path / "gone.md")


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "locked.pdf"
    make_pdf(path, encrypt=True)
    with pytest.raises(SourceError, match=r"locked\.pdf: the PDF is encrypted"):
        read_source(path)


def test_pdf_without_text_layer(tmp_path):
    path = tmp_path / "scan.pdf"
    make_pdf(path, text=False)
    with pytest.raises(SourceError, match=r"scan\.pdf: the PDF has no text layer"):
        read_source(path)


def test_read_sources_names_files_relative_to_root(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "a.md").write_text("# A\n\nSome text here.\n")
    (tmp_path / "b.txt").write_text("More text here.\n")
    docs = read_sources([tmp_path / "sources" / "a.md", tmp_path / "b.txt"], tmp_path)
    assert [d.path for d in docs] == ["sources/a.md", "b.txt"]
    assert {".md", ".txt", ".html", ".pdf"} <= SUPPORTED_SUFFIXES


# --- cleaning: what is not prose is dropped, with a record -----------------------------------


def test_markdown_badges_images_emoji_and_contents_are_dropped_with_a_record(tmp_path):
    source = tmp_path / "readme.md"
    source.write_text("# mytool\n\n[![CI](https://github.com/x/y/actions/workflows/ci.yml/badge.svg)](https://x.org)"
                      " ![logo](logo.png)\n\nmytool turns CSV files into charts.\n\n* [Install](#install)\n"
                      "* [Usage](#usage)\n\n## Install\n\nRun the installer.\n\n## Usage\n\n"
                      "Point it at a file ➡️ and it draws the chart 📈 (input → output).\n\n"
                      "## Licence\n\nMIT © 2024 Someone\n")
    doc = read_source(source)
    assert [(b.kind, b.text) for b in doc.blocks] == [
        ("heading", "mytool"), ("paragraph", "mytool turns CSV files into charts."), ("heading", "Install"),
        ("paragraph", "Run the installer."), ("heading", "Usage"),
        ("paragraph", "Point it at a file and it draws the chart (input to output).")]
    reasons = {(d.reason, d.text) for d in doc.dropped}
    assert ("badge", "CI logo") in reasons and ("table of contents", "Install; Usage") in reasons
    assert ("emoji or pictograph", "➡️ 📈") in reasons and ("copyright line", "MIT © 2024 Someone") in reasons
    assert ("empty section", "Licence") in reasons
    assert all(d.location.startswith("line ") for d in doc.dropped)


def test_a_layout_class_never_drops_the_content_itself(tmp_path):
    source = tmp_path / "page.html"
    source.write_text('<html><body><div class="top-nav"><a href="/">Home</a></div>'
                      '<div class="content has-sidebar"><h1>Guide</h1><p>The guide explains the tool.</p></div>'
                      '<div class="cookie-consent">We use cookies. Accept all cookies</div>'
                      '<div class="footer">(c) 2024 Site</div></body></html>')
    doc = read_source(source)
    assert [b.text for b in doc.blocks] == ["Guide", "The guide explains the tool."]
    assert {d.reason for d in doc.dropped} == {"navigation", "cookie notice", "footer"}


def test_terminal_art_is_kept_as_a_diagram_not_prose(tmp_path):
    source = tmp_path / "art.md"
    source.write_text("# Flow\n\nData flows in two steps.\n\n```\n┌──────┐    ┌──────┐\n│ read │ ─▶ │ save │\n"
                      "└──────┘    └──────┘\n```\n")
    doc = read_source(source)
    assert doc.blocks[1].text == "Data flows in two steps."
    diagram = next(b for b in doc.blocks if b.kind == "code")
    assert diagram.language == "diagram" and "read" in diagram.text
    assert any(d.reason.startswith("terminal art") for d in doc.dropped)


def test_pdf_running_headers_footers_and_page_numbers_are_dropped(tmp_path):
    pdf = FPDF()
    texts = ["The manual starts with what the tool is for and who should use it.",
             "Then it walks through a first run, step by step, on a small example.",
             "It ends with the questions new users ask most often, and their answers."]
    for page in range(1, 4):
        pdf.add_page()
        pdf.set_font("helvetica", "", 8)
        pdf.cell(0, 5, f"Printed 01/0{page}/2026 - The Manual", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", "", 11)
        pdf.multi_cell(0, 6, texts[page - 1], new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-15)
        pdf.set_font("helvetica", "", 8)
        pdf.cell(0, 5, str(page))
    source = tmp_path / "manual.pdf"
    pdf.output(str(source))
    doc = read_source(source)
    assert [b.text for b in doc.blocks] == texts
    assert sorted({d.reason for d in doc.dropped}) == ["page number", "running header or footer"]
