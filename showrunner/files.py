"""Writing artifacts so that no half-written file is ever taken for a finished one.

Every artifact is written to a temporary sibling, `.<name>.<host>-<pid>-<random>.part<suffix>`,
flushed to disk (fsync) and renamed into place, and the directory is fsynced, so a crash or a
power loss leaves either the old file or the new one. A temporary left by a process that died
(same host, pid gone) is removed the next time that file is written, and by `sweep_temporaries`
when the workflow starts; readers that list a directory skip dot-files (`is_temporary`).
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from showrunner.errors import ArtifactError

M = TypeVar("M", bound=BaseModel)
_UMASK = os.umask(0)
os.umask(_UMASK)


_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<host>[0-9a-f]{8})-(?P<pid>\d+)-[^.]+\.(part|old)")


def temporary_prefix(name: str) -> str:
    """The start of a temporary sibling's name for `name`, made by this process."""
    return f".{name}.{_HOST}-{os.getpid()}-"


def is_temporary(path: str | os.PathLike) -> bool:
    return Path(path).name.startswith(".")


def _dead_temporary(path: Path) -> bool:
    found = _TEMPORARY.match(path.name)
    if not found or found["host"] != _HOST:
        return False
    pid = int(found["pid"])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def clean_temporaries(path: str | os.PathLike) -> None:
    """Remove temporaries of `path` that processes which died (on this host) left behind."""
    path = Path(path)
    if path.parent.is_dir():
        for leftover in path.parent.glob(f".{glob.escape(path.name)}.*"):
            if _dead_temporary(leftover):
                _remove(leftover)


def sweep_temporaries(folder: str | os.PathLike) -> list[Path]:
    """Remove every temporary under `folder` left by a process that died; return what was removed."""
    removed = []
    for leftover in Path(folder).rglob(".*"):
        if _dead_temporary(leftover):
            _remove(leftover)
            removed.append(leftover)
    return removed


def fsync_path(path: str | os.PathLike) -> None:
    """Flush a file's (or a directory's entries') data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; if the block succeeds, fsync it and rename it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_temporaries(path)
    fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(path.name), suffix=".part" + path.suffix, dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; a finished artifact gets the usual mode
    try:
        yield Path(tmp)
        fsync_path(tmp)
        os.replace(tmp, path)
        fsync_path(path.parent)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | os.PathLike, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def canonical_json(data: Any) -> str:
    """Stable JSON: sorted keys, fixed separators, so equal data gives equal bytes."""
    if isinstance(data, BaseModel):
        data = data.model_dump(mode="json")
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def write_json(path: str | os.PathLike, data: Any) -> None:
    write_text(path, canonical_json(data))


def read_json(path: str | os.PathLike) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(f"{path}: file is missing") from None
    except json.JSONDecodeError as err:
        raise ArtifactError(f"{path}: not valid JSON (line {err.lineno}, column {err.colno}: {err.msg})") from None
    except UnicodeDecodeError as err:
        raise ArtifactError(f"{path}: not UTF-8 text (byte {err.start}); save it as UTF-8") from None


def read_model(path: str | os.PathLike, model: type[M]) -> M:
    """Load and validate an artifact; a bad one names the file and each bad field."""
    return validate_model(read_json(path), model, path)


def validate_model(data: Any, model: type[M], path: str | os.PathLike) -> M:
    """Validate data as the artifact `path` holds (read, or about to be written); a bad one names
    the file and each bad field."""
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise ArtifactError(validation_problems(err, path)) from None


_FIELD_FIRST = re.compile(r"([A-Za-z_]\w*(?:\.\w+)*): ")


def validation_problems(err: ValidationError, path: str | os.PathLike) -> str:
    """One line per problem: `file: field.path: message`. A model's own check that names the field
    its message is about ('beats.1.segment_id: ...') has that field joined to where it was raised."""
    lines = []
    for e in err.errors():
        where = ".".join(str(p) for p in e["loc"])
        message = e["msg"]
        if e["type"] == "value_error":
            message = message.removeprefix("Value error, ")
            named = _FIELD_FIRST.match(message)
            if named:
                where = f"{where}.{named[1]}" if where else named[1]
                message = message[named.end():]
        lines.append(f"{path}: {where or '(top level)'}: {message}")
    return "\n".join(lines)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    return sha256_bytes(text.encode("utf-8"))


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
