"""No data lost on disk: atomic writes, permissions kept, concurrent runs, interruption."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from postlint.atomic import interruptions_deferred
from postlint.runner import FixMode, fix_file

from conftest import linter_for, shared_corpus

DIRTY = '---\ntitle: t\n---\n<a href="https://x.kr" rel="dofollow">x</a>\n'
CLEAN = '---\ntitle: t\n---\n<a href="https://x.kr">x</a>\n'


def postlint(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "postlint.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def test_a_fix_keeps_the_permission_bits(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(DIRTY)
    path.chmod(0o640)
    outcome = fix_file(linter_for("SRC003"), path, "a.md", FixMode())
    assert outcome.result.written
    assert path.read_text() == CLEAN
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(DIRTY + "edited meanwhile\n")
    outcome = fix_file(linter_for("SRC003"), path, "a.md", FixMode(), data=DIRTY.encode())
    assert not outcome.result.written
    assert "changed on disk since it was read" in outcome.message
    assert path.read_text() == DIRTY + "edited meanwhile\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def _reference(tmp_path: Path, files: list[Path]) -> dict[str, bytes]:
    """What one undisturbed `postlint fix` makes of each file."""
    reference = tmp_path / "reference"
    reference.mkdir()
    for file in files:
        shutil.copyfile(file, reference / file.name)  # not the mode: the shared files are read-only
    process = postlint("fix", "-q", str(reference), cwd=tmp_path)  # its cache beside the trees
    process.communicate(timeout=300)
    return {path.name: path.read_bytes() for path in reference.iterdir()}


def _tree(tmp_path: Path, name: str, files: list[Path], copies: int = 1) -> Path:
    tree = tmp_path / name
    tree.mkdir()
    for copy in range(copies):
        for file in files:
            shutil.copyfile(file, tree / f"{copy}-{file.name}")
    return tree


def _assert_each_file_whole(tree: Path, originals: dict[str, bytes], reference: dict[str, bytes]) -> None:
    leftovers = [path.name for path in tree.iterdir() if path.name.startswith(".postlint-")]
    assert leftovers == []
    for path in tree.iterdir():
        source = path.name.split("-", 1)[1]
        assert path.read_bytes() in (originals[source], reference[source]), path.name


def test_two_fix_runs_at_once_leave_every_file_original_or_fixed(tmp_path):
    files = shared_corpus()[:120]
    originals = {file.name: file.read_bytes() for file in files}
    reference = _reference(tmp_path, files)
    tree = _tree(tmp_path, "tree", files)
    runs = [postlint("fix", "-q", "--jobs", "1", str(tree), cwd=tmp_path) for _ in range(2)]
    for run in runs:
        _, stderr = run.communicate(timeout=300)
        assert b"Traceback" not in stderr
    _assert_each_file_whole(tree, originals, reference)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_fix_leaves_no_half_written_or_temporary_file(tmp_path, signum):
    files = shared_corpus()[:100]
    originals = {file.name: file.read_bytes() for file in files}
    reference = _reference(tmp_path, files)
    tree = _tree(tmp_path, "tree", files, copies=6)
    run = postlint("fix", "-q", "--jobs", "1", str(tree), cwd=tmp_path)
    time.sleep(1.0)
    run.send_signal(signum)
    _, stderr = run.communicate(timeout=300)
    assert b"Traceback" not in stderr
    _assert_each_file_whole(tree, originals, reference)


def test_an_interruption_during_a_write_takes_effect_once_the_write_is_done():
    finished = []
    with pytest.raises(KeyboardInterrupt):
        with interruptions_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            finished.append("the rename")
    assert finished == ["the rename"]
