"""Every model call goes through `ModelCalls.call`: cached by its full request, recorded.

(Retries, the circuit breaker, prices and the budget are added here too: one place for the
policy around a model call, whichever provider makes it.)
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from showrunner import __version__
from showrunner.config import Episode, resolve_path
from showrunner.files import canonical_json, sha256_text, write_bytes


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


class ModelCalls:
    """The calls one stage job makes, with the cache they share with every other job."""

    def __init__(self, episode: Episode, stage: str, root: Path):
        self.episode = episode
        self.stage = stage
        self.root = root
        self.cache_dir = resolve_path(episode.cache.dir, root)
        self.records: list[CallRecord] = []

    def call(self, *, kind: str, provider: str, model: str, version: str, request: dict[str, Any],
             perform: Callable[[], CallResult]) -> CallResult:
        """Return the cached answer to `request`, or perform it and cache the answer.

        `version` is part of the key: a local provider passes a hash of its own code, so a
        changed provider never serves an old answer.
        """
        key = sha256_text(canonical_json({"kind": kind, "provider": provider, "model": model,
                                          "version": version, "request": request,
                                          "showrunner": __version__.split(".")[0]}))
        started = time.monotonic()
        hit = self._cache_get(key)
        if hit is not None:
            self._record(kind, provider, model, key, hit, attempts=0, started=started)
            return hit
        result = perform()
        self._cache_put(key, result)
        self._record(kind, provider, model, key, result, attempts=1, started=started)
        return result

    # --- cache: one body file and one meta file per request, content-addressed ---------
    def _paths(self, key: str) -> tuple[Path, Path]:
        folder = self.cache_dir / key[:2]
        return folder / f"{key}.body", folder / f"{key}.json"

    def _cache_get(self, key: str) -> CallResult | None:
        body_path, meta_path = self._paths(key)
        if not (body_path.exists() and meta_path.exists()):
            return None
        meta = json.loads(meta_path.read_text())
        return CallResult(body=body_path.read_bytes(), usage=Usage(**meta["usage"]), cached=True)

    def _cache_put(self, key: str, result: CallResult) -> None:
        body_path, meta_path = self._paths(key)
        write_bytes(body_path, result.body)  # body first: meta present means body complete
        write_bytes(meta_path, canonical_json({"usage": asdict(result.usage)}).encode())

    def _record(self, kind, provider, model, key, result: CallResult, attempts: int, started: float) -> None:
        self.records.append(CallRecord(kind=kind, provider=provider, model=model, request_sha256=key,
                                       cached=result.cached, attempts=attempts,
                                       duration_s=round(time.monotonic() - started, 4),
                                       usage=asdict(result.usage)))
