"""Every model call goes through `ModelCalls.call`: the one place for the policy around it.

    cache    the answer to an identical request (provider, model, base_url, every parameter,
             the prompt or text, the voice, the seed; never the API key) comes from the
             content-addressed cache, costs nothing and contacts no one
    breaker  a provider endpoint that failed `breaker_failures` times within `breaker_window_s`,
             for one kind of call, is not called again for that kind until `breaker_cooldown_s`
             has passed; the stage fails at once instead. A 429 (the service answered, busy) is
             not a failure of the endpoint
    budget   each attempt's estimated price is reserved in the episode's ledger under a lock
             before it is made, and refused when it would take the episode past `budget_usd`;
             parallel jobs cannot overspend. A timed-out or killed attempt stays possibly billed
    retry    HTTP 429/5xx, connection errors and timeouts are retried (tenacity) up to
             `max_attempts`, waiting as Retry-After asks or backing off exponentially
    record   usage and price go into the stage's call records (its provenance) and the
             episode's cost ledger and cost.json; only then is the answer cached
    re-ask   a language reply that `accept` refuses (not JSON, not the schema, breaks the task's
             rules) is paid for and recorded, never cached, and asked again with the reply and the
             error added to the conversation, up to `max_reasks` times (`ModelCalls.ask`)

Whichever provider makes the call, offline or online, the same policy applies.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from tenacity import RetryCallState, Retrying, retry_if_exception

from showrunner import __version__
from showrunner.config import Episode, ProviderSettings, resolve_path
from showrunner.errors import BudgetExceeded, ProviderError, ShowrunnerError
from showrunner.files import canonical_json, sha256_text, write_bytes
from showrunner.providers.breaker import CircuitBreaker
from showrunner.providers.cost import CostLedger, cost_usd, price_key
from showrunner.providers.retry import (
    is_api_error,
    is_timeout,
    is_transient,
    retry_after,
    status_of,
    wait_retry_after,
)
from showrunner.secrets import redact

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    characters: int = 0
    images: int = 0


@dataclass
class CallResult:
    body: bytes  # JSON text for language calls, audio or image file bytes otherwise
    usage: Usage = field(default_factory=Usage)
    cached: bool = False


@dataclass
class CallRecord:
    kind: str
    provider: str
    model: str
    request_sha256: str
    cached: bool
    attempts: int
    duration_s: float
    usage: dict[str, int]
    cost_usd: float = 0.0


class RejectedReply(ProviderError):
    """`accept` refused an answer: it was paid for and recorded, but is not cached."""

    def __init__(self, body: bytes, error: str):
        super().__init__(f"reply rejected: {error}")
        self.body = body
        self.error = error


REASK = ("Your reply could not be used:\n{error}\n\nReply again with the corrected JSON object only, "
         "following the schema.")


@dataclass(frozen=True)
class Ask:
    """One question to a language model: a task, what it is told, and the conversation so far.

    `system` gives the task, its notes and the reply's JSON schema in words; `messages` holds the
    rendered prompt as the user's message and, on a re-ask, each rejected reply and why. `inputs`
    are the artifacts the task works from (an offline writer does its work from them).
    """

    task: str
    system: str
    messages: tuple[dict[str, str], ...]
    schema: dict[str, Any]
    schema_name: str
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def prompt(self) -> str:
        return self.messages[0]["content"]

    def again(self, reply: str, error: str) -> Ask:
        return replace(self, messages=(*self.messages, {"role": "assistant", "content": reply},
                                       {"role": "user", "content": REASK.format(error=error)}))

    def request(self) -> dict[str, Any]:
        """Everything the answer depends on, for the cache key."""
        return {"task": self.task, "system": self.system, "messages": list(self.messages), "schema": self.schema,
                "schema_name": self.schema_name, "inputs": _plain(self.inputs)}


def _plain(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


class ModelCalls:
    """The calls one stage job makes, with the cache they share with every other job."""

    def __init__(self, episode: Episode, stage: str, root: Path, sleep: Callable[[float], None] = time.sleep):
        self.episode = episode
        self.stage = stage
        self.root = root
        self.cache_dir = resolve_path(episode.cache.dir, root)
        self.records: list[CallRecord] = []
        self.ledger = CostLedger(root / "results" / episode.slug, episode.slug)
        self.sleep = sleep  # tenacity's sleep between attempts (tests may pass their own)
        self._unpriced_warned: set[str] = set()

    def call(self, *, kind: str, provider: str, model: str, version: str, request: dict[str, Any],
             perform: Callable[[], CallResult], estimate: Usage | None = None,
             accept: Callable[[bytes], Any] | None = None, settings: ProviderSettings | None = None) -> CallResult:
        """Return the cached answer to `request`, or perform it (under the policy above) and cache it.

        `version` is part of the key: a local provider passes a hash of its own code, so a
        changed provider never serves an old answer. `request` must hold everything the answer
        depends on (an online provider includes its base_url) and never a secret.
        `estimate` is the usage the call may take, priced before it is made for `budget_usd`.
        `accept(body)` raises when an answer is unusable (a language reply that fails its
        schema): such an answer is recorded and paid for, never cached, and RejectedReply is
        raised so the provider can ask again. `settings` defaults to the episode's provider
        settings of this `kind`.
        """
        settings = settings or self._settings(kind)
        key = self._key(kind, provider, model, version, request)
        label = f"{kind} call to {price_key(provider, model)}"
        started = time.monotonic()
        hit = self._cache_get(key)
        if hit is not None and _accepts(accept, hit.body):
            log.info("%s: from the cache (%s)", label, key[:12])
            self._record(kind, provider, model, key, hit, attempts=0, started=started, cost=0.0)
            return hit

        breaker = self._breaker(kind, provider, settings, request)
        breaker.check()
        price = self.episode.prices.get(price_key(provider, model))
        self._warn_unpriced(label, provider, model, price)
        estimate_usd = cost_usd(price, estimate or Usage())
        about = {"stage": self.stage, "kind": kind, "provider": provider, "model": model, "request_sha256": key}

        made: dict[str, Any] = {}  # the last attempt's reservation, settled once the call is answered

        def attempt() -> CallResult:
            reservation = self.ledger.reserve(**about, estimate=estimate_usd, budget=self.episode.spec.budget_usd,
                                              refuse=lambda spent, needed: self._over_budget(label, spent, needed))
            try:
                answer = perform()
            except BaseException as err:
                if is_timeout(err):
                    self.ledger.unknown(reservation, describe(err))
                elif isinstance(err, Exception):
                    self.ledger.release(reservation)
                raise  # a kill (KeyboardInterrupt, SystemExit) leaves the reservation open: possibly billed
            made["reservation"] = reservation
            return answer

        result, attempts = self._perform(attempt, settings, breaker, label)

        cost = cost_usd(price, result.usage)
        self._record(kind, provider, model, key, result, attempts=attempts, started=started, cost=cost)
        self.ledger.settle(made["reservation"], **about, attempts=attempts, usage=result.usage, cost=cost,
                           priced=price is not None)
        log.info("%s: made in %d attempt(s), usage %s, $%.6f", label, attempts, _usage_text(result.usage), cost)
        if accept is not None:
            try:
                accept(result.body)
            except Exception as err:  # whatever the check raises, the answer is unusable
                raise RejectedReply(result.body, redact(str(err))) from None
        self._cache_put(key, result, kind=kind, provider=provider, model=model)
        return result

    def ask(self, ask: Ask, *, provider: str, model: str, version: str, parameters: dict[str, Any],
            answer: Callable[[Ask], CallResult], accept: Callable[[bytes], T], estimate: Callable[[Ask], Usage],
            settings: ProviderSettings) -> T:
        """A language task's artifact: `answer(ask)` made through `call`, its reply `accept`ed, and a
        rejected reply asked again with the error (up to settings.max_reasks times).

        `parameters` are the provider's settings the answer depends on (model, base_url, temperature...),
        part of the key with the ask itself."""
        rounds = settings.max_reasks + 1
        for attempt in range(1, rounds + 1):
            try:
                result = self.call(kind="language", provider=provider, model=model, version=version,
                                   request={**parameters, "ask": ask.request()},
                                   perform=functools.partial(answer, ask), estimate=estimate(ask),
                                   accept=accept, settings=settings)
            except RejectedReply as rejected:
                reply = rejected.body.decode("utf-8", errors="replace")
                log.warning("%s reply %d of %d rejected: %s\n--- reply ---\n%s\n--- end of reply ---",
                            ask.schema_name, attempt, rounds, rejected.error, redact(reply))
                if attempt == rounds:
                    raise ProviderError(
                        f"language model {provider}:{model} gave no usable {ask.schema_name} after "
                        f"{rounds} attempt(s) (providers.language.max_reasks = {settings.max_reasks}); "
                        f"last error:\n{rejected.error}\n(the replies are in this stage's log)"
                    ) from None
                ask = ask.again(reply, rejected.error)
                continue
            return accept(result.body)
        raise AssertionError("unreachable")

    def cached(self, *, kind: str, provider: str, model: str, version: str, request: dict[str, Any]) -> bool:
        """Whether `call` with these arguments would be answered from the cache (a provider that
        speaks many segments in one process asks, so that it speaks only the missing ones)."""
        body, meta = self._paths(self._key(kind, provider, model, version, request))
        return body.exists() and meta.exists()

    @staticmethod
    def _key(kind: str, provider: str, model: str, version: str, request: dict[str, Any]) -> str:
        return sha256_text(canonical_json({"kind": kind, "provider": provider, "model": model, "version": version,
                                           "request": request, "showrunner": __version__.split(".")[0]}))

    # --- policy -------------------------------------------------------------------------
    def _settings(self, kind: str) -> ProviderSettings:
        return getattr(self.episode.providers, kind)

    def _breaker(self, kind: str, provider: str, settings: ProviderSettings, request: dict[str, Any]) -> CircuitBreaker:
        endpoint = str(request.get("base_url") or settings.base_url or "")
        return CircuitBreaker(self.cache_dir / "breakers", provider, endpoint, settings.breaker_failures,
                              settings.breaker_cooldown_s, kind=kind, window_s=settings.breaker_window_s)

    def _warn_unpriced(self, label: str, provider: str, model: str, price) -> None:
        if price is None and self.episode.spec.budget_usd is not None \
                and price_key(provider, model) not in self._unpriced_warned:
            self._unpriced_warned.add(price_key(provider, model))
            log.warning("%s: no price for '%s' in config.yaml prices: counted as $0 against budget_usd",
                        label, price_key(provider, model))

    def _over_budget(self, label: str, spent: float, needed: float) -> None:
        budget = self.episode.spec.budget_usd
        raise BudgetExceeded(
            f"{label} not made: episode '{self.episode.slug}' would go over its budget: "
            f"spent ${spent:.4f} (possibly billed included), needed about ${needed:.4f}, budget ${budget:.4f} "
            f"(config.yaml: episodes.{self.episode.slug}.budget_usd; spending in {self.ledger.summary})"
        )

    def _perform(self, perform: Callable[[], CallResult], settings: ProviderSettings, breaker: CircuitBreaker,
                 label: str) -> tuple[CallResult, int]:
        """Make the call, retrying transient failures; every transient failure counts for the breaker."""
        opened = False

        def stop(state: RetryCallState) -> bool:
            if opened or state.attempt_number >= settings.max_attempts:
                return True
            hinted = retry_after(state.outcome.exception() if state.outcome else None)
            return hinted is not None and hinted > settings.max_wait_s

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            log.warning("%s: attempt %d failed (%s); retrying in %.2f s", label, state.attempt_number,
                        describe(exc), state.upcoming_sleep)

        retrying = Retrying(stop=stop, wait=wait_retry_after(settings.backoff_s, settings.max_wait_s),
                            retry=retry_if_exception(is_transient), before_sleep=before_sleep,
                            sleep=self.sleep, reraise=True)
        attempts = 0
        try:
            for attempt in retrying:
                with attempt:
                    attempts = attempt.retry_state.attempt_number
                    try:
                        result = perform()
                    except Exception as err:
                        if is_transient(err) and status_of(err) != 429:  # a 429 is an answer: the endpoint is up
                            opened = breaker.failure(f"{label}: {describe(err)}") or opened
                        raise
                    breaker.success()
        except ShowrunnerError:
            raise
        except Exception as err:
            if not is_api_error(err):
                raise  # a bug, not the service: keep the traceback
            message = f"{label} failed after {attempts} attempt(s): {describe(err)}"
            hinted = retry_after(err)
            if hinted is not None and hinted > settings.max_wait_s:
                message += (f"; the server asked to wait {hinted:.0f} s, longer than max_wait_s "
                            f"({settings.max_wait_s:.0f} s): rerun later")
            if opened:
                message += f"\n{breaker.open_message()}"
            log.error("%s", redact(message))
            raise ProviderError(redact(message)) from None
        return result, attempts

    def _record(self, kind, provider, model, key, result: CallResult, attempts: int, started: float,
                cost: float) -> None:
        self.records.append(CallRecord(kind=kind, provider=provider, model=model, request_sha256=key,
                                       cached=result.cached, attempts=attempts,
                                       duration_s=round(time.monotonic() - started, 4),
                                       usage=asdict(result.usage), cost_usd=cost))

    # --- cache: one body file and one meta file per request, content-addressed ---------
    def _paths(self, key: str) -> tuple[Path, Path]:
        folder = self.cache_dir / key[:2]
        return folder / f"{key}.body", folder / f"{key}.json"

    def _cache_get(self, key: str) -> CallResult | None:
        body_path, meta_path = self._paths(key)
        if not (body_path.exists() and meta_path.exists()):
            return None
        try:
            meta = json.loads(meta_path.read_text())
            return CallResult(body=body_path.read_bytes(), usage=Usage(**meta["usage"]), cached=True)
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("cache entry %s is unreadable: asking again", meta_path)
            return None

    def _cache_put(self, key: str, result: CallResult, **about: str) -> None:
        body_path, meta_path = self._paths(key)
        write_bytes(body_path, result.body)  # body first: meta present means body complete
        write_bytes(meta_path, canonical_json({"usage": asdict(result.usage), **about}).encode())


def _accepts(accept: Callable[[bytes], Any] | None, body: bytes) -> bool:
    if accept is None:
        return True
    try:
        accept(body)
    except Exception as err:
        log.warning("cached answer no longer accepted (%s): asking again", redact(str(err))[:200])
        return False
    return True


def describe(exc: BaseException | None) -> str:
    """A short, key-free description of a failure: its kind, HTTP status and message."""
    if exc is None:
        return "unknown error"
    status = status_of(exc)
    text = str(exc) or type(exc).__name__
    prefix = f"HTTP {status}: " if status is not None and str(status) not in text[:40] else ""
    url = request_url(exc)
    if url and url not in text:
        text += f" ({url})"
    return redact(f"{type(exc).__name__}: {prefix}{text}")[:1000]


def request_url(exc: BaseException) -> str | None:
    """The method and URL the failed request went to, without credentials or query ('POST http://host/v1/...')."""
    try:
        # httpx's .request raises RuntimeError when the request was never set
        request = getattr(exc, "request", None)
    except Exception:
        request = None
    url = getattr(request, "url", None)
    if url is None:
        return None
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    method = getattr(request, "method", "")
    return f"{method} {parts.scheme}://{host}{parts.path}".strip()


def _usage_text(usage: Usage) -> str:
    parts = [f"{value} {name.replace('_', ' ')}" for name, value in asdict(usage).items() if value]
    return ", ".join(parts) or "none reported"
