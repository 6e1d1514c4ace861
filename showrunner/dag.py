"""What Snakemake itself says about the workflow: its rules, and what a run would do.

The rules in rules/*.smk are the one description of the DAG; nothing in the package keeps a copy.
Both questions are asked of Snakemake in a child process (its API changes the working directory
and sets up logging, which must not happen inside the CLI or the studio):

    rules(root)                      every rule: its named inputs and outputs (patterns), its params,
                                     resources, wildcards, report outputs (showrunner.rule_kinds.describe)
    summary(root, targets, configs)  every output file of the DAG towards `targets`: its rule, whether
                                     it exists, and whether a run would remake it and why
                                     (`snakemake --summary`, which plans exactly as `snakemake -n`);
                                     `episodes` adds each finished episode's files, which the rules
                                     say (showrunner.workflow.episode_files), to the targets
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from showrunner.errors import ShowrunnerError

# Run by `python -c` in the project directory with one JSON argument ({"configfiles", "targets",
# "episodes": {slug: [outputs]}}): parse the workflow and print, as JSON, its rules and (given
# targets or episodes) Snakemake's summary of the DAG towards them.
_CHILD = r"""
import contextlib, io, json, sys
from pathlib import Path
from snakemake.api import SnakemakeApi
from snakemake.settings.types import ConfigSettings, DAGSettings, OutputSettings, ResourceSettings
from showrunner.rule_kinds import describe
from showrunner.workflow import SHOW_MEMORY, episode_files

asked = json.loads(sys.argv[1])
with SnakemakeApi(OutputSettings(quiet={"all"})) as api:
    workflow_api = api.workflow(resource_settings=ResourceSettings(), snakefile=Path("Snakefile"),
                                config_settings=ConfigSettings(configfiles=[Path(p) for p in asked["configfiles"]]),
                                workdir=Path.cwd())
    rules = describe(workflow_api._workflow.rules)
    targets = list(asked["targets"])
    for slug, outputs in asked["episodes"].items():
        targets += [*episode_files(slug, outputs, rules), SHOW_MEMORY.format(slug=slug)]
    summary = None
    if targets:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            workflow_api.dag(dag_settings=DAGSettings(targets=frozenset(targets))).summary()
        summary = printed.getvalue()
    print("SHOWRUNNER-DAG " + json.dumps({"rules": rules, "summary": summary}))
"""


def _run(root: Path, args: list[str], what: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, *args], cwd=root, capture_output=True, text=True,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=300)
    if result.returncode != 0:
        message = (result.stderr.strip() or result.stdout.strip()).splitlines()
        raise ShowrunnerError(f"{what} failed:\n" + "\n".join(message[-20:]))
    return result


def _ask(root: Path, configfiles: list[str] | None, targets: list[str],
         episodes: Mapping[str, Sequence[str]] | None = None) -> dict:
    asked = {"configfiles": list(configfiles or []), "targets": targets,
             "episodes": {slug: list(outputs) for slug, outputs in (episodes or {}).items()}}
    result = _run(root, ["-c", _CHILD, json.dumps(asked)], "asking Snakemake about the workflow")
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("SHOWRUNNER-DAG "))
    return json.loads(line.removeprefix("SHOWRUNNER-DAG "))


def rules(root: Path, configfiles: list[str] | None = None) -> dict[str, dict]:
    """{rule: {"input": {name: pattern | [...] | {"function", "pattern"}}, "unpacked": [function names],
    "output": {...}, "params": [...], "checkpoint": bool, "resources": [...], "wildcards": [...],
    "report": [names of its report() outputs]}}, in the order the rules are defined."""
    return _ask(root, configfiles, [])["rules"]


@dataclass
class Planned:
    """One output file of the DAG, as `snakemake --summary` sees it."""

    path: str
    rule: str
    status: str  # ok | missing | updated input files | params changed | rule implementation changed | ...
    pending: bool  # a run would (re)make it

    @property
    def exists(self) -> bool:
        return self.status != "missing"


def summary(root: Path, targets: list[str], configfiles: list[str] | None = None,
            episodes: Mapping[str, Sequence[str]] | None = None) -> tuple[dict[str, dict], list[Planned]]:
    """(the rules in definition order, as `rules` describes them; every output file of the jobs a run
    towards `targets` and the finished files of `episodes` ({slug: its outputs}) involves)."""
    answer = _ask(root, configfiles, targets, episodes)
    planned = []
    for line in (answer["summary"] or "").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) >= 6:
            planned.append(Planned(path=parts[0], rule=parts[2], status=parts[-2],
                                   pending=parts[-1] == "update pending"))
    return answer["rules"], planned
