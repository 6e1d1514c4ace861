"""Measurements of finished files, remembered by the files' content.

A measurement (decoding a clip, the loudness of an MP3) is a function of the file's bytes and of
the ffmpeg that made it, so it is kept under the cache folder keyed by both: a one-scene edit
re-measures only the files that changed, and a file measured by the stage that made it (the
podcast checks its own loudness) is not measured again by acceptance.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from showrunner import media
from showrunner.config import Episode, resolve_path
from showrunner.files import sha256_file, sha256_text, write_json


def folder(episode: Episode, root: Path) -> Path:
    return resolve_path(episode.cache.dir, root) / "measurements"


def _entry(cache: Path, kind: str, path: str | Path) -> Path:
    key = sha256_text(f"{kind} {sha256_file(path)} {media.version(media.FFMPEG)}")
    return cache / f"{kind}-{key}.json"


def remember(cache: Path, kind: str, path: str | Path, result: Any) -> None:
    write_json(_entry(cache, kind, path), result)


def recall(cache: Path, kind: str, path: str | Path, measure: Callable[[Path], Any],
           keep: Callable[[Any], bool] = lambda _: True) -> Any:
    """What `measure` gave for these very bytes before, or measure(path) now (remembered when
    `keep` accepts it: a failed decode is measured again next time)."""
    entry = _entry(cache, kind, path)
    if entry.is_file():
        try:
            return json.loads(entry.read_text(encoding="utf-8"))
        except ValueError:
            pass
    result = measure(Path(path))
    if keep(result):
        write_json(entry, result)
    return result
