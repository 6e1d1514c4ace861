"""The screen: beats timed to the voice, layouts that keep text readable, the documents' figures shown."""

from __future__ import annotations

import io
import json
import subprocess

import numpy as np
import pytest
from PIL import Image
from pydantic import ValidationError

from showrunner import media
from showrunner.artifacts import Beat, Brief, Scene, SceneTimings, Segment, SegmentTiming
from showrunner.config import Style
from showrunner.errors import ArtifactError
from showrunner.screen import clip, draw, plan, themes
from showrunner.screen.measure import empty_share
from tests.project import Project, small_config

STYLE = Style()
FONTS = draw.Fonts(STYLE.font, STYLE.font_bold, STYLE.font_mono)
SIZES = {"16:9": (960, 540), "9:16": (540, 960), "1:1": (720, 720)}


def _seg(n: int, text: str, speaker: str = "ben") -> Segment:
    return Segment(id=f"seg{n}", speaker=speaker, text=text, section_id="s1")


def _scene(**fields) -> Scene:
    base = {"index": 1, "section_id": "s1", "title": "Content hashes", "estimated_seconds": 10,
            "segments": [_seg(1, "So what changed?", "ada"),
                         _seg(2, "A hash of every input is kept. When the hashes match, the output is reused.")]}
    return Scene(**(base | fields))


# --- timing ----------------------------------------------------------------------------------


def test_beats_start_where_the_voice_says_their_words():
    scene = _scene(beats=[Beat(kind="chapter", segment_id="seg1", heading="Content hashes"),
                          Beat(kind="points", segment_id="seg2", points=["A hash of every input"]),
                          Beat(kind="points", segment_id="seg2", word=7, points=["Matching hashes: reuse"])])
    text = scene.segments[1].text
    # seg2 is said from 2.0 s to 6.0 s with a pause of 1 s inside: 3 s of speech
    timings = SceneTimings(scene=1, sample_rate=24000, samples=24000 * 8, fps=10, frames=80, segments=[
        SegmentTiming(segment_id="seg1", speaker="ada", text="So what changed?", start=0.0, end=1.5),
        SegmentTiming(segment_id="seg2", speaker="ben", text=text, start=2.0, end=6.0, pauses=[(3.0, 4.0)])])
    shown = clip.beat_frames(scene.beats, scene, timings)
    # word 7 ("When") comes after "A hash of every input is kept. ": 31 of the segment's characters,
    # so 31/len of its 3 s of speech: 1.2 s, which is past the 1 s before the pause: 2 + 1.2 + 1
    assert text.split()[7] == "When" and len(text) == 75
    expected = 2.0 + 31 / 75 * 3.0 + 1.0
    assert shown == [(0, 20), (1, round(expected * 10) - 20), (2, 80 - round(expected * 10))]
    assert sum(frames for _, frames in shown) == timings.frames


def test_a_beat_of_a_segment_the_voice_does_not_have_is_named():
    scene = _scene(beats=[Beat(kind="points", segment_id="seg1", points=["x"])])
    timings = SceneTimings(scene=1, sample_rate=24000, samples=24000, fps=10, frames=10, segments=[
        SegmentTiming(segment_id="seg9", speaker="ada", text="Other.", start=0.0, end=0.5)])
    with pytest.raises(ArtifactError, match="no segment seg1"):
        clip.beat_frames(scene.beats, scene, timings)


def test_beats_must_follow_the_narration():
    with pytest.raises(ValidationError, match="beats.1: comes before"):
        _scene(beats=[Beat(kind="points", segment_id="seg2", word=3), Beat(kind="points", segment_id="seg2")])
    with pytest.raises(ValidationError, match="seg7 is not a segment"):
        _scene(beats=[Beat(kind="points", segment_id="seg7")])


def test_the_plan_brings_points_as_they_are_said_and_a_number_as_a_card():
    scene = _scene(bullets=["Matching hashes mean reuse"],
                   segments=[_seg(1, "So what changed since the first build tools?", "ada"),
                             _seg(2, "Make was written in 1976 and compares times. Modern tools hash every input "
                                     "instead, and they keep the hash of each one. When the hashes match, the "
                                     "stored output is reused.")])
    beats = plan.plan_beats(scene, opening="chapter", chapter=2)
    assert beats[0].kind == "chapter" and beats[0].points == ["Matching hashes mean reuse"]
    number = next(b for b in beats if b.kind == "number")
    assert number.text == "1976" and number.segment_id == "seg2" and number.word == 0
    reuse = next(b for b in beats if b.kind == "points" and b.points[-1] == "Matching hashes mean reuse")
    words = scene.segments[1].text.split()
    assert words[reuse.word] == "When"  # the point appears as the sentence that says it begins


def test_a_long_listing_pages_instead_of_shrinking():
    """A long listing pages across beats, each page up PAGE_MIN_S at least (a quick mention: fewer pages)."""
    code = "\n".join(f"value_{i} = compute(inputs[{i}])" for i in range(40))
    scene = _scene(code=code, code_language="python",
                   segments=[_seg(1, "The code on screen computes forty values, one for each input, in order, "
                                     "and stores each one under its own name so that later steps can use them. "
                                     "Each value comes from the same function with its own input, and nothing is "
                                     "shared between them, so any of them could be computed again on its own "
                                     "without touching the others.")])
    beats = [b for b in plan.plan_beats(scene, opening=None) if b.kind == "code"]
    assert len(beats) == 5 and [b.highlight[0] for b in beats] == [1, 9, 17, 25, 33]
    pal = themes.palette("dark")
    pages = set()
    for beat in beats:
        image, measured = draw.draw_beat(beat, SIZES["9:16"], pal, FONTS, show="S", host="Ben", root=".")
        assert measured.smallest_fraction >= 0.025
        pages.add(image.tobytes())
    assert len(pages) == 5  # every step is a different picture: the listing moves on, it does not shrink
    quick = _scene(code=code, code_language="python",
                   segments=[_seg(1, "The code on screen computes forty values, one for each input, in order.")])
    assert len([b for b in plan.plan_beats(quick, opening=None) if b.kind == "code"]) == 1  # no page flashes past


# --- layouts and themes ----------------------------------------------------------------------


def _figure(tmp_path) -> str:
    Image.new("RGB", (640, 400), (255, 0, 255)).save(tmp_path / "fig.png")
    return "fig.png"


def _every_kind(tmp_path) -> list[Beat]:
    long = "a build cache remembers everything that went into every output and hands it back " * 3
    code = "\n".join(f"    value_{i} = compute(inputs[{i}], flags='-O2 -g -fno-omit-frame-pointer')  # {i}"
                     for i in range(30))
    rows = [["Tool", "Seconds", "Notes"], ["make", "12", "timestamps"], ["bazel", "3.5", "content hashes, remote"],
            ["nix", "4", "store paths"]]
    return [
        Beat(kind="title", segment_id="seg1", heading="How a build cache decides what to rebuild " * 2, text="Show",
             label="Ada and Ben", points=["Timestamps", "Content hashes", "The action key"]),
        Beat(kind="chapter", segment_id="seg1", heading="Supercalifragilisticexpialidocious " * 3, text="Part 2",
             points=[long]),
        Beat(kind="points", segment_id="seg1", heading="A heading", points=[long, "short", long]),
        Beat(kind="code", segment_id="seg1", heading="Code", text=code, label="Python", highlight=[3, 4],
             points=[long]),
        Beat(kind="table", segment_id="seg1", heading="Table", rows=rows),
        Beat(kind="chart", segment_id="seg1", heading="Chart", rows=rows, label="Seconds per build"),
        Beat(kind="number", segment_id="seg1", heading="Number", text="1976", label=long),
        Beat(kind="quote", segment_id="seg1", heading="Quote", text=long, label="The Make manual"),
        Beat(kind="figure", segment_id="seg1", heading="Figure", text=long, path=_figure(tmp_path)),
        Beat(kind="diagram", segment_id="seg1", heading="Diagram", text="digraph { a -> b; b -> c; a -> c }",
             label="How the steps depend on each other"),
    ]


@pytest.mark.parametrize("aspect", list(SIZES))
@pytest.mark.parametrize("theme", list(themes.THEMES))
def test_every_layout_keeps_text_large_and_readable(tmp_path, aspect, theme):
    size = SIZES[aspect]
    pal = themes.palette(theme)
    for beat in _every_kind(tmp_path):
        image, measured = draw.draw_beat(beat, size, pal, FONTS, show="Plain Circuits", host="Ada", root=tmp_path)
        assert image.size == size
        assert measured.texts and measured.smallest_fraction >= 0.025, (beat.kind, measured.smallest)
        assert measured.lowest >= 4.5, (beat.kind, measured.lowest)


def test_a_theme_that_cannot_be_read_is_refused_and_measured():
    with pytest.raises(ValidationError, match=r"contrast below 4.5:1\): foreground on background: 1\.2"):
        Style(background="#777777", foreground="#888888")
    # the same pair drawn anyway (a palette built by hand): the measure catches it
    pal = themes.palette("dark")
    bad = themes.Palette(**{**pal.__dict__, "muted": (40, 44, 56)})
    beat = Beat(kind="points", segment_id="seg1", heading="H", points=["said before", "said now"])
    _, ok = draw.draw_beat(beat, (320, 180), pal, FONTS, show="S", host="Ada", root=".")
    _, measured = draw.draw_beat(beat, (320, 180), bad, FONTS, show="S", host="Ada", root=".")
    assert ok.lowest >= 4.5 and measured.lowest < 1.5


def test_the_tall_frame_is_used_top_to_bottom():
    beat = Beat(kind="points", segment_id="seg1", heading="Sharing a cache between machines",
                points=["Once outputs are keyed by content, they can be shared"])
    image, _ = draw.draw_beat(beat, SIZES["9:16"], themes.palette("paper"), FONTS, show="S", host="Ben", root=".")
    grey = np.asarray(image.convert("L"))
    halves = [empty_share(grey[:480]), empty_share(grey[480:])]
    assert all(share < 0.8 for share in halves) and empty_share(grey) < 2 / 3


@pytest.mark.parametrize("aspect", list(SIZES))
def test_every_shape_is_filled_by_points_and_cards(aspect):
    """No beat of text leaves two thirds of the frame empty: the point being said fills its box, the
    earlier ones sit beside it (16:9) or under it (9:16, 1:1), a chapter card lists the parts."""
    parts = ["Timestamps: the oldest rule", "Content hashes", "The action key", "Sharing a cache"]
    beats = [Beat(kind="points", segment_id="seg1", heading="Overview",
                  points=["Every build tool answers one question over and over: is this output still good"]),
             Beat(kind="points", segment_id="seg1", heading="Overview",
                  points=["Today: how a build cache decides what to rebuild",
                          "Getting the answer right is the difference between a build of a second and an hour"]),
             Beat(kind="chapter", segment_id="seg1", heading="The action key", text="Part 3", points=parts),
             Beat(kind="title", segment_id="seg1", heading="Plain Circuits", label="Ada and Ben",
                  points=["Short explainers on how the software we use every day really works"]),
             Beat(kind="points", segment_id="seg1", heading="Sharing a cache between machines", points=[])]
    for beat in beats:
        image, measured = draw.draw_beat(beat, SIZES[aspect], themes.palette("dark"), FONTS, show="S", host="Ben",
                                         root=".")
        assert empty_share(np.asarray(image.convert("L"))) <= 2 / 3, (aspect, beat.kind, beat.points[:1])
        assert measured.smallest_fraction >= 0.025


def test_a_long_sentence_changes_the_picture_at_a_clause():
    long = ("Surprisingly, while this format is very common, it has never been formally documented, and the "
            "programs that read it and the programs that write it each made up their own rules for quotes, so "
            "every one of them disagrees with the others about what a field that holds a comma should look like.")
    scene = _scene(segments=[_seg(1, long)])
    beats = plan.plan_beats(scene, opening=None)
    assert len(beats) >= 2 and all(b.segment_id == "seg1" for b in beats)
    assert beats[1].word > 10  # the second picture comes inside the sentence, at a clause


def test_a_table_stays_up_while_its_caption_follows_what_is_said():
    table = "Tool | Seconds\nmake | 12\nbazel | 3\nnix | 4"
    scene = _scene(code=table, code_language="table", segments=[
        _seg(1, "The table on screen compares three build tools by seconds per build. Make takes twelve seconds "
                "because it compares timestamps. Bazel takes three because it hashes content and shares a cache. "
                "Nix takes four, and it builds every package in its own sandbox. So content hashes win here.")])
    beats = [b for b in plan.plan_beats(scene, opening=None) if b.kind in ("table", "chart")]
    assert [b.kind for b in beats[:2]] == ["table", "chart"] and len(beats) >= 4
    captions = [b.points[-1] for b in beats[2:]]
    assert len(set(captions)) == len(captions) and all(captions)
    image, measured = draw.draw_beat(beats[2], SIZES["16:9"], themes.palette("light"), FONTS, show="S", host="Ben",
                                     root=".")
    assert measured.smallest_fraction >= 0.025 and empty_share(np.asarray(image.convert("L"))) <= 2 / 3


# --- a figure of a Markdown source, on screen in the clip -----------------------------------

FIGURE_SOURCE = """# How a bloom filter answers

A bloom filter tells you quickly whether an item might be in a set, using a row of bits.

## The bit array

Each item is hashed several times, and every hash sets one bit in the array. The picture shows
the array after three items were added.

![The bit array after three items](img/bits.png)

To look an item up, the filter hashes it the same way and checks those bits. If any bit is off,
the item was never added.
"""


def test_a_figure_in_a_markdown_source_is_shown_in_the_clip(tmp_path):
    png = io.BytesIO()
    Image.new("RGB", (400, 240), (255, 0, 255)).save(png, format="PNG")
    config = small_config(title="How a bloom filter answers", sources=["sources/bloom.md"], outputs=["video"],
                          target_minutes=0.5)
    config["approval"] = "auto"
    project = Project(tmp_path, config, sources={"sources/bloom.md": FIGURE_SOURCE})
    (tmp_path / "sources" / "img").mkdir()
    (tmp_path / "sources" / "img" / "bits.png").write_bytes(png.getvalue())
    project.snakemake("results/tea/final.mp4")
    results = tmp_path / "results" / "tea"
    found = []
    for scene_file in sorted((results / "scenes").glob("*.json")):
        scene = Scene.model_validate_json(scene_file.read_text())
        for k, beat in enumerate(scene.beats):
            if beat.kind == "figure":
                found.append((scene_file.stem, k, beat))
    assert len(found) == 1
    name, k, beat = found[0]
    assert beat.path == "sources/img/bits.png" and "bloom.md line" in beat.element
    narration = " ".join(s.text for s in Scene.model_validate_json((results / "scenes" / f"{name}.json")
                                                                   .read_text()).segments)
    assert "bit" in narration.lower()  # shown in the scene whose narration is about the bit array
    schedule = json.loads((results / "media" / name / "clip.provenance.json").read_text())["parameters"]["beats"]
    row = next(r for r in schedule if r["beat"] == k + 1)
    assert row["seconds"] > 0.5

    clip_file = results / "media" / name / "clip.mp4"
    assert magenta_at(clip_file, row["start"] + row["seconds"] / 2) > 0.05  # the figure on screen during its beat
    other = next(r for r in schedule if r["beat"] != k + 1)
    assert magenta_at(clip_file, other["start"] + other["seconds"] / 2) < 0.01  # and not during another one


def magenta_at(clip_file, seconds: float) -> float:
    """The share of a clip's frame at `seconds` that is the test figures' magenta."""
    frame = subprocess.run([media.FFMPEG, "-v", "error", "-ss", f"{seconds:.3f}", "-i", str(clip_file),
                            "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
                           capture_output=True, check=True).stdout
    pixels = np.frombuffer(frame, dtype=np.uint8).reshape(-1, 3).astype(int)
    return float(((pixels[:, 0] > 200) & (pixels[:, 1] < 60) & (pixels[:, 2] > 200)).mean())


def bloom_pdf(path) -> None:
    """A small paper about a bloom filter whose Figure 1 is a drawn magenta rectangle."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", "B", 20)
    pdf.cell(0, 12, "How a bloom filter answers", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 11)
    pdf.multi_cell(0, 6, "A bloom filter tells you quickly whether an item might be in a set, using a row of "
                         "bits. It never misses an item that was added.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 10, "The bit array", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 11)
    pdf.multi_cell(0, 6, "Each item is hashed several times, and every hash sets one bit in the array. The "
                         "picture shows the array after three items were added.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_fill_color(255, 0, 255)
    top = pdf.get_y()
    pdf.rect(40, top, 120, 60, style="F")
    pdf.set_y(top + 64)
    pdf.multi_cell(0, 6, "Figure 1: The bit array after three items were added.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.multi_cell(0, 6, "To look an item up, the filter hashes it the same way and checks those bits. If any "
                         "bit is off, the item was never added.", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))


def test_a_figure_in_a_pdf_source_is_its_region_of_the_page_on_screen(tmp_path):
    config = small_config(title="How a bloom filter answers", sources=["sources/bloom.pdf"], outputs=["video"],
                          target_minutes=0.5)
    config["approval"] = "auto"
    project = Project(tmp_path, config, sources={})
    (tmp_path / "sources").mkdir()
    bloom_pdf(tmp_path / "sources" / "bloom.pdf")
    project.snakemake("results/tea/final.mp4")
    results = tmp_path / "results" / "tea"
    found = [(f.stem, k, beat) for f in sorted((results / "scenes").glob("*.json"))
             for k, beat in enumerate(Scene.model_validate_json(f.read_text()).beats) if beat.kind == "figure"]
    assert len(found) == 1
    name, k, beat = found[0]
    assert beat.path == "sources/bloom.pdf" and beat.page == 1 and beat.region
    assert beat.text.startswith("Figure 1: The bit array")
    schedule = json.loads((results / "media" / name / "clip.provenance.json").read_text())["parameters"]["beats"]
    row = next(r for r in schedule if r["beat"] == k + 1)
    clip_file = results / "media" / name / "clip.mp4"
    assert magenta_at(clip_file, row["start"] + row["seconds"] / 2) > 0.05  # the figure on screen during its beat
    other = next(r for r in schedule if r["beat"] != k + 1)
    assert magenta_at(clip_file, other["start"] + other["seconds"] / 2) < 0.01  # and not during another one


def test_an_image_model_illustrates_the_key_points(media_episode, server, api_key):
    from tests.fake_openai import provider_settings
    from tests.media_episode import media_config

    config = media_config(providers={"image": provider_settings(server.url, model="gpt-image-1")},
                          prices={"openai:gpt-image-1": {"per_image": 0.04}})
    episode = media_episode(config)
    episode.run("scene_image", "01")
    assert server.count("/v1/images/generations") == 1  # one picture for the scene, however many beats
    listed = json.loads(episode.media("01", "beats/beats.json").read_text())["beats"]
    points = [b for b in listed if b["kind"] == "points"]
    assert points
    with Image.open(episode.media("01", f"beats/{points[-1]['file']}")) as image:
        pixels = np.asarray(image.convert("RGB")).reshape(-1, 3).astype(int)
    picture = (np.abs(pixels - np.array([40, 90, 160])).sum(axis=1) < 30).mean()
    assert picture > 0.15  # the model's picture (the fake's plain blue) beside the point being said


def test_local_images_are_figures_and_logos_badges_and_missing_files_are_not(tmp_path):
    from showrunner.sources import read_source

    Image.new("RGB", (40, 30), (0, 0, 0)).save(tmp_path / "flow.png")
    Image.new("RGB", (40, 30), (0, 0, 0)).save(tmp_path / "logo.png")
    (tmp_path / "doc.md").write_text(
        "# Flow\n\nThe steps run in order, one after another, every time.\n\n![How the steps flow](flow.png)\n\n"
        "![Our logo](logo.png)\n\n![Gone](gone.png)\n\n![Remote](https://example.org/x.png)\n")
    (tmp_path / "page.html").write_text(
        "<html><body><h1>Flow</h1><p>The steps run in order, one after another.</p>"
        "<p><img src='flow.png' alt='How the steps flow'></p></body></html>")
    for name in ("doc.md", "page.html"):
        doc = read_source(tmp_path / name, f"sources/{name}")
        figures = [b for b in doc.blocks if b.kind == "figure"]
        assert [(b.path, b.text) for b in figures] == [("sources/flow.png", "How the steps flow")]
    doc = read_source(tmp_path / "doc.md", "sources/doc.md")
    assert any(d.reason == "image" and "gone.png (file not found)" in d.text for d in doc.dropped)


def test_an_episode_can_take_another_theme():
    from showrunner.config import load_config
    from tests.media_episode import media_config

    raw = media_config()
    raw["episodes"]["ep1"]["overrides"] = {"show": {"style": {"theme": "paper"}}}
    style = load_config(raw).episode("ep1").show.style
    assert (style.theme, style.background, style.foreground) == ("paper", "#f5efe0", "#2b2620")


def test_a_graphviz_block_is_a_diagram_and_a_numeric_table_also_a_chart():
    said = [_seg(1, "The diagram on screen shows the planner, the fetcher and the verifier, one after another.")]
    dot = _scene(code="digraph { planner -> fetcher -> verifier }", code_language="dot", segments=said)
    assert [b.kind for b in plan.plan_beats(dot, opening=None)] == ["diagram"]
    table = "Tool | Seconds\nmake | 12\nbazel | 3\nnix | 4"
    told = [_seg(1, "The table on screen lists three tools and their seconds per build."),
            _seg(2, "Bazel is the fastest of the three, at three seconds for the whole build.")]
    beats = plan.plan_beats(_scene(code=table, code_language="table", segments=told), opening=None)
    assert [b.kind for b in beats] == ["table", "chart"] and beats[1].segment_id == "seg2"
    assert beats[0].rows[0] == ["Tool", "Seconds"] and plan.numeric_column(beats[0].rows) == 1


# --- pace: no picture held long, none flickering past ------------------------------------------


def _estimated_holds(scene: Scene, beats: list[Beat]) -> list[float]:
    starts, end = plan._clock(scene)
    times = [starts[plan._seg_index(scene, b.segment_id)] + b.word / plan.WORDS_PER_SECOND for b in beats]
    return [b - a for a, b in zip(times, [*times[1:], end], strict=True)]


def _visual_holds(scene: Scene, beats: list[Beat]) -> list[float]:
    """The estimated holds of what is seen: a beat drawn again for the next host's name is the same picture."""
    holds: list[float] = []
    for k, (beat, hold) in enumerate(zip(beats, _estimated_holds(scene, beats), strict=True)):
        same = k > 0 and beat.model_dump(exclude={"segment_id", "word"}) == \
            beats[k - 1].model_dump(exclude={"segment_id", "word"})
        holds[-1:] = [holds[-1] + hold] if same else [*holds[-1:], hold]
    return holds


def test_no_picture_stays_long_or_flickers_past():
    """A chapter card, a listing and a run of quiet sentences each give way by HOLD_S; no change
    comes within MIN_HOLD_S of another; a listing keeps its place while its caption follows."""
    talk = " ".join(f"Step {w} reads the {w} file and checks its header."
                    for w in ("first", "second", "third", "fourth", "fifth", "sixth"))
    scene = _scene(segments=[_seg(1, "So what does the cache keep between builds?", "ada"), _seg(2, talk),
                             _seg(3, "The code on screen reads every input. " + talk, "ada")],
                   code="def read(inputs):\n    return [open(p).read() for p in inputs]", code_language="python")
    beats = plan.plan_beats(scene, opening="chapter", chapter=2)
    holds = _estimated_holds(scene, [b for k, b in enumerate(beats) if k == 0 or b.segment_id != beats[k - 1]
                                     .segment_id or b.word != beats[k - 1].word])
    assert max(holds) <= plan.HOLD_S + 1e-9, holds
    assert min(holds[:-1]) >= plan.MIN_HOLD_S - 1e-9, holds
    code = [b for b in beats if b.kind == "code"]
    assert len(code) >= 3 and len({b.points[-1] for b in code}) == len(code)  # the caption follows what is said


def test_a_figure_on_a_cards_moment_comes_at_the_next_sentence():
    scene = _scene()
    figure = plan.Element("figure", "seg1", 0, "Figure 1: the hashes", path="fig.png", element="doc.md line 3")
    beats = plan.plan_beats(scene, opening="chapter", chapter=2, elements=(figure,))
    shown = next(b for b in beats if b.kind == "figure")
    assert beats[0].kind == "chapter" and all(b.kind == "chapter" for b in beats[:beats.index(shown)])
    # not hidden under the card at the same word, nor flashing it past: at the first sentence that
    # leaves the card up MIN_HOLD_S ("So what changed?" is 1.6 s; "When the hashes match" 4.4 s in)
    assert (shown.segment_id, shown.word) == ("seg2", 7)


def test_two_points_said_close_together_come_as_one_picture():
    scene = _scene(bullets=["Hashes kept for every input", "Outputs reused on a match"], segments=[
        _seg(1, "Hashes are kept for every input. Outputs are reused on a match. Every input is hashed again on each "
                "build and compared with the hash that was stored the last time it was built.")])
    beats = plan.plan_beats(scene, opening=None)
    holds = _estimated_holds(scene, beats)
    assert min(holds[:-1], default=plan.MIN_HOLD_S) >= plan.MIN_HOLD_S, holds  # no point flashes past
    shown = [p for b in beats for p in b.points]
    assert {"Hashes kept for every input", "Outputs reused on a match"} <= set(shown)  # both are still seen


def test_two_figures_placed_at_one_moment_are_both_shown():
    scene = _scene()
    figures = tuple(plan.Element("figure", "seg2", 0, f"Figure {n}: hashes", path=f"f{n}.png",
                                 element=f"d.pdf page {n}") for n in (1, 2))
    beats = [b for b in plan.plan_beats(scene, opening=None, elements=figures) if b.kind == "figure"]
    order = [b.element for k, b in enumerate(beats) if k == 0 or b.element != beats[k - 1].element]
    assert order == ["d.pdf page 1", "d.pdf page 2"]  # one after the other, neither hidden under the other


def test_a_scene_opening_on_a_signpost_shows_it_not_its_name_twice():
    scene = _scene(code="def scan(lines):\n    return [line.strip() for line in lines]", code_language="python",
                   segments=[_seg(1, "And the same idea makes every program shorter and much clearer to read."),
                             _seg(2, "The code on screen is a function called scan. It strips every line it reads.")])
    first = plan.plan_beats(scene, opening=None)[0]
    assert first.kind == "points" and first.points and "program shorter" in first.points[-1]


def test_a_scene_of_one_short_sentence_keeps_its_picture():
    scene = _scene(segments=[_seg(1, "Thanks for listening.")])
    assert len(plan.plan_beats(scene, opening=None)) == 1


def test_three_figures_in_a_short_scene_are_all_shown():
    scene = _scene()
    figures = tuple(plan.Element("figure", "seg2", 7, f"Figure {n}: hashes", path=f"f{n}.png",
                                 element=f"d.pdf page {n}") for n in (1, 2, 3))
    beats = plan.plan_beats(scene, opening=None, elements=figures)
    assert {b.element for b in beats if b.kind == "figure"} == {"d.pdf page 1", "d.pdf page 2", "d.pdf page 3"}


def test_a_wide_figure_in_a_tall_frame_gives_its_room_to_the_caption(tmp_path):
    Image.new("RGB", (1200, 160), (255, 0, 255)).save(tmp_path / "wide.png")
    beat = Beat(kind="figure", segment_id="seg1", heading="Model configurations", path="wide.png",
                text="Table 3: Model configurations. The wide model was chosen from the scaling experiments.")
    image, measured = draw.draw_beat(beat, SIZES["9:16"], themes.palette("paper"), FONTS, show="S", host="Ben",
                                     root=tmp_path)
    grey = np.asarray(image.convert("L"))
    assert measured.smallest_fraction >= 0.025 and empty_share(grey) <= 0.6
    # the caption begins right under the figure, not under an empty mat
    magenta = np.flatnonzero((np.asarray(image)[:, 100] == (255, 0, 255)).all(axis=1))
    text_rows = np.flatnonzero((grey < 100).any(axis=1))
    caption_top = text_rows[text_rows > magenta.max()].min()
    assert caption_top - magenta.max() < 0.08 * SIZES["9:16"][1], (magenta.max(), caption_top)


def _brief(blocks: list[tuple[str, str]]) -> Brief:
    from showrunner.artifacts import Block, BriefHost, SourceDocument

    return Brief(slug="ep1", title="Build caches", show_name="Plain Circuits", hosts=[BriefHost(id="ada", name="Ada")],
                 target_minutes=1, target_words=150, sources=[SourceDocument(
                     path="doc.md", format="markdown", title="Build caches", sha256="0",
                     blocks=[Block(kind=kind, text=text, location=f"line {n}", level=1 if kind == "heading" else None,
                                   path=f"fig{n}.png" if kind == "figure" else None)
                             for n, (kind, text) in enumerate(blocks)])])


def test_each_figure_comes_where_the_narration_talks_about_it():
    """Figure 1 (hashes of inputs and outputs) matches both sentences, the second best; Figure 2 (the
    remote cache shared by the team) only the second. Taken in the document's order, Figure 1 would
    take the second sentence and Figure 2 would come where nothing is said about it; each comes
    where its own words are said instead."""
    brief = _brief([("heading", "Content hashes"), ("figure", "Figure 1: hashes of the inputs and the outputs"),
                    ("paragraph", "Every build keeps them."),
                    ("figure", "Figure 2: a remote cache shared by every machine of the team")])
    scene = _scene(title="Content hashes", segments=[
        _seg(1, "So what changed?", "ada"),
        _seg(2, "A hash of every input is kept between builds, so a rename costs nothing at all."),
        _seg(3, "The remote cache keeps the outputs by the hashes of their inputs, shared by every machine of the "
                "team.", "ada")])
    beats = plan.plan_episode([scene], brief)[0].beats
    at = {b.path: (b.segment_id, b.word) for b in beats if b.kind == "figure"}
    assert at == {"fig1.png": ("seg2", 0), "fig3.png": ("seg3", 0)}, at


def test_more_figures_than_sentences_are_all_shown_each_at_its_own_moment():
    brief = _brief([("heading", "Content hashes"),
                    *[("figure", f"Figure {n}: hashes of every input, view {n}") for n in range(1, 6)]])
    scene = _scene(title="Content hashes", segments=[
        _seg(1, "A hash of every input is kept between builds, and when the hashes of the inputs match, the "
                "output that was stored is reused instead of being built again from the start.")])
    beats = plan.plan_episode([scene], brief)[0].beats
    shown = [b for b in beats if b.kind == "figure"]
    assert {b.path for b in shown} == {f"fig{n}.png" for n in range(1, 6)}
    assert len({(b.segment_id, b.word) for b in shown}) == 5  # none hidden under another


def test_the_episode_opens_on_the_shows_card_then_its_title_as_the_topic_is_said():
    scene = _scene(bullets=["Hashes kept for every input"], segments=[
        _seg(1, "Welcome to Plain Circuits, short explainers on how the software we use every day really works. "
                "I'm Ada, here with Ben. Today: how a build cache decides what to rebuild.", "ada"),
        _seg(2, "Every build tool answers one question over and over: is this output still good?")])
    beats = plan.plan_beats(scene, opening="title", show="Plain Circuits", episode_title="Build caches",
                            hosts=("Ada", "Ben"), agenda=("Timestamps", "Content hashes"))
    show, title = beats[0], beats[1]
    assert (show.kind, show.heading, show.word) == ("title", "Plain Circuits", 0)
    assert show.points == ["Short explainers on how the software we use every day really works"]
    assert (title.kind, title.heading, title.word) == ("title", "Build caches", 16)  # at "I'm Ada, ..."
    assert title.points == ["Timestamps", "Content hashes"]
    assert beats[2].segment_id == "seg2"  # "Today: ..." is what the title card says: no point repeats it
    holds = _estimated_holds(scene, beats)
    assert min(holds[:-1]) >= plan.MIN_HOLD_S, holds


@pytest.mark.parametrize("point", ["To make good use of async-await", "XDG_CONFIG_HOME, HOME Used to locate the "
                                                                       "global ignore file",
                                   "In basicLoadBalance, a best alternative is picked up and used at the beginning"])
def test_a_single_point_with_a_long_word_fills_the_tall_frame(point):
    """A word too long for the line breaks after a hyphen, an underscore or inside a camelCase name
    (fdb-load-balancing's 'basicLoadBalance,' held its 9:16 point to a third of the frame, 69% empty)."""
    beat = Beat(kind="points", segment_id="seg1", heading="Environment", points=[point])
    image, measured = draw.draw_beat(beat, SIZES["9:16"], themes.palette("dark"), FONTS, show="S", host="Ada",
                                     root=".")
    assert empty_share(np.asarray(image.convert("L"))) <= 2 / 3 and measured.smallest_fraction >= 0.025


def test_the_text_inside_a_pdf_figure_is_measured_as_drawn(tmp_path):
    """The subleq paper's Figure 6 (page 15) is a multiplication table set in 6 pt type: drawn in a
    540-pixel-high frame it is about 2% of the height, under the 2.5% the frame's own text keeps; the
    measure says so (not a rule: the figure is the document's). A PNG's text is not measured."""
    from pathlib import Path

    real = Path(__file__).parent / "corpus" / "real"
    beat = Beat(kind="figure", segment_id="seg1", heading="Results", path="subleq-paper.pdf", page=15,
                region=[200.8, 589.7, 394.5, 754.7], text="Figure 6: Complete multiplication table")
    sizes = {}
    for aspect, size in (("16:9", (960, 540)), ("9:16", (540, 960))):
        _, measured = draw.draw_beat(beat, size, themes.palette("light"), FONTS, show="S", host="Ada", root=real)
        sizes[aspect] = measured.figure_text
        assert measured.smallest_fraction >= 0.025  # the frame's own text is not the figure's
    assert sizes["16:9"] is not None and sizes["9:16"] is not None
    # 6 pt drawn at the scale its region is shown at: (visual box height / 165 pt region) * 6 pt
    assert 0.015 < sizes["16:9"] < 0.025, sizes
    Image.new("RGB", (400, 300), (255, 255, 255)).save(tmp_path / "plain.png")
    png = beat.model_copy(update={"path": "plain.png", "page": None, "region": None})
    assert draw.draw_beat(png, (960, 540), themes.palette("light"), FONTS, show="S", host="Ada",
                          root=tmp_path)[1].figure_text is None


def test_a_figure_just_after_a_card_waits_until_the_card_has_been_up_long_enough():
    scene = _scene()
    figure = plan.Element("figure", "seg2", 0, "Figure 1: the hashes", path="fig.png", element="doc.md line 3")
    beats = plan.plan_beats(scene, opening="chapter", chapter=2, elements=(figure,))
    shown = next(b for b in beats if b.kind == "figure")
    # "So what changed?" is 1.6 s: the card would flash past; "When the hashes match" is 4.4 s in
    assert (shown.segment_id, shown.word) == ("seg2", 7)
    changes = [b for k, b in enumerate(beats) if k == 0 or b.model_dump(exclude={"segment_id", "word"})
               != beats[k - 1].model_dump(exclude={"segment_id", "word"})]  # (the card again for the next host)
    assert min(_estimated_holds(scene, changes)[:-1]) >= plan.MIN_HOLD_S


def test_a_pdf_figure_whose_region_was_not_found_is_shown_from_its_page(tmp_path):
    """Every PDF figure is kept with its caption; one whose region the reader could not find (no
    path) still comes where it is talked about, drawn as the band of its page above its caption
    (the subleq paper's multiplication table, page 15) with the caption beside it."""
    import shutil
    from pathlib import Path

    from showrunner.artifacts import Block, BriefHost, SourceDocument

    shutil.copy(Path(__file__).parent / "corpus" / "real" / "subleq-paper.pdf", tmp_path / "paper.pdf")
    brief = Brief(slug="ep1", title="Build caches", show_name="Plain Circuits", hosts=[BriefHost(id="ada", name="Ada")],
                  target_minutes=1, target_words=150, sources=[SourceDocument(
                      path="paper.pdf", format="pdf", title="Paper", sha256="0", blocks=[
                          Block(kind="heading", level=1, text="Content hashes", location="page 15"),
                          Block(kind="figure", text="Figure 6: Complete multiplication table computed by the model",
                                location="page 15")])])
    scene = _scene(title="Content hashes", segments=[
        _seg(1, "So what changed?", "ada"),
        _seg(2, "The model computed the whole multiplication table without one mistake, every product right.")])
    beats = plan.plan_episode([scene], brief)[0].beats
    figure = next(b for b in beats if b.kind == "figure")
    assert (figure.path, figure.page, figure.region, figure.segment_id) == ("paper.pdf", 15, None, "seg2")
    image, measured = draw.draw_beat(figure, SIZES["16:9"], themes.palette("light"), FONTS, show="S", host="Ada",
                                     root=tmp_path)
    assert measured.smallest_fraction >= 0.025 and measured.figure_text is not None
    rgb = np.asarray(image).astype(int)
    blue = (rgb[..., 2] - rgb[..., 0] > 60).mean()  # the table's shaded cells: the figure, not a blank page
    assert blue > 0.01, blue


def test_a_chapter_card_over_a_short_question_gives_way_a_few_words_into_the_long_sentence_after_it():
    """acm-sample-acmtog's last part: 'So, Ben, what's the takeaway?' (2.4 s by its words), then one
    sentence of 22 words. No sentence began MIN_HOLD_S after the card, so the card stayed 13.6 s; the
    sentence comes as a point a word into it instead."""
    scene = _scene(bullets=[], segments=[
        _seg(1, "So, Ben, what's the takeaway?", "ada"),
        _seg(2, "In this article, we develop the first multifrequency MAC protocol for sensor network applications "
                "in which each device adopts a single radio transceiver.")])
    beats = plan.plan_beats(scene, opening="chapter", chapter=6)
    holds = _visual_holds(scene, beats)
    changes = [b for b in beats if b.kind != "chapter"]
    assert beats[0].kind == "chapter" and plan.MIN_HOLD_S <= holds[0] <= plan.HOLD_S, (beats, holds)
    assert changes and changes[0].segment_id == "seg2" and 0 < changes[0].word <= plan.INTO_WORDS


def test_the_episode_closes_on_the_shows_card_as_the_goodbye_names_it():
    """The closing line then the goodbye held one point 12.9 s (subleq-paper), and a figure up before
    the goodbye stayed over it with the next host's name (the bloom PDF showed its figure twice)."""
    first = _scene(segments=[_seg(1, "Welcome to Plain Circuits, short explainers on how the software we use every "
                                     "day really works. I'm Ada, here with Ben. Today: build caches.", "ada"),
                             _seg(2, "A hash of every input is kept. When the hashes match, the output is reused.")])
    last = _scene(index=2, section_id="s2", title="Conclusion", segments=[
        Segment(id="seg3", speaker="ada", section_id="s2", text="So, Ben, what's the takeaway?"),
        Segment(id="seg4", speaker="ben", section_id="s2",
                text="Keep the hashes of the inputs, and a build does only what changed."),
        Segment(id="seg5", speaker="ada", section_id="s2",
                text="And that was our look at build caches. Thanks for listening to Plain Circuits. "
                     "See you next time.")])
    brief = _brief([("heading", "Content hashes"), ("paragraph", "Every build keeps them.")])
    beats = plan.plan_episode([first, last], brief)[1].beats
    card = beats[-1]
    assert card.kind == "title" and card.heading == "Plain Circuits" and card.segment_id == "seg5", beats
    assert card.word == len("And that was our look at build caches.".split())
    assert card.points == ["Short explainers on how the software we use every day really works"]
    assert min(_visual_holds(last, beats)) >= plan.MIN_HOLD_S


def test_no_figure_is_matched_to_the_words_a_chapter_card_covers():
    """subleq-paper: Table 3 matched the part's opening question ('And scaling experiments, Ben?'),
    under the chapter card; moved past the card it met Figure 5 at the next sentence and came at its
    second clause, where nothing about it was said. A figure is matched where it can be shown: here
    the earlier sentence that says which model was chosen."""
    brief = _brief([("heading", "Scaling experiments"),
                    ("figure", "Figure 5: accuracy over the training steps of the wide model"),
                    ("figure", "Table 3: model configurations. The wide model was chosen from the scaling "
                               "experiments")])
    opening = _scene(segments=[_seg(1, "Welcome to Plain Circuits. I'm Ada, here with Ben. Today: scaling.", "ada"),
                               _seg(2, "In the end we chose its configuration for the full run.")])
    part = _scene(index=2, section_id="s2", title="Scaling experiments", segments=[
        Segment(id="seg3", speaker="ada", section_id="s2", text="And scaling experiments, Ben? Where do they come in?"),
        Segment(id="seg4", speaker="ben", section_id="s2",
                text="Before the full run, we measured accuracy over the training steps of the wide model, and the "
                     "loss curve of every single run was kept for a later comparison by the whole team.")])
    scenes = plan.plan_episode([opening, part], brief)
    at = {b.path: (b.segment_id, b.word) for scene in scenes for b in scene.beats if b.kind == "figure"}
    assert at == {"fig1.png": ("seg4", 0), "fig2.png": ("seg2", 0)}, at
