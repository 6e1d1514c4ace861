"""The report: its pictures and pages one by one, then `snakemake --report` on real small episodes
(one with both outputs, one podcast-only, one video-only), read back from the HTML file."""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from showrunner import media
from showrunner.report import pages
from showrunner.report.contact_sheet import Tile, columns_for, contact_sheet
from showrunner.report.loudness import plot_loudness
from tests.project import Project, small_config

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


# --- the pieces, without Snakemake ---------------------------------------------------------


@pytest.mark.parametrize(("count", "columns"), [(1, 1), (3, 3), (4, 4), (5, 3), (6, 3), (7, 4), (9, 3), (12, 4)])
def test_contact_sheet_columns_keep_rows_even(count, columns):
    assert columns_for(count) == columns


def test_contact_sheet_is_a_grid_of_every_scene(tmp_path):
    tiles = []
    for i, colour in enumerate([(200, 30, 30), (30, 200, 30), (30, 30, 200), (220, 220, 30), (30, 220, 220)], 1):
        path = tmp_path / f"{i}.png"
        Image.new("RGB", (640, 360), colour).save(path)
        tiles.append(Tile(i, f"Scene {i} with a rather long title that has to be cut to fit two lines", path))
    out = tmp_path / "sheet.png"
    assert contact_sheet(tiles, out, font=FONT, font_bold=FONT_BOLD) == (3, 2)
    sheet = Image.open(out).convert("RGB")
    assert sheet.width > 3 * 360 and sheet.height > 2 * 202
    # each picture is in its cell, in storyboard order (left to right, then the next row)
    cell_w, thumb_h = 360 + 16, round(360 * 360 / 640)
    for i, tile in enumerate(tiles):
        x, y = 16 + (i % 3) * cell_w + 180, 16 + (i // 3) * (thumb_h + 16 + 2 * 22 + 16) + thumb_h // 2
        expected = Image.open(tile.image).getpixel((0, 0))
        assert all(abs(a - b) <= 2 for a, b in zip(sheet.getpixel((x, y)), expected, strict=True)), i
    with pytest.raises(ValueError):
        contact_sheet([], out, font=FONT, font_bold=FONT_BOLD)


def _tone_with_a_gap(path, rate=24000):
    """3 s of tone, 2 s of silence, 3 s of tone."""
    t = np.arange(3 * rate) / rate
    tone = (10000 * np.sin(2 * np.pi * 440 * t)).astype(np.int16)
    media.write_wav(path, np.concatenate([tone, np.zeros(2 * rate, np.int16), tone]), rate)


def test_loudness_curve_follows_the_sound_and_the_plot_is_drawn(tmp_path):
    wav = tmp_path / "gap.wav"
    _tone_with_a_gap(wav)
    curve = media.loudness_curve(wav)
    assert len(curve.times) == len(curve.momentary) == len(curve.short_term) >= 75
    at = {round(t, 1): m for t, m in zip(curve.times, curve.momentary, strict=True)}
    assert at[2.0] > -30 and at[7.0] > -30  # the tone
    assert at[4.0] < -70  # the silence in the middle
    out = tmp_path / "plot.png"
    plot_loudness(curve, out, title="gap.wav", target_lufs=-16, marks=[(0.0, "one"), (5.0, "two")])
    image = Image.open(out)
    assert image.format == "PNG" and image.size == (1100, 374)


def test_loudness_curve_of_a_file_without_sound_is_an_error(tmp_path):
    silent = tmp_path / "picture.png"
    Image.new("RGB", (16, 16)).save(silent)
    with pytest.raises(media.MediaError):
        media.loudness_curve(silent)


def test_acceptance_page_shows_failures_and_escapes_what_it_shows():
    report = {"slug": "tea", "passed": False, "checks": [
        {"name": "resolution", "passed": True, "measured": "256x144", "expected": "256x144", "hard": True},
        {"name": "podcast loudness", "passed": False, "measured": "<script>alert(1)</script>", "expected": "-16",
         "hard": True},
        {"name": "tags", "passed": False, "measured": "none", "expected": "title", "hard": False}]}
    html = pages.acceptance_page(report)
    assert "FAILED: 1 hard check(s), 1 warning(s)" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count('class="fail">FAIL<') == 1 and html.count('class="warn">warn<') == 1


def test_player_page_embeds_the_file_itself(tmp_path):
    wav = tmp_path / "gap.wav"
    _tone_with_a_gap(wav)
    html = pages.player_page(wav, heading="Podcast", subheading="results/tea/podcast.mp3", duration_s=8.0)
    found = re.search(r'<audio controls preload="metadata" src="data:audio/wav;base64,([A-Za-z0-9+/=]+)"', html)
    assert found and base64.b64decode(found.group(1)) == wav.read_bytes()
    assert "0:08.0" in html


def test_cost_rows_add_up_each_stage(tmp_path):
    def record(name, stage, calls, cost):
        (tmp_path / name).write_text(json.dumps({"stage": stage, "provider": "openai", "model": "gpt-4o-mini",
                                                 "calls": calls, "cost_usd": cost}))
        return tmp_path / name
    call = {"cached": False, "usage": {"input_tokens": 1000, "output_tokens": 200, "characters": 0, "images": 0}}
    hit = {**call, "cached": True}
    files = [record("a.json", "script", [call, call, hit], 0.0012), record("b.json", "scene_voice", [call], 0.5),
             record("c.json", "scene_voice", [call], 0.25)]
    rows = {r.stage: r for r in pages.cost_rows(files)}
    assert (rows["script"].calls, rows["script"].cached, rows["script"].input_tokens) == (3, 1, 3000)
    assert rows["scene_voice"].calls == 2 and rows["scene_voice"].cost_usd == pytest.approx(0.75)
    html = pages.cost_page("tea", list(rows.values()), spent=1.0, budget=2.0)
    assert "$0.7512" in html and "$1.0000" in html and "$2.00 budget" in html


# --- the whole report, through Snakemake ---------------------------------------------------


def _report_data(html: str) -> tuple[dict, dict, object]:
    def var(name):
        found = re.search(rf'<script id="{name}">\s*var \w+ = (.*?);\s*</script>', html, flags=re.S)
        assert found, f"the report has no {name}"
        return json.loads(found.group(1))
    return var("results"), var("categories"), var("runtimes")


def _file(entry: dict) -> bytes:
    head, data = entry["data_uri"].split(",", 1)
    assert head.endswith(";base64")
    return base64.b64decode(data)


@pytest.fixture(scope="module")
def reported(tmp_path_factory):
    config = small_config()
    config["approval"] = "auto"
    config["episodes"]["milk"] = {"title": "Milk in tea", "sources": ["sources/tea.md"], "target_minutes": 0.5,
                                  "outputs": ["podcast"]}
    config["episodes"]["lid"] = {"title": "A lid on the cup", "sources": ["sources/tea.md"], "target_minutes": 0.5,
                                 "outputs": ["video"]}
    project = Project(tmp_path_factory.mktemp("report"), config)
    project.snakemake()
    project.snakemake("--report", "report.html")
    return project, project.path("report.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_report_shows_each_episode_by_section(reported):
    project, html = reported
    results, categories, runtimes = _report_data(html)
    assert set(categories) == {"tea", "milk", "lid"}
    assert sorted(categories["tea"]) == ["1 Outline", "2 Script", "3 Storyboard", "4 Video and podcast",
                                         "5 Acceptance", "6 Cost"]
    tea = {path.removeprefix("results/tea/report/"): entry for path, entry in results.items()
           if path.startswith("results/tea/")}
    assert set(tea) == {"outline.html", "script.html", "storyboard.png", "final.html", "podcast.html",
                        "loudness-final.png", "loudness-podcast.png", "acceptance.html", "cost.html"}
    # the players carry the very files, so they play inside the one report.html
    final = _file(tea["final.html"]).decode()
    video = re.search(r'<video controls preload="metadata" src="data:video/mp4;base64,([^"]+)"', final)
    assert video and base64.b64decode(video.group(1)) == project.path("results/tea/final.mp4").read_bytes()
    podcast = _file(tea["podcast.html"]).decode()
    audio = re.search(r'<audio controls preload="metadata" src="data:audio/mpeg;base64,([^"]+)"', podcast)
    assert audio and base64.b64decode(audio.group(1)) == project.path("results/tea/podcast.mp3").read_bytes()
    # the script with the critic's score of every draft, the outline's sections, the checks, the cost
    review = json.loads(project.path("results/tea/script.review.json").read_text())
    script = _file(tea["script.html"]).decode()
    for draft in review["drafts"]:
        assert f'<td class="num">{draft["critique"]["score"]}</td>' in script
    outline = json.loads(project.path("results/tea/outline.json").read_text())
    outline_page = _file(tea["outline.html"]).decode()
    assert all(f"<h2>{s['title']}</h2>" in outline_page for s in outline["sections"])
    assert "PASSED" in _file(tea["acceptance.html"]).decode()
    assert "$0.0000" in _file(tea["cost.html"]).decode()
    # pictures: a contact sheet as wide as the scenes, loudness plots
    scenes = len(json.loads(project.path("results/tea/storyboard.json").read_text())["scenes"])
    sheet = Image.open(project.path("results/tea/report/storyboard.png"))
    assert sheet.width >= scenes * 360 and _file(tea["storyboard.png"]) == project.path(
        "results/tea/report/storyboard.png").read_bytes()
    assert Image.open(project.path("results/tea/report/loudness-podcast.png")).size == (1100, 374)
    # Snakemake's runtime statistics and the workflow description
    assert {"report_pages", "report_medium", "podcast", "final"} <= {row["rule"] for row in runtimes["data"]["values"]}
    assert "Each episode has its own section" in html


@pytest.mark.slow
def test_podcast_only_and_video_only_episodes_make_only_what_they_ask_for(reported):
    project, _ = reported
    results, categories, _ = _report_data(project.path("report.html").read_text(encoding="utf-8"))
    milk, lid = project.path("results/milk"), project.path("results/lid")
    assert (milk / "podcast.mp3").exists() and not (milk / "final.mp4").exists()
    assert not list(milk.glob("media/*/image.png")) and not list(milk.glob("media/*/clip.mp4"))
    assert list(milk.glob("media/*/voice.wav"))
    assert (lid / "final.mp4").exists() and not (lid / "podcast.mp3").exists()
    for slug, absent, present in (("milk", "final.mp4", "podcast.mp3"), ("lid", "podcast.mp3", "final.mp4")):
        acceptance = json.loads(project.path(f"results/{slug}/acceptance.json").read_text())
        names = " ".join(c["name"] for c in acceptance["checks"])
        assert acceptance["passed"], acceptance
        assert absent.split(".")[0] not in names.replace("final.mp4", "final"), names
        assert ("podcast loudness" in names) == (present == "podcast.mp3")
        assert ("video loudness" in names) == (present == "final.mp4")
    assert sorted(categories["milk"]) == ["1 Outline", "2 Script", "4 Video and podcast", "5 Acceptance", "6 Cost"]
    assert {p.rsplit("/", 1)[1] for p in results if p.startswith("results/milk/")} >= {"podcast.html"}
    assert not any(p.endswith(("final.html", "storyboard.png")) for p in results if p.startswith("results/milk/"))
    assert not any(p.endswith("podcast.html") for p in results if p.startswith("results/lid/"))
    status = json.loads(project.showrunner("status", "--json", "milk", "lid").stdout)
    states = {slug: {row["stage"]: row["state"] for row in rows} for slug, rows in status.items()}
    assert states["milk"]["scene_image"] == states["milk"]["final"] == "not needed"
    assert states["milk"]["podcast"] == states["milk"]["acceptance"] == "done"
    assert states["lid"]["podcast"] == "not needed" and states["lid"]["final"] == "done"
    # nothing left to do: the default targets of each follow its outputs
    assert project.jobs_planned() == []


def test_version_comes_from_the_package_metadata():
    from importlib.metadata import version

    out = subprocess.run([sys.executable, "-c", "from showrunner.cli import run; run()", "--version"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"showrunner {version('showrunner')}" and version("showrunner")[0].isdigit()


def test_outline_page_shows_the_sections_without_the_markup_for_machines():
    markdown = "# Why tea cools\n\nA summary.\n\n## Evaporation\n<!-- id: s1; facts: f1 f2 -->\n- a lid slows it\n"
    html = pages.outline_page(markdown, heading="Outline: Why tea cools")
    assert "<h2>Evaporation</h2>" in html and "<li>a lid slows it</li>" in html
    assert "id: s1" not in html and "&lt;!--" not in html and html.count("Why tea cools") == 2  # title, heading


def test_a_file_too_big_for_the_report_gets_a_preview_that_fits_or_a_note(tmp_path):
    clip = tmp_path / "final.mp4"
    media.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25:duration=4", "-f", "lavfi", "-i",
                  "sine=frequency=440:duration=4", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac",
                  "-shortest", clip], what="test clip")
    preview = tmp_path / "preview.mp4"
    described = media.encode_preview(clip, preview, video=True, max_bytes=60_000, duration_s=4.0)
    assert described and preview.stat().st_size <= 60_000
    stream = next(s for s in media.probe(preview)["streams"] if s["codec_type"] == "video")
    assert stream["height"] == 360
    wav = tmp_path / "gap.wav"
    _tone_with_a_gap(wav)
    ogg = tmp_path / "preview.ogg"
    assert media.encode_preview(wav, ogg, video=False, max_bytes=24_000, duration_s=8.0)
    assert ogg.stat().st_size <= 24_000
    # eight seconds in 5 kB would be under 12 kbps: no preview, and the page says where the file is
    assert media.encode_preview(wav, ogg, video=False, max_bytes=5_000, duration_s=8.0) is None
    html = pages.player_page(None, heading="Podcast", subheading="results/tea/podcast.mp3", duration_s=8.0,
                             note=pages.preview_note(wav, "results/tea/podcast.mp3", None))
    assert "<audio" not in html and "too long to play inside the report" in html
