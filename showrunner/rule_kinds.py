"""What each stage is, read from the rules (rules/*.smk are the one list of stages).

    model       it calls a model: it declares the `model` resource (the lane model calls queue in),
                and its `provenance` output records the calls (the cost page reads those files)
    per_scene   it runs once per scene: {scene} is one of its wildcards
    report      it makes pages of `snakemake --report`: its outputs are report() files; those files
                (report_files) are what a finished episode shows in the report, {medium} standing
                for each output asked for (final, podcast: the output file's name)
    video       only the video needs it: the final video's rule depends on it and the podcast's
                does not (or, for a rule nothing depends on, it works from such a rule's files)
    podcast     the same for the podcast
    gate        the approval gate: it writes approved.flag (GATE_FILE), which stops the episode
                until a person approves its outline

A rule is described as `showrunner.dag.rules` gives it (named input and output patterns, input
functions with the pattern they expand, resources, wildcards, the names of its report outputs); `describe` makes
that description from Snakemake's own rule objects, for the input functions of rules/common.smk
(called while the DAG is built, never while the Snakefile is parsed) and for dag.py's child.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# The files that make an episode's outputs (episodes.<slug>.outputs): the rules that write them
# are where "video" and "podcast" stages end.
OUTPUT_FILES = {"video": "final.mp4", "podcast": "podcast.mp3"}  # in results/<slug>/
# What each output is asked for with: its show notes (and the video's description beside it)
SHOW_NOTES, VIDEO_DESCRIPTION = "show_notes.md", "description.txt"
OUTPUT_COMPANIONS = {"video": (SHOW_NOTES, VIDEO_DESCRIPTION), "podcast": (SHOW_NOTES,)}


def medium_of(output: str) -> str:
    """The report's {medium} wildcard for an output: its file's name without the suffix (final, podcast)."""
    return OUTPUT_FILES[output].split(".")[0]


MEDIA = {medium_of(output): file for output, file in OUTPUT_FILES.items()}  # {medium: file}
# Snakemake's default target rule (the Snakefile's first), which has no outputs of its own: its
# name is Snakemake's convention and the Snakefile's interface, not a stage.
TARGET_RULES = ("all",)
GATE_FILE = "approved.flag"  # in results/<slug>/: the approval gate writes it once the outline is approved


def describe(rules: Iterable[Any]) -> dict[str, dict]:
    """{rule: {"input", "unpacked", "output", "params", "checkpoint", "resources", "wildcards", "report"}}
    from Snakemake's Rule objects, in definition order; "report" names the outputs that are report() files."""
    from snakemake.io import strip_wildcard_constraints  # type: ignore[import-untyped]

    def named(items) -> dict[str, Any]:
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

    def unnamed_functions(items) -> list[str]:  # input functions given without a name (unpack(...)), in order
        named_at: set[int] = set()
        for start, end in items._names.values():
            named_at.update(range(start, end if end is not None else start + 1))
        found = []
        for i, v in enumerate(items):
            # unpack(f) wraps f in an IOFile flagged "unpack" (f is its _file.callable)
            function = v._file.callable if hasattr(v, "is_callable") and v.is_callable() else v
            if i not in named_at and callable(function):
                found.append(getattr(function, "__name__", "?"))
        return found

    def report_outputs(items) -> list[str]:  # the names of the outputs flagged report()
        values = list(items)
        return [name for name, (start, end) in items._names.items()
                if any("report" in getattr(v, "flags", {})
                       for v in values[start:end if end is not None else start + 1])]

    return {rule.name: {"input": named(rule.input), "unpacked": unnamed_functions(rule.input),
                        "output": named(rule.output), "params": sorted(rule.params._names),
                        "checkpoint": rule.is_checkpoint,
                        "resources": sorted(r for r in rule.resources if not r.startswith("_") and r != "tmpdir"),
                        "wildcards": sorted(rule.wildcard_names),
                        "report": report_outputs(rule.output)}
            for rule in rules}


def _patterns(files: dict[str, Any]) -> list[str]:
    """Every file pattern of a named input or output: strings, and input functions' patterns."""
    out = []
    for value in files.values():
        for item in value if isinstance(value, list) else [value]:
            pattern = item.get("pattern") if isinstance(item, dict) else item
            if pattern:
                out.append(pattern)
    return out


def model_stages(rules: dict[str, dict]) -> list[str]:
    return [name for name, rule in rules.items() if "model" in rule.get("resources", ())]


def per_scene_stages(rules: dict[str, dict]) -> list[str]:
    return [name for name, rule in rules.items() if "scene" in rule.get("wildcards", ())]


def report_stages(rules: dict[str, dict]) -> list[str]:
    return [name for name, rule in rules.items() if rule.get("report")]


def gate_stage(rules: dict[str, dict]) -> str | None:
    """The approval gate: the rule that writes results/{slug}/approved.flag."""
    return next((name for name, rule in rules.items()
                 if f"results/{{slug}}/{GATE_FILE}" in _patterns(rule["output"])), None)


def report_files(rules: dict[str, dict], outputs: Iterable[str]) -> list[str]:
    """What `snakemake --report` shows of an episode that asks for `outputs` (video, podcast): the
    report() outputs of the report stages it needs, as patterns with {slug}, {medium} filled in
    with each output's medium (showrunner.rule_kinds.MEDIA)."""
    wanted = [output for output in OUTPUT_FILES if output in outputs]
    only = output_stages(rules)
    files = []
    for stage in report_stages(rules):
        if any(stage in only[output] for output in only if output not in wanted):
            continue  # e.g. the storyboard's contact sheet, for a podcast-only episode
        for name in rules[stage]["report"]:
            pattern = rules[stage]["output"][name]
            if "{medium}" in pattern:
                files += [pattern.replace("{medium}", medium_of(output)) for output in wanted]
            else:
                files.append(pattern)
    return files


def upstream(rules: dict[str, dict]) -> dict[str, set[str]]:
    """{rule: the rules whose outputs it takes as inputs (directly)}, by file pattern."""
    made_by = {pattern: name for name, rule in rules.items() for pattern in _patterns(rule["output"])}
    return {name: {made_by[p] for p in _patterns(rule["input"]) if p in made_by} - {name}
            for name, rule in rules.items()}


def _ancestors(start: str, deps: dict[str, set[str]]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for dep in deps[todo.pop()]:
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def output_stages(rules: dict[str, dict]) -> dict[str, set[str]]:
    """{"video": the stages only the video needs, "podcast": those only the podcast needs}."""
    deps = upstream(rules)
    writes = {name: set(_patterns(rule["output"])) for name, rule in rules.items()}
    needs = {}
    for output, file in OUTPUT_FILES.items():
        asked = {f"results/{{slug}}/{name}" for name in (file, *OUTPUT_COMPANIONS[output])}
        writers = [name for name, files in writes.items() if asked & files]
        needs[output] = set().union(*(_ancestors(rule, deps) for rule in writers))
    only = {"video": needs["video"] - needs["podcast"], "podcast": needs["podcast"] - needs["video"]}
    used = {dep for ds in deps.values() for dep in ds}
    for name in rules:
        if name in used or name in needs["video"] | needs["podcast"]:
            continue
        for output in only:  # an end of the DAG (a report page) made from one output's files
            if deps[name] & only[output]:
                only[output].add(name)
    return only


def provenance_patterns(rules: dict[str, dict], stages: Iterable[str]) -> list[str]:
    return [rules[s]["output"]["provenance"] for s in stages if "provenance" in rules[s]["output"]]


def unclassified(rules: dict[str, dict]) -> dict[str, str]:
    """{rule: why} for rules the questions above cannot place: a model stage whose calls no
    provenance output records (the cost would miss them), a rule without (named: house style)
    outputs that is not a target rule, and a rule whose outputs nothing takes and no episode
    asks for (showrunner.workflow.final_file_patterns)."""
    from showrunner.workflow import final_file_patterns

    problems = {}
    asked = final_file_patterns(rules)
    used = {dep for ds in upstream(rules).values() for dep in ds}
    for name, rule in rules.items():
        if name in TARGET_RULES:
            continue
        outputs = _patterns(rule["output"])
        if "model" in rule.get("resources", ()) and "provenance" not in rule["output"]:
            problems[name] = "declares the model resource but no `provenance` output for its calls"
        elif not outputs:
            problems[name] = "has no named outputs and is not a target rule"
        elif name not in used and not any(_matches(o, a) for o in outputs for a in asked):
            problems[name] = "nothing takes its outputs and no finished episode asks for them"
    return problems


def _matches(pattern: str, file: str) -> bool:
    """Whether `pattern` ({wildcards} match any path part) can name `file` (itself maybe a pattern)."""
    regex = "".join("[^/]+" if part.startswith("{") else re.escape(part)
                    for part in re.split(r"(\{[^}]+\})", pattern))
    return re.fullmatch(regex, file) is not None
