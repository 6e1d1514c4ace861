"""A circuit breaker per provider endpoint and kind of call, shared by every job through a small file.

Each Snakemake job is its own process, so the breaker's state cannot live in memory (as
pybreaker keeps it) or in a server we would have to run (pybreaker's Redis storage): it is a
JSON file per provider and base_url in the cache directory, read and written under an fcntl
lock and replaced atomically. Failing image calls never stop speech calls to the same server.

    closed     calls go through; each failure of the endpoint (a connection error, a timeout, a 5xx;
               not a 429, which is an answer) is counted, a success forgets them all, and a failure
               older than `breaker_window_s` is forgotten
    open       after `breaker_failures` failures within the window: every call fails at once, naming
               the provider, the last error and the file, until `breaker_cooldown_s` has passed
    half-open  after the cooldown: calls go through again; one success closes the breaker,
               one failure opens it for another cooldown
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

from showrunner.errors import ProviderError
from showrunner.files import canonical_json, sha256_text, write_text
from showrunner.locks import file_lock
from showrunner.secrets import redact

log = logging.getLogger(__name__)

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


class CircuitBreaker:
    def __init__(self, folder: Path, provider: str, endpoint: str, failures: int, cooldown_s: float,
                 clock: Callable[[], float] = time.time, *, kind: str = "", window_s: float = 120.0):
        self.provider = provider
        self.endpoint = endpoint
        self.kind = kind
        self.threshold = failures
        self.cooldown_s = cooldown_s
        self.window_s = window_s
        self.clock = clock
        label = f"{kind}-{provider}" if kind else provider
        name = f"{_safe(label)}-{sha256_text(kind + '|' + provider + '|' + endpoint)[:16]}"
        self.path = folder / f"{name}.json"
        self.lock_path = folder / f"{name}.lock"

    # --- what ModelCalls asks ----------------------------------------------------------
    def check(self) -> None:
        """Raise ProviderError while the breaker is open; move to half-open once the cooldown is over."""
        if not self.path.exists():  # the common case: never failed, nothing to lock or read
            return
        with file_lock(self.lock_path):
            state = self._read()
            if state["state"] != OPEN:
                return
            remaining = state["opened_at"] + self.cooldown_s - self.clock()
            if remaining > 0:
                raise ProviderError(self.open_message(state, remaining))
            state["state"] = HALF_OPEN
            self._write(state)
            log.info("%s: circuit breaker half-open, trying the provider again", self.where)

    def success(self) -> None:
        if not self.path.exists():
            return
        with file_lock(self.lock_path):
            state = self._read()
            if state["state"] == CLOSED and state["failures"] == 0:
                return
            if state["state"] != CLOSED:
                log.info("%s: call succeeded, circuit breaker closed", self.where)
            self._write(self._fresh())

    def failure(self, error: str) -> bool:
        """Count one failure; return True when the breaker is (now) open."""
        with file_lock(self.lock_path):
            state = self._read()
            now = self.clock()
            recent = [t for t in state.get("failed_at", []) if now - t <= self.window_s]
            state["failed_at"] = [*recent, now]
            state["failures"] = len(state["failed_at"]) if state["state"] == CLOSED else state["failures"] + 1
            state["last_error"] = redact(error)[:500]
            if state["state"] == HALF_OPEN or state["failures"] >= self.threshold:
                if state["state"] != OPEN:
                    log.error("%s: circuit breaker open after %d failure(s)", self.where,
                              state["failures"])
                state["state"] = OPEN
                state["opened_at"] = self.clock()
            self._write(state)
            return state["state"] == OPEN

    def is_open(self) -> bool:
        return self.path.exists() and self._read()["state"] == OPEN

    # --- messages and the file --------------------------------------------------------
    @property
    def where(self) -> str:
        kind = f"{self.kind} calls to " if self.kind else ""
        return f"{kind}{self.provider} at {redact(self.endpoint)}"

    def open_message(self, state: dict | None = None, remaining: float | None = None) -> str:
        state = state or self._read()
        if remaining is None:
            remaining = state["opened_at"] + self.cooldown_s - self.clock()
        return (f"{self.where}: circuit breaker open after {state['failures']} failure(s) "
                f"(last: {state['last_error'] or 'unknown'}); not calling it for another {max(remaining, 0):.0f} s "
                f"(providers.*.breaker_cooldown_s). Check the service, then rerun; "
                f"to try again at once, delete {self.path}")

    def _fresh(self) -> dict:
        return {"provider": self.provider, "kind": self.kind, "endpoint": redact(self.endpoint), "state": CLOSED,
                "failures": 0, "failed_at": [], "opened_at": None, "last_error": ""}

    def _read(self) -> dict:
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
            return self._fresh()
        if not isinstance(state, dict) or state.get("state") not in (CLOSED, OPEN, HALF_OPEN):
            return self._fresh()
        return {**self._fresh(), **state}

    def _write(self, state: dict) -> None:
        write_text(self.path, canonical_json(state))


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:40]
