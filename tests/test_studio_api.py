"""The studio's JSON API and event stream, served for real on 127.0.0.1 over a real project."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time

import httpx
import pytest
import yaml

from showrunner import run_history
from showrunner.config import load_config
from showrunner.workflow import final_files
from tests.project import SMALL_SOURCE, Project, small_config
from tests.studio_server import running_studio, wait_for_build
from tests.workflow_rules import workflow_rules

pytestmark = pytest.mark.timeout(600)


class http:
    """httpx's functions with a timeout for a machine busy with builds (no cookies kept between calls)."""

    get = functools.partial(httpx.get, timeout=60)
    post = functools.partial(httpx.post, timeout=60)
    put = functools.partial(httpx.put, timeout=60)
    request = functools.partial(httpx.request, timeout=60)


def two_episodes() -> dict:
    config = small_config()
    config["episodes"]["milk"] = {"title": "Milk in tea", "sources": ["sources/tea.md"], "target_minutes": 0.5}
    return config


@pytest.fixture
def gated(tmp_path):
    """Two episodes built as far as the gate: their outlines await approval."""
    project = Project(tmp_path, two_episodes())
    config = project.path("config.yaml")
    config.write_text("# the show, edited by hand\n" + config.read_text())
    project.snakemake()
    return project


def cli_status(project) -> dict:
    return json.loads(project.showrunner("status", "--json").stdout)


def gate_state(rows) -> str:
    return {row["stage"]: row["state"] for row in rows}["approval_gate"]


def test_board_and_episode_read_the_same_files_as_the_cli(gated):
    with running_studio(gated.root) as (url, _):
        board = http.get(f"{url}/api/episodes").json()
        assert [e["slug"] for e in board["episodes"]] == ["tea", "milk"]
        tea = board["episodes"][0]
        assert tea["gate"]["state"] == "awaiting approval" == gate_state(cli_status(gated)["tea"])
        assert tea["gate"]["detail"].startswith("for ")
        detail = http.get(f"{url}/api/episodes/tea").json()
        assert detail["outline_markdown"] == gated.path("results/tea/outline.md").read_text()
        missing = http.get(f"{url}/api/episodes/nope")
        assert missing.status_code == 404 and "no episode 'nope'" in missing.json()["error"]
        assert http.get(f"{url}/episodes/nope").status_code == 404
        assert http.get(f"{url}/").status_code == 200
        docs = http.get(f"{url}/docs")
        assert docs.status_code == 200 and "/static-offline-docs/swagger-ui-bundle.js" in docs.text
        assert http.get(f"{url}/static-offline-docs/swagger-ui-bundle.js").status_code == 200
        schema = http.get(f"{url}/openapi.json").json()
        for path in ("/api/episodes", "/api/episodes/{slug}/outline", "/api/episodes/{slug}/approve",
                     "/api/episodes/{slug}/reject", "/api/builds", "/api/events"):
            assert path in schema["paths"], path


def test_an_invalid_outline_is_refused_at_its_line_and_nothing_changes(gated):
    md = gated.path("results/tea/outline.md")
    before = md.read_text()
    lines = before.splitlines()
    # drop the key points of the first section: its heading line is named
    heading = next(i for i, line in enumerate(lines) if line.startswith("## "))
    broken = [line for i, line in enumerate(lines) if not (i > heading and line.startswith("- ")
                                                           and i < heading + 6)]
    broken_text = "\n".join(broken) + "\n"
    with running_studio(gated.root) as (url, _):
        refused = http.put(f"{url}/api/episodes/tea/outline", json={"markdown": broken_text})
        assert refused.status_code == 422
        assert refused.json()["line"] == heading + 1
        assert f"results/tea/outline.md: line {heading + 1}:" in refused.json()["error"]
        assert "key_points" in refused.json()["error"]
        approve = http.post(f"{url}/api/episodes/tea/approve", json={"markdown": broken_text})
        assert approve.status_code == 422
        no_title = http.put(f"{url}/api/episodes/tea/outline", json={"markdown": "## Only a section\n- a point\n"})
        assert no_title.status_code == 422 and "title" in no_title.json()["error"]
    assert md.read_text() == before
    assert not gated.path("results/tea/approval.json").exists()


def test_an_edited_outline_approved_in_the_studio_is_approved_for_the_cli_and_snakemake(gated):
    md = gated.path("results/tea/outline.md")
    text = md.read_text().replace("\n- ", "\n- A point the reviewer typed in the studio\n- ", 1)
    with running_studio(gated.root) as (url, _):
        saved = http.put(f"{url}/api/episodes/tea/outline", json={"markdown": text})
        assert saved.status_code == 200, saved.text
        assert gate_state(cli_status(gated)["tea"]) == "awaiting approval"
        approved = http.post(f"{url}/api/episodes/tea/approve")
        assert approved.status_code == 200 and approved.json()["approved"]
    assert gate_state(cli_status(gated)["tea"]) == "approved"
    outline = json.loads(gated.path("results/tea/outline.json").read_text())
    assert "A point the reviewer typed in the studio" in outline["sections"][0]["key_points"]
    assert gated.jobs_planned("results/tea/script.json") == ["approval_gate", "script"]


def test_reject_needs_feedback_and_its_feedback_reaches_the_outline_rule(gated):
    with running_studio(gated.root) as (url, _):
        empty = http.post(f"{url}/api/episodes/milk/reject", json={"feedback": "  "})
        assert empty.status_code == 422 and "feedback" in empty.json()["error"]
        assert http.post(f"{url}/api/episodes/milk/reject", json={}).status_code == 422
        done = http.post(f"{url}/api/episodes/milk/reject", json={"feedback": "Only talk about milk"})
        assert done.status_code == 200 and done.json()["feedback"] == ["Only talk about milk"]
    assert json.loads(gated.path("results/milk/feedback.json").read_text()) == {"feedback": ["Only talk about milk"]}
    assert gated.jobs_planned("results/milk/outline.md") == ["outline"]


def read_events(url: str, until: str, after: int = 0, timeout: float = 300) -> list[dict]:
    events = []
    with httpx.stream("GET", f"{url}/api/events", params={"after": after}, timeout=timeout) as stream:
        kind = None
        for line in stream.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                events.append(json.loads(line[6:]))
                assert events[-1]["kind"] == kind
                if kind == until:
                    return events
    return events


def test_a_build_streams_its_jobs_and_progress_and_a_second_build_is_refused(gated):
    with running_studio(gated.root) as (url, _):
        assert http.post(f"{url}/api/episodes/tea/approve").status_code == 200
        with run_history.connect(gated.root) as conn:
            before = run_history.last_event_id(conn)
        started = http.post(f"{url}/api/builds", json={"episode": "tea"})
        assert started.status_code == 202, started.text
        build = started.json()
        config = load_config(yaml.safe_load(gated.path("config.yaml").read_text()))
        assert build["targets"] == final_files(config, "tea", workflow_rules())
        second = http.post(f"{url}/api/builds", json={"episode": None})
        assert second.status_code == 409
        assert f"pid {build['pid']}" in second.json()["error"] and "already running" in second.json()["error"]
        deadline, running = time.time() + 60, []
        while not running and time.time() < deadline:
            running = [row["stage"] for row in http.get(f"{url}/api/episodes/tea").json()["stages"]
                       if row["state"] == "running"]
        assert running, "the episode never showed a running stage during its build"
        events = read_events(url, "build_finished", after=before)
        assert wait_for_build(url)["ok"]
        assert http.post(f"{url}/api/builds", json={"episode": "ghost"}).status_code == 404

        # edit one scene's beats (add a key point): only its stills and clip, and what joins them, are planned
        scene = http.get(f"{url}/api/episodes/tea").json()["scenes"][1]
        assert scene["beats"] and not scene["stills_stale"]
        for beat in scene["beats"]:
            still = http.get(url + beat["still"])
            assert still.status_code == 200 and still.headers["content-type"] == "image/png", beat
        last = scene["beats"][-1]
        edits = [{"beat": b["index"]} for b in scene["beats"]]
        edits.append({"beat": None, "segment_id": last["segment_id"], "word": last["word"] + 1,
                      "points": ["A reviewer's key point"]})
        saved = http.put(f"{url}/api/episodes/tea/scenes/{scene['index']}/beats", json={"beats": edits})
        assert saved.status_code == 200 and saved.json()["changed"], saved.text
        assert http.get(f"{url}/api/episodes/tea").json()["scenes"][1]["stills_stale"]
    beats_planned = gated.jobs_planned("results/tea/final.mp4", "results/tea/podcast.mp3",
                                       "results/tea/acceptance.json")
    assert sorted(beats_planned) == ["acceptance", "final", "scene_clip", "scene_image"]
    with running_studio(gated.root) as (url, _):
        # redo one scene after editing its text: only that scene and the joins after it are planned
        scene = http.get(f"{url}/api/episodes/tea").json()["scenes"][1]
        first = scene["segments"][0]["id"]
        edit = f"{url}/api/episodes/tea/scenes/{scene['index']}"
        assert http.put(edit, json={"segments": {"seg999": "x"}}).status_code == 422
        assert http.put(edit, json={"segments": {first: "   "}}).status_code == 422
        assert http.put(f"{url}/api/episodes/tea/scenes/99", json={"segments": {}}).status_code == 404
        changed = http.put(edit, json={"segments": {first: "A person rewrote this line in the studio."}})
        assert changed.status_code == 200 and changed.json()["changed"]
    planned = gated.jobs_planned("results/tea/final.mp4", "results/tea/podcast.mp3", "results/tea/acceptance.json")
    assert sorted(planned) == sorted(["scene_image", "scene_voice", "scene_clip", "soundtrack", "captions", "final",
                                      "show_notes", "podcast", "transcript", "acceptance"])
    kinds = [e["kind"] for e in events]
    assert kinds.index("run_started") < kinds.index("job_started") < kinds.index("job_finished")
    finished = {(e["rule"], e["scene"]) for e in events if e["kind"] == "job_finished"}
    assert {("script", None), ("final", None), ("scene_voice", "01")} <= finished
    assert {e["slug"] for e in events if e["kind"] == "job_finished"} == {"tea"}
    voice = [e for e in events if e["kind"] == "progress" and e["rule"] == "scene_voice"]
    assert voice and voice[-1]["unit"] == "segments" and voice[-1]["done"] == voice[-1]["total"] > 0
    encode = [e for e in events if e["kind"] == "progress" and e["rule"] == "scene_clip" and e["scene"] == "01"]
    assert encode and encode[-1]["unit"] == "% encoded" and encode[-1]["percent"] == 100
    assert any(e["kind"] == "run_progress" and e["run_eta_s"] is not None for e in events)
    run_end = next(e for e in events if e["kind"] == "run_finished")
    assert run_end["status"] == "done"
    with run_history.connect(gated.root) as conn:
        jobs = run_history.jobs_of(conn, run_end["run_id"])
    assert {j["rule"] for j in jobs} >= {"script", "storyboard", "scene_voice", "final", "acceptance"}
    assert all(j["status"] == "done" and j["ended"] >= j["started"] for j in jobs)
    assert {"slug": "tea", "scene": "01"} in [j["wildcards"] for j in jobs]


def test_a_build_to_the_gate_reports_the_gate_reached(tmp_path):
    project = Project(tmp_path, small_config())
    with running_studio(project.root) as (url, _):
        assert http.post(f"{url}/api/builds", json={"episode": "tea"}).json()["targets"] == ["results/tea/outline.md"]
        events = read_events(url, "build_finished")
        board = http.get(f"{url}/api/episodes").json()["episodes"][0]
    gate = [e for e in events if e["kind"] == "gate_reached"]
    assert len(gate) == 1 and gate[0]["slug"] == "tea" and "outline.md awaits approval" in gate[0]["message"]
    assert board["gate"]["state"] == "awaiting approval"


def test_a_stale_lock_is_cleared_and_a_live_snakemake_is_named_by_its_pid(gated):
    locks = gated.path(".snakemake/locks")
    locks.mkdir(parents=True, exist_ok=True)
    (locks / "0.input.lock").write_text("results/tea/outline.md\n")  # what a SIGKILLed run leaves
    with running_studio(gated.root) as (url, _):
        build = http.post(f"{url}/api/builds", json={"episode": "milk"})
        assert build.status_code == 202 and build.json()["cleared_stale_lock"] is True
        assert wait_for_build(url)["ok"]
        assert not locks.exists() or not any(locks.iterdir())
        live = subprocess.Popen([sys.executable, "-m", "snakemake", "results/tea/podcast.mp3", "--cores", "1",
                                 "--config", "approval=auto"], cwd=gated.root, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            time.sleep(1.5)
            refused = http.post(f"{url}/api/builds", json={"episode": "tea"})
            assert refused.status_code == 409
            assert f"(pid {live.pid})" in refused.json()["error"]
        finally:
            live.terminate()
            live.wait(timeout=60)


def test_add_an_episode_lands_in_config_yaml_with_its_comments_kept(gated):
    with running_studio(gated.root) as (url, _):
        added = http.post(f"{url}/api/episodes", json={
            "title": "Sugar and tea", "target_minutes": 0.5,
            "source": {"name": "../../sugar notes.md", "content": SMALL_SOURCE}})
        assert added.status_code == 201, added.text
        assert added.json() == {"slug": "sugar-and-tea", "title": "Sugar and tea",
                                "sources": ["sources/sugar-and-tea/sugar-notes.md"], "topic": None}
        again = http.post(f"{url}/api/episodes", json={"title": "Sugar and tea", "topic": "x"})
        assert again.status_code == 409
        bad_slug = http.post(f"{url}/api/episodes", json={"title": "x", "slug": "../etc", "topic": "t"})
        assert bad_slug.status_code == 422 and "not allowed" in bad_slug.json()["error"]
        topic_only = http.post(f"{url}/api/episodes", json={"title": "Just a topic", "topic": "why tea cools"})
        assert topic_only.status_code == 422
        assert "topic-only episode needs a language model" in topic_only.json()["error"]
        board = [e["slug"] for e in http.get(f"{url}/api/episodes").json()["episodes"]]
    config_text = gated.path("config.yaml").read_text()
    assert config_text.startswith("# the show, edited by hand\n")
    assert "just-a-topic" not in config_text and board == ["tea", "milk", "sugar-and-tea"]
    assert gated.path("sources/sugar-and-tea/sugar-notes.md").read_text() == SMALL_SOURCE
    assert "sugar-and-tea" in cli_status(gated)
    assert gated.jobs_planned("results/sugar-and-tea/outline.md")[0] == "brief"


def csrf_session(url: str) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=url, timeout=60)
    client.get("/")
    return client, client.cookies["showrunner_csrf"]


def test_uploads_are_size_and_type_checked(gated):
    before = gated.path("config.yaml").read_text()
    with running_studio(gated.root, max_upload_bytes=4096) as (url, _):
        client, token = csrf_session(url)
        headers = {"X-CSRF-Token": token}
        big = client.post("/api/episodes", data={"title": "Big"}, headers=headers,
                          files={"source": ("big.md", b"# Big\n\n" + b"word " * 2000, "text/markdown")})
        assert big.status_code == 413, big.text
        assert "larger than 4 KiB" in big.json()["error"]
        exe = client.post("/api/episodes", data={"title": "Exe"}, headers=headers,
                          files={"source": ("tool.exe", b"MZ\x90\x00", "application/octet-stream")})
        assert exe.status_code == 400 and "unsupported kind '.exe'" in exe.json()["error"]
        fake_pdf = client.post("/api/episodes", data={"title": "Pdf"}, headers=headers,
                               files={"source": ("paper.pdf", b"just text", "application/pdf")})
        assert fake_pdf.status_code == 400 and "not a PDF" in fake_pdf.json()["error"]
        binary = client.post("/api/episodes", data={"title": "Bin"}, headers=headers,
                             files={"source": ("notes.txt", b"\xff\xfe\x00bad", "text/plain")})
        assert binary.status_code == 400
        assert gated.path("config.yaml").read_text() == before
        ok = client.post("/api/episodes", data={"title": "Milk first", "target_minutes": "0.5"}, headers=headers,
                         files={"source": ("milk.md", SMALL_SOURCE.encode(), "text/markdown")})
        assert ok.status_code == 201, ok.text
    assert sorted(p.name for p in gated.path("sources").rglob("*") if p.is_file()) == ["milk.md", "tea.md"]


def test_files_and_slugs_cannot_leave_results(gated):
    with running_studio(gated.root) as (url, _):
        for path in ("/files/tea/../../config.yaml", "/files/tea/%2e%2e/%2e%2e/config.yaml", "/files/tea/outline.md",
                     "/files/..%2f..%2fetc/passwd", "/files/tea/media/../../../sources/tea.md"):
            response = http.get(url + path)
            assert response.status_code == 404, path
            assert "Why tea cools" not in response.text
        assert http.put(f"{url}/api/episodes/..%2F..%2Ftea/outline", json={"markdown": "# x"}).status_code == 404


def test_browser_posts_need_the_page_token_and_local_json_needs_none(gated):
    with running_studio(gated.root) as (url, _):
        form = http.post(f"{url}/api/episodes/milk/reject", data={"feedback": "shorter"})
        assert form.status_code == 403 and "CSRF" in form.json()["error"]
        cross = http.post(f"{url}/api/episodes/milk/reject", json={"feedback": "shorter"},
                           headers={"Origin": "http://evil.example"})
        assert cross.status_code == 403
        site = http.post(f"{url}/api/episodes/milk/reject", json={"feedback": "shorter"},
                          headers={"Sec-Fetch-Site": "cross-site"})
        assert site.status_code == 403
        assert http.get(f"{url}/api/episodes", headers={"Host": "evil.example"}).status_code == 400
        assert not gated.path("results/milk/feedback.json").exists()
        client, token = csrf_session(url)
        wrong = client.post("/api/episodes/milk/reject", data={"feedback": "shorter"}, headers={"X-CSRF-Token": "x"})
        assert wrong.status_code == 403
        local = http.post(f"{url}/api/episodes/milk/reject", json={"feedback": "shorter"})
        assert local.status_code == 200
        page = client.get("/episodes/milk")
        assert page.headers["x-frame-options"] == "DENY" and "default-src 'self'" in page.headers[
            "content-security-policy"]


def test_off_loopback_needs_a_token_and_every_request_carries_it(gated, tmp_path):
    from showrunner.studio.security import StartupRefused, check_binding

    with pytest.raises(StartupRefused, match="give a token"):
        check_binding("0.0.0.0", None)
    check_binding("0.0.0.0", "s3cret-token")
    check_binding("127.0.0.1", None)
    refused = gated.showrunner("studio", "--host", "0.0.0.0", check=False)
    assert refused.returncode != 0 and "give a token" in refused.stderr and "Traceback" not in refused.stderr
    with running_studio(gated.root, token="s3cret-token") as (url, _):
        assert http.get(f"{url}/api/episodes").status_code == 401
        assert http.get(f"{url}/api/episodes", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert http.get(f"{url}/api/episodes", headers={"Authorization": "Bearer s3cret-token"}).status_code == 200
        client = httpx.Client(base_url=url, follow_redirects=True, timeout=60)
        first = client.get("/?token=s3cret-token")
        assert first.status_code == 200 and "s3cret-token" not in first.text and "s3cret-token" not in str(first.url)
        assert client.get("/api/episodes").status_code == 200


def test_no_secret_reaches_a_page_or_an_api_reply(gated, monkeypatch):
    secret = "sk-studio-test-0123456789"
    monkeypatch.setenv("SHOWRUNNER_NOTIFY_TOKEN", secret)
    config = two_episodes()
    config["notify"] = {"url": "http://127.0.0.1:9/hook", "token_env": "SHOWRUNNER_NOTIFY_TOKEN"}
    gated.write_config(config)
    log = gated.path("logs/script/tea.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(f"2026-01-01 00:00:00 ERROR showrunner: provider said: bad key {secret}\n")
    with run_history.connect(gated.root) as conn:
        run_id = run_history.start_run(conn, ["snakemake"])
        conn.execute("INSERT INTO jobs (run_id, jobid, rule, slug, logs, started, ended, status) "
                     "VALUES (?, 1, 'script', 'tea', ?, 1, 2, 'failed')", (run_id, json.dumps(["logs/script/tea.log"])))
    with running_studio(gated.root) as (url, _):
        replies = [http.get(url + path).text for path in ("/", "/episodes/tea", "/api/episodes", "/api/episodes/tea",
                                                           "/api/runs", "/openapi.json")]
        failure = http.get(f"{url}/api/episodes").json()["episodes"][0]["failure"]
    assert failure["rule"] == "script" and "bad key" in failure["message"]
    for reply in replies:
        assert secret not in reply and "SHOWRUNNER_NOTIFY_TOKEN" not in reply
    assert os.environ["SHOWRUNNER_NOTIFY_TOKEN"] == secret


def test_the_episode_pronunciations_are_shown_and_edited_into_config_yaml(gated):
    with running_studio(gated.root) as (url, _):
        shown = http.get(f"{url}/api/episodes/tea/pronunciations").json()
        assert shown["episode"] == {} and shown["builtin"] > 50
        saved = http.put(f"{url}/api/episodes/tea/pronunciations", json={"entries": {
            "Earl Grey": "url grey", "GNU": {"say": "guh new", "phonemes": {"piper": "ɡənˈuː"}}}})
        assert saved.status_code == 200, saved.text
        assert saved.json()["episode"] == {"Earl Grey": {"say": "url grey"},
                                           "GNU": {"say": "guh new", "phonemes": {"piper": "ɡənˈuː"}}}
        before = gated.path("config.yaml").read_text()
        bad = http.put(f"{url}/api/episodes/tea/pronunciations", json={"entries": {"GNU": {"say": "x",
                                                                                           "phonemes": {"edge": "y"}}}})
        assert bad.status_code == 422
        assert "episodes.tea.pronunciations.GNU.phonemes: phonemes for 'edge'" in bad.json()["error"]
        assert gated.path("config.yaml").read_text() == before  # refused: nothing written
        episode = http.get(f"{url}/api/episodes/tea").json()
        assert set(episode["pronunciations"]["episode"]) == {"Earl Grey", "GNU"}
    assert before.startswith("# the show, edited by hand\n")
    spec = yaml.safe_load(before)["episodes"]["tea"]
    assert spec["pronunciations"]["Earl Grey"] == "url grey"
    assert load_config(yaml.safe_load(before)).episode("tea").pronunciations["GNU"].phonemes == {"piper": "ɡənˈuː"}
    assert gated.jobs_planned("results/milk/outline.md") == []  # the other episode is untouched


# --- a scene's visual beats ------------------------------------------------------------------

CODE = "def temperature(minutes, start=90.0, room=20.0, k=0.05):\n    difference = start - room\n" \
       "    return room + difference * math.exp(-k * minutes)\n"


def beat_scenes() -> list:
    """Two scenes as the storyboard writes them, with beats of most kinds (written by hand: no build)."""
    from showrunner.artifacts import Beat, Scene, Segment

    def seg(n: int, speaker: str, text: str, section: str) -> Segment:
        return Segment(id=f"seg{n}", speaker=speaker, text=text, section_id=section)

    title = "Why tea cools"
    one = Scene(index=1, section_id="s1", title=title, estimated_seconds=12, segments=[
        seg(1, "ada", "Welcome to Test Show. Today, why tea cools.", "s1"),
        seg(2, "ben", "A cup loses 60% of its heat to evaporation. A lid cuts that down. As Newton put it, the "
                      "rate of loss follows the difference.", "s1")], beats=[
        Beat(kind="title", segment_id="seg1", heading=title, text="Test Show", label="Ada and Ben"),
        Beat(kind="number", segment_id="seg2", heading=title, text="60%", label="of the heat goes to evaporation"),
        Beat(kind="points", segment_id="seg2", word=9, heading=title, points=["A lid cuts evaporation down"]),
        Beat(kind="quote", segment_id="seg2", word=14, heading=title, text="The rate of heat loss follows the "
             "difference in temperature.", label="Why tea cools", element="sources/tea.md line 30")])
    two = Scene(index=2, section_id="s2", title="The cooling law", code=CODE, code_language="python",
                estimated_seconds=6, segments=[seg(3, "ben", "Here is the function. It computes the temperature.",
                                                   "s2"),
                                               seg(4, "ada", "And the figure shows a lid.", "s2")], beats=[
        Beat(kind="code", segment_id="seg3", heading="The cooling law", text=CODE, label="Python", highlight=[1],
             points=["Here is the function"]),
        Beat(kind="figure", segment_id="seg4", heading="The cooling law", text="A cup with a lid",
             path="sources/cup.png", element="sources/tea.md line 12")])
    return [one, two]


@pytest.fixture
def storyboarded(tmp_path):
    """An episode whose storyboard and scenes exist (the studio reads and writes only those here)."""
    from showrunner.artifacts import SceneRef, Storyboard
    from showrunner.files import write_json

    project = Project(tmp_path, small_config())
    scenes = beat_scenes()
    for scene in scenes:
        write_json(project.path(f"results/tea/scenes/{scene.index:02d}.json"), scene)
    write_json(project.path("results/tea/storyboard.json"), Storyboard(slug="tea", title="Why tea cools", scenes=[
        SceneRef(index=s.index, file=f"scenes/{s.index:02d}.json", title=s.title, section_id=s.section_id)
        for s in scenes]))
    return project


def scene_beats(project, index: int) -> list[dict]:
    return json.loads(project.path(f"results/tea/scenes/{index:02d}.json").read_text())["beats"]


def test_a_scenes_beats_are_listed_and_edited_in_the_studio(storyboarded):
    with running_studio(storyboarded.root) as (url, _):
        scenes = http.get(f"{url}/api/episodes/tea/scenes").json()["scenes"]
        one, two = scenes
        assert one["file"] == "results/tea/scenes/01.json" and not one["stills_stale"]
        assert [(b["index"], b["kind_label"], b["segment_id"]) for b in one["beats"]] == [
            (0, "title card", "seg1"), (1, "big number", "seg2"), (2, "key point", "seg2"), (3, "quote", "seg2")]
        number, point, quote = one["beats"][1:]
        assert number["shows"] == "60%: of the heat goes to evaporation" and number["still"] is None
        assert point["at"].startswith("A lid cuts that down.") and point["editable"] == [
            "segment_id", "word", "heading", "points"]
        assert quote["source"] == "sources/tea.md line 30" and "text" not in quote["editable"]
        code, figure = two["beats"]
        assert code["shows"] == "Python listing, 3 lines, lines 1 highlighted"
        assert figure["shows"] == "figure sources/cup.png" and figure["source"] == "sources/tea.md line 12"

        # reword a point and a number's label, set a quote's attribution, swap the quote and the point
        # in time, add a key point: one request, the order given is the order written
        edits = [{"beat": 0}, {"beat": 1, "label": "of the heat leaves as vapour"},
                 {"beat": 3, "segment_id": "seg2", "word": 9, "label": "Isaac Newton"},
                 {"beat": 2, "word": 14, "points": ["A lid keeps the tea hot"]},
                 {"beat": None, "segment_id": "seg2", "word": 14,
                  "points": ["A lid keeps the tea hot", "Cooling follows the difference"]}]
        saved = http.put(f"{url}/api/episodes/tea/scenes/1/beats", json={"beats": edits})
        assert saved.status_code == 200, saved.text
        assert saved.json() == {"scene": 1, "changed": True, "beats": 5}
        beats = scene_beats(storyboarded, 1)
        assert [(b["kind"], b["segment_id"], b["word"]) for b in beats] == [
            ("title", "seg1", 0), ("number", "seg2", 0), ("quote", "seg2", 9), ("points", "seg2", 14),
            ("points", "seg2", 14)]
        assert beats[1]["label"] == "of the heat leaves as vapour" and beats[1]["text"] == "60%"
        assert beats[2]["label"] == "Isaac Newton" and beats[2]["element"] == "sources/tea.md line 30"
        assert beats[3]["points"] == ["A lid keeps the tea hot"] and beats[3]["heading"] == "Why tea cools"
        assert beats[4]["points"][-1] == "Cooling follows the difference" and beats[4]["heading"] == "Why tea cools"

        # the figure first, the listing later with other lines highlighted; then delete the figure
        moved = http.put(f"{url}/api/episodes/tea/scenes/2/beats", json={"beats": [
            {"beat": 1, "segment_id": "seg3", "word": 0}, {"beat": 0, "segment_id": "seg4", "highlight": [2, 3]}]})
        assert moved.status_code == 200, moved.text
        assert [(b["kind"], b["segment_id"], b["highlight"]) for b in scene_beats(storyboarded, 2)] == [
            ("figure", "seg3", []), ("code", "seg4", [2, 3])]
        assert http.put(f"{url}/api/episodes/tea/scenes/2/beats", json={"beats": [{"beat": 1}]}).status_code == 200
        assert [b["kind"] for b in scene_beats(storyboarded, 2)] == ["code"]

        # the beats sent back as listed change nothing, and nothing is written
        path = storyboarded.path("results/tea/scenes/01.json")
        before = (path.stat().st_mtime_ns, path.read_bytes())
        listed = http.get(f"{url}/api/episodes/tea/scenes").json()["scenes"][0]["beats"]
        same = http.put(f"{url}/api/episodes/tea/scenes/1/beats",
                        json={"beats": [{**b, "beat": b["index"]} for b in listed]})
        assert same.status_code == 200 and same.json()["changed"] is False, same.text
        assert (path.stat().st_mtime_ns, path.read_bytes()) == before


BAD_BEAT_EDITS = [  # scene, edits, what the refusal says
    (1, [{"beat": 0}, {"beat": 1}, {"beat": 2, "points": ["  "]}, {"beat": 3}],
     "01.json: beats.2.points: key point 1 is empty"),
    (1, [{"beat": 0}, {"beat": 1, "text": ""}, {"beat": 2}, {"beat": 3}],
     "01.json: beats.1.text: a big number card shows its text: it is empty"),
    (1, [{"beat": 0}, {"beat": 1, "segment_id": "seg9"}, {"beat": 2}, {"beat": 3}],
     "01.json: beats.1.segment_id: seg9 is not a segment of this scene"),
    (1, [{"beat": 0}, {"beat": 2}, {"beat": 1}, {"beat": 3}],
     "01.json: beats.2: comes before the beat ahead of it in the narration"),
    (1, [{"beat": 0}, {"beat": 1, "word": "nine"}], "01.json: beats.1.word: Input should be a valid integer"),
    (1, [{"beat": 0}, {"beat": 1, "word": -1}], "01.json: beats.1.word: Input should be greater than or equal to 0"),
    (1, [{"beat": 0}, {"beat": 3, "text": "Words Newton never wrote."}],
     "01.json: beats.1.text: what a quote beat shows from the source cannot be edited here"),
    (1, [{"beat": 0}, {"beat": 2, "kind": "quote"}], "01.json: beats.1.kind: what a key point beat shows"),
    (1, [{"beat": 0}, {"beat": 7}], "01.json: beats.1.beat: no beat 7 in this scene (it has 4: 0-3)"),
    (1, [{"beat": 0}, {"beat": 0}], "01.json: beats.1.beat: beat 0 is already beats.0"),
    (1, [{"beat": 0}, {"beat": None, "segment_id": "seg2"}], "01.json: beats.1.points: a new key point needs"),
    (1, [{"beat": 0, "colour": "red"}], "01.json: beats.0.colour: a beat has no field 'colour'"),
    (1, [{"segment_id": "seg1"}], "01.json: beats.0: each edit names the beat it keeps"),
    (1, "all of them", "01.json: beats: give the scene's beats as a list"),
    (2, [{"beat": 0}, {"beat": 1, "path": "/etc/passwd"}],
     "02.json: beats.1.path: what a figure beat shows from the source cannot be edited here"),
    (2, [{"beat": 0, "highlight": [2, 40]}, {"beat": 1}],
     "02.json: beats.0.highlight: line 40 is not in the listing (lines 1-3)"),
]


def test_a_bad_beat_edit_names_the_scene_file_and_field_and_writes_nothing(storyboarded):
    files = {n: storyboarded.path(f"results/tea/scenes/{n:02d}.json") for n in (1, 2)}
    before = {n: (p.stat().st_mtime_ns, p.read_bytes()) for n, p in files.items()}
    with running_studio(storyboarded.root) as (url, _):
        for scene, edits, message in BAD_BEAT_EDITS:
            refused = http.put(f"{url}/api/episodes/tea/scenes/{scene}/beats", json={"beats": edits})
            assert refused.status_code == 422, (edits, refused.text)
            assert f"results/tea/scenes/{message}" in refused.json()["error"], (edits, refused.json()["error"])
    assert {n: (p.stat().st_mtime_ns, p.read_bytes()) for n, p in files.items()} == before
    assert sorted(p.name for p in files[1].parent.iterdir()) == ["01.json", "02.json"]  # no temporary left



def test_beat_edits_keep_the_studios_guards(storyboarded):
    path = storyboarded.path("results/tea/scenes/01.json")
    before = (path.stat().st_mtime_ns, path.read_bytes())
    edit = {"beats": [{"beat": 0}, {"beat": 1, "label": "changed"}, {"beat": 2}, {"beat": 3}]}
    with running_studio(storyboarded.root) as (url, _):
        beats = f"{url}/api/episodes/tea/scenes/1/beats"
        assert http.put(f"{url}/api/episodes/tea/scenes/9/beats", json=edit).status_code == 404
        assert http.put(f"{url}/api/episodes/nope/scenes/1/beats", json=edit).status_code == 404
        assert http.put(f"{url}/api/episodes/..%2F..%2Ftea/scenes/1/beats", json=edit).status_code == 404
        form = http.request("PUT", beats, content=json.dumps(edit), headers={"Content-Type": "text/plain"})
        assert form.status_code == 403 and "CSRF" in form.json()["error"]
        assert http.put(beats, json=edit, headers={"Origin": "http://evil.example"}).status_code == 403
        assert http.put(beats, json=edit, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
        assert http.put(beats, json=edit, headers={"Host": "evil.example"}).status_code == 400
        client, token = csrf_session(url)
        assert client.put("/api/episodes/tea/scenes/1/beats", content=json.dumps(edit),
                          headers={"Content-Type": "text/plain", "X-CSRF-Token": "wrong"}).status_code == 403
        assert "/api/episodes/{slug}/scenes/{index}/beats" in http.get(f"{url}/openapi.json").json()["paths"]
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before
    with running_studio(storyboarded.root, token="s3cret-token") as (url, _):
        beats = f"{url}/api/episodes/tea/scenes/1/beats"
        assert http.put(beats, json=edit).status_code == 401
        assert (path.stat().st_mtime_ns, path.read_bytes()) == before
        done = http.put(beats, json=edit, headers={"Authorization": "Bearer s3cret-token"})
        assert done.status_code == 200 and done.json()["changed"]
    assert scene_beats(storyboarded, 1)[1]["label"] == "changed"


def test_the_voice_reads_only_its_scenes_narration(tmp_path, monkeypatch):
    """scene_voice takes its scene file as ancient(), with the narration's digest in its params: an edited
    beat leaves the voice done; an edited line redoes it (the DAG itself: the build test above)."""
    from showrunner.artifacts import Beat
    from showrunner.files import write_json
    from showrunner.workflow import stage_settings

    monkeypatch.chdir(tmp_path)
    config = load_config(small_config())
    scene = beat_scenes()[0]
    path = tmp_path / "results/tea/scenes/01.json"

    def params(changed) -> dict:
        write_json(path, changed)
        return stage_settings(config, "tea", "scene_voice", "01")

    first = params(scene)
    assert first["scene_file"]
    moved = scene.model_copy(update={"beats": [*scene.beats, Beat(kind="points", segment_id="seg2", word=20,
                                                                  points=["A new point"])]})
    assert params(moved) == first
    line = scene.segments[0].model_copy(update={"text": "Welcome back."})
    assert params(scene.model_copy(update={"segments": [line, *scene.segments[1:]]})) != first
    assert stage_settings(config, "tea", "scene_image", "01") == stage_settings(config, "tea", "scene_image")
