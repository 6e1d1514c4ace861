import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from showrunner.files import atomic_path, sweep_temporaries, write_json, write_text
from showrunner.stages.brief import covered_elsewhere

REPO = Path(__file__).resolve().parent.parent


def test_finished_artifacts_get_the_usual_mode(tmp_path):
    write_text(tmp_path / "a.json", "{}")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((tmp_path / "a.json").stat().st_mode) == 0o666 & ~umask


def test_a_failed_write_leaves_the_finished_file_as_it_was(tmp_path):
    target = tmp_path / "outline.json"
    target.write_text("finished")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crash mid-write")
    assert target.read_text() == "finished"
    assert os.listdir(tmp_path) == ["outline.json"]


def test_a_killed_writer_leaves_a_temporary_that_is_cleaned(tmp_path):
    target = tmp_path / "results/tea/brief.json"
    code = ("import os\nfrom showrunner.files import atomic_path\n"
            f"with atomic_path({str(target)!r}) as tmp:\n    tmp.write_text('half')\n    os._exit(9)\n")
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 9
    leftovers = [p for p in target.parent.iterdir() if p.name != "brief.json"]
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".brief.json.")
    write_json(target, {"ok": True})  # the next write of that file removes what the dead one left
    assert sorted(p.name for p in target.parent.iterdir()) == ["brief.json"]
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 9
    assert sweep_temporaries(tmp_path / "results") and sorted(p.name for p in target.parent.iterdir()) == ["brief.json"]


def test_a_live_writers_temporary_is_left_alone(tmp_path):
    target = tmp_path / "out.json"
    with atomic_path(target) as tmp:
        tmp.write_text("{}")
        assert sweep_temporaries(tmp_path) == [] and tmp.exists()
    assert target.exists()


def test_show_memory_never_reads_a_half_written_file(tmp_path):
    memory = tmp_path / "results/show/episodes"
    write_json(memory / "milk.json", {"slug": "milk", "concepts": ["milk first"]})
    (memory / f".sugar.json.{'0' * 8}-1-abc.part.json").write_text(json.dumps({"slug": "sugar",
                                                                             "concepts": ["half written"]}))
    concepts, used = covered_elsewhere(memory, "tea")
    assert [c.concept for c in concepts] == ["milk first"] and len(used) == 1


def test_writes_are_flushed_to_disk_before_the_rename(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}"))),
                                                 real_fsync(fd)))
    monkeypatch.setattr(os, "replace", lambda a, b: (events.append(("replace", str(b))), real_replace(a, b)))
    target = tmp_path / "a" / "script.json"
    write_json(target, {"x": 1})
    names = [(kind, Path(path).name) for kind, path in events]
    assert names[0][0] == "fsync" and names[0][1].startswith(".script.json.")  # the data, before the rename
    assert names[1] == ("replace", "script.json")
    assert names[2] == ("fsync", "a")  # the directory entry, after it
