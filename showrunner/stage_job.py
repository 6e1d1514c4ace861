"""The bridge between a Snakemake `script:` job and a stage function in the package.

A script in scripts/ is two lines: it hands the `snakemake` object and the stage's `run`
function to `run_stage`. Stages receive a plain `StageJob`, so they are tested without
Snakemake by building a StageJob by hand.
"""

from __future__ import annotations

import logging
import os
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from showrunner.config import Config, Episode, load_config
from showrunner.errors import ShowrunnerError
from showrunner.secrets import redact

log = logging.getLogger("showrunner")


@dataclass
class StageJob:
    """What a stage needs to know: its named files, the episode's settings and where it runs."""

    stage: str
    config: Config
    episode: Episode
    input: dict[str, Any]  # name -> path, or list of paths
    output: dict[str, Any]
    params: dict[str, Any] = field(default_factory=dict)
    wildcards: dict[str, str] = field(default_factory=dict)
    root: Path = field(default_factory=Path.cwd)
    threads: int = 1
    started: float = field(default_factory=time.time)

    @property
    def slug(self) -> str:
        return self.episode.slug

    @property
    def results(self) -> Path:
        return self.root / "results" / self.slug


def _paths(named) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in named.items():
        if isinstance(value, (list, tuple)):
            out[name] = [Path(str(v)) for v in value]
        else:
            out[name] = Path(str(value))
    return out


def job_from_snakemake(smk) -> StageJob:
    config = load_config(dict(smk.config))
    wildcards = dict(smk.wildcards.items())
    return StageJob(
        stage=smk.rule,
        config=config,
        episode=config.episode(wildcards["slug"]),
        input=_paths(smk.input),
        output=_paths(smk.output),
        params=dict(smk.params.items()),
        wildcards=wildcards,
        root=Path.cwd(),
        threads=smk.threads,
    )


def configure_logging(log_path: str | None) -> None:
    handlers: list[logging.Handler] = []
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, handlers=handlers or None, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def cpu_used() -> str:
    """This process's CPU seconds since it started (its imports included) and its tools' (ffmpeg, piper...)."""
    own, tools = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return (f"{own.ru_utime + own.ru_stime:.2f} s in this process, "
            f"{tools.ru_utime + tools.ru_stime:.2f} s in the tools it ran")


def run_stage(smk, stage: Callable[[StageJob], None]) -> None:
    """Run a stage for a Snakemake job: log to the rule's log, print user errors plainly."""
    configure_logging(smk.log[0] if smk.log else None)
    try:
        job = job_from_snakemake(smk)
        log.info("stage %s for %s", smk.rule, dict(smk.wildcards.items()))
        stage(job)
        log.info("stage %s done in %.2fs (CPU: %s)", smk.rule, time.time() - job.started, cpu_used())
    except ShowrunnerError as err:
        message = redact(str(err))
        log.error("%s", message)
        print(f"\nshowrunner: {smk.rule} failed:\n{message}\n", file=sys.stderr)
        sys.exit(1)
    except Exception as err:  # a bug: keep the traceback in the log, show a short line here
        log.exception("unexpected error")
        print(f"\nshowrunner: {smk.rule} failed unexpectedly: {redact(repr(err))}\n"
              f"(traceback in {smk.log[0] if smk.log else 'stderr'})\n", file=sys.stderr)
        sys.exit(1)
    _leave(smk)


def _leave(smk) -> None:
    """The job's process ends here, its outputs written and its log closed: without the interpreter's
    teardown, which frees every module and model one object at a time (about 0.05 CPU s for a plain job,
    0.2 s with a voice or the recogniser loaded, 32 jobs in a cold build). Only in the process Snakemake
    started for this job (its script's globals hold `snakemake`), never in a caller's process."""
    if getattr(sys.modules.get("__main__"), "snakemake", None) is not smk:
        return
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
