"""Notifications: JSON POSTs to notify.url on gate reached, finished, failed; retried, never blocking."""

from __future__ import annotations

import json
import time

import pytest

from showrunner.config import Notify
from showrunner.notify import Notifier
from tests.notify_server import NotifyServer
from tests.project import Project, small_config

pytestmark = pytest.mark.timeout(600)


def test_a_failed_post_is_retried_and_delivered_once(monkeypatch):
    monkeypatch.setenv("SHOWRUNNER_TEST_HOOK_TOKEN", "hook-token-123456")
    with NotifyServer(fail_first=2) as server:
        notifier = Notifier(Notify(url=server.url, backoff_s=0.05, max_attempts=3,
                                   token_env="SHOWRUNNER_TEST_HOOK_TOKEN"))
        notifier.send("finished", "tea", "results/tea/final.mp4 is ready")
        notifier.close()
    assert len(server.requests) == 3
    assert server.bodies == [{"event": "finished", "episode": "tea", "message": "results/tea/final.mp4 is ready",
                              "time": server.bodies[0]["time"]}]
    assert server.requests[-1]["authorization"] == "Bearer hook-token-123456"


def test_a_slow_or_dead_endpoint_never_holds_up_the_caller():
    with NotifyServer(fail_first=100, delay_s=0.5) as server:
        notifier = Notifier(Notify(url=server.url, backoff_s=0.1, max_attempts=10, flush_s=1.0))
        started = time.monotonic()
        notifier.send("failed", "tea", "scene_voice failed")
        assert time.monotonic() - started < 0.1  # sending is queueing
        notifier.close()
        assert time.monotonic() - started < 2.0  # the run's end waits flush_s at most
    assert server.bodies == []
    assert len(server.requests) >= 1


def test_no_url_sends_nothing():
    notifier = Notifier(Notify())
    notifier.send("finished", "tea")
    notifier.close()
    assert not notifier.enabled and notifier.sent == []


def test_a_real_build_notifies_the_gate_the_finish_and_a_failure(tmp_path):
    with NotifyServer(fail_first=1) as server:
        config = small_config()
        config["notify"] = {"url": server.url, "backoff_s": 0.05}
        project = Project(tmp_path, config)
        project.snakemake("results/tea/outline.md")
        assert [(b["event"], b["episode"]) for b in server.wait_for(1)] == [("gate_reached", "tea")]
        assert "results/tea/outline.md awaits approval" in server.bodies[0]["message"]

        project.showrunner("approve", "tea")
        project.snakemake("results/tea/final.mp4")
        assert [(b["event"], b["episode"]) for b in server.wait_for(2)][1] == ("finished", "tea")

        scene = project.path("results/tea/scenes/01.json")
        data = json.loads(scene.read_text())
        data["segments"][0]["speaker"] = "zed"
        scene.write_text(json.dumps(data))
        assert project.snakemake("results/tea/final.mp4", check=False).returncode != 0
        failed = server.wait_for(3)[2]
    assert (failed["event"], failed["episode"]) == ("failed", "tea")
    assert "'zed' is not a host of the show" in failed["message"]
