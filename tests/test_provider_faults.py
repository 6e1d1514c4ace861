"""Provider faults against a real HTTP server speaking the OpenAI protocol: schemas that constrain
ids, a breaker per endpoint and kind that forgets and ignores 429s, a budget reserved under a lock,
calls of unknown outcome counted as possibly billed, and connection errors that name the URL."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from showrunner.config import load_config
from showrunner.errors import BudgetExceeded, ProviderError
from showrunner.providers.breaker import CircuitBreaker
from showrunner.providers.calls import ModelCalls
from tests.conftest import WRITING_STAGES, WritingProject
from tests.fake_openai import KEY_ENV, FakeOpenAI, raw_config, schema_reply
from tests.test_calls import CHAT, chat, new_calls

pytestmark = pytest.mark.usefixtures("api_key")


def test_a_server_that_follows_the_schema_exactly_gets_through_every_writing_stage(server, tmp_path):
    for name in ("research_reply", "outline_reply", "script_reply", "critique_reply", "storyboard_reply",
                 "scene_critic_reply"):
        server.replies[name] = schema_reply
    project = WritingProject(tmp_path, raw_config(server.url, str(tmp_path / "cache"),
                                                  language={"max_reasks": 0}), sources={}, slug="ep")
    for stage in WRITING_STAGES:
        project.run(stage)
    schemas = {b["response_format"]["json_schema"]["name"]: b["response_format"]["json_schema"]["schema"]
               for b in server.bodies()}
    segment = schemas["script_reply"]["$defs"]["SegmentReply"]["properties"]
    assert segment["speaker"]["enum"] == ["ada", "ben"] and segment["section_id"]["enum"][0] == "s1"
    assert schemas["storyboard_reply"]["$defs"]["SceneReply"]["properties"]["segment_ids"]["items"]["enum"] == ["seg1"]
    assert schemas["outline_reply"]["$defs"]["SectionReply"]["properties"]["fact_ids"]["items"]["enum"][0] == "f1"
    storyboard = json.loads(project.path("storyboard.json").read_text())
    assert storyboard["scenes"] and server.count(CHAT) == len(server.bodies())


def test_failing_image_calls_do_not_stop_speech_or_language_calls(server, tmp_path):
    settings = {"breaker_failures": 2, "max_attempts": 2}
    server.fail(500, times=2)
    calls = new_calls(server, tmp_path, language=settings, image=settings)
    with pytest.raises(ProviderError, match="circuit breaker open"):
        calls.call(kind="image", provider="openai", model="gpt-image-1", version="t",
                   request={"base_url": server.url, "n": 1}, perform=lambda: _raise_500(server),
                   settings=calls.episode.providers.image)
    assert json.loads(chat(calls).body)  # same endpoint, another kind: still called


def _raise_500(server):
    import openai

    client = openai.OpenAI(api_key="sk-test-SECRET-123", base_url=server.url, max_retries=0, timeout=2)
    client.images.generate(model="gpt-image-1", prompt="x", size="256x256")


def test_answered_429s_are_not_failures_of_the_endpoint(server, tmp_path):
    settings = {"breaker_failures": 2, "max_attempts": 5}
    server.fail(429, retry_after="0", times=3)
    assert json.loads(chat(new_calls(server, tmp_path, language=settings), "one").body)
    assert server.count(CHAT) == 4
    server.fail(429, retry_after="0", times=1)
    assert json.loads(chat(new_calls(server, tmp_path, language=settings), "two").body)  # not blocked


def test_failures_older_than_the_window_are_forgotten(tmp_path):
    clock = [1000.0]
    breaker = CircuitBreaker(tmp_path, "openai", "http://x", failures=3, cooldown_s=300, clock=lambda: clock[0],
                             kind="speech", window_s=60)
    assert not breaker.failure("one") and not breaker.failure("two")
    clock[0] += 61  # a minute later, those two are history
    assert not breaker.failure("three") and not breaker.failure("four")
    breaker.check()
    assert breaker.failure("five")  # three within the window
    with pytest.raises(ProviderError, match="speech calls to openai"):
        breaker.check()


def test_parallel_calls_cannot_overspend_the_budget(server, tmp_path):
    server.hang(0.3, times=20)
    prices = {"openai:gpt-test": {"input_per_1m_tokens": 100.0, "output_per_1m_tokens": 100.0}}
    config = load_config(raw_config(server.url, str(tmp_path / "cache"), budget_usd=0.05, prices=prices,
                                    language={"timeout_s": 5}))
    outcomes: list[str] = []

    def one(i: int) -> None:
        calls = ModelCalls(config.episode("ep"), f"job{i}", tmp_path)
        try:
            chat(calls, f"question number {i} " * 5)
            outcomes.append("made")
        except BudgetExceeded:
            outcomes.append("refused")

    threads = [threading.Thread(target=one, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    summary = json.loads((tmp_path / "results/ep/cost.json").read_text())
    assert "refused" in outcomes and "made" in outcomes
    assert summary["total_usd"] + summary["possibly_billed_usd"] <= 0.05
    assert summary["calls"] == outcomes.count("made") == server.count(CHAT)


def test_a_timed_out_call_is_recorded_as_possibly_billed(server, tmp_path):
    server.hang(1.2)  # answered by the server (and billed), after the client gave up at 0.5 s
    calls = new_calls(server, tmp_path)
    chat(calls)
    summary = json.loads((tmp_path / "results/ep/cost.json").read_text())
    assert summary["calls"] == 1 and len(summary["possibly_billed_calls"]) == 1
    assert summary["possibly_billed_calls"][0]["why"].startswith("outcome unknown")
    assert summary["possibly_billed_usd"] > 0


def test_a_call_killed_in_flight_is_recorded_as_possibly_billed(server, tmp_path):
    server.hang(30)
    code = (f"import os\nos.environ[{KEY_ENV!r}] = 'sk-test-SECRET-123'\n"
            "from pathlib import Path\nfrom showrunner.config import load_config\n"
            "from showrunner.providers.calls import ModelCalls\nfrom tests.fake_openai import raw_config\n"
            "from tests.test_calls import chat\n"
            f"config = load_config(raw_config({server.url!r}, {str(tmp_path / 'cache')!r}, "
            "language={'timeout_s': 60}))\n"
            f"chat(ModelCalls(config.episode('ep'), 'research', Path({str(tmp_path)!r})))\n")
    job = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent)
    deadline = time.time() + 30
    while server.count(CHAT) == 0 and time.time() < deadline:
        time.sleep(0.05)
    job.send_signal(signal.SIGKILL)
    job.wait(timeout=30)
    summary = json.loads((tmp_path / "results/ep/cost.json").read_text())
    assert summary["calls"] == 0 and len(summary["possibly_billed_calls"]) == 1
    assert "stopped mid-call" in summary["possibly_billed_calls"][0]["why"]


def test_a_refused_connection_names_the_url(tmp_path):
    with FakeOpenAI() as dead:
        url = dead.url
    config = load_config(raw_config(url, str(tmp_path / "cache"), language={"max_attempts": 1}))
    with pytest.raises(ProviderError) as err:
        chat(ModelCalls(config.episode("ep"), "research", tmp_path))
    assert f"POST {url}/chat/completions" in str(err.value)
    assert "SECRET" not in str(err.value)
