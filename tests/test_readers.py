"""Each format's reader on real public documents (tests/corpus/real/, see corpus.yaml for where
each came from): the structure kept, the furniture dropped with a record, nothing that is not
prose left in the prose."""

from __future__ import annotations

import re

import pytest

from showrunner.sources import read_source
from showrunner.sources.common import drop_citations, is_console, join_split_word
from tests.corpus import REAL


def said(doc) -> str:
    """Everything a writer may turn into narration: prose, lists and quotes."""
    return " ".join(b.text for b in doc.blocks if b.kind in ("paragraph", "list", "quote", "heading"))


def reasons(doc) -> set[str]:
    return {d.reason.split(" (")[0] for d in doc.dropped}


# --- Markdown ----------------------------------------------------------------------------------


def test_toml_front_matter_is_metadata_never_text():
    doc = read_source(REAL / "rust-async-await-beta.md")
    assert doc.metadata["title"] == "Async-await hits beta!" and doc.metadata["author"] == "Niko Matsakis"
    assert doc.title == "Async-await hits beta!"
    assert "+++" not in said(doc) and "authors" not in said(doc) and "aliases" not in said(doc)
    assert "front matter" in reasons(doc)
    assert doc.blocks[1].text.startswith("Big news!")  # the post starts where its text starts


def test_yaml_front_matter_gives_title_author_and_date():
    doc = read_source(REAL / "go-errors-are-values.md")
    assert doc.metadata == {"title": "Errors are values", "date": "2015-01-12", "author": "Rob Pike",
                            "summary": "Idioms and patterns for handling errors in Go."}
    assert "Rob Pike" not in said(doc) and "summary:" not in said(doc)
    assert doc.blocks[0].kind == "heading" and doc.blocks[0].text == "Errors are values"


@pytest.mark.parametrize("language, code, console", [
    (None, "> fd netfl\nSoftware/python/imdb-ratings/netflix-details.py", True),      # fd's README
    ("bash", "> cd /etc\n> fd '^x.*rc$'\nX11/xinit/xinitrc\nX11/xinit/xserverrc", True),
    ("console", "$ rustup update stable", True),
    ("bash", "# Round 1: no training needed\ncd round1_constructed\npython subleq.py", False),  # comments
    ("sh", "$ rustup update stable", False),                                            # a command alone
    ("python", "print('$ not a prompt')\n# comment", False),
    (None, "╭──────────╮\n│ dev  3.2 │\n╰──────────╯", True),                                # drawn output
])
def test_console_sessions_are_output_not_commands(language, code, console):
    assert is_console(code, language) is console


def test_a_readme_console_block_is_marked_and_link_rows_are_navigation():
    doc = read_source(REAL / "fd-readme.md")
    blocks = {b.text.splitlines()[0]: b for b in doc.blocks if b.kind == "code"}
    assert blocks["> fd netfl"].language == "console"
    assert blocks["fd -e zip -x unzip"].language == "bash"  # a command to run stays a command
    assert "navigation" in reasons(doc) and "Installation • How to use" not in said(doc)
    assert not any("中文" in b.text for b in doc.blocks)


def test_a_list_of_links_only_is_navigation_and_a_list_with_prose_stays(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# tool\n\nA tool that finds files fast.\n\n## Documentation quick links\n\n"
                      "* [User Guide](GUIDE.md)\n* [Frequently Asked Questions](FAQ.md)\n\n## Features\n\n"
                      "* [Fast](BENCH.md): it searches in parallel\n* Ignores hidden files\n")
    doc = read_source(readme)
    assert "Frequently Asked Questions" not in said(doc) and "navigation" in reasons(doc)
    assert "it searches in parallel" in said(doc) and "Ignores hidden files" in said(doc)


# --- plain text: an RFC and a man page -----------------------------------------------------------


def test_rfc_furniture_and_boilerplate_are_dropped_and_sections_kept():
    doc = read_source(REAL / "rfc4180.txt")
    text = said(doc)
    assert doc.title == "Common Format and MIME Type for Comma-Separated Values (CSV) Files"
    assert doc.metadata["number"] == "RFC 4180"
    for furniture in ("Network Working Group", "Shafranovich Informational", "RFC 4180 Common Format", "[Page",
                      "Status of This Memo", "Copyright", "Distribution of this memo", ".....",
                      "Intellectual Property", "SolidMatrix Technologies"):
        assert furniture not in text, furniture
    assert {"RFC header block", "running header or footer", "table of contents", "RFC boilerplate",
            "references or addresses", "citation marker"} <= reasons(doc)
    headings = [(b.level, b.text) for b in doc.blocks if b.kind == "heading"]
    assert headings[:4] == [(1, doc.title), (2, "Abstract"), (2, "Introduction"),
                            (2, "Definition of the CSV Format")]
    assert "[1]" not in text and "[2]" not in text and "(for ex.,, and)" not in text
    rules = next(b for b in doc.blocks if b.kind == "list")  # the seven rules together, their examples after
    assert len(rules.items) == 7 and rules.items[0] == "Each record is located on a separate line, delimited " \
        "by a line break (CRLF)."
    grammar = [b for b in doc.blocks if b.language == "abnf"]
    assert len(grammar) == 1 and "COMMA = %x2C" in grammar[0].text and "TEXTDATA =" in grammar[0].text  # one,
    # across the page break
    last = {b.text for b in doc.blocks if b.kind == "heading" and b.last}
    assert {"IANA Considerations", "Security Considerations", "Acknowledgments"} <= last
    tables = [b.text for b in doc.blocks if b.kind == "table"]
    assert "MIME subtype name | csv" in tables[0] and "Magic number(s) | none" in tables[1]  # the template


def test_man_page_title_options_table_and_examples():
    doc = read_source(REAL / "fd-man.txt")
    assert doc.title == "fd: find entries in the filesystem"
    assert "General Commands Manual" not in said(doc) and "running header or footer" in reasons(doc)
    options = next(b for b in doc.blocks if b.kind == "table")
    rows = options.text.splitlines()
    assert rows[0] == "Option | Description"
    assert any(row.startswith("-H, --hidden | Include hidden files and directories in the search results (default:")
               for row in rows)  # "de-\nfault" joined
    examples = [b for b in doc.blocks if b.kind == "code" and b.text.startswith("$ fd")]
    assert examples[0].text == "$ fd needle"
    assert "Find files and directories that match the pattern 'needle':" in said(doc)
    assert "`$XDG_CONFIG_HOME/fd/ignore`" in said(doc)  # "XDG_CON-\nFIG_HOME" made whole, marked as code
    assert "with the `--glob` option" in said(doc)  # options are code, never words to spell
    tips = next(b for b in doc.blocks if b.kind == "list")
    assert tips.items[0].startswith("If you add")


# --- HTML --------------------------------------------------------------------------------------


def test_served_page_metadata_comment_titles_it_and_pre_sessions_are_console():
    doc = read_source(REAL / "go-getting-started.html")
    assert doc.title == "Tutorial: Get started with Go" and doc.metadata["title"] == doc.title
    assert "Breadcrumb" not in said(doc)
    consoles = [b for b in doc.blocks if b.kind == "code" and b.language == "console"]
    assert consoles and any("Hello, World!" in b.text for b in consoles)


# --- PDF ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def paper():
    return read_source(REAL / "acm-sample-sigconf.pdf")


def test_two_column_paper_reads_in_column_order_with_numbered_sections(paper):
    headings = [(b.level, b.text) for b in paper.blocks if b.kind == "heading"]
    assert headings[:6] == [(1, "SIG Proceedings Paper in LaTeX Format"), (2, "Abstract"), (2, "Introduction"),
                            (2, "The body of the paper"), (3, "Type Changes and Special Characters"),
                            (3, "Math Equations")]
    intro = next(b.text for b in paper.blocks if b.text.startswith("The proceedings are the records"))
    # the paragraph runs on down the column: "(balanced dou-" / "ble columns)" joined
    assert "a specified format (balanced double columns), a specified set of fonts" in intro
    assert "conference by-products" in intro  # a hyphenated compound keeps its hyphen


def test_paper_furniture_citations_captions_and_back_matter(paper):
    text = said(paper)
    for furniture in ("Trovato", "trovato@corporation.com", "Permission to make digital", "(cid:", "\ufb01",
                      "Embedded systems", "WOODSTOCK"):
        assert furniture not in text, furniture
    assert not any(drop_citations(b.text)[1] for b in paper.blocks if b.kind != "code")
    assert {"title block", "footnote", "citation marker", "equation", "references or addresses",
            "keywords and classification"} <= reasons(paper)
    figures = [b for b in paper.blocks if b.kind == "figure"]
    assert "Figure 1: A sample black and white graphic." in [f.text for f in figures]
    assert all(f.region and len(f.region) == 4 for f in figures if f.text.startswith("Figure"))
    assert "Figure 1:" not in text and "Table 1:" not in text  # captions are visuals, not narration
    last = [b.text for b in paper.blocks if b.kind == "heading" and b.last]
    assert last[:2] == ["Acknowledgments", "A headings in appendices"]


def test_journal_layout_alternating_running_heads_and_author_year_citations():
    doc = read_source(REAL / "acm-sample-acmtog.pdf")
    text = said(doc)
    # an algorithm set as text is a figure: its caption and every line under it, to the closing rule
    algorithm = next(b for b in doc.blocks if b.kind == "figure" and b.text.startswith("ALGORITHM 1"))
    assert algorithm.region and algorithm.region[1] < 490 and algorithm.region[3] > 712 and algorithm.path
    assert "Gang Zhou, Yafeng Wu" not in text  # the even pages' running head (odd pages carry the title)
    assert "et al. 2004" not in text and "CCS Concepts" not in text
    assert text.count("A Multifrequency MAC Specially Designed") == 1  # the title once, as the title
    assert [b.text for b in doc.blocks if b.kind == "heading" and b.last][:2] == ["A switching times",
                                                                                  "B supplementary materials"]


def test_a_heading_number_set_apart_and_formula_pieces_never_open_a_paragraph():
    """acm-sample-acmtog.pdf: "1" of "1 INTRODUCTION" lies in the paragraph's box on the heading's
    baseline, "2.1 Frequency Assignment" is set in the sans-serif heading type (neither bold nor
    larger), a displayed formula leaves a comma and a subscript "b" on lines of their own."""
    doc = read_source(REAL / "acm-sample-acmtog.pdf")
    paragraphs = [b.text for b in doc.blocks if b.kind == "paragraph"]
    assert any(p.startswith("As a new technology, Wireless Sensor Networks") for p in paragraphs)
    headings = [b.text for b in doc.blocks if b.kind == "heading"]
    assert {"Frequency Assignment", "Basic Notations", "Problem Formulation"} <= set(headings)
    assert any(p.startswith("We propose a suboptimal distribution") for p in paragraphs)
    assert any(p.startswith("In our algorithm, we use the suboptimal approach") for p in paragraphs)
    assert any(p.startswith("It can be easily proven") for p in paragraphs)
    for p in paragraphs:
        assert not re.match(r"(?:\d+(?:\.\d+)*|[B-Zb-z])\s+[A-Z]|[,;)]", p), p
    # a heading's number the layout set in a box of its own ("12.3" left of its words) joins them
    paper = read_source(REAL / "subleq-paper.pdf")
    assert "Integer Division and Square Root" in [b.text for b in paper.blocks if b.kind == "heading"]


def test_a_run_in_heading_is_set_apart_from_its_sentence(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    body = ("Each node picks a frequency from the ones its neighbours within two hops do not use, so that no "
            "two nodes that can hear each other send on the same channel. ")
    pdf.multi_cell(0, 6, body * 3)
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.write(6, "Frequency Assignment ")
    pdf.set_font("Helvetica", size=11)
    pdf.write(6, "We propose a simple distribution that every node can compute on its own. " + body)
    pdf.ln(10)
    pdf.set_font("Helvetica", "I", 11)
    pdf.write(6, "Eavesdropping. ")
    pdf.set_font("Helvetica", size=11)
    pdf.write(6, "Nodes listen to their neighbours' broadcasts instead of asking. " + body)
    path = tmp_path / "paper.pdf"
    pdf.output(str(path))
    text = said(read_source(path))
    assert "Frequency Assignment. We propose a simple distribution" in text
    assert "Eavesdropping. Nodes listen" in text and "Eavesdropping.." not in text
    assert "Each node picks a frequency" in text


def test_single_column_manual_keeps_code_and_appendix_last():
    doc = read_source(REAL / "fdb-load-balancing.pdf")
    assert doc.title == "Load Balancing in FoundationDB"
    # code words set in a monospaced font inside a sentence stay in it, marked as code
    assert "Two load balancer are provided: `basicLoadBalance` and `loadBalance`, both defined in " \
           "`LoadBalance.actor.h`." in said(doc)
    code = [b for b in doc.blocks if b.kind == "code"]
    assert any(b.text.startswith("class Alternatives:") for b in code)
    appendix = next(b for b in doc.blocks if b.kind == "heading" and b.text == "Appendix")
    assert appendix.last


# --- shared ------------------------------------------------------------------------------------


@pytest.mark.parametrize("left, right, joined", [
    ("leader", "ship", "leadership"), ("con", "sensus", "consensus"), ("in", "formation", "information"),
    ("user", "friendly", "user-friendly"), ("read", "only", "read-only"),
])
def test_words_split_at_line_ends_are_joined_against_the_word_list(left, right, joined):
    assert join_split_word(left, right, set()) == joined


def test_the_documents_own_words_join_what_the_word_list_lacks():
    assert join_split_word("file", "system", set()) == "file-system"  # two words, no such word: a compound
    assert join_split_word("file", "system", {"filesystem"}) == "filesystem"  # the document's own word


@pytest.mark.parametrize("text, out", [
    ("Replication [29, 22] keeps copies.", "Replication keeps copies."),
    ("as in [4], [5], [6] and [7], there is", "as in, there is"),
    ("see [3-5].", "see."),
    ("an array a[0] of cells", "an array a[0] of cells"),  # an index, not a citation
    ("a wide range of applications [Culler et al. 2004; Bahl et al. 2004], including", "a wide range of "
     "applications, including"),
])
def test_citation_markers_are_removed(text, out):
    assert drop_citations(text)[0] == out


# --- what research takes from a reader's structure ----------------------------------------------


def test_research_ranks_back_matter_last_and_never_narrates_captions(paper):
    from showrunner.artifacts import Brief, BriefHost
    from showrunner.writing.research import build_research

    rfc = read_source(REAL / "rfc4180.txt")
    brief = Brief(slug="x", title=rfc.title, show_name="s", hosts=[BriefHost(id="a", name="A")], target_minutes=2,
                  target_words=300, sources=[rfc, paper])
    facts = build_research(brief).facts
    back = [f for f in facts if any(word in f.section for word in ("Acknowledg", "IANA", "Security", "appendices"))]
    assert back and max(f.score for f in back) < sorted((f.score for f in facts), reverse=True)[10]
    assert not any(f.text.startswith(("Figure 1", "Table 1")) for f in facts)


# --- a PDF's figures: the region shown is the figure, found beside its caption ---------------


def test_a_pdf_figure_region_is_the_whole_figure_never_a_framed_box_of_prose():
    report = read_source(REAL / "subleq-report.pdf", "sources/subleq-report.pdf")
    figures = {b.text.split(":")[0]: b for b in report.blocks if b.kind == "figure"}
    # a sentence about a figure is narration, not a caption
    assert any(b.kind == "paragraph" and b.text.startswith("Figure 1 shows the overall setup") for b in report.blocks)
    assert "Figure 1 shows" not in figures and "Figure 4 shows how information flows" not in figures
    # Table 2's table is text; the highlighted box of sentences under its caption is not it
    assert figures["Table 2"].region is None and figures["Table 2"].path is None
    fig6 = figures["Figure 6"]  # three side-by-side boxes (bugs 3a, 3b, 3c): all three
    assert fig6.path == "sources/subleq-report.pdf" and fig6.region[2] - fig6.region[0] > 300
    paper = read_source(REAL / "subleq-paper.pdf", "sources/subleq-paper.pdf")
    fig5 = next(b for b in paper.blocks if b.kind == "figure" and b.text.startswith("Figure 5"))
    # the chart's axes with their tick labels and axis titles (the curve alone ends at x 114, y 494)
    assert fig5.region[0] < 100 and fig5.region[1] < 470 and fig5.region[3] > 645


def test_a_small_captioned_pdf_figure_is_shown_a_tiny_region_is_not_and_a_real_one_renders_the_same_bytes(paper):
    from showrunner import cleaning
    from showrunner.artifacts import Block
    from showrunner.screen import visuals
    from showrunner.sources import _resolve_figures

    small = next(b for b in paper.blocks if b.kind == "figure" and b.text.startswith("Figure 1"))
    assert small.region and small.path  # 34 by 32 points with its caption: the figure, shown
    record = cleaning.Record()
    rule = Block(kind="figure", text="Figure 9: a rule", location="page 1", region=[100.0, 100.0, 400.0, 110.0])
    assert _resolve_figures([rule], REAL / "acm-sample-sigconf.pdf", "x.pdf", record)[0].path is None
    fig3 = next(b for b in paper.blocks if b.kind == "figure" and b.text.startswith("Figure 3"))
    assert fig3.path == str(REAL / "acm-sample-sigconf.pdf")
    shots = [visuals.render_pdf_region(REAL / "acm-sample-sigconf.pdf", 4, fig3.region, (600, 400)) for _ in "ab"]
    assert shots[0].tobytes() == shots[1].tobytes()
    assert shots[0].width <= 600 and shots[0].height <= 400 and max(shots[0].width / 600, shots[0].height / 400) > 0.98
    grey = shots[0].convert("L")
    assert grey.getextrema()[0] < 40  # the moths' black ink is in the region, not an empty page corner


def test_a_pdf_contents_page_with_dot_leaders_is_dropped_whatever_its_lines_became(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, "A Report on Caches", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 10, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for entry, page in (("1 Introduction", 2), ("2 Trick 1: Looking Up a Value by Address", 3),
                        ("3 Architecture at a Glance", 8), ("4 Results", 12)):
        pdf.cell(0, 6, f"{entry} {'.' * (60 - len(entry))} {page}", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 10, "1 Introduction", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "A cache keeps recent answers close to the processor. This report explains how ours "
                         "decides what to keep and what it costs when it guesses wrong.")
    path = tmp_path / "report.pdf"
    pdf.output(str(path))
    doc = read_source(path)
    assert "....." not in said(doc) and "Architecture at a Glance" not in said(doc)
    assert "table of contents" in reasons(doc)
    assert "A cache keeps recent answers close to the processor." in said(doc)


def test_a_pdf_table_or_diagram_of_text_only_gets_the_region_of_its_text():
    paper = read_source(REAL / "subleq-paper.pdf", "sources/subleq-paper.pdf")
    figures = {b.text.split(":")[0]: b for b in paper.blocks if b.kind == "figure"}
    table1 = figures["Table 1"]  # ruled by thin lines only: its cells under the caption are the table
    assert table1.path == "sources/subleq-paper.pdf"
    assert table1.region[0] < 145 and table1.region[2] > 450 and table1.region[1] < 198 and table1.region[3] > 290
    fig1 = figures["Figure 1"]  # a diagram of small boxes: its labels, from the input tokens to the output logits
    assert fig1.path and fig1.region[1] < 535 and fig1.region[3] > 765
    every = [b for b in paper.blocks if b.kind == "figure"]
    assert all(b.path for b in every), [b.text[:20] for b in every if not b.path]
