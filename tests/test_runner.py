"""Many files: the process pool and the cache report exactly what one process checking afresh does."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from postlint import runner
from postlint.cli import main
from postlint.config import load_config
from postlint.document import Post
from postlint.engine import Linter
from postlint.output import FORMATS
from postlint.runner import PARALLEL_THRESHOLD, unified_diff

from conftest import EXAMPLE_CONFIG, shared_corpus, shared_seeds


@pytest.fixture(scope="module")
def posts(tmp_path_factory) -> Path:
    """Enough real posts for the pool, with every kind of diagnostic the corpus has, one of them
    with CRLF line breaks and a BOM."""
    directory = tmp_path_factory.mktemp("posts")
    sources = [*shared_seeds(), *shared_corpus()[: PARALLEL_THRESHOLD + 6]]
    for source in sources:
        shutil.copyfile(source, directory / f"{source.stem}.md")
    first = directory / f"{sources[0].stem}.md"
    first.write_bytes(b"\xef\xbb\xbf" + first.read_bytes().replace(b"\n", b"\r\n"))
    shutil.copyfile(EXAMPLE_CONFIG, directory / "postlint.toml")  # the corpus's own house profile
    return directory


def run(cwd: Path, *args: str) -> tuple[int, str]:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.output


@pytest.mark.parametrize("output_format", FORMATS)
def test_the_pool_reports_what_one_process_reports(posts, output_format):
    serial = run(posts, "check", "--no-cache", "--jobs", "1", "--output-format", output_format, ".")
    pooled = run(posts, "check", "--no-cache", "--jobs", "2", "--output-format", output_format, ".")
    assert serial[0] == 1
    assert pooled == serial


def test_the_pool_fixes_what_one_process_fixes(posts):
    serial = run(posts, "fix", "--no-cache", "--diff", "--jobs", "1", ".")
    pooled = run(posts, "fix", "--no-cache", "--diff", "--jobs", "2", ".")
    assert serial[1].count("\n+++ b/") >= 10
    assert pooled == serial


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_warm_run_reports_what_a_cold_run_reports_without_reading_a_post(posts, tmp_path, monkeypatch, output_format):
    tree = tmp_path / "posts"
    shutil.copytree(posts, tree)
    cold = run(tree, "check", "--jobs", "1", "--output-format", output_format, ".")
    monkeypatch.setattr(Post, "from_bytes", classmethod(lambda *args: pytest.fail("a cached post was parsed")))
    warm = run(tree, "check", "--jobs", "1", "--output-format", output_format, ".")
    assert cold[0] == 1
    assert warm == cold


def test_a_warm_run_in_the_pool_reports_what_a_cold_run_reports(posts, tmp_path):
    tree = tmp_path / "posts"
    shutil.copytree(posts, tree)
    cold = run(tree, "check", "--jobs", "2", "--output-format", "json", ".")
    cache = json.loads(next((tree / ".postlint_cache").glob("v*.json")).read_text(encoding="utf-8"))
    assert len(cache) == len(list(tree.glob("*.md")))
    warm = run(tree, "check", "--jobs", "2", "--output-format", "json", ".")
    assert warm == cold


_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n")


def _patched(before: list[str], diff: list[str]) -> list[str]:
    """``before`` with a unified diff applied, checking every context and removed line."""
    out, position = [], 0
    for line in diff[2:]:
        header = _HUNK.fullmatch(line)
        if header is not None:
            start, length = int(header.group(1)), int(header.group(2) or 1)
            first = start - 1 if length else start
            out.extend(before[position:first])
            position = first
        elif line[0] == "+":
            out.append(line[1:])
        else:
            assert before[position] == line[1:], "context or removed line does not match"
            if line[0] == " ":
                out.append(line[1:])
            position += 1
    return out + before[position:]


lines = st.lists(st.sampled_from(["x\n", "y\n", "z\n", "<p>가</p>\n", "\n"]), max_size=30)


@given(lines, st.lists(st.tuples(st.integers(0, 30), st.sampled_from(["del", "x\n", "new\n"])), min_size=1, max_size=4))
def test_a_diff_without_the_shared_ends_still_turns_the_text_into_the_fixed_one(before, edits):
    after = list(before)
    for index, edit in edits:
        index = min(index, len(after))
        if edit == "del":
            del after[index : index + 1]
        else:
            after.insert(index, edit)
    diff = list(unified_diff(before, after, "a/p.md", "b/p.md"))
    assert (diff == []) == (before == after)
    if diff:
        assert diff[:2] == ["--- a/p.md\n", "+++ b/p.md\n"]
        assert _patched(before, diff) == after


def _counting_parses(monkeypatch) -> list[str]:
    parsed: list[str] = []
    real = Post.from_bytes.__func__

    def from_bytes(cls, data, display="<post>", renderer=None):
        parsed.append(display)
        return real(cls, data, display, renderer)

    monkeypatch.setattr(Post, "from_bytes", classmethod(from_bytes))
    return parsed


def _files(tree: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(tree.glob("*.md"))}


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_fix_after_a_check_does_what_a_fix_afresh_does(posts, tmp_path, monkeypatch, jobs):
    """Most posts were fixed already (the cache answers for them), a few are not."""
    base = tmp_path / "base"
    shutil.copytree(posts, base)
    run(base, "fix", "--no-cache", ".")
    unfixed = sorted(posts.glob("*.md"))[::9]
    for original in unfixed:
        shutil.copyfile(original, base / original.name)
    cold, warm = tmp_path / "cold", tmp_path / "warm"
    shutil.copytree(base, cold)
    shutil.copytree(base, warm)
    run(warm, "check", "--jobs", jobs, ".")
    parsed = _counting_parses(monkeypatch)
    afresh = run(cold, "fix", "--no-cache", "--jobs", jobs, ".")
    parsed.clear()
    cached = run(warm, "fix", "--jobs", jobs, ".")
    assert cached == afresh
    assert cached[1].count("\n") > 100
    assert _files(warm) == _files(cold) != _files(base)
    if jobs == "1":  # the pool parses in its workers, out of sight
        assert set(parsed) == {original.name for original in unfixed}


def test_a_check_after_a_fix_parses_only_what_the_fix_could_not_settle(posts, tmp_path, monkeypatch):
    tree = tmp_path / "posts"
    shutil.copytree(posts, tree)
    fixed = json.loads(run(tree, "fix", "--jobs", "1", "--quiet", "--output-format", "json", ".")[1])
    unsettled = {item["filename"] for item in fixed if item["code"] == "PL003"}
    afresh = run(tree, "check", "--no-cache", "--jobs", "1", ".")
    parsed = _counting_parses(monkeypatch)
    warm = run(tree, "check", "--jobs", "1", ".")
    assert warm == afresh
    assert set(parsed) == unsettled


def test_a_cached_post_with_only_unsafe_fixes_is_fixed_by_unsafe_fixes(tmp_path, monkeypatch):
    post = tmp_path / "a.md"
    text = '---\ntitle: t\n---\n\n<p><span style="color: #ff0001;">빨강</span></p>\n'
    post.write_text(text, encoding="utf-8")
    (tmp_path / "postlint.toml").write_text('[house]\ntext-colors = ["#ee2323"]\n', encoding="utf-8")
    assert run(tmp_path, "check", "--select", "ST002", "a.md")[0] == 1
    parsed = _counting_parses(monkeypatch)
    assert run(tmp_path, "fix", "--select", "ST002", "a.md")[0] == 1
    assert parsed == [] and post.read_text(encoding="utf-8") == text
    assert run(tmp_path, "fix", "--select", "ST002", "--unsafe-fixes", "a.md")[0] == 0
    assert post.read_text(encoding="utf-8") == text.replace("#ff0001", "#ee2323")
    assert parsed == ["a.md"]


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="the workers must inherit the patch")
@pytest.mark.parametrize("command", ["check", "fix"])
def test_a_run_stopped_early_leaves_the_queued_files(command, tmp_path, monkeypatch):
    """A reader that stops reading (``postlint check | head``) stops the workers: the files still
    queued are not checked, only those already in the workers' hands."""
    count = 600
    for index in range(count):
        (tmp_path / f"post{index:03}.md").write_text("---\ntitle: t\n---\n<p>x</p>\n", encoding="utf-8")
    log = tmp_path / "checked.log"

    def logged(function):
        def wrapper(linter, path, *args, **kwargs):
            time.sleep(0.002)  # the first chunk does not finish before the rest is queued
            with open(log, "a", encoding="utf-8") as stream:
                stream.write(f"{path}\n")
            return function(linter, path, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(runner, "check_file", logged(runner.check_file))
    monkeypatch.setattr(runner, "fix_file", logged(runner.fix_file))
    files = sorted(tmp_path.glob("*.md"))
    linter = Linter(load_config(cwd=tmp_path))
    if command == "check":
        results = runner.check_files(linter, files, 2)
    else:
        results = runner.fix_files(linter, files, 2, runner.FixMode(write=False))
    next(results)
    results.close()
    checked = log.read_text(encoding="utf-8").splitlines()
    assert len(set(checked)) == len(checked)
    assert 0 < len(checked) < count / 2
