"""What made an artifact: written beside it as <name>.provenance.json."""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from showrunner import __version__
from showrunner.files import sha256_file, sha256_text, write_json
from showrunner.stage_job import StageJob


def _input_hashes(job: StageJob) -> dict[str, str]:
    hashes: dict[str, str] = {}
    for value in job.input.values():
        for path in value if isinstance(value, list) else [value]:
            p = Path(path)
            if p.is_file():
                hashes[str(p)] = sha256_file(p)
    return hashes


def write_provenance(job: StageJob, path: str | Path, *, provider: str | None = None, model: str | None = None,
                     parameters: dict[str, Any] | None = None, prompts: dict[str, str] | None = None,
                     calls=None, tools: dict[str, str] | None = None, extra: dict[str, Any] | None = None) -> None:
    """Record provider, model, parameters, prompt hashes, input hashes, calls, attempts, duration."""
    calls = list(calls or [])
    record = {
        "stage": job.stage,
        "slug": job.slug,
        "wildcards": job.wildcards,
        "showrunner": __version__,
        "provider": provider,
        "model": model,
        "parameters": parameters or {},
        "prompt_sha256": {name: sha256_text(text) for name, text in (prompts or {}).items()},
        "inputs": _input_hashes(job),
        "calls": [asdict(c) for c in calls],
        "attempts": sum(c.attempts for c in calls),
        "cost_usd": round(sum(c.cost_usd for c in calls), 6),
        "tools": tools or {},
        "duration_s": round(time.time() - job.started, 3),
    }
    if extra:
        record.update(extra)
    write_json(path, record)
