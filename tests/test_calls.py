"""ModelCalls: cache, circuit breaker, budget, retries and cost, against a real (fake) HTTP server."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from email.utils import formatdate
from pathlib import Path

import pytest

from showrunner.config import load_config
from showrunner.errors import BudgetExceeded, ProviderError
from showrunner.provenance import write_provenance
from showrunner.providers.breaker import CircuitBreaker
from showrunner.providers.calls import CallResult, ModelCalls, RejectedReply, Usage
from showrunner.providers.openai_client import openai_client
from showrunner.providers.retry import TransientError, is_transient, parse_retry_after
from showrunner.stage_job import StageJob
from tests.fake_openai import KEY, KEY_ENV, FakeOpenAI, raw_config

CHAT = "/v1/chat/completions"


pytestmark = pytest.mark.usefixtures("api_key")


def make_config(server, tmp_path, **kw):
    return load_config(raw_config(server.url, str(tmp_path / "cache"), **kw))


def chat(calls: ModelCalls, text: str = "hello", base_url: str | None = None, **kw) -> CallResult:
    """One chat call through ModelCalls, made with the openai SDK."""
    settings = calls.episode.providers.language
    body = {"model": "gpt-test", "messages": [{"role": "user", "content": text}]}

    def perform() -> CallResult:
        response = openai_client(settings, "language").chat.completions.create(**body)
        return CallResult(body=response.choices[0].message.content.encode(),
                          usage=Usage(input_tokens=response.usage.prompt_tokens,
                                      output_tokens=response.usage.completion_tokens))

    return calls.call(kind="language", provider="openai", model="gpt-test", version="test",
                      request={"base_url": base_url or settings.base_url, "body": body}, perform=perform,
                      estimate=Usage(input_tokens=len(text) // 4 + 1, output_tokens=100), **kw)


def new_calls(server, tmp_path, stage="research", **kw) -> ModelCalls:
    return ModelCalls(make_config(server, tmp_path, **kw).episode("ep"), stage, tmp_path)


# --- retries ------------------------------------------------------------------------------


def test_retries_5xx_and_429_then_succeeds(server, tmp_path):
    server.fail(500)
    server.fail(429)
    calls = new_calls(server, tmp_path)
    result = chat(calls)
    assert json.loads(result.body)
    assert server.count(CHAT) == 3
    assert calls.records[-1].attempts == 3 and not calls.records[-1].cached


def test_retry_after_seconds_is_honoured(server, tmp_path):
    server.fail(429, retry_after="1")
    started = time.monotonic()
    chat(new_calls(server, tmp_path))
    times = [r["time"] for r in server.requests]
    assert len(times) == 2
    assert times[1] - times[0] >= 1.0
    assert time.monotonic() - started < 5


def test_retry_after_http_date_is_parsed():
    now = time.time()
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30, abs=1.5)
    assert parse_retry_after("2") == 2.0
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None


def test_timeout_is_retried(server, tmp_path):
    server.hang(1.2)  # the client gives up after 0.5 s
    calls = new_calls(server, tmp_path)
    chat(calls)
    assert server.count(CHAT) == 2
    assert calls.records[-1].attempts == 2


def test_connection_refused_is_transient(tmp_path):
    with FakeOpenAI() as dead:
        url = dead.url
    config = load_config(raw_config(url, str(tmp_path / "cache"), language={"max_attempts": 2}))
    calls = ModelCalls(config.episode("ep"), "research", tmp_path)
    with pytest.raises(ProviderError, match="after 2 attempt"):
        chat(calls)


def test_gives_up_after_max_attempts(server, tmp_path):
    server.fail(503, times=3)
    with pytest.raises(ProviderError, match=r"after 3 attempt\(s\).*503"):
        chat(new_calls(server, tmp_path))
    assert server.count(CHAT) == 3


def test_client_errors_are_not_retried(server, tmp_path, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "sk-wrong-key-456")
    with pytest.raises(ProviderError, match="401") as err:
        chat(new_calls(server, tmp_path))
    assert server.count(CHAT) == 1
    assert "sk-wrong-key-456" not in str(err.value)


def test_retry_after_longer_than_max_wait_gives_up_at_once(server, tmp_path):
    server.fail(429, retry_after="3600")
    with pytest.raises(ProviderError, match="asked to wait 3600 s"):
        chat(new_calls(server, tmp_path))
    assert server.count(CHAT) == 1


def test_classification():
    assert is_transient(TransientError("x")) and is_transient(TimeoutError()) and is_transient(ConnectionError())
    assert not is_transient(ValueError("bad"))


# --- circuit breaker ----------------------------------------------------------------------


def test_breaker_opens_and_is_shared_between_jobs(server, tmp_path):
    server.fail(500, times=10)
    first = new_calls(server, tmp_path, language={"breaker_failures": 2})
    with pytest.raises(ProviderError, match="circuit breaker open"):
        chat(first, "one")
    assert server.count(CHAT) == 2  # the breaker opened on the second failure: no third attempt

    second = new_calls(server, tmp_path, stage="outline", language={"breaker_failures": 2})  # another job
    started = time.monotonic()
    with pytest.raises(ProviderError, match="circuit breaker open") as err:
        chat(second, "two")
    assert time.monotonic() - started < 0.5
    assert server.count(CHAT) == 2  # not contacted
    assert "breakers" in str(err.value)  # names the file to delete


def test_breaker_is_shared_with_another_process(server, tmp_path):
    server.fail(500, times=10)
    with pytest.raises(ProviderError):
        chat(new_calls(server, tmp_path, language={"breaker_failures": 2, "max_attempts": 2}))
    breaker = CircuitBreaker(tmp_path / "cache" / "breakers", "openai", server.url, 2, 60, kind="language")
    assert breaker.path.exists()
    code = ("import sys\nfrom pathlib import Path\nfrom showrunner.providers.breaker import CircuitBreaker\n"
            f"b = CircuitBreaker(Path({str(breaker.path.parent)!r}), 'openai', {server.url!r}, 2, 60, "
            "kind='language')\n"
            "try:\n    b.check()\nexcept Exception as e:\n    print(type(e).__name__); sys.exit(3)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert done.returncode == 3 and "ProviderError" in done.stdout


def test_breaker_half_opens_after_cooldown_and_closes_on_success(server, tmp_path):
    server.fail(500, times=2)
    settings = {"breaker_failures": 2, "breaker_cooldown_s": 0.3}
    with pytest.raises(ProviderError):
        chat(new_calls(server, tmp_path, language=settings), "one")
    with pytest.raises(ProviderError, match="circuit breaker open"):
        chat(new_calls(server, tmp_path, language=settings), "two")
    time.sleep(0.35)
    calls = new_calls(server, tmp_path, language=settings)
    chat(calls, "three")  # half-open: goes through, and succeeds
    state = json.loads(next((tmp_path / "cache" / "breakers").glob("*.json")).read_text())
    assert state["state"] == "closed" and state["failures"] == 0


def test_breaker_in_half_open_reopens_on_one_failure(tmp_path):
    clock = [1000.0]
    breaker = CircuitBreaker(tmp_path, "openai", "http://x", failures=3, cooldown_s=10, clock=lambda: clock[0])
    for _ in range(3):
        opened = breaker.failure("boom")
    assert opened
    with pytest.raises(ProviderError, match="for another 10 s"):
        breaker.check()
    clock[0] += 11
    breaker.check()  # half-open now
    assert breaker.failure("boom again")  # one failure is enough to reopen
    with pytest.raises(ProviderError):
        breaker.check()


# --- cache --------------------------------------------------------------------------------


def test_identical_call_is_served_from_the_cache(server, tmp_path, monkeypatch):
    calls = new_calls(server, tmp_path)
    first = chat(calls)
    second = chat(new_calls(server, tmp_path, stage="outline"))  # another job, same request
    assert server.count(CHAT) == 1
    assert second.cached and second.body == first.body

    monkeypatch.setenv(KEY_ENV, KEY + "-rotated")  # the key is not part of the request
    assert chat(new_calls(server, tmp_path)).cached
    assert server.count(CHAT) == 1

    monkeypatch.setenv(KEY_ENV, KEY)
    chat(new_calls(server, tmp_path), text="another prompt")
    assert server.count(CHAT) == 2


def test_cache_key_includes_base_url_and_parameters(server, tmp_path):
    chat(new_calls(server, tmp_path))
    chat(new_calls(server, tmp_path), base_url=server.url + "/")  # another endpoint: another answer
    assert server.count(CHAT) == 2


def test_cache_dir_is_configurable_and_shared(server, tmp_path):
    shared = tmp_path / "shared-cache"
    for checkout in ("a", "b"):
        raw = raw_config(server.url, str(shared))
        calls = ModelCalls(load_config(raw).episode("ep"), "research", tmp_path / checkout)
        chat(calls)
    assert server.count(CHAT) == 1
    assert list(shared.glob("*/*.body"))


def test_rejected_answer_is_not_cached(server, tmp_path):
    def accept(body: bytes) -> None:
        raise ValueError("not what I wanted")

    with pytest.raises(RejectedReply, match="not what I wanted"):
        chat(new_calls(server, tmp_path), accept=accept)
    with pytest.raises(RejectedReply):
        chat(new_calls(server, tmp_path), accept=accept)
    assert server.count(CHAT) == 2
    assert chat(new_calls(server, tmp_path)).cached is False  # still asks: nothing was cached


# --- cost and budget ----------------------------------------------------------------------


def test_cost_goes_to_cost_json_and_provenance(server, tmp_path):
    config = make_config(server, tmp_path)
    episode = config.episode("ep")
    research = ModelCalls(episode, "research", tmp_path)
    chat(research, "one")
    chat(research, "one")  # cached: costs nothing
    outline = ModelCalls(episode, "outline", tmp_path)
    chat(outline, "two")

    results = tmp_path / "results" / "ep"
    summary = json.loads((results / "cost.json").read_text())
    ledger = [json.loads(line) for line in (results / "cost.ledger.jsonl").read_text().splitlines()]
    ledger = [entry for entry in ledger if "cost_usd" in entry]  # the calls, not their reservations
    assert len(ledger) == 2 and summary["calls"] == 2 and summary["possibly_billed_calls"] == []
    expected = sum(e["cost_usd"] for e in ledger)
    assert expected > 0 and summary["total_usd"] == pytest.approx(expected)
    assert set(summary["by_stage"]) == {"research", "outline"}
    assert summary["by_provider"]["openai"]["cost_usd"] == pytest.approx(expected)
    assert summary["by_model"]["openai:gpt-test"]["calls"] == 2
    usage = ledger[0]["usage"]
    assert ledger[0]["cost_usd"] == pytest.approx(usage["input_tokens"] * 1000 / 1e6
                                                  + usage["output_tokens"] * 2000 / 1e6)

    assert [r.cost_usd > 0 for r in research.records] == [True, False]
    job = StageJob(stage="research", config=config, episode=episode, input={}, output={}, root=tmp_path)
    write_provenance(job, results / "research.provenance.json", provider="openai", model="gpt-test",
                     calls=research.records)
    provenance = json.loads((results / "research.provenance.json").read_text())
    assert provenance["cost_usd"] == pytest.approx(summary["by_stage"]["research"]["cost_usd"], abs=1e-6)
    assert provenance["calls"][1]["cached"] is True and provenance["calls"][1]["cost_usd"] == 0


def test_budget_stops_a_call_before_it_is_made(server, tmp_path):
    calls = new_calls(server, tmp_path, budget_usd=0.05)  # ~0.2 USD would be needed at the test prices
    with pytest.raises(BudgetExceeded) as err:
        chat(calls)
    message = str(err.value)
    assert "spent $0.0000" in message and "needed about $0.2" in message and "budget $0.0500" in message
    assert "episodes.ep.budget_usd" in message
    assert server.count() == 0


def test_budget_counts_what_was_spent(server, tmp_path):
    calls = new_calls(server, tmp_path, budget_usd=0.21, prices={
        "openai:gpt-test": {"output_per_1m_tokens": 2000.0}})  # estimate 100 output tokens: $0.2 a call
    chat(calls, "one")  # spends a little (the fake reply is short)
    spent = json.loads((tmp_path / "results" / "ep" / "cost.json").read_text())["total_usd"]
    assert 0 < spent < 0.15
    chat(calls, "one")  # cached: no budget needed
    with pytest.raises(BudgetExceeded, match=f"spent \\${spent:.4f}"):
        chat(calls, "two")  # spent + 0.2 > 0.21
    assert server.count(CHAT) == 1


def test_unpriced_model_is_listed(server, tmp_path):
    chat(new_calls(server, tmp_path, prices={}))
    summary = json.loads((tmp_path / "results" / "ep" / "cost.json").read_text())
    assert summary["total_usd"] == 0 and summary["unpriced"] == ["openai:gpt-test"]


def test_secret_never_written(server, tmp_path, caplog):
    caplog.set_level("DEBUG")
    server.fail(500, echo_auth=True, times=3)
    with pytest.raises(ProviderError) as err:
        chat(new_calls(server, tmp_path))
    assert KEY not in str(err.value)
    chat(new_calls(server, tmp_path), "fine")
    assert KEY not in caplog.text
    for path in Path(tmp_path).rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path
