"""Bad input gets a clear diagnostic or message and the right exit code, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from postlint.cli import main
from postlint.document import Post

from conftest import fix, lint, spans

POST = "---\ntitle: t\ncategories: [IT]\nexcerpt: e\nimage: /a.jpg\n---\n"


def run(*args, input=None):
    result = CliRunner().invoke(main, list(args), input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def check_file(tmp_path: Path, name: str, data: bytes, *options: str):
    path = tmp_path / name
    path.write_bytes(data)
    return run("check", "--output-format", "concise", *options, str(path))


@pytest.mark.parametrize(
    "data, message",
    [
        (b"---\ntitle: a\n---\nabc\xff\n", "PL002 not valid UTF-8: byte 0xff at byte offset 20"),
        ("---\ntitle: a\n---\n".encode("utf-16"), "PL002 file is UTF-16"),
        (b"---\ntitle: a\n---\n\x00\n", "PL002 binary file: NUL byte at byte offset 17"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PL002 binary file (a PNG image)"),
    ],
)
def test_undecodable_files_are_pl002(tmp_path, data, message):
    result = check_file(tmp_path, "bad.md", data)
    assert result.exit_code == 1
    assert f"bad.md:1:1: {message}" in result.output


def test_undecodable_files_are_never_fixed(tmp_path):
    path = tmp_path / "bad.md"
    data = b"---\ntitle: a\n---\n<a rel=dofollow>x</a>\xff\n"
    path.write_bytes(data)
    result = run("fix", str(path))
    assert result.exit_code == 1
    assert path.read_bytes() == data


def test_utf8_bom_survives_a_fix(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf" + (POST + '<a href="https://x.kr" rel="dofollow">x</a>\n').encode())
    run("fix", "--select", "SRC003", str(path))
    assert path.read_bytes() == b"\xef\xbb\xbf" + (POST + '<a href="https://x.kr">x</a>\n').encode()


@pytest.mark.parametrize("data", [b"", b"---", b"---\n", b"---\ntitle: a\n"])
def test_empty_and_unterminated_files(tmp_path, data):
    result = check_file(tmp_path, "x.md", data)
    assert result.exit_code in (0, 1)


@pytest.mark.parametrize(
    "newline",
    ["\r\n", "\r"],
    ids=["crlf", "lone-cr"],
)
def test_line_endings_locate_and_survive_fixes(newline):
    text = POST.replace("\n", newline) + f'line{newline}<a href="https://x.kr" rel="dofollow">x</a>{newline}'
    post, diagnostics = lint(text, "SRC003")
    assert spans(post, diagnostics) == ["SRC003 8:29-8:37"]
    fixed = fix(text, "SRC003")
    assert fixed == text.replace(' rel="dofollow"', "")


def test_missing_final_newline_is_kept():
    text = POST + '<a href="https://x.kr" rel="dofollow">x</a>'
    assert fix(text, "SRC003") == POST + '<a href="https://x.kr">x</a>'


@pytest.mark.parametrize(
    "front",
    [
        "- a\n- b\n",  # a list
        "just text\n",  # a scalar
        "title:\ta\n\tb: c\n",  # tabs
        "1: a\n[x]: b\n2024-01-01: c\ntitle: 2024-01-01\n",  # non-string keys, dates
        "title: " + "가" * 200_000 + "\n",  # a very long value
        "a: !!python/object/apply:os.system ['echo pwned']\n",  # object construction must be refused
    ],
    ids=["list", "scalar", "tabs", "non-string-keys", "long-value", "python-tag"],
)
def test_front_matter_oddities_do_not_crash(tmp_path, front):
    result = check_file(tmp_path, "x.md", f"---\n{front}---\nbody\n".encode())
    assert result.exit_code in (0, 1)  # reported or clean (a long title is fine without a profile)
    assert "PL001" not in result.output and "Traceback" not in result.output


def test_billion_laughs_is_refused_fast():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 12):
        previous, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    post = Post("---\n" + "\n".join(lines) + "\n---\n")
    assert post.front_matter.error is not None
    assert "refusing to load it" in post.front_matter.error.message


@pytest.mark.parametrize(
    "body",
    [
        "<span>" * 100_000 + "x" + "</span>" * 100_000,
        "<b>" * 10_000 + "x",
        "<a href=x rel=nofollow>y</a> &amp; &#12345; &#x1F600; <!-- unterminated comment",
        "<![CDATA[ x ]]> <script>var a = '</b>';</script>",
        "*" * 100_000,
        "***a **b *c* d** e***",
        "```\n<b>x\n",
        "<" * 50_000 + ">" * 50_000,
        '<a href="' + "x" * 100_000,
    ],
    ids=["deep-nesting", "unclosed", "entities-comment", "cdata-script", "star-line", "nested-emphasis",
         "unterminated-fence", "angle-brackets", "unterminated-attribute"],
)
def test_hostile_bodies_run_every_rule_without_internal_errors(body):
    post, diagnostics = lint(POST + body)
    assert [d for d in diagnostics if d.code == "PL001"] == []
    fixed = fix(POST + body, unsafe=True)
    assert fix(fixed, unsafe=True) == fixed


def test_html_inside_code_fences_is_not_reported():
    post, diagnostics = lint(POST + "```html\n<b>x</span> * y\n```\n", "MK", "ST", "SRC")
    assert diagnostics == []


def test_a_directory_with_no_posts(tmp_path):
    result = run("check", str(tmp_path))
    assert result.exit_code == 0
    assert "No posts found" in result.output


def test_a_nonexistent_path_exits_2(tmp_path):
    result = run("check", str(tmp_path / "missing"))
    assert result.exit_code == 2
    assert "missing: no such file or directory" in result.output


def test_an_unreadable_file_is_reported_and_the_others_go_on(tmp_path, monkeypatch):
    (tmp_path / "a.md").write_text(POST + "ok\n")
    locked = tmp_path / "locked.md"
    locked.write_text(POST)
    locked.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the read fail as it would for a user
        original = Path.open

        def open_file(self, *args, **kwargs):
            if self.name == "locked.md":
                raise PermissionError(13, "Permission denied")
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", open_file)
    result = run("check", "--select", "PL", "--output-format", "concise", str(tmp_path))
    locked.chmod(0o644)
    assert result.exit_code == 1
    assert "locked.md:1:1: PL002 cannot read file: Permission denied" in result.output


def test_a_symlink_loop_is_walked_once(tmp_path):
    (tmp_path / "a.md").write_text(POST + "ok\n")
    (tmp_path / "loop").symlink_to(tmp_path)
    result = run("check", "--select", "PL", "--output-format", "json", str(tmp_path))
    assert result.exit_code == 0


def test_a_file_name_with_spaces_and_hangul(tmp_path):
    result = check_file(tmp_path, "새 글 2024.md", (POST + '<a href="https://x.kr" rel="dofollow">x</a>\n').encode(), "--select", "SRC003")
    assert result.exit_code == 1
    assert "새 글 2024.md:7:29: SRC003" in result.output


def test_terminal_output_cannot_carry_escape_sequences(tmp_path):
    body = '<a href="https://x.kr" rel="dofollow\x1b[31m">x</a>\n'
    result = check_file(tmp_path, "x.md", (POST + body).encode(), "--select", "SRC003")
    assert "\x1b" not in result.output
