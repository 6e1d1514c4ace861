"""What model calls cost: prices from config, and each episode's ledger and totals.

Every call that was made (not served from the cache) is one line of
results/<slug>/cost.ledger.jsonl, appended under an fcntl lock, so jobs running at once never
interleave; results/<slug>/cost.json is rebuilt from the ledger under the same lock and
replaced atomically: totals by stage, by provider and by "<provider>:<model>". The ledger is
the episode's spending history: a stage that reruns adds to it, which is what `budget_usd`
is checked against.
"""

from __future__ import annotations

import json
import time
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

    def spent(self) -> float:
        return round(sum(entry["cost_usd"] for entry in self._entries()), 8)

    def add(self, *, stage: str, kind: str, provider: str, model: str, request_sha256: str, attempts: int,
            usage: Any, cost: float, priced: bool) -> None:
        entry = {"time": round(time.time(), 3), "stage": stage, "kind": kind, "provider": provider, "model": model,
                 "request_sha256": request_sha256, "attempts": attempts, "usage": asdict(usage),
                 "cost_usd": cost, "priced": priced}
        line = json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n"
        with file_lock(self.ledger.with_name(f".{LEDGER}.lock")):
            with open(self.ledger, "a", encoding="utf-8") as handle:
                handle.write(line)
            write_text(self.summary, canonical_json(self.totals()))

    def totals(self) -> dict[str, Any]:
        entries = self._entries()
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
                "unpriced": unpriced,
                "note": "calls made (cache hits cost nothing); models in 'unpriced' have no entry in config prices"}

    def _entries(self) -> list[dict[str, Any]]:
        if not self.ledger.exists():
            return []
        entries = []
        for line in self.ledger.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:  # a line being appended by another job right now
                continue
            if isinstance(entry, dict) and "cost_usd" in entry:
                entries.append(entry)
        return entries


def _zero() -> dict[str, Any]:
    return {"calls": 0, "cost_usd": 0.0, **{f: 0 for f in USAGE_FIELDS}}


def _add(row: dict[str, Any], entry: dict[str, Any]) -> None:
    row["calls"] += 1
    row["cost_usd"] = round(row["cost_usd"] + entry["cost_usd"], 8)
    for f in USAGE_FIELDS:
        row[f] += int(entry.get("usage", {}).get(f, 0))
