"""What each stage reads of the config: declared once, beside the stage's code.

Each stage module `showrunner/stages/<rule>.py` declares the settings its output depends on:

    READS = ("show.name", "show.style", "providers.image", "video")

Each entry is a dotted path into the episode's settings (`showrunner.config.Episode`: show,
providers, writing, video, audio, acceptance, approval, target_minutes, spec): a section means
everything under it, a field just that field. The rule passes them as its params,

    params:
        settings=settings_for("scene_image"),

and `settings_for` (rules/common.smk) gives exactly the declared paths' values for the job's
episode (`stage_settings`), so Snakemake's params trigger reruns a stage when, and only when,
something it reads has changed. tests/test_stage_reads.py runs every stage with an episode that
records each field read (`recording`) and fails on any path that is not declared.

Not declared, because they change how a stage works and never what it makes (`NOT_OUTPUT`):
the call policy of providers (timeouts, retries, breaker), `api_key_env` (which also keeps a key
pasted there out of Snakemake's params and metadata), `cache.dir`, `prices`, `spec.budget_usd`
and the slug (already in every path).

A new stage: write showrunner/stages/<rule>.py with `READS` and `run(job)`, a two-line script in
scripts/, and a rule whose params are `settings=settings_for("<rule>")` (the rule's name is the
module's name). tests/test_stage_reads.py then checks every rule's params against its READS; run
the new stage there under `recording` too. A rule written for the former STAGE_SECTIONS table
ports by moving its tuple into its module as READS. What kind of stage it is (a model stage, per
scene, for one output only, a page of the report) is read from the rule itself
(showrunner.rule_kinds): nothing else lists it.
"""

from __future__ import annotations

import importlib
import types
from typing import Any

from pydantic import BaseModel

from showrunner.config import CALL_POLICY_FIELDS

# Paths whose value never changes a stage's output (see above); providers.* means every kind.
NOT_OUTPUT = ("slug", "cache", "prices", "spec.budget_usd",
              *(f"providers.*.{name}" for name in (*CALL_POLICY_FIELDS, "api_key_env")))


def stage_reads(stage: str) -> tuple[str, ...]:
    """The READS declaration of showrunner/stages/<stage>.py."""
    module = importlib.import_module(f"showrunner.stages.{stage}")
    reads = getattr(module, "READS", None)
    if reads is None:
        raise AttributeError(f"showrunner/stages/{stage}.py declares no READS (see showrunner/reads.py)")
    return tuple(reads)


def stage_scene_reads(stage: str) -> tuple[str, ...]:
    """The SCENE_READS of showrunner/stages/<stage>.py: the top-level fields of its scene file it reads,
    when only those (the voice reads the narration, not the beats); () when the whole file or none."""
    return tuple(getattr(importlib.import_module(f"showrunner.stages.{stage}"), "SCENE_READS", ()))


def covers(declared: str, path: str) -> bool:
    """Whether reading `path` is covered by the declared path (itself, or a section above it)."""
    d, p = declared.split("."), path.split(".")
    return len(d) <= len(p) and all(a in ("*", b) for a, b in zip(d, p, strict=False))


def undeclared(stage: str, read: set[str]) -> list[str]:
    """The paths read that neither the stage's READS nor NOT_OUTPUT cover."""
    allowed = (*stage_reads(stage), *NOT_OUTPUT)
    return sorted(p for p in read if not any(covers(d, p) for d in allowed))


def settings_of(episode: Any, reads: tuple[str, ...]) -> dict[str, Any]:
    """{path: value} of the declared paths, as plain data: what a stage records in its provenance."""
    out: dict[str, Any] = {}
    for dotted in reads:
        node = episode
        for part in dotted.split("."):
            node = getattr(node, part)
        out[dotted] = node.model_dump(mode="json") if hasattr(node, "model_dump") else node
    return out


class _Recording:
    """A read-only view of a settings model that adds the dotted path of every field read to `log`.

    Nested models are wrapped in turn; properties and methods of the model run on the view, so
    `video.size` records video.aspect and video.height. A pydantic method (model_dump, ...)
    records the whole model.
    """

    __slots__ = ("_target", "_path", "_log")

    def __init__(self, target: BaseModel, path: str, log: set[str]):
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_log", log)

    def _full(self, name: str) -> str:
        return f"{self._path}.{name}" if self._path else name

    def __getattr__(self, name: str) -> Any:
        target = self._target
        found = getattr(type(target), name, None)
        if isinstance(found, property) and found.fget is not None:
            return found.fget(self)
        if isinstance(found, types.FunctionType) and not hasattr(BaseModel, name):
            return types.MethodType(found, self)
        value = getattr(target, name)
        if hasattr(BaseModel, name):
            self._log.add(self._path or "*")
            return value
        if isinstance(value, BaseModel):
            return _Recording(value, self._full(name), self._log)
        self._log.add(self._full(name))
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("settings are read-only")

    def __repr__(self) -> str:
        return f"recording({self._path or 'episode'})"


def recording(episode: BaseModel, log: set[str]) -> Any:
    """`episode`, as a view that records every settings path read into `log`."""
    return _Recording(episode, "", log)
