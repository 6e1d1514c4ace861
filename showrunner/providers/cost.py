"""What model calls cost: prices from config, and each episode's ledger and totals.

Every attempt at a call that is not served from the cache is first *reserved*: under an fcntl
lock on the ledger, the budget is checked against what was spent, what is possibly billed and
the attempt's estimate, and a reservation line is appended, so jobs running at once can never
together spend past `budget_usd`. After the attempt the reservation is closed by one more line:

    settled   the call was answered: its usage and price (a "call" entry)
    released  the service refused it before doing any work (an HTTP error, a refused connection)
    unknown   the outcome is unknown (a timeout): the server may have answered and billed it

A reservation never closed (the job was killed mid-call) and an unknown outcome count as
*possibly billed*, at the estimate, in cost.json and against the budget. Every line goes to
results/<slug>/cost.ledger.jsonl; cost.json is rebuilt from it under the same lock and replaced
atomically: totals by stage, by provider and by "<provider>:<model>". The ledger is the episode's
spending history: a stage that reruns adds to it.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from showrunner.config import Price
from showrunner.files import canonical_json, write_text
from showrunner.locks import file_lock

LEDGER = "cost.ledger.jsonl"
SUMMARY = "cost.json"
USAGE_FIELDS = ("input_tokens", "output_tokens", "characters", "images")


def price_key(provider: str, model: str) -> str:
    return f"{provider}:{model}"


def cost_usd(price: Price | None, usage: Any) -> float:
    """USD for `usage` (a calls.Usage) at `price`; nothing is free unless it has no price."""
    if price is None:
        return 0.0
    return round(usage.input_tokens / 1e6 * price.input_per_1m_tokens
                 + usage.output_tokens / 1e6 * price.output_per_1m_tokens
                 + usage.characters / 1e6 * price.per_1m_characters
                 + usage.images * price.per_image, 8)


class CostLedger:
    """results/<slug>/cost.ledger.jsonl and cost.json."""

    def __init__(self, results: Path, slug: str):
        self.slug = slug
        self.ledger = results / LEDGER
        self.summary = results / SUMMARY
        self.lock = results / f".{LEDGER}.lock"

    def spent(self) -> float:
        """Paid for, plus possibly billed (unknown outcomes, reservations never closed)."""
        totals = self.totals()
        return round(totals["total_usd"] + totals["possibly_billed_usd"], 8)

    def reserve(self, *, stage: str, kind: str, provider: str, model: str, request_sha256: str, estimate: float,
                budget: float | None, refuse: Any = None) -> str:
        """Hold `estimate` for one attempt; with a budget, `refuse(spent, needed)` raises when it would be passed."""
        reservation = uuid.uuid4().hex
        with file_lock(self.lock):
            if budget is not None:
                spent = self.spent()
                if spent + estimate > budget + 1e-12:
                    refuse(spent, estimate)
            self._append({"reserve": reservation, "time": round(time.time(), 3), "stage": stage, "kind": kind,
                          "provider": provider, "model": model, "request_sha256": request_sha256,
                          "estimate_usd": estimate})
        return reservation

    def settle(self, reservation: str, *, stage: str, kind: str, provider: str, model: str, request_sha256: str,
               attempts: int, usage: Any, cost: float, priced: bool) -> None:
        """The call was answered: record what it cost (closing its reservation)."""
        entry = {"time": round(time.time(), 3), "stage": stage, "kind": kind, "provider": provider, "model": model,
                 "request_sha256": request_sha256, "attempts": attempts, "usage": asdict(usage),
                 "cost_usd": cost, "priced": priced, "closes": reservation}
        with file_lock(self.lock):
            self._append(entry)

    def release(self, reservation: str) -> None:
        """The attempt was refused before any work: nothing was billed."""
        with file_lock(self.lock):
            self._append({"closes": reservation, "outcome": "released"})

    def unknown(self, reservation: str, error: str) -> None:
        """The attempt's outcome is unknown (a timeout): possibly billed, at its estimate."""
        with file_lock(self.lock):
            self._append({"closes": reservation, "outcome": "unknown", "error": error[:300],
                          "time": round(time.time(), 3)})

    def add(self, *, stage: str, kind: str, provider: str, model: str, request_sha256: str, attempts: int,
            usage: Any, cost: float, priced: bool) -> None:
        """A call made without a reservation (recorded after the fact)."""
        self.settle("", stage=stage, kind=kind, provider=provider, model=model, request_sha256=request_sha256,
                    attempts=attempts, usage=usage, cost=cost, priced=priced)

    def _append(self, entry: dict[str, Any]) -> None:
        """Append a line and rebuild cost.json; the caller holds the lock. Flushed to disk: it is money."""
        self.ledger.parent.mkdir(parents=True, exist_ok=True)
        with open(self.ledger, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        write_text(self.summary, canonical_json(self.totals()))

    def totals(self) -> dict[str, Any]:
        lines = self._lines()
        entries = [e for e in lines if "cost_usd" in e]
        reserved = {e["reserve"]: e for e in lines if "reserve" in e}
        closes = {e["closes"]: e for e in lines if e.get("closes")}
        possibly = [{**reserved[r], "why": "outcome unknown (timed out)" if r in closes else "never answered "
                     "(in flight, or the job was stopped mid-call)"}
                    for r in reserved if r not in closes or closes[r].get("outcome") == "unknown"]
        by: dict[str, dict[str, dict[str, Any]]] = {"by_stage": {}, "by_provider": {}, "by_model": {}}
        for entry in entries:
            for table, name in (("by_stage", entry["stage"]), ("by_provider", entry["provider"]),
                                ("by_model", price_key(entry["provider"], entry["model"]))):
                _add(by[table].setdefault(name, _zero()), entry)
        total = _zero()
        for entry in entries:
            _add(total, entry)
        unpriced = sorted({price_key(e["provider"], e["model"]) for e in entries if not e.get("priced", True)})
        return {"slug": self.slug, "currency": "USD", "total_usd": total["cost_usd"], "calls": total["calls"],
                "usage": {f: total[f] for f in USAGE_FIELDS}, **by,
                "possibly_billed_usd": round(sum(p["estimate_usd"] for p in possibly), 8),
                "possibly_billed_calls": [{k: p[k] for k in ("time", "stage", "kind", "provider", "model",
                                                             "request_sha256", "estimate_usd", "why")}
                                          for p in possibly],
                "unpriced": unpriced,
                "note": "calls made (cache hits cost nothing); possibly_billed: calls whose outcome is unknown, "
                        "counted at their estimate; models in 'unpriced' have no entry in config prices"}

    def _lines(self) -> list[dict[str, Any]]:
        if not self.ledger.exists():
            return []
        entries = []
        for line in self.ledger.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:  # a line cut short by a crash
                continue
            if isinstance(entry, dict):
                entries.append(entry)
        return entries


def _zero() -> dict[str, Any]:
    return {"calls": 0, "cost_usd": 0.0, **{f: 0 for f in USAGE_FIELDS}}


def _add(row: dict[str, Any], entry: dict[str, Any]) -> None:
    row["calls"] += 1
    row["cost_usd"] = round(row["cost_usd"] + entry["cost_usd"], 8)
    for f in USAGE_FIELDS:
        row[f] += int(entry.get("usage", {}).get(f, 0))
