"""A corpus of realistic, awkward documents for the writing stages (tests and bench/documents.py).

Each document lists its main points: phrases (by their content words) that the narration must
cover, the document's key lists and claims, not its install trivia or licence line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Document:
    name: str  # the source file name under sources/
    main_points: tuple[str, ...]
    target_minutes: float

    @property
    def slug(self) -> str:
        return self.name.rsplit(".", 1)[0]


CORPUS = (
    Document("quickfetch-readme.md", (
        "opens up to 16 connections per host",
        "splits a large file into ranges downloaded in parallel",
        "checked against a SHA-256 checksum",
        "resumes where it stopped",
        "three stages planning fetching verifying",
    ), 2.0),
    Document("fieldnotes-page.html", (
        "living culture of wild yeast and lactic acid bacteria",
        "fed by throwing most of it away adding fresh flour and water",
        "doubles in volume within six hours",
        "problems come from temperature",
        "hooch means the starter is hungry",
    ), 3.0),  # more than the page can fill: the outline must say so and agree a shorter length
    Document("release-guide.pdf", (
        "release train every six weeks",
        "freeze branch cut two weeks before",
        "release candidate tested on three platforms",
        "security fixes backported to the last two releases",
    ), 2.0),
)

PDF_HEADER = "Release guide - Tidewater docs"
PDF_STAMP = "12/01/2026, 09:14"
PDF_FOOTER = "https://docs.example.org/tidewater/release"

PDF_PAGES = [
    [("h1", "Tidewater release guide"),
     ("p", "Tidewater ships on a release train every six weeks, whatever is ready goes and whatever is not "
           "waits for the next train. The train never waits for a feature, so a late change costs six weeks "
           "at most and never holds up anyone else."),
     ("p", "Each release goes through three gates before it reaches users: the freeze, the release candidate "
           "and the final sign-off."),
     ("h2", "The freeze"),
     ("p", "The freeze branch is cut two weeks before the release date. From then on only fixes for "
           "regressions land on it, each reviewed by two maintainers."),
     ("p", "The freeze has three rules:"),
     ("li", "No new features after the branch is cut."),
     ("li", "Every fix on the branch also lands on main the same day."),
     ("li", "A fix that breaks the build is reverted at once, not repaired in place.")],
    [("h1", "Release candidates"),
     ("p", "A release candidate is tested on three platforms, Linux, macOS and Windows, by the continuous "
           "integration system and by at least one person per platform. A candidate that fails on any of "
           "them is withdrawn and a new one is built the next day."),
     ("code", "git switch release/3.2\n./tools/build-candidate --sign\n./tools/upload rc1"),
     ("p", "Candidates are announced on the mailing list with a list of the changes since the last one, so "
           "testers know where to look."),
     ("h2", "Support"),
     ("p", "Security fixes are backported to the last two releases, and every release is supported for "
           "twelve weeks. Older releases get no fixes at all, so users are asked to move to a newer train "
           "within a month of its release.")],
    [("h2", "Signing off"),
     ("p", "The release manager signs off once the candidate has been out for a week with no new "
           "regressions. The signed tag is pushed, the packages are published and the freeze branch is "
           "closed."),
     ("p", "A release that has to be pulled after sign-off gets a point release within two days rather than "
           "a silent replacement of the packages.")],
]


def build_pdf(path: Path) -> Path:
    """The release guide as a browser would print it: a running header with the page title and the
    print date, and a footer with the address and the page number, on every page."""
    from fpdf import FPDF

    class Printed(FPDF):
        def header(self):
            self.set_font("Helvetica", size=8)
            self.cell(0, 5, PDF_STAMP)
            self.set_x(120)
            self.cell(0, 5, PDF_HEADER, new_x="LMARGIN", new_y="NEXT")
            self.ln(6)

        def footer(self):
            self.set_y(-12)
            self.set_font("Helvetica", size=8)
            self.cell(0, 5, PDF_FOOTER)
            self.set_x(180)
            self.cell(0, 5, f"{self.page_no()}/{{nb}}")

    pdf = Printed()
    pdf.alias_nb_pages()
    for page in PDF_PAGES:
        pdf.add_page()
        for kind, text in page:
            if kind == "h1":
                pdf.set_font("Helvetica", "B", 20)
                pdf.multi_cell(0, 10, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(3)
            elif kind == "h2":
                pdf.set_font("Helvetica", "B", 15)
                pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)
            elif kind == "li":
                pdf.set_font("Helvetica", size=11)
                pdf.multi_cell(0, 6, f"- {text}", new_x="LMARGIN", new_y="NEXT")
            elif kind == "code":
                pdf.ln(3)
                pdf.set_font("Courier", size=10)
                for line in text.splitlines():
                    pdf.cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(3)
            else:
                pdf.set_font("Helvetica", size=11)
                pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(3)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def install(root: Path) -> list[str]:
    """Put every corpus document under root/sources/corpus/; their paths relative to root."""
    out = []
    for doc in CORPUS:
        target = root / "sources" / "corpus" / doc.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if doc.name.endswith(".pdf"):
            build_pdf(target)
        else:
            target.write_bytes((HERE / doc.name).read_bytes())
        out.append(str(target.relative_to(root)))
    return out


# --- the real documents (tests/corpus/real/corpus.yaml) --------------------------------------

REAL = HERE / "real"


@dataclass(frozen=True)
class RealDocument:
    file: str
    repo: str
    path: str
    commit: str
    licence: str
    format: str
    unseen: bool
    main_points: tuple[str, ...]
    target_minutes: float = 2.0

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9-]+", "-", self.file.rsplit(".", 1)[0].lower()).strip("-")

    @property
    def source(self) -> Path:
        return REAL / self.file


def real_corpus() -> list[RealDocument]:
    """The real public documents, in the index's order."""
    import yaml

    index = yaml.safe_load((REAL / "corpus.yaml").read_text(encoding="utf-8"))
    return [RealDocument(file=d["file"], repo=d["repo"], path=d["path"], commit=d["commit"], licence=d["licence"],
                         format=d["format"], unseen=bool(d["unseen"]), main_points=tuple(d["main_points"]),
                         target_minutes=float(d.get("target_minutes", 2.0))) for d in index["documents"]]


# --- what the bench and the tests measure ----------------------------------------------------

DOCUMENT_FLOOR = 0.5  # however little of a point the document says in its words, half of them must be said
COVERED = 0.6  # share of a main point's content words that one sentence (or two in a row) must say


def segment_defects(script, dropped) -> dict[str, list[str]]:
    """Read-aloud defects (showrunner.writing.read_aloud's rules) by segment id."""
    from showrunner.writing.read_aloud import furniture_defects, narration_defects, sentence_defects
    from showrunner.writing.sentences import split_sentences

    found: dict[str, list[str]] = {}
    sections: dict[str, list] = {}
    for segment in script.segments:
        sections.setdefault(segment.section_id, []).append(segment)
        defects = [d for s in split_sentences(segment.text) for d in sentence_defects(s)]
        defects += furniture_defects(segment.text, dropped)
        if defects:
            found.setdefault(segment.id, []).extend(str(d) for d in defects)
    # the episode-wide rules (dangling starts, repeats), attributed to the segment they are in
    episode = narration_defects([[s.text for s in segs] for segs in sections.values()], dropped)
    for defect in episode:
        if defect.rule not in ("dangling-start", "repeated"):
            continue
        segment = next((s for s in script.segments if defect.text in s.text), None)
        if segment is not None:
            found.setdefault(segment.id, []).append(str(defect))
    return found


# words that carry a point's meaning although the writer's salience measure treats them as stopwords
_JUDGED = frozenset({"not", "no", "never", "without", "only"})
# the spoken frame around the content: a sentence of these words and the episode's headings says no point
_FRAME_WORDS = ("welcome today tell about next now finally then what's takeaway thanks listening look come where "
                "does that was our answer here with")


def _judged_stems(text: str) -> set[str]:
    """A text's content stems, a hyphenated compound judged as its words: a point written "zero-cost" is said by
    "zero cost", and "single step" says "single-step"."""
    from showrunner.writing.sentences import content_stems, stem, words

    text = re.sub(r"(?<=[^\W\d_])-(?=[^\W\d_])", " ", text)  # between letters: "2-3" and "-x" stay as they are
    return set(content_stems(text)) | {stem(w) for w in words(text) if w in _JUDGED}


def _windows(sentences: list[str], frame: set[str] = frozenset()) -> list[set[str]]:
    stems = [st for s in sentences if (st := _judged_stems(s)) and not st <= frame]
    return stems + [a | b for a, b in zip(stems, stems[1:], strict=False)]


def document_coverage(point: str, source_text: list[str]) -> float:
    """How much of a main point the document itself says in one sentence or two in a row: a point written
    as a summary ("loadBalance prefers the fastest interface") may use words the document never uses."""
    from showrunner.writing.sentences import split_sentences

    stems = _judged_stems(point)
    windows = _windows([s for text in source_text for s in split_sentences(text)])
    return max((len(stems & w) / len(stems) for w in windows), default=0.0) if stems else 0.0


def main_points_covered(script, points, headings=(), source_text=None) -> list[tuple[str, bool]]:
    """Whether the narration says each main point: at least COVERED of the point's content words in one
    sentence, or two sentences said one after the other (a point is a claim, not words scattered over a
    segment). A sentence that only recites headings (a host's "Tell us about features, Ben.", "Next, how it
    works.") says no point; `headings` are the outline's section titles and the hosts' names. The episode
    title stays: the opening says it as a statement ("Today: fd, find entries in the filesystem").

    With the document's text (`source_text`, its blocks), a point the document itself says in fewer of
    those words is said when the narration says as much of it as the document does, never under
    DOCUMENT_FLOOR: narration drawn from the document cannot say it in words the document lacks."""
    from showrunner.writing.sentences import split_sentences

    frame = _judged_stems(" ".join([*headings, _FRAME_WORDS]))
    windows = _windows([s for segment in script.segments for s in split_sentences(segment.text)], frame)
    out = []
    for point in points:
        stems = _judged_stems(point)
        need = COVERED if source_text is None else \
            max(DOCUMENT_FLOOR, min(COVERED, document_coverage(point, source_text)))
        out.append((point, bool(stems) and any(len(stems & w) / len(stems) >= need for w in windows)))
    return out
