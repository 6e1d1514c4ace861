"""What Snakemake itself says about the workflow: its rules, and what a run would do.

The rules in rules/*.smk are the one description of the DAG; nothing in the package keeps a copy.
Both questions are asked of Snakemake in a child process (its API changes the working directory
and sets up logging, which must not happen inside the CLI or the studio):

    rules(root)                      every rule: its named inputs and outputs (patterns), its params
    summary(root, targets, configs)  every output file of the DAG towards `targets`: its rule, whether
                                     it exists, and whether a run would remake it and why
                                     (`snakemake --summary`, which plans exactly as `snakemake -n`)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from showrunner.errors import ShowrunnerError

# Run by `python -c` in the project directory: parse the workflow and print, as JSON, its rules
# and (given targets after "--") Snakemake's summary of the DAG towards them.
_CHILD = r"""
import contextlib, io, json, sys
from pathlib import Path
from snakemake.api import SnakemakeApi
from snakemake.io import strip_wildcard_constraints
from snakemake.settings.types import ConfigSettings, DAGSettings, OutputSettings, ResourceSettings

split = sys.argv.index("--") if "--" in sys.argv else len(sys.argv)
configfiles, targets = sys.argv[1:split], sys.argv[split + 1:]

def named(items):
    out = {}
    values = list(items)
    for name, (start, end) in items._names.items():
        described = []
        for v in (values[start:end] if end is not None else [values[start]]):
            if callable(v):
                described.append({"function": getattr(v, "__name__", "?"), "pattern": getattr(v, "pattern", None)})
            else:
                described.append(strip_wildcard_constraints(str(v)))
        out[name] = described[0] if end is None else described
    return out

def unnamed_functions(items):  # input functions given without a name (unpack(...)), in order
    named_at = set()
    for start, end in items._names.values():
        named_at.update(range(start, end if end is not None else start + 1))
    found = []
    for i, v in enumerate(items):
        # unpack(f) wraps f in an IOFile flagged "unpack" (f is its _file.callable)
        function = v._file.callable if hasattr(v, "is_callable") and v.is_callable() else v
        if i not in named_at and callable(function):
            found.append(getattr(function, "__name__", "?"))
    return found

with SnakemakeApi(OutputSettings(quiet={"all"})) as api:
    workflow_api = api.workflow(resource_settings=ResourceSettings(), snakefile=Path("Snakefile"),
                                config_settings=ConfigSettings(configfiles=[Path(p) for p in configfiles]),
                                workdir=Path.cwd())
    rules = {}
    for rule in workflow_api._workflow.rules:
        rules[rule.name] = {"input": named(rule.input), "unpacked": unnamed_functions(rule.input),
                            "output": named(rule.output),
                            "params": sorted(rule.params._names), "checkpoint": rule.is_checkpoint}
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


def _ask(root: Path, configfiles: list[str] | None, targets: list[str]) -> dict:
    result = _run(root, ["-c", _CHILD, *(configfiles or []), "--", *targets], "asking Snakemake about the workflow")
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("SHOWRUNNER-DAG "))
    return json.loads(line.removeprefix("SHOWRUNNER-DAG "))


def rules(root: Path, configfiles: list[str] | None = None) -> dict[str, dict]:
    """{rule: {"input": {name: pattern | [...] | {"function", "pattern"}}, "unpacked": [function names],
    "output": {...}, "params": [...], "checkpoint": bool}}, in the order the rules are defined."""
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


def summary(root: Path, targets: list[str], configfiles: list[str] | None = None) -> tuple[list[str], list[Planned]]:
    """(the rules in definition order, every output file of the jobs a run towards `targets` involves)."""
    answer = _ask(root, configfiles, targets)
    planned = []
    for line in (answer["summary"] or "").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) >= 6:
            planned.append(Planned(path=parts[0], rule=parts[2], status=parts[-2],
                                   pending=parts[-1] == "update pending"))
    return list(answer["rules"]), planned
