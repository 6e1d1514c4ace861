"""Which failures of a model call are worth another attempt, and how long to wait first.

Transient: HTTP 408, 429 and 5xx, connection errors and timeouts, whichever client raised
them (the openai SDK, httpx, or the standard library), and `TransientError`, which a provider
raises for a failure of its own kind that is worth retrying (a dropped websocket, say).
Everything else (a bad request, a wrong key, a missing tool) fails at once.

The wait honours the server's Retry-After (seconds or an HTTP date, and OpenAI's
retry-after-ms); without one it backs off exponentially with a little jitter.
"""

from __future__ import annotations

import email.utils
import random
import sys
import time
from typing import Any

from tenacity import RetryCallState
from tenacity.wait import wait_base

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})


class TransientError(Exception):
    """A provider's failure worth retrying; `retry_after` is the server's hint in seconds, if any."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def _loaded(module: str) -> Any:
    """The module if some code already imported it: an exception of its kind can only exist then."""
    return sys.modules.get(module)


def status_of(exc: BaseException) -> int | None:
    """The HTTP status an exception carries, if any."""
    status = getattr(exc, "status_code", None)
    if status is None:
        status = getattr(getattr(exc, "response", None), "status_code", None)
    return status if isinstance(status, int) else None


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, (TransientError, TimeoutError, ConnectionError)):
        return True
    openai = _loaded("openai")
    if openai is not None:
        if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
            return True
        if isinstance(exc, openai.APIStatusError):
            return _retryable_status(exc.status_code)
    for name in ("httpx", "httpx2"):
        httpx = _loaded(name)
        if httpx is not None:
            if isinstance(exc, httpx.TransportError):  # connect, read, write and pool errors, timeouts
                return True
            if isinstance(exc, httpx.HTTPStatusError):
                return _retryable_status(exc.response.status_code)
    return False


def is_timeout(exc: BaseException) -> bool:
    """The request was sent but no answer came in time: the server may have done (and billed) the work."""
    if isinstance(exc, TimeoutError):
        return True
    openai = _loaded("openai")
    if openai is not None and isinstance(exc, openai.APITimeoutError):
        return True
    return any(_loaded(n) is not None and isinstance(exc, _loaded(n).TimeoutException) for n in ("httpx", "httpx2"))


def is_api_error(exc: BaseException) -> bool:
    """A failure of the remote service or the way to it (as opposed to a bug in our code)."""
    if is_transient(exc):
        return True
    openai = _loaded("openai")
    if openai is not None and isinstance(exc, openai.OpenAIError):
        return True
    return any(_loaded(n) is not None and isinstance(exc, _loaded(n).HTTPError) for n in ("httpx", "httpx2"))


def _retryable_status(status: int) -> bool:
    return status in RETRY_STATUS or 500 <= status <= 599


def retry_after(exc: BaseException | None, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait before the next attempt, or None."""
    if exc is None:
        return None
    if isinstance(exc, TransientError):
        return exc.retry_after
    headers = getattr(getattr(exc, "response", None), "headers", None)
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    return parse_retry_after(headers.get("retry-after"), now)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """A Retry-After header: delay-seconds or an HTTP date (RFC 9110 section 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def backoff(attempt: int, backoff_s: float, max_wait_s: float) -> float:
    """Exponential backoff after failed attempt number `attempt` (1-based), with up to 25% jitter."""
    base = backoff_s * 2 ** (attempt - 1)
    return min(max_wait_s, base + random.uniform(0, base / 4))


class wait_retry_after(wait_base):  # named like tenacity's own waits (wait_fixed, ...)
    """A tenacity wait: the server's Retry-After when it sent one, exponential backoff otherwise."""

    def __init__(self, backoff_s: float, max_wait_s: float):
        self.backoff_s = backoff_s
        self.max_wait_s = max_wait_s

    def __call__(self, retry_state: RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        hinted = retry_after(exc)
        if hinted is not None:
            return min(hinted, self.max_wait_s)
        return backoff(retry_state.attempt_number, self.backoff_s, self.max_wait_s)
