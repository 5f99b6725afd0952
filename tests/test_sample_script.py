"""benchmarks/sample.py runs on a site of two posts: the table of counts and one sample."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "sample.py"


def run(*arguments: str) -> str:
    result = subprocess.run([sys.executable, str(SCRIPT), *arguments], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_counts_and_a_sample(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.md").write_text('---\ntitle: A\n---\n\nSome text.\n\n<img src="a.png">\n', encoding="utf-8")
    (site / "b.md").write_text('---\ntitle: B\n---\n\n<img src="b.png" alt="a cat">\n', encoding="utf-8")

    output = run(str(site), "--select", "MK011", "--context", "1")
    assert "| MK011 | 1 |" in output
    assert "| posts | 2 |" in output
    assert "| per post | 0.50 |" in output
    assert "### site MK011 1/1  a.md:7:1  [no fix]" in output
    assert '7 | <img src="a.png">\n  | ^' in output
    assert "6 | \n" in output and "8 |" not in output  # one line of context, none past the end

    counts = run(str(site), "--select", "MK011", "--counts-only")
    assert "| MK011 | 1 |" in counts and "###" not in counts
