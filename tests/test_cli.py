"""The command line: exit codes, selection, configuration errors, stdin, fix and diff."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from click.testing import CliRunner

from postlint.cli import _emit, main
from postlint.config import load_config
from postlint.engine import FileResult, Linter
from postlint.runner import check_bytes, fix_files

DIRTY = '---\ntitle: t\ncategories: [IT]\nexcerpt: e\nimage: /a.jpg\n---\n<p>출처: <a href="https://x.kr" rel="dofollow">x</a></p>\n'
CLEAN = DIRTY.replace(' rel="dofollow"', "")


def run(*args, input=None, cwd: Path | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), input=input)
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), input=input)
    finally:
        os.chdir(old)


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    (tmp_path / "dirty.md").write_text(DIRTY, encoding="utf-8")
    (tmp_path / "clean.md").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def test_clean_file_exits_0(posts):
    result = run("check", "--select", "SRC003", str(posts / "clean.md"))
    assert result.exit_code == 0, result.output
    assert "All checks passed" in result.output


def test_problems_exit_1_with_exact_location(posts):
    result = run("check", "--select", "SRC003", "--output-format", "concise", str(posts / "dirty.md"))
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith(f"{posts / 'dirty.md'}:7:36: SRC003 rel `dofollow`")


def test_exit_zero(posts):
    assert run("check", "--select", "SRC003", "--exit-zero", str(posts)).exit_code == 0


def test_ignore_and_prefix_selection(posts):
    assert run("check", "--select", "SRC", "--ignore", "SRC003", str(posts / "dirty.md")).output.count("SRC003") == 0
    assert run("check", "--select", "SR", str(posts / "dirty.md")).exit_code == 1


def test_nonexistent_path_exits_2_and_others_still_run(posts):
    result = run("check", "--select", "SRC003", str(posts / "nope.md"), str(posts / "dirty.md"))
    assert result.exit_code == 2
    assert "nope.md: no such file or directory" in result.output
    assert "SRC003" in result.output


def test_directory_without_posts(tmp_path):
    result = run("check", str(tmp_path))
    assert result.exit_code == 0
    assert "No posts found" in result.output


def test_unknown_selector_is_a_usage_error(posts):
    result = run("check", "--select", "XX999", str(posts))
    assert result.exit_code == 2
    assert "unknown rule code or prefix 'XX999'" in result.output


@pytest.mark.parametrize(
    "config, message",
    [
        ('[tool.postlint]\nselct = ["MK"]\n', "unknown key 'selct'"),
        ('[tool.postlint]\nselect = "MK"\n', "'select' must be a list of strings"),
        ("[tool.postlint.rules.SRC003]\nbogus = 1\n", "rules.SRC003: unknown option 'bogus'"),
        ('[tool.postlint.rules.SRC003]\nextra-link-types = "x"\n', "rules.SRC003.extra-link-types: expected a list of strings"),
        ("[tool.postlint.rules.ZZ001]\n", "unknown rule 'ZZ001'"),
        ("[tool.postlint\n", "not valid TOML"),
    ],
)
def test_config_errors_name_the_key_and_exit_2(posts, config, message):
    (posts / "pyproject.toml").write_text(config, encoding="utf-8")
    result = run("check", ".", cwd=posts)
    assert result.exit_code == 2
    assert message in result.output


def test_config_is_found_upward_and_applied(posts):
    (posts / "postlint.toml").write_text('select = ["SRC003"]\n[rules.SRC003]\nextra-link-types = ["dofollow"]\n')
    sub = posts / "sub"
    sub.mkdir()
    (sub / "a.md").write_text(DIRTY, encoding="utf-8")
    assert run("check", "sub", cwd=posts).exit_code == 0
    assert run("check", ".", cwd=sub).exit_code == 0


def test_exclude_and_gitignore_are_respected(posts):
    (posts / ".gitignore").write_text("ignored/\n")
    (posts / "ignored").mkdir()
    (posts / "ignored" / "x.md").write_text(DIRTY)
    (posts / "drafts").mkdir()
    (posts / "drafts" / "x.md").write_text(DIRTY)
    (posts / "postlint.toml").write_text('select = ["SRC003"]\nexclude = ["drafts/"]\n')
    result = run("check", "--output-format", "concise", ".", cwd=posts)
    assert "ignored" not in result.output and "drafts" not in result.output
    assert "dirty.md" in result.output


def test_stdin_with_filename():
    result = run("check", "--select", "SRC003", "--output-format", "json", "--stdin-filename", "a.md", "-", input=DIRTY)
    assert result.exit_code == 1
    assert json.loads(result.output)[0]["filename"] == "a.md"


def test_fix_stdin_prints_the_fixed_text():
    result = run("fix", "--select", "SRC003", "-", input=DIRTY)
    assert result.stdout_bytes.decode() == CLEAN


def test_fix_writes_and_a_second_run_changes_nothing(posts):
    first = run("fix", "--select", "SRC003", str(posts))
    assert first.exit_code == 0, first.output
    assert (posts / "dirty.md").read_text(encoding="utf-8") == CLEAN
    before = {path: path.read_bytes() for path in posts.iterdir()}
    second = run("fix", "--select", "SRC003", str(posts))
    assert second.exit_code == 0
    assert {path: path.read_bytes() for path in posts.iterdir()} == before


def test_fix_diff_writes_nothing_and_exits_1(posts):
    result = run("fix", "--diff", "--select", "SRC003", str(posts))
    assert result.exit_code == 1
    assert '-<p>출처: <a href="https://x.kr" rel="dofollow">x</a></p>' in result.output
    assert '+<p>출처: <a href="https://x.kr">x</a></p>' in result.output
    assert (posts / "dirty.md").read_text(encoding="utf-8") == DIRTY
    assert run("fix", "--diff", "--select", "SRC003", str(posts / "clean.md")).exit_code == 0


def test_undecodable_file_is_pl002_and_others_go_on(posts):
    (posts / "bad.md").write_bytes(b"---\ntitle: \xff\n---\n")
    result = run("check", "--select", "SRC003", "--output-format", "concise", str(posts))
    assert result.exit_code == 1
    assert f"{posts / 'bad.md'}:1:1: PL002 not valid UTF-8: byte 0xff at byte offset 11" in result.output
    assert "dirty.md:7:36: SRC003" in result.output


def test_fix_leaves_a_read_only_file_alone(posts):
    target = posts / "dirty.md"
    target.chmod(0o444)
    try:
        result = run("fix", "--select", "SRC003", str(target))
    finally:
        target.chmod(0o644)
    assert result.exit_code == 1
    assert "read-only" in result.output
    assert target.read_text(encoding="utf-8") == DIRTY


def test_rules_and_explain():
    listing = run("rules")
    assert listing.exit_code == 0 and "SRC003  invalid-rel" in listing.output
    explained = run("explain", "SRC003")
    assert explained.exit_code == 0 and "invalid-rel" in explained.output
    assert run("explain", "invalid-rel").exit_code == 0
    assert run("explain", "XX001").exit_code == 2


def test_console_script_runs_on_the_examples():
    examples = Path(__file__).resolve().parent.parent / "examples"
    result = subprocess.run(
        [sys.executable, "-m", "postlint.cli", "check", "--output-format", "concise", str(examples)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "\x1b[" not in result.stdout


FORMATTING = '---\ntitle: t\n---\n<p><span style="color:#EE2323">x</span> <a href="https://x.kr" rel="dofollow">y</a></p>\n'


# The formatting rules (ST004, MK007) are house rules: a profile that asks for them.
HOUSE_FORMAT = "[house]\ncanonical-style = true\nmax-spacer-paragraphs = 1\n"


def test_format_check_and_diff_write_nothing(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(FORMATTING, encoding="utf-8")
    (tmp_path / "postlint.toml").write_text(HOUSE_FORMAT, encoding="utf-8")
    check = run("format", "--check", str(path), cwd=tmp_path)
    assert check.exit_code == 1 and "Would reformat" in check.output
    diff = run("format", "--diff", str(path), cwd=tmp_path)
    assert diff.exit_code == 1 and '+<p><span style="color: #ee2323;">x</span>' in diff.output
    assert path.read_text(encoding="utf-8") == FORMATTING


def test_format_applies_only_formatting_fixes(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(FORMATTING, encoding="utf-8")
    (tmp_path / "postlint.toml").write_text(HOUSE_FORMAT, encoding="utf-8")
    assert run("format", str(path), cwd=tmp_path).exit_code == 0
    assert path.read_text(encoding="utf-8") == FORMATTING.replace("color:#EE2323", "color: #ee2323;")
    assert run("format", "--check", str(path), cwd=tmp_path).exit_code == 0


def test_format_without_a_profile_changes_nothing(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(FORMATTING, encoding="utf-8")
    assert run("format", "--check", str(path), cwd=tmp_path).exit_code == 0


def test_statistics_as_json(posts):
    result = run("check", "--select", "SRC003", "--statistics", "--output-format", "json", str(posts))
    assert json.loads(result.output) == [{"code": "SRC003", "name": "invalid-rel", "count": 1, "fixable": True}]


def test_fix_diff_keeps_crlf_line_endings(tmp_path):
    path = tmp_path / "crlf.md"
    path.write_bytes(DIRTY.replace("\n", "\r\n").encode())
    result = CliRunner().invoke(main, ["fix", "--diff", "--select", "SRC003", str(path)])
    assert '+<p>출처: <a href="https://x.kr">x</a></p>\r\n' in result.stdout_bytes.decode()
    assert "\\x0d" not in result.output


def test_fix_stdin_cannot_be_mixed_with_files(posts):
    result = run("fix", "-", str(posts / "dirty.md"), input=DIRTY)
    assert result.exit_code == 2 and "cannot be combined" in result.output


# --- the report as results arrive --------------------------------------------------------------


class _Watched(FileResult):
    """A result that can be referenced weakly."""


def _watched_results(tmp_path: Path, capsys, count: int = 3):
    """Results of real checks, and before each is made: what stdout has received so far and which
    of the earlier results are still alive."""
    linter = Linter(load_config(cwd=tmp_path))
    refs: list[weakref.ref] = []
    written: list[str] = []
    alive: list[list[bool]] = []

    def make(index: int):
        checked = check_bytes(linter, DIRTY.encode(), f"post{index}.md", None).drop_post()
        result = _Watched(checked.path, None, checked.diagnostics, excerpt=checked.excerpt)
        refs.append(weakref.ref(result))
        return result

    def results():
        for index in range(count):
            written.append(capsys.readouterr().out)
            gc.collect()
            alive.append([ref() is not None for ref in refs])
            yield make(index)

    return results(), written, alive


@pytest.mark.parametrize("output_format", ["text", "concise", "github"])
def test_line_formats_are_written_file_by_file_keeping_no_result(output_format, tmp_path, capsys):
    results, written, alive = _watched_results(tmp_path, capsys)
    tally = _emit(results, output_format, show_statistics=False, quiet=False)
    rest = capsys.readouterr().out
    assert written[0] == "" and "post0.md" in written[1] and "post1.md" in written[2] and "post2.md" in rest
    assert alive == [[], [True], [False, True]]  # only the result being written is held
    assert "".join(written) + rest == _emit_at_once(output_format, tmp_path, capsys)
    assert (tally.files, tally.files_with_problems, tally.problems) == (3, 3, 3)


def _emit_at_once(output_format: str, tmp_path: Path, capsys) -> str:
    linter = Linter(load_config(cwd=tmp_path))
    results = [check_bytes(linter, DIRTY.encode(), f"post{index}.md", None).drop_post() for index in range(3)]
    _emit(results, output_format, show_statistics=False, quiet=False)
    return capsys.readouterr().out


def test_held_report_is_written_at_the_end(tmp_path, capsys):
    results, written, _ = _watched_results(tmp_path, capsys)
    _emit(results, "text", show_statistics=False, quiet=False, hold=True)
    assert written == ["", "", ""]
    assert capsys.readouterr().out == _emit_at_once("text", tmp_path, capsys)


@pytest.mark.parametrize("output_format", ["json", "sarif", "junit"])
def test_documents_are_written_once_every_result_is_in(output_format, tmp_path, capsys):
    results, written, alive = _watched_results(tmp_path, capsys)
    _emit(results, output_format, show_statistics=False, quiet=False)
    assert written == ["", "", ""] and alive == [[], [True], [True, True]]
    assert "post2.md" in capsys.readouterr().out


def test_statistics_keep_no_result(tmp_path, capsys):
    results, written, alive = _watched_results(tmp_path, capsys)
    _emit(results, "text", show_statistics=True, quiet=False)
    assert written == ["", "", ""] and alive == [[], [True], [False, True]]
    assert capsys.readouterr().out.split() == ["3", "SRC003", "[*]", "invalid-rel"]


def test_fix_diff_is_written_file_by_file(tmp_path, capsys, monkeypatch):
    for index in range(3):
        (tmp_path / f"post{index}.md").write_text(DIRTY, encoding="utf-8")
    written: list[str] = []

    def watched_fix_files(*args, **kwargs):
        for outcome in fix_files(*args, **kwargs):
            written.append(capsys.readouterr().out)
            yield outcome

    monkeypatch.setattr("postlint.cli.fix_files", watched_fix_files)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["fix", "--diff", "--no-cache", "--select", "SRC003", "."], standalone_mode=False)
    assert exit_info.value.code == 1
    assert written[0] == "" and "b/post0.md" in written[1] and "b/post1.md" in written[2]
    assert "b/post2.md" in capsys.readouterr().out
