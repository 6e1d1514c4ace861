"""The studio in a real browser: headless Chromium (Debian's chromium + chromium-driver) via selenium.

Against a small real episode: open the board, edit a key point in the outline, approve, start
the build, see progress arrive live, play final.mp4, then reject another episode with feedback
and see the rewritten outline. Screenshots go to the test's tmp dir (and to docs/ when
SHOWRUNNER_DOCS_SCREENSHOTS=1, which is how docs/studio.png was made).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from tests.project import Project, small_config
from tests.studio_server import running_studio

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture
def browser(tmp_path):
    webdriver = pytest.importorskip("selenium.webdriver")
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("chromium and chromium-driver are needed (make test-system-deps installs them)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--autoplay-policy=no-user-gesture-required",
                 "--window-size=1400,1000", f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def wait(driver, condition, timeout=120, what="condition"):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            value = condition(driver)
            if value:
                return value
        except Exception as err:  # the page is still changing under us
            last = err
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what} ({last!r})")


def shot(driver, tmp_path, name, height=None):
    if height:
        driver.set_window_size(1400, height)
    path = tmp_path / f"{name}.png"
    driver.save_screenshot(str(path))
    if os.environ.get("SHOWRUNNER_DOCS_SCREENSHOTS") == "1" and name in ("studio", "studio-board", "studio-beats"):
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(path, DOCS / f"{name}.png")
    return path


def text_of(driver, element_id):
    return driver.find_element("id", element_id).text


def test_review_approve_build_and_play_then_reject_in_a_browser(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    config = small_config()
    config["episodes"]["milk"] = {"title": "Milk in tea", "sources": ["sources/tea.md"], "target_minutes": 0.5}
    (tmp_path / "project").mkdir()
    project = Project(tmp_path / "project", config)
    project.snakemake()  # both outlines, up to the gate
    with running_studio(project.root) as (url, _):
        # the board: both episodes wait at the gate
        browser.get(url + "/")
        wait(browser, lambda d: len(d.find_elements("css selector", ".card")) == 2, what="the board")
        cards = {c.get_attribute("data-slug"): c.text for c in browser.find_elements("css selector", ".card")}
        assert "awaiting approval" in cards["tea"] and "awaiting approval" in cards["milk"]
        shot(browser, tmp_path, "studio-board", 900)

        # the episode page: edit a key point, approve
        browser.find_element("link text", "Why tea cools").click()
        outline = wait(browser, lambda d: d.find_element("id", "outline-text").get_attribute("value")
                       and d.find_element("id", "outline-text"), what="the outline")
        original = outline.get_attribute("value")
        first_point = next(line for line in original.splitlines() if line.startswith("- "))
        edited = original.replace(first_point, "- A lid keeps the tea hot for longer", 1)
        outline.clear()
        outline.send_keys(edited)
        browser.find_element("id", "approve").click()
        wait(browser, lambda d: "Approved" in text_of(d, "message"), what="the approval")
        assert "A lid keeps the tea hot for longer" in project.path("results/tea/outline.md").read_text()
        assert project.path("results/tea/approval.json").exists()
        wait(browser, lambda d: "approved" in text_of(d, "approval-state"), what="the approved badge")

        # build it: progress arrives while Snakemake runs (every text the activity list shows is kept)
        browser.execute_script("""
            window.seen = [];
            new MutationObserver(() => document.querySelectorAll('#activity li').forEach(
                (li) => window.seen.push([li.textContent, document.getElementById('build-state').textContent])))
              .observe(document.getElementById('activity'), {subtree: true, childList: true, characterData: true});
        """)
        browser.find_element("id", "build-episode").click()
        wait(browser, lambda d: "building" in text_of(d, "build-state"), 30, "the build to start")
        wait(browser, lambda d: any("segments" in li.text or "encoded" in li.text
                                    for li in d.find_elements("css selector", "#activity li"))
             or "Snakemake run done" in text_of(d, "run-summary"), 120, "progress inside a stage")
        shot(browser, tmp_path, "studio-building")
        wait(browser, lambda d: "Snakemake run done" in text_of(d, "run-summary"), 300, "the run to finish")
        wait(browser, lambda d: "last build finished" in text_of(d, "build-state"), 60, "the build to end")
        seen = browser.execute_script("return window.seen")
        live = [text for text, state in seen if state.startswith("building")]
        assert any("scene_voice tea scene 01:" in t and "segments" in t for t in live), live[-20:]
        assert any("scene_clip tea scene" in t and "% encoded" in t for t in live), live[-20:]
        activity = text_of(browser, "activity")
        assert "scene_voice tea scene 01" in activity and "final tea done" in activity
        assert "jobs done" in text_of(browser, "run-summary") or "Snakemake run done" in text_of(browser, "run-summary")

        # play final.mp4: the video element knows its duration and its captions track
        duration = wait(browser, lambda d: d.execute_script(
            "const v = document.getElementById('final-video'); return v.readyState >= 1 && v.duration;"),
            60, "final.mp4's metadata")
        assert 20 < duration < 40
        assert browser.execute_script("return document.querySelector('#final-video track').kind") == "captions"
        browser.execute_script("document.getElementById('final-video').muted = true; "
                               "document.getElementById('final-video').play();")
        wait(browser, lambda d: d.execute_script("return document.getElementById('final-video').currentTime") > 0.5,
             30, "the video to play")
        browser.execute_script("document.getElementById('final-video').pause();")
        assert browser.find_elements("css selector", "#scenes .scene img")
        assert "critic score" in text_of(browser, "drafts")
        assert "episode duration" in text_of(browser, "acceptance")
        browser.execute_script("window.scrollTo(0, 0)")
        shot(browser, tmp_path, "studio", 2700)
        browser.set_window_size(1400, 1000)

        # reject the other episode with feedback: the outline is rewritten with it
        browser.get(url + "/episodes/milk")
        wait(browser, lambda d: d.find_element("id", "outline-text").get_attribute("value"), what="milk's outline")
        browser.find_element("id", "feedback-text").send_keys("Talk only about milk")
        browser.find_element("id", "reject").click()
        wait(browser, lambda d: "> Reviewer feedback: Talk only about milk" in
             d.find_element("id", "outline-text").get_attribute("value"), 180, "the rewritten outline")
        assert "Talk only about milk" in project.path("results/milk/outline.md").read_text()
        assert "Feedback given: Talk only about milk" in text_of(browser, "feedback-list")
        wait(browser, lambda d: "last build finished" in text_of(d, "build-state"), 60, "the rewrite to end")
        shot(browser, tmp_path, "studio-rejected", 1000)

        # a scene's visual beats: a key point emptied is refused, naming the scene file and field; reworded,
        # it is saved wherever it is on screen in the scene, and the scene is redone (which jobs that plans:
        # tests/test_studio_api.py, from Snakemake's dry run)
        browser.get(url + "/episodes/tea")
        wait(browser, lambda d: d.find_elements("css selector", '.beats[data-scene="2"] .beat'), what="the beats")
        scene_file = project.path("results/tea/scenes/02.json")
        before = scene_file.read_bytes()
        panel = browser.find_element("css selector", '.beats[data-scene="2"]')
        browser.execute_script("arguments[0].scrollIntoView()", panel)
        point = panel.find_element("css selector", '.beat[data-kind="points"] input.said-now')
        old_point = point.get_attribute("value")
        point.send_keys(Keys.CONTROL, "a", Keys.DELETE)
        panel.find_element("css selector", ".save-beats").click()
        error = wait(browser, lambda d: d.find_element("css selector", '.beats[data-scene="2"] .beats-error').text,
                     30, "the refusal")
        assert "results/tea/scenes/02.json: beats.1.points: key point 1 is empty" in error, error
        assert scene_file.read_bytes() == before
        point = browser.find_element("css selector", '.beats[data-scene="2"] .beat[data-kind="points"] input.said-now')
        point.send_keys("A lid keeps the tea hot")
        browser.find_element("css selector", '.beats[data-scene="2"] .save-beats').click()
        wait(browser, lambda _: scene_file.read_bytes() != before, 30, "the beats saved")
        wait(browser, lambda d: "beats saved in results/tea/scenes/02.json" in text_of(d, "message")
             or "Build finished" in text_of(d, "message"), 30, "the message that the scene is redone")
        had = [old_point in b["points"] for b in json.loads(before)["beats"]]
        saved = json.loads(scene_file.read_text())["beats"]
        assert [("A lid keeps the tea hot" in b["points"]) for b in saved] == had and any(had), saved
        assert old_point not in json.dumps(saved)
        heading = wait(browser, lambda d: d.find_element("css selector", '.beats[data-scene="2"] h3').text, 30)
        assert "stills not yet redrawn since the last edit" in heading and "unsaved" not in heading, heading
        row = browser.find_element("css selector", '.scene-row[data-scene="2"]')
        browser.execute_script("arguments[0].scrollIntoView()", row)
        shot(browser, tmp_path, "studio-beats")
    for name in ("studio-board", "studio-building", "studio", "studio-beats", "studio-rejected"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
