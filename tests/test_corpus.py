"""Every post of ../shared/corpus and ../shared/seeds: no internal error, fixes converge, no Hangul lost.

In-process with ``fix_post`` (one test per post, safe and unsafe fixes; the fix-safety properties
of test_properties.py are checked too), and once end to end through the real CLI on a copy of the
whole set. Skipped when ../shared is not there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from postlint.document import Post
from postlint.engine import INTERNAL_ERROR, Linter
from postlint.fixer import FIX_NOT_APPLIED, fix_post

from conftest import SHARED, example_config
from test_properties import check_fix

POSTS = sorted((SHARED / "corpus").glob("*")) + sorted((SHARED / "seeds").glob("*"))
# The corpus comes from a Jekyll site with Jekyll's defaults: kramdown, GFM input.
LINTER = Linter(example_config())
KRAMDOWN = LINTER.renderer_for(None)
_HANGUL = re.compile("[\uac00-\ud7a3]")


def hangul(text: str) -> int:
    return len(_HANGUL.findall(text))


def internal_errors(diagnostics) -> list[str]:
    return [d.message for d in diagnostics if d.code == INTERNAL_ERROR]


def not_converged(diagnostics) -> list[str]:
    return [d.message for d in diagnostics if d.code == FIX_NOT_APPLIED and "did not converge" in d.message]


@pytest.mark.skipif(not POSTS, reason="../shared is not present")
@pytest.mark.parametrize("path", POSTS, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_post(path: Path):
    post = Post.from_bytes(path.read_bytes(), path.name, KRAMDOWN)
    diagnostics = LINTER.lint(post)
    assert not internal_errors(diagnostics)

    for unsafe in (False, True):
        outcome = fix_post(post, LINTER, unsafe=unsafe, diagnostics=diagnostics)
        assert not internal_errors(outcome.diagnostics), unsafe
        assert not not_converged(outcome.diagnostics), unsafe
        again = fix_post(outcome.post, LINTER, unsafe=unsafe)
        assert again.post.text == outcome.post.text, f"a second fix changed it (unsafe={unsafe})"
        assert not again.changed
        if not unsafe:
            assert hangul(outcome.post.text) == hangul(post.text), "safe fixes added or lost Hangul"
        # And every fix-safety property of test_properties.py (words, untouched lines, code).
        check_fix(path.read_bytes(), unsafe, KRAMDOWN)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


@pytest.mark.skipif(not POSTS, reason="../shared is not present")
def test_cli_fix_twice_changes_nothing_the_second_time(tmp_path: Path):
    posts = tmp_path / "posts"
    posts.mkdir()
    for path in POSTS:  # the seeds are .txt: the CLI looks for .md
        shutil.copyfile(path, posts / (path.stem + ".md"))
    (tmp_path / "postlint.toml").write_text('markdown = "kramdown"\n', encoding="utf-8")
    original = _snapshot(posts)
    assert len(original) == len(POSTS)

    def run() -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "postlint.cli", "fix", "--unsafe-fixes", "posts"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert "Traceback" not in result.stderr, result.stderr[-3000:]
        assert "Traceback" not in result.stdout, result.stdout[-3000:]
        assert result.returncode in (0, 1), (result.returncode, result.stderr[-3000:])
        return result

    run()
    first = _snapshot(posts)
    assert first != original, "the first run fixed nothing (the seeds' stray asterisks at least)"
    written = {path.name: path.stat().st_mtime_ns for path in posts.iterdir()}
    run()
    second = _snapshot(posts)
    changed = sorted(name for name in first if first[name] != second[name])
    assert not changed, f"the second run changed {len(changed)} files: {changed[:10]}"
    rewritten = sorted(path.name for path in posts.iterdir() if path.stat().st_mtime_ns != written[path.name])
    assert not rewritten, f"the second run rewrote {len(rewritten)} files (same bytes): {rewritten[:10]}"
