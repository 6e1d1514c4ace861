"""Where each config value comes from: config.yaml, another --configfile, or --config.

Snakemake merges its config files and command-line values into one dict; a message about a bad
value must still name the file (and line) that holds it. `read_sources` reads the same files in
the same order Snakemake merges them (the Snakefile's config.yaml, then each --configfile, then
--config), and `Origins` answers, for a key path, "config.yaml:12" or "other.yaml:3" or "--config".
A YAML syntax error is reported here, with its file, line and column, before Snakemake reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from showrunner.errors import ConfigError

Path_ = tuple[Any, ...]


@dataclass
class Origins:
    """key path -> "file:line" of the last source that set it."""

    places: dict[Path_, str] = field(default_factory=dict)
    default: str = "config.yaml"

    def where(self, path: Path_) -> str:
        """The source of the longest prefix of `path` that some source set (a default: the main file)."""
        path = tuple(path)
        for end in range(len(path), 0, -1):
            found = self.places.get(path[:end])
            if found:
                return found
        return self.default

    def has(self, path: Path_) -> bool:
        return tuple(path) in self.places


def _lines(node: yaml.Node, name: str, prefix: Path_, out: dict[Path_, str]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*prefix, key.value)
            out[path] = f"{name}:{key.start_mark.line + 1}"
            _lines(value, name, path, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            path = (*prefix, i)
            out[path] = f"{name}:{item.start_mark.line + 1}"
            _lines(item, name, path, out)


def read_yaml(path: str | Path) -> tuple[dict, dict[Path_, str]]:
    """(data, {key path: "file:line"}); ConfigError naming the file, line and column of a syntax error."""
    name = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{name}: config file not found") from None
    except UnicodeDecodeError as err:
        line = Path(path).read_bytes()[:err.start].count(b"\n") + 1
        raise ConfigError(f"{name}:{line}: not UTF-8 text (byte {err.start})") from None
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"{name}:{mark.line + 1}:{mark.column + 1}" if mark else name
        started = ""
        if err.context and err.context_mark and mark and err.context_mark.line != mark.line:
            started = f" ({err.context} at line {err.context_mark.line + 1})"
        raise ConfigError(f"{where}: not valid YAML: {err.problem or err.context}{started}") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{name}: not valid YAML: {err}") from None
    # Snakemake refuses these too, but naming its Snakefile and not the file: say it first, here
    wanted = "the config must be a mapping of sections (show, providers, episodes, ...)"
    if data is None:
        raise ConfigError(f"{name}: empty: {wanted}")
    if not isinstance(data, dict):
        line = node.start_mark.line + 1 if node is not None else 1
        shape = "a list" if isinstance(data, list) else "a single value"
        raise ConfigError(f"{name}:{line}: {shape}: {wanted}")
    lines: dict[Path_, str] = {}
    if node is not None:
        _lines(node, name, (), lines)
    return data, lines


def _set_by(data: Any, name: str, prefix: Path_, out: dict[Path_, str]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            out[(*prefix, key)] = name
            _set_by(value, name, (*prefix, key), out)


def read_sources(files: Sequence[str | Path], overrides: dict | None = None) -> Origins:
    """The origins of every key, the later sources winning as in Snakemake's merge.

    Checks every file's YAML syntax on the way, so a syntax error names its own file and line.
    """
    origins = Origins(default=str(files[0]) if files else "config.yaml")
    for path in files:
        data, lines = read_yaml(path)
        for key in list(origins.places):  # a mapping replaced by a scalar drops what was under it
            if key[:-1] and key[:-1] in lines and not isinstance(_get(data, key[:-1]), dict):
                del origins.places[key]
        origins.places.update(lines)
    set_by: dict[Path_, str] = {}
    _set_by(overrides or {}, "--config", (), set_by)
    origins.places.update(set_by)
    return origins


MAIN_CONFIG = "config.yaml"  # the Snakefile's `configfile:`


def snakemake_order(configfiles: Sequence[str | Path], root: Path | None = None) -> list[str]:
    """The config files Snakemake merges, in its order: the Snakefile's config.yaml (when it exists, or
    when nothing else is given: then it is missing, and said so), then each --configfile as given.
    Paths are relative to `root` (default: the current directory), as Snakemake's are to its own."""
    base = Path(root) if root is not None else Path()
    files = [str(base / p) for p in configfiles]
    if (base / MAIN_CONFIG).exists() or not files:
        files.insert(0, str(base / MAIN_CONFIG))
    return files


def read_merged(files: Sequence[str | Path]) -> tuple[dict, Origins]:
    """The files merged as Snakemake merges config files (later ones win, mappings merged key by key),
    and the origins of every value: for tools that read the config without Snakemake (the CLI)."""
    from showrunner.config import _deep_merge

    merged: dict = {}
    for path in files:
        merged = _deep_merge(merged, read_yaml(path)[0])
    return merged, read_sources(files)


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data
