import os
import stat

import pytest

from showrunner.files import atomic_path, write_text


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
