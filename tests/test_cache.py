"""The check cache: same answers as a cold run, invalidated by content and configuration."""

from __future__ import annotations

import json
import os
import time
from types import SimpleNamespace
from pathlib import Path

import pytest
from click.testing import CliRunner

from postlint import cache as cache_module
from postlint.cli import main
from postlint.config import Config
from postlint.engine import Linter
from postlint.runner import check_files

DIRTY = '---\ntitle: t\n---\n<a href="https://x.kr" rel="dofollow">x</a>\n'
CLEAN = '---\ntitle: t\n---\n<a href="https://x.kr">x</a>\n'


def check(cwd: Path, *args: str):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(main, ["check", "--output-format", "json", "--select", "SRC003", *args, "."])
    finally:
        os.chdir(old)


def test_a_warm_run_answers_from_the_cache_with_the_same_result(tmp_path, monkeypatch):
    (tmp_path / "a.md").write_text(DIRTY)
    cold = check(tmp_path)
    assert list((tmp_path / ".postlint_cache").glob("v*.json"))
    monkeypatch.setattr("postlint.runner.check_bytes", lambda *args: (_ for _ in ()).throw(AssertionError("not cached")))
    warm = check(tmp_path)
    assert warm.exit_code == cold.exit_code == 1
    assert json.loads(warm.output) == json.loads(cold.output)


def test_a_changed_file_is_checked_again(tmp_path):
    (tmp_path / "a.md").write_text(DIRTY)
    assert check(tmp_path).exit_code == 1
    (tmp_path / "a.md").write_text(CLEAN)
    assert check(tmp_path).exit_code == 0


def test_a_settled_unchanged_file_is_not_even_read(tmp_path, monkeypatch):
    (tmp_path / "a.md").write_text(DIRTY)
    monkeypatch.setattr(cache_module, "_SETTLED_NS", 0)
    cold = check(tmp_path)
    monkeypatch.setattr("postlint.runner.read", lambda *args: pytest.fail("an unchanged file was read"))
    warm = check(tmp_path)
    assert warm.exit_code == cold.exit_code == 1
    assert json.loads(warm.output) == json.loads(cold.output)


def test_a_rewrite_that_keeps_size_and_modification_time_is_still_seen(tmp_path, monkeypatch):
    post = tmp_path / "a.md"
    post.write_text(DIRTY)
    monkeypatch.setattr(cache_module, "_SETTLED_NS", 0)
    assert check(tmp_path).exit_code == 1
    before = post.stat()
    post.write_text(DIRTY.replace("dofollow", "nofollow"))  # same size
    os.utime(post, ns=(before.st_atime_ns, before.st_mtime_ns))  # the change time moves all the same
    assert post.stat().st_size == before.st_size and post.stat().st_mtime_ns == before.st_mtime_ns
    assert check(tmp_path).exit_code == 0


def test_a_file_changed_moments_ago_is_identified_by_its_content():
    def stat(age_ns):
        changed = time.time_ns() - age_ns
        return SimpleNamespace(st_size=10, st_ino=1, st_mtime_ns=changed, st_ctime_ns=changed)

    fresh, settled = stat(10**9), stat(10**10)
    assert cache_module.stat_signature(fresh) is None
    assert cache_module.stat_signature(settled) is not None


def test_no_cache_neither_reads_nor_writes(tmp_path):
    (tmp_path / "a.md").write_text(DIRTY)
    assert check(tmp_path, "--no-cache").exit_code == 1
    assert not (tmp_path / ".postlint_cache").exists()


def test_fix_with_no_cache_neither_reads_nor_writes(tmp_path):
    (tmp_path / "a.md").write_text(DIRTY)
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(main, ["fix", "--no-cache", "--select", "SRC003", "a.md"])
    finally:
        os.chdir(old)
    assert result.exit_code == 0
    assert (tmp_path / "a.md").read_text() == CLEAN
    assert not (tmp_path / ".postlint_cache").exists()


def test_another_configuration_uses_another_cache(tmp_path):
    (tmp_path / "a.md").write_text(DIRTY)
    check(tmp_path)
    (tmp_path / "postlint.toml").write_text('[rules.SRC003]\nextra-link-types = ["dofollow"]\n')
    assert check(tmp_path).exit_code == 0
    assert len(list((tmp_path / ".postlint_cache").glob("v*.json"))) == 2


def test_a_damaged_cache_is_ignored(tmp_path):
    (tmp_path / "a.md").write_text(DIRTY)
    check(tmp_path)
    for path in (tmp_path / ".postlint_cache").glob("v*.json"):
        path.write_text("{not json")
    assert check(tmp_path).exit_code == 1


def test_the_cache_keeps_itself_out_of_git(tmp_path):
    (tmp_path / "a.md").write_text(DIRTY)
    check(tmp_path)
    assert (tmp_path / ".postlint_cache" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_two_runs_sharing_a_cache_never_see_a_torn_file(tmp_path):
    files = []
    for index in range(80):
        path = tmp_path / f"{index}.md"
        path.write_text(DIRTY if index % 2 else CLEAN)
        files.append(path)
    config = Config(root=tmp_path, select=["SRC003"])
    linter = Linter(config)
    first = cache_module.Cache(tmp_path, config.fingerprint())
    second = cache_module.Cache(tmp_path, config.fingerprint())
    list(check_files(linter, files, 1, first))
    list(check_files(linter, files[:40], 1, second))
    reloaded = cache_module.Cache(tmp_path, config.fingerprint())
    assert len(reloaded.entries) == 40  # the last writer wins, whole
    results = list(check_files(linter, files, 2, reloaded))
    assert [bool(result.diagnostics) for result in results] == [bool(index % 2) for index in range(80)]


@pytest.mark.parametrize("count", [0, 1, cache_module._BATCH - 1, cache_module._BATCH, 2 * cache_module._BATCH + 3])
def test_the_cache_is_written_as_one_json_document_in_parts(count):
    entries = {f"/posts/{index}.md": [f"{index:032x}", [["SRC003", "rel \"x\" 값", 1, 2, "error", None]], [[], []], None] for index in range(count)}
    encoded = "".join(cache_module._encoded(entries))
    assert encoded == json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
