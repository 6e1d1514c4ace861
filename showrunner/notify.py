"""Notifications: a JSON POST to `notify.url` when an episode reaches the gate, finishes or fails.

Sent from a background thread with retries (tenacity), so a slow or dead endpoint never holds
up a build; whatever is still unsent when the run ends gets `notify.flush_s` seconds, then is
dropped with a warning. The body is {"event": "gate_reached" | "finished" | "failed",
"episode": slug, "message": ..., "time": unix seconds}. A bearer token, if the endpoint wants
one, comes from the environment variable named in `notify.token_env`, never from a file.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time

import httpx
from tenacity import retry, stop_after_attempt, wait_exponential

from showrunner.config import Notify
from showrunner.secrets import redact

log = logging.getLogger(__name__)


class Notifier:
    def __init__(self, settings: Notify | None):
        self.settings = settings
        self._queue: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self.sent: list[dict] = []
        self.failed: list[dict] = []

    @property
    def enabled(self) -> bool:
        return bool(self.settings and self.settings.url)

    def send(self, event: str, episode: str, message: str = "") -> None:
        if not self.enabled:
            return
        self._queue.put({"event": event, "episode": episode, "message": redact(message), "time": time.time()})
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="showrunner-notify", daemon=True)
            self._thread.start()

    def _post(self, body: dict) -> None:
        settings = self.settings
        assert settings is not None
        url = str(settings.url)
        headers = {}
        if settings.token_env and os.environ.get(settings.token_env):
            headers["Authorization"] = f"Bearer {os.environ[settings.token_env]}"

        @retry(stop=stop_after_attempt(settings.max_attempts), reraise=True,
               wait=wait_exponential(multiplier=settings.backoff_s, max=30))
        def attempt() -> None:
            response = httpx.post(url, json=body, headers=headers, timeout=settings.timeout_s)
            response.raise_for_status()

        attempt()

    def _work(self) -> None:
        while True:
            body = self._queue.get()
            if body is None:
                return
            try:
                self._post(body)
                self.sent.append(body)
            except Exception as err:
                self.failed.append(body)
                log.warning("notify: %s for %s not delivered: %s", body["event"], body["episode"],
                            redact(str(err)))

    def close(self) -> None:
        """Give unsent notifications up to notify.flush_s, then let them go."""
        if self._thread is None:
            return
        self._queue.put(None)
        self._thread.join(timeout=self.settings.flush_s if self.settings else 0)
