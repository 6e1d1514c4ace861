"""Does the screen tell the story? (`nice -n 10 .venv/bin/python bench/screen.py`)

Runs ep1 and every document of the real corpus (tests/corpus/real/corpus.yaml, 21 documents; and
the real README with a local figure in bench/screen_corpus) through the stages that make the
pictures: the writing stages to the storyboard (its beats), each scene's voice (real timings),
and each scene's stills (scene_image), in process as the tests run them (tests/harness.py). No
clip is encoded: with motion set to still a clip is its stills, each shown from its beat's frame
to the next (showrunner/screen/clip.py: beat_frames, the same schedule scene_clip encodes), so
the measures below are taken on the stills over the time each is on screen.

Voices: ep1 with the demo's hosts (hibari/heart, piper/joe: what `make demo` speaks); the corpus
with espeak-ng (en-us+f3, en-gb+m3) by default: real timings, and slower speech than the demo
voices' (ep1 lasts 124.7 s in espeak-ng against 105.4 s in the demo voices, so the corpus's seconds
per change are if anything higher than the demo voices would give); `--corpus-voices demo` speaks
the corpus with the demo voices too (much slower to build).

Shapes: ep1 in 16:9 (dark), 9:16 (paper) and 1:1 (light); every corpus document in 16:9 and 9:16,
the themes taken in turn. Per episode and shape it prints:

- s/change: the scenes' seconds over the visual changes (a beat shown for at least one frame that
  differs from the one before it by more than the speaking host's name);
- <2 s: the visual changes on screen for less than two seconds (flicker);
- figures: the document's figures shown of those it has (a local image a Markdown or HTML file
  references, found beside it; every PDF figure, region or not), and of those shown, how many
  while the narration is about them (the words said while it is up share at least two content
  words with its caption or the paragraphs around it; its section's heading does not count); the
  totals also check that measure: each figure judged against what is said while the next different
  figure is up (a figure put where the narration is about something else), which should rarely pass,
  and again by the words of its caption and the paragraphs that cite it by number alone (stricter);
- min text: the smallest text drawn, as a share of the frame's height (each text's font size); the
  totals add the small text inside PDF figures as drawn (the 5th percentile of the region's
  characters' font size, at the scale shown), which no rule holds yet; text inside an image file
  (a PNG figure) is not measured (it would need reading the picture);
- contrast: the lowest WCAG contrast of a text colour on what it is drawn on;
- empty: the share of the time (one sample a second) the frame is more than two thirds empty
  (showrunner/screen/measure.py: flat cells of an 18-cells-high grid).

Totals for the seen documents (ep1 included) and the unseen ones apart. Targets: at most 8 s per
visual change, every figure shown while it is talked about, no text under 2.5%, contrast at least
4.5, no 9:16 frame mostly empty.

    .venv/bin/python bench/screen.py [--only NAME ...] [--height 540] [--jobs 2] [--sheets DIR]
                                     [--keep DIR] [--json out.json] [--corpus-voices espeak|demo]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from showrunner.artifacts import Beat, Brief, Scene, SceneTimings  # noqa: E402
from showrunner.files import read_model  # noqa: E402
from showrunner.writing.sentences import content_stems  # noqa: E402

THEMES = ("dark", "light", "paper")
ESPEAK = [{"id": "ada", "name": "Ada", "persona": "curious host who asks the questions a listener would ask",
           "voice": "en-us+f3"},
          {"id": "ben", "name": "Ben", "persona": "engineer who explains with concrete examples", "voice": "en-gb+m3"}]
DEMO = [dict(ESPEAK[0], voice="hibari/heart"), dict(ESPEAK[1], voice="piper/joe")]
TARGET_S = 8.0
MIN_TEXT = 0.025
MIN_CONTRAST = 4.5
FLICKER_S = 2.0  # a visual change on screen for less than this is a flicker


@dataclass(frozen=True)
class Doc:
    name: str
    source: Path  # the file
    sources_dir: Path  # copied whole into sources/<name>/ (figures beside it)
    minutes: float
    unseen: bool
    shapes: tuple[tuple[str, str], ...]  # (aspect, theme)
    voices: str  # demo | espeak


def documents(corpus_voices: str) -> list[Doc]:
    from tests.corpus import real_corpus

    docs = [Doc("ep1", REPO / "sources/ep1/build-caches.md", REPO / "sources/ep1", 2.0, False,
                (("16:9", "dark"), ("9:16", "paper"), ("1:1", "light")), "demo")]
    for k, d in enumerate(real_corpus()):
        docs.append(Doc(d.slug, d.source, d.source.parent, d.target_minutes, d.unseen,
                        (("16:9", THEMES[k % 3]), ("9:16", THEMES[(k + 1) % 3])), corpus_voices))
    voting = REPO / "bench/screen_corpus/example-voting-app"
    docs.append(Doc("voting-app", voting / "README.md", voting, 1.5, True, (("16:9", "light"), ("9:16", "dark")),
                    corpus_voices))
    return docs


def config_for(doc: Doc, height: int, aspect: str, theme: str) -> dict:
    from tests.configs import writing_config

    rel = f"sources/{doc.name}/{doc.source.name}"
    raw = writing_config(sources=[rel], target_minutes=doc.minutes,
                         video={"height": height, "fps": 15, "motion": "still", "aspect": aspect},
                         audio={"sample_rate": 24000})
    raw["show"]["hosts"] = DEMO if doc.voices == "demo" else ESPEAK
    raw["show"]["style"] = {"theme": theme}
    if doc.name != "ep1":
        del raw["episodes"]["ep1"]["title"]
    return raw


# --- what the narration says while a beat is up ----------------------------------------------


def _words(scene: Scene) -> list[tuple[str, int, str]]:
    return [(s.id, w, word) for s in scene.segments for w, word in enumerate(s.text.split())]


def said_between(scene: Scene, start: Beat, end: Beat | None) -> str:
    """The narration's words from `start`'s anchor to `end`'s (the scene's end when None)."""
    words = _words(scene)
    order = {(seg, w): n for n, (seg, w, _) in enumerate(words)}
    a = order.get((start.segment_id, start.word), 0)
    b = order.get((end.segment_id, end.word), len(words)) if end is not None else len(words)
    return " ".join(word for _, _, word in words[a:max(b, a + 1)])


def figures_of(brief: Brief, strict: bool = False) -> dict[str, set[str]]:
    """Each figure the documents have (a local image, or any PDF figure), by its element name,
    with the content words it is about: its caption and the paragraphs either side, not its
    section's heading (every sentence of the section shares that) nor 'figure' or 'table'.
    `strict`: its caption and only the paragraphs that cite it by its number ('Figure 3 shows')."""
    out: dict[str, set[str]] = {}
    for doc in brief.sources:
        pdf = doc.path.lower().endswith(".pdf")
        for n, block in enumerate(doc.blocks):
            if block.kind != "figure" or not (block.path or pdf):
                continue
            if strict:
                label = re.match(r"\s*(fig(?:ure)?\.?|table|algorithm|listing)\s*(\d+)\b", block.text, re.I)
                name = label and (r"fig(?:ure|\.)?" if label.group(1).lower().startswith("fig") else label.group(1))
                around = [b.text for k, b in enumerate(doc.blocks) if label and k != n and b.kind in (
                    "paragraph", "list") and re.search(rf"\b{name}\s*{label.group(2)}\b", b.text, re.I)]
            else:
                around = [next((b.text for b in reversed(doc.blocks[:n]) if b.kind == "paragraph"), ""),
                          next((b.text for b in doc.blocks[n + 1:] if b.kind == "paragraph"), "")]
            out[f"{doc.path} {block.location}|{block.text.strip()}"] = set(content_stems(" ".join(
                [block.text, *around]))) - {"figur", "fig", "tabl", "algorithm", "listing"}
    return out


def _picture(beat: Beat) -> dict:
    """What a beat puts on screen, whenever it comes (the host's name apart)."""
    return beat.model_dump(exclude={"segment_id", "word"})


def _figure_key(beat: Beat) -> str:
    """Which of the documents' figures a beat shows: its element (file and page or line) and caption
    (a page can hold several figures, and one whose region was not found is shown as its page)."""
    return f"{beat.element}|{beat.text}"


# --- one document -------------------------------------------------------------------------------


def build(doc: Doc, root: Path, height: int) -> list[dict]:
    """The document's storyboard, voices and stills in every shape; a row of measures per shape."""
    import numpy as np
    from PIL import Image

    from showrunner.screen import clip, measure
    from tests.conftest import WritingProject
    from tests.harness import StageHarness

    started = time.monotonic()
    aspect0, theme0 = doc.shapes[0]
    images = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")
    sources = {f"sources/{doc.name}/{p.relative_to(doc.sources_dir)}": p.read_bytes()
               for p in doc.sources_dir.rglob("*") if p.is_file() and (p == doc.source or p.suffix.lower() in images)}
    project = WritingProject(root, config_for(doc, height, aspect0, theme0), sources)
    project.run_until("storyboard")
    names = project.scene_names()
    for name in names:
        project.run("scene_voice", name)
    written = time.monotonic() - started
    brief = read_model(project.path("brief.json"), Brief)
    present = figures_of(brief)
    strict = figures_of(brief, strict=True)
    scenes = [read_model(project.path(f"scenes/{n}.json"), Scene) for n in names]
    timings = [read_model(project.path(f"media/{n}/timings.json"), SceneTimings) for n in names]
    rows = []
    for aspect, theme in doc.shapes:
        shape_started = time.monotonic()
        tag = aspect.replace(":", "x")
        harness = StageHarness(root, config_for(doc, height, aspect, theme), "ep1")
        seconds, changes, pictures, empty_s = 0.0, 0, 0, 0.0
        smallest, lowest = 1.0, 21.0
        shown_figures: dict[str, bool] = {}
        figure_text: list[float] = []  # the small text inside each PDF figure drawn (not ruled: measured)
        windows: list[tuple[str, set[str]]] = []  # each figure's showing: what is said while it is up
        tiles = []
        holds: list[float] = []  # how long each visual change stays (beats that differ only by the host merged)
        for name, scene, timing in zip(names, scenes, timings, strict=True):
            out = project.path(f"media/{name}/{tag}")
            harness.run("scene_image", name, image=str(out / "image.png"), beats=str(out / "beats"),
                        provenance=str(out / "image.provenance.json"))
            listed = json.loads((out / "beats" / "beats.json").read_text(encoding="utf-8"))["beats"]
            smallest = min([smallest, *(b["smallest_text"] for b in listed)])
            figure_text.extend(b["figure_text"] for b in listed if "figure_text" in b)
            lowest = min([lowest, *(b["lowest_contrast"] for b in listed)])
            beats = list(scene.beats)
            shown = clip.beat_frames(beats, scene, timing)
            previous: Beat | None = None
            for n, (k, frames) in enumerate(shown):
                beat = beats[k]
                s = frames / timing.fps
                seconds += s
                pictures += 1
                if previous is None or _picture(beat) != _picture(previous):
                    changes += 1
                    holds.append(0.0)
                holds[-1] += s
                previous = beat
                with Image.open(out / "beats" / listed[k]["file"]) as still:
                    gray = np.asarray(still.convert("L"))
                if measure.empty_share(gray) > measure.MOSTLY:
                    empty_s += s
                if beat.kind == "figure":
                    key = _figure_key(beat)
                    # the figure is up until a beat that shows something else (not the same figure
                    # drawn again with the next host's name)
                    following = next((beats[j] for j, _ in shown[n + 1:] if _picture(beats[j]) != _picture(beat)),
                                     None)
                    said = set(content_stems(said_between(scene, beat, following)))
                    about = len(said & present.get(key, set())) >= 2
                    if n == 0 or _picture(beats[shown[n - 1][0]]) != _picture(beat):
                        windows.append((key, said))
                    shown_figures[key] = shown_figures.get(key, False) or about
                tiles.append((scene.index, k + 1, out / "beats" / listed[k]["file"], beat, s))
        rows.append({"episode": doc.name, "shape": f"{aspect} {theme}", "unseen": doc.unseen, "voices": doc.voices,
                     "scenes": len(names), "seconds": round(seconds, 1), "pictures": pictures, "changes": changes,
                     "per_change": round(seconds / max(changes, 1), 2),
                     "shortest": round(min(holds, default=0.0), 2), "flicker": sum(1 for h in holds if h < FLICKER_S),
                     "figures": len(present), "figures_shown": len(set(shown_figures) & set(present)),
                     "figures_about": sum(1 for key, ok in shown_figures.items() if ok and key in present),
                     "control": _control(windows, present),
                     "figures_about_strict": _about(windows, strict),
                     "control_strict": _control(windows, strict),
                     "figure_text": [round(min(figure_text, default=1.0), 4),
                                     sum(1 for t in figure_text if t < MIN_TEXT), len(figure_text)],
                     "missing": sorted(k.split("|")[0] for k in set(present) - set(shown_figures)),
                     "smallest_text": round(smallest, 4), "lowest_contrast": round(lowest, 2),
                     "mostly_empty": round(empty_s / max(seconds, 1e-9), 3),
                     "build_s": round(written + time.monotonic() - shape_started, 1),
                     "tiles": [(i, k, str(p), b.kind, round(s, 1)) for i, k, p, b, s in tiles],
                     "sheet_font": (harness.job("scene_image", names[0]).episode.show.style.font,
                                    harness.job("scene_image", names[0]).episode.show.style.font_bold)})
    return rows


def _about(windows: list[tuple[str, set[str]]], present: dict[str, set[str]]) -> int:
    """The figures shown at least once while what is said shares two words with what they are about."""
    return len({k for k, said in windows if k in present and len(said & present[k]) >= 2})


def _control(windows: list[tuple[str, set[str]]], present: dict[str, set[str]]) -> list[int]:
    """The check of 'talked about' itself: each figure judged against what is said while the next
    different figure is up (a figure put where the narration is about something else). Returns
    [judged talked about there, figures tried]; a fair measure passes few of them."""
    keys = list(dict.fromkeys(k for k, _ in windows if k in present))
    if len(keys) < 2:
        return [0, 0]
    said = {k: set().union(*(w for key, w in windows if key == k)) for k in keys}
    passed = sum(len(said[keys[(i + 1) % len(keys)]] & present[k]) >= 2 for i, k in enumerate(keys))
    return [passed, len(keys)]


def _build_one(args: tuple[Doc, Path, int]) -> list[dict] | str:
    doc, root, height = args
    root.mkdir(parents=True, exist_ok=True)
    try:
        return build(doc, root, height)
    except Exception as err:  # noqa: BLE001 - a document that does not build is reported, not fatal
        return f"{type(err).__name__}: {err}"


def write_sheet(row: dict, out: Path) -> None:
    """The episode's beats as one grid (the report's contact sheet: showrunner/report/contact_sheet.py),
    each tile labelled scene.beat, its kind and how long it is on screen."""
    from showrunner.report.contact_sheet import Tile, contact_sheet

    tiles = [Tile(i, f"{kind} \u00b7 {s:.1f} s", Path(p), label=f"{i:02d}.{k}") for i, k, p, kind, s in row["tiles"]]
    contact_sheet(tiles, out, font=row["sheet_font"][0], font_bold=row["sheet_font"][1], most_columns=6)


# --- the table ----------------------------------------------------------------------------------


def show(rows: list[dict]) -> None:
    print(f"{'episode':34} {'shape':12} {'voices':6} {'s/change':>8} {'changes':>7} {'<2 s':>4} {'figures':>8} "
          f"{'about':>5} {'min text':>8} {'contrast':>8} {'empty':>6}")
    for r in rows:
        name = r["episode"] + (" (unseen)" if r["unseen"] else "")
        print(f"{name:34} {r['shape']:12} {r['voices']:6} {r['per_change']:8.2f} {r['changes']:7d} {r['flicker']:4d} "
              f"{r['figures_shown']:>3} of {r['figures']:<2} {r['figures_about']:5d} {r['smallest_text']:8.2%} "
              f"{r['lowest_contrast']:8.2f} {r['mostly_empty']:6.1%}")
        if r["missing"]:
            print(f"{'':34} not shown: {'; '.join(r['missing'])}")


def totals(rows: list[dict], label: str) -> str:
    if not rows:
        return f"{label}: none"
    seconds = sum(r["seconds"] for r in rows)
    changes = sum(r["changes"] for r in rows)
    mean = sum(r["per_change"] for r in rows) / len(rows)
    worst = max(rows, key=lambda r: r["per_change"])
    tall = [r for r in rows if r["shape"].startswith("9:16")]
    wide = [r for r in rows if r["shape"].startswith("16:9")]

    def empty(group: list[dict]) -> str:
        total = sum(r["seconds"] for r in group)
        return f"{sum(r['mostly_empty'] * r['seconds'] for r in group) / max(total, 1e-9):.1%}" if group else "-"

    return (f"{label}: {len(rows)} episode-shapes; s/change mean {mean:.2f} (pooled {seconds / max(changes, 1):.2f}, "
            f"worst {worst['per_change']:.2f} {worst['episode']} {worst['shape']}; target <= {TARGET_S:g}); "
            f"changes under {FLICKER_S:g} s {sum(r['flicker'] for r in rows)} of {changes}; "
            f"figures shown {sum(r['figures_shown'] for r in rows)} of {sum(r['figures'] for r in rows)}, "
            f"while talked about {sum(r['figures_about'] for r in rows)} (at another figure's moment "
            f"{sum(r['control'][0] for r in rows)} of {sum(r['control'][1] for r in rows)}; by the words of its "
            f"caption and citing paragraphs alone {sum(r['figures_about_strict'] for r in rows)}, at another "
            f"figure's moment {sum(r['control_strict'][0] for r in rows)}); smallest text "
            f"{min(r['smallest_text'] for r in rows):.2%} (>= 2.5%; inside PDF figures "
            f"{min(r['figure_text'][0] for r in rows):.2%}, under 2.5% in {sum(r['figure_text'][1] for r in rows)} of "
            f"{sum(r['figure_text'][2] for r in rows)} drawn); lowest contrast "
            f"{min(r['lowest_contrast'] for r in rows):.2f} (>= 4.5); mostly empty: 16:9 {empty(wide)}, "
            f"9:16 {empty(tall)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="episode names (ep1, corpus slugs, voting-app)")
    parser.add_argument("--height", type=int, default=540, help="the frame's short side (the measures are shares)")
    parser.add_argument("--jobs", type=int, default=2, help="documents built at once")
    parser.add_argument("--sheets", type=Path, help="write each episode-shape's contact sheet here")
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    parser.add_argument("--corpus-voices", choices=("espeak", "demo"), default="espeak")
    args = parser.parse_args()
    docs = [d for d in documents(args.corpus_voices) if not args.only or d.name in args.only]
    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="showrunner-screen-")
    base = args.keep or Path(tmp.name)  # type: ignore[union-attr]
    started = time.monotonic()
    rows: list[dict] = []
    failed: list[str] = []
    with ProcessPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        for doc, result in zip(docs, pool.map(_build_one, [(d, base / d.name, args.height) for d in docs]),
                               strict=True):
            if isinstance(result, str):
                failed.append(doc.name)
                print(f"== {doc.name}: not built ({result})")
            else:
                rows.extend(result)
    print(f"built {len(docs) - len(failed)} of {len(docs)} documents in {time.monotonic() - started:.0f} s, "
          f"frame height {args.height}\n")
    show(rows)
    print()
    seen = [r for r in rows if not r["unseen"]]
    unseen = [r for r in rows if r["unseen"]]
    print(totals(seen, "SEEN"))
    print(totals(unseen, "UNSEEN"))
    print(totals(rows, "ALL"))
    if args.sheets:
        args.sheets.mkdir(parents=True, exist_ok=True)
        for r in rows:
            write_sheet(r, args.sheets / f"{r['episode']}-{r['shape'].split()[0].replace(':', 'x')}.png")
    if args.json:
        args.json.write_text(json.dumps([{k: v for k, v in r.items() if k != "tiles"} for r in rows], indent=1))
    if tmp is not None:
        tmp.cleanup()
    ok = not failed and all(r["per_change"] <= TARGET_S and r["figures_about"] == r["figures"]
                            and r["smallest_text"] >= MIN_TEXT and r["lowest_contrast"] >= MIN_CONTRAST
                            and not (r["shape"].startswith("9:16") and r["mostly_empty"] > 0) for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
