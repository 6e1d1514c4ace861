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
