"""The output formats: text, concise, json, github, sarif and junit.

Formats know diagnostics, not rules: most tests build a post and its diagnostics by hand so that
every character of the output can be expected exactly. The end of the module runs the real rules
on the seeds (through the CLI) and on the shared corpus, and checks that every format is valid.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ElementTree
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from conftest import EXAMPLE_CONFIG, FIXTURES, example_config, linter_for, shared_corpus, shared_seeds
from postlint import __version__, output
from postlint.cli import main
from postlint.diagnostics import Diagnostic, Edit, Fix, Severity
from postlint.document import Post
from postlint.engine import FileResult, Linter, unreadable
from postlint.ruledocs import doc_uri
from postlint.runner import check_bytes, check_files

SARIF_SCHEMA = FIXTURES / "sarif" / "sarif-schema-2.1.0.json"
FRONT = "---\ntitle: 제목\ncategories:\n  - News\n---\n\n"  # 5 lines and a blank one: the body starts on line 7

# What must never reach a terminal or a CI log: ESC (ANSI sequences), BEL, other C0 controls
# (tab and line feed aside), DEL, the C1 controls (U+009B is a one-character CSI), the bidi
# overrides and isolates, lone surrogates, and the XML-forbidden U+FFFE/U+FFFF.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def post_result(text: str, diagnostics: list[Diagnostic], path: str = "posts/a.md") -> FileResult:
    return FileResult(path, Post(text, path), diagnostics)


def at(text: str, needle: str, start: int = 0) -> int:
    return text.index(needle, start)


def stray(text: str, needle: str = " * ", severity: Severity = Severity.ERROR) -> Diagnostic:
    """A hand-made MK001-like diagnostic on the `*` of ``needle``, fixed by deleting `* `."""
    star = at(text, needle) + needle.index("*")
    fix = Fix.safe("remove the stray `*`", Edit.delete(star, star + 2))
    return Diagnostic("MK001", "stray `*` prints literally; remove it", star, star + 1, severity, fix)


def lint_result(text: str, *codes: str, path: str = "posts/a.md") -> FileResult:
    return check_bytes(linter_for(*codes), text.encode("utf-8"), path, None)


@cache
def sarif_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=_uri_format_checker())


def _uri_format_checker() -> jsonschema.FormatChecker:
    """jsonschema checks `uri` only with an optional package: check the syntax (RFC 3986
    characters, well-formed %XX escapes) here, so that a space, a raw Hangul or an undecodable
    byte in a file name cannot slip through."""
    checker = jsonschema.FormatChecker()
    characters = r"(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*"

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        return not isinstance(value, str) or re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:" + characters, value) is not None

    @checker.checks("uri-reference")
    def is_uri_reference(value: object) -> bool:
        return not isinstance(value, str) or re.fullmatch(characters, value) is not None

    return checker


def assert_valid_sarif(text: str) -> dict:
    document = json.loads(text)
    errors = sorted(sarif_validator().iter_errors(document), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(error.path)}: {error.message}" for error in errors[:10])
    return document


# --- text ------------------------------------------------------------------------------------


def test_text_header_code_frame_and_fix_hint_with_hangul():
    text = FRONT + "한국어 문장입니다. * 다음 문장.\n"
    result = post_result(text, [stray(text)])
    assert output.format_text([result]) == (
        "posts/a.md:7:12: MK001 stray `*` prints literally; remove it\n"
        "  |\n"
        "7 | 한국어 문장입니다. * 다음 문장.\n"
        # 한국어 (3 wide = 6 cells) + space + 문장입니다 (5 wide = 10 cells) + ". " = 19 cells
        "  |                    ^\n"
        "  = fix: remove the stray `*` (safe: `postlint fix`)\n"
    )


def test_caret_spans_the_display_width_of_wide_characters():
    text = "<ul>\n<li>공공 **효율적인 솔루션** 개발</li>\n</ul>\n"
    start = at(text, "**")
    end = at(text, "**", start + 2) + 2
    diagnostic = Diagnostic("MK002", "not rendered", start, end)
    frame = output.format_text([post_result(text, [diagnostic])]).splitlines()
    assert frame[2] == "2 | <li>공공 **효율적인 솔루션** 개발</li>"
    # `<li>공공 ` is 4 + 4 + 1 = 9 cells; `**효율적인 솔루션**` is 2 + 8 + 1 + 6 + 2 = 19 cells
    assert frame[3] == "  | " + " " * 9 + "^" * 19


def test_caret_after_decomposed_hangul_and_combining_marks():
    # NFD Hangul: a wide initial consonant, then a vowel and a final consonant of width 0.
    word = unicodedata.normalize("NFD", "한국")
    assert len(word) == 6  # 2 wide initials, 2 vowels and 2 finals of width 0
    text = f"{word} e\u0301 * x\n"  # `é` as `e` + a combining acute accent: one cell
    frame = output.format_text([post_result(text, [stray(text)])]).splitlines()
    assert frame[3] == "  | " + " " * (4 + 1 + 1 + 1) + "^"


def test_long_line_is_cut_around_the_span_with_ellipses():
    text = "가" * 60 + " * " + "나" * 60 + "\n"
    frame = output.format_text([post_result(text, [stray(text)])]).splitlines()
    assert frame[0].startswith("posts/a.md:1:62: MK001 ")
    # 40 characters each side of the span: 39 `가` and the space before, the space and 39 `나` after.
    assert frame[2] == "1 | …" + "가" * 39 + " * " + "나" * 39 + "…"
    assert frame[3] == "  | " + " " * (1 + 39 * 2 + 1) + "^"


def test_span_over_several_lines_is_marked_to_the_end_of_its_first_line():
    text = "<p>안녕 <b>굵게\n끝</p>\n"
    start = at(text, "<b>")
    diagnostic = Diagnostic("MK003", "`<b>` is never closed", start, at(text, "</p>"))
    frame = output.format_text([post_result(text, [diagnostic])]).splitlines()
    assert frame[0] == "posts/a.md:1:7: MK003 `<b>` is never closed"
    # `<p>안녕 ` is 3 + 4 + 1 = 8 cells; `<b>굵게` is 3 + 4 = 7 cells, marked to the end of the line
    assert frame[2:4] == ["1 | <p>안녕 <b>굵게", "  | " + " " * 8 + "^" * 7]
    assert len(frame) == 4  # no fix, no hint


def test_tabs_crlf_and_bom_keep_columns_and_carets_right():
    text = "가\t탭</b> * 뒤\r\n"
    data = b"\xef\xbb\xbf" + text.encode("utf-8")
    result = check_bytes(linter_for("MK001"), data, "crlf.md", None)
    assert [(d.code, result.post.lines.location(d.start)) for d in result.diagnostics] == [("MK001", (1, 9))]
    frame = output.format_text([result]).splitlines()
    assert frame[0] == f"crlf.md:1:9: MK001 {result.diagnostics[0].message}"
    assert frame[2] == "1 | 가 탭</b> * 뒤"  # the tab shown as one space, no `\x0d` for the CR
    assert frame[3] == "  | " + " " * (2 + 1 + 2 + 4 + 1) + "^"


def test_unsafe_fix_hint():
    fix = Fix.unsafe("remove it", Edit.delete(0, 1))
    diagnostic = Diagnostic("ST006", "font-family is not allowed", 0, 1, Severity.WARNING, fix)
    lines = output.format_text([post_result("가 * 나\n", [diagnostic])]).splitlines()
    assert lines[0] == "posts/a.md:1:1: ST006 font-family is not allowed"
    assert lines[3] == "  | ^^"
    assert lines[4] == "  = fix: remove it (unsafe: `postlint fix --unsafe-fixes`)"


def test_unreadable_file_has_a_header_and_no_frame():
    result = check_bytes(linter_for("MK001"), b"\xff\xfe\x00a", "bad.md", None)
    (diagnostic,) = result.diagnostics
    assert diagnostic.code == "PL002" and result.post is None
    assert output.format_text([result]) == f"bad.md:1:1: PL002 {diagnostic.message}\n"
    assert output.format_text([result], concise=True) == f"bad.md:1:1: PL002 {diagnostic.message}\n"


def test_concise_is_one_line_per_diagnostic():
    text = FRONT + "가 * 나 * 다\n"
    first = stray(text)
    second_star = at(text, " * ", first.end) + 1
    second = Diagnostic("MK001", "again", second_star, second_star + 1)
    result = post_result(text, [first, second])
    assert output.format_text([result, post_result("깨끗\n", [], "b.md")], concise=True) == (
        "posts/a.md:7:3: MK001 stray `*` prints literally; remove it\n"
        "posts/a.md:7:7: MK001 again\n"
    )
    assert output.format_text([post_result("깨끗\n", [])], concise=True) == ""


def test_summary_counts_problems_files_and_fixes():
    text = "가 * 나\n"
    unsafe = Diagnostic("ST006", "x", 0, 1, Severity.ERROR, Fix.unsafe("remove", Edit.delete(0, 1)))
    results = [post_result(text, [stray(text), unsafe]), post_result("깨끗\n", [], "b.md")]
    assert output.summary(output.Tally.of(results)) == (
        "Found 2 problems in 1 file (2 files checked).\n"
        "[*] 1 fixable with `postlint fix`.\n"
        "1 more fixable with `postlint fix --unsafe-fixes`."
    )
    assert output.summary(output.Tally.of(results), unsafe_fixes=True) == (
        "Found 2 problems in 1 file (2 files checked).\n[*] 2 fixable with `postlint fix --unsafe-fixes`."
    )
    assert output.summary(output.Tally.of(results[1:])) == "All checks passed (1 file checked)."


def test_colour_only_when_asked():
    text = "가 * 나\n"
    result = post_result(text, [stray(text)])
    assert "\x1b[" in output.format_text([result], color=True)
    assert "\x1b[" not in output.format_text([result], color=False)
    # With colour, the text itself is unchanged once the escapes are removed.
    assert re.sub(r"\x1b\[[0-9;]*m", "", output.format_text([result], color=True)) == output.format_text([result])


def test_no_colour_through_the_cli_when_not_a_tty(tmp_path):
    post = tmp_path / "a.md"
    post.write_text("<b>가</b> * 나\n", encoding="utf-8")
    run = CliRunner().invoke(main, ["check", "--select", "MK001", str(post)], color=False)
    assert run.exit_code == 1, run.output
    assert "MK001" in run.output and "\x1b" not in run.output


def _run_on_a_tty(args: list[str], env: dict[str, str], cwd: Path) -> str:
    """Run postlint with its stdout on a pseudo-terminal; return what it printed there."""
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "postlint.cli", *args],
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=subprocess.PIPE,
            cwd=cwd,
            env=env,
        )
    finally:
        os.close(follower)
    chunks = []
    try:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stderr.decode("utf-8", "replace")
    return b"".join(chunks).decode("utf-8")


@pytest.mark.skipif(not hasattr(pty, "openpty") or sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_colour_on_a_terminal_unless_no_color(tmp_path):
    (tmp_path / "a.md").write_text("<b>가</b> * 나\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "FORCE_COLOR")}
    args = ["check", "--select", "MK001", "a.md"]
    coloured = _run_on_a_tty(args, env, tmp_path)
    assert "\x1b[" in coloured and "MK001" in coloured
    assert "\x1b[" not in _run_on_a_tty(args, {**env, "NO_COLOR": "1"}, tmp_path)
    # no-color.org: an empty NO_COLOR does not turn colour off.
    assert "\x1b[" in _run_on_a_tty(args, {**env, "NO_COLOR": ""}, tmp_path)


# --- json ------------------------------------------------------------------------------------


def test_json_shape_is_exact():
    text = FRONT + "가 * 나\n<p>이름</p>\n"
    star = stray(text)
    p = at(text, "<p>")
    unsafe = Fix.unsafe("wrap it", Edit.insert(p + 3, "<b>"), Edit.insert(p + 5, "</b>"))
    second = Diagnostic("ST005", "emphasis: use `<b>`", p + 3, p + 5, Severity.WARNING, unsafe)
    info = Diagnostic("PL100", "unused suppression", 0, 3, Severity.INFO)
    items = json.loads(output.format_json([post_result(text, [info, star, second])]))
    assert items == [
        {
            "code": "PL100",
            "message": "unused suppression",
            "severity": "info",
            "filename": "posts/a.md",
            "location": {"row": 1, "column": 1},
            "end_location": {"row": 1, "column": 4},
            "fix": None,
            "url": doc_uri("PL100"),
        },
        {
            "code": "MK001",
            "message": "stray `*` prints literally; remove it",
            "severity": "error",
            "filename": "posts/a.md",
            "location": {"row": 7, "column": 3},
            "end_location": {"row": 7, "column": 4},
            "fix": {
                "applicability": "safe",
                "message": "remove the stray `*`",
                "edits": [
                    {"content": "", "location": {"row": 7, "column": 3}, "end_location": {"row": 7, "column": 5}},
                ],
            },
            "url": doc_uri("MK001"),
        },
        {
            "code": "ST005",
            "message": "emphasis: use `<b>`",
            "severity": "warning",
            "filename": "posts/a.md",
            "location": {"row": 8, "column": 4},
            "end_location": {"row": 8, "column": 6},
            "fix": {
                "applicability": "unsafe",
                "message": "wrap it",
                "edits": [
                    {"content": "<b>", "location": {"row": 8, "column": 4}, "end_location": {"row": 8, "column": 4}},
                    {"content": "</b>", "location": {"row": 8, "column": 6}, "end_location": {"row": 8, "column": 6}},
                ],
            },
            "url": doc_uri("ST005"),
        },
    ]
    assert [list(item) for item in items] == [
        ["code", "message", "severity", "filename", "location", "end_location", "fix", "url"]
    ] * 3
    assert items[1]["url"].startswith("file://") and items[1]["url"].endswith("/MK001.md")


def test_json_of_a_real_rule_on_a_seed_line():
    line = '<p>출처: <a href="https://newsdao.kr/2615" rel="dofollow">기사</a> | 뉴스다오</p>'
    (item,) = json.loads(output.format_json([lint_result(FRONT + line + "\n", "SRC003")]))
    value = line.index("dofollow") + 1
    attribute = line.index(' rel="dofollow"') + 1
    assert item["code"] == "SRC003" and item["severity"] == "error"
    assert (item["location"], item["end_location"]) == ({"row": 7, "column": value}, {"row": 7, "column": value + 8})
    assert item["fix"]["applicability"] == "safe"
    assert item["fix"]["edits"] == [
        {
            "content": "",
            "location": {"row": 7, "column": attribute},
            "end_location": {"row": 7, "column": attribute + 15},
        }
    ]


def test_json_keeps_hangul_and_escapes_controls():
    text = "가 * 나\n"
    diagnostic = Diagnostic("MK001", "`\x1b[31m나` 한글", 0, 1)
    raw = output.format_json([post_result(text, [diagnostic])])
    assert "한글" in raw and "\x1b" not in raw and "\\u001b" in raw
    assert json.loads(raw)[0]["message"] == "`\x1b[31m나` 한글"  # the data itself is kept


def test_json_of_an_unreadable_file_and_of_nothing():
    result = unreadable("bad.md", "not valid UTF-8")
    assert json.loads(output.format_json([result])) == [
        {
            "code": "PL002",
            "message": "not valid UTF-8",
            "severity": "error",
            "filename": "bad.md",
            "location": {"row": 1, "column": 1},
            "end_location": {"row": 1, "column": 1},
            "fix": None,
            "url": doc_uri("PL002"),
        }
    ]
    assert json.loads(output.format_json([post_result("깨끗\n", [])])) == []


# --- github ----------------------------------------------------------------------------------


def test_github_workflow_commands():
    text = FRONT + "가 * 나\n"
    star = stray(text)
    results = [
        post_result(text, [star, Diagnostic("ST002", "off palette", 0, 3, Severity.WARNING)]),
        post_result(text, [Diagnostic("PL100", "unused", 0, 3, Severity.INFO)], "b.md"),
    ]
    assert output.format_github(results) == (
        "::error file=posts/a.md,line=7,col=3,endLine=7,endColumn=4,title=postlint MK001::"
        "MK001 stray `*` prints literally; remove it\n"
        "::warning file=posts/a.md,line=1,col=1,endLine=1,endColumn=4,title=postlint ST002::ST002 off palette\n"
        "::notice file=b.md,line=1,col=1,endLine=1,endColumn=4,title=postlint PL100::PL100 unused\n"
    )
    assert output.format_github([post_result(text, [])]) == ""


def test_github_escapes_percent_newlines_and_property_separators():
    message = "100% sure: a, b\r\nnext line\nend"
    result = post_result("가\n", [Diagnostic("MK001", message, 0, 1)], "dir,1/a:b%c.md")
    assert output.format_github([result]) == (
        "::error file=dir%2C1/a%3Ab%25c.md,line=1,col=1,endLine=1,endColumn=2,title=postlint MK001::"
        "MK001 100%25 sure: a, b%0D%0Anext line%0Aend\n"
    )


# --- sarif -----------------------------------------------------------------------------------


def test_sarif_is_valid_and_carries_rules_results_and_fixes():
    text = FRONT + "가 * 나\n"
    star = stray(text)
    warning = Diagnostic("ST002", "off palette", 0, 3, Severity.WARNING, Fix.unsafe("recolour", Edit(0, 3, "+++")))
    results = [
        post_result(text, [warning, star], "posts/한글 글.md"),
        unreadable("bad.md", "not valid UTF-8"),
        post_result("깨끗\n", [], "clean.md"),
    ]
    document = assert_valid_sarif(output.format_sarif(results))
    assert document["version"] == "2.1.0"
    (run,) = document["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("postlint", __version__)
    assert [rule["id"] for rule in driver["rules"]] == ["MK001", "PL002", "ST002"]
    mk001, pl002, st002 = driver["rules"]
    assert mk001["name"] == "stray-asterisk" and mk001["helpUri"] == doc_uri("MK001")
    assert "helpUri" not in pl002 or pl002["helpUri"] == doc_uri("PL002")
    assert st002["defaultConfiguration"]["level"] in ("error", "warning", "note")

    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in run["results"]] == [
        ("ST002", 2, "warning"),
        ("MK001", 0, "error"),
        ("PL002", 1, "error"),
    ]
    first, second, third = run["results"]
    location = second["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "posts/%ED%95%9C%EA%B8%80%20%EA%B8%80.md"
    assert location["region"] == {"startLine": 7, "startColumn": 3, "endLine": 7, "endColumn": 4}
    assert second["message"] == {"text": "stray `*` prints literally; remove it"}
    (fix,) = second["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["replacements"] == [
        {"deletedRegion": {"startLine": 7, "startColumn": 3, "endLine": 7, "endColumn": 5}}
    ]
    assert first["fixes"][0]["artifactChanges"][0]["replacements"] == [
        {
            "deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 4},
            "insertedContent": {"text": "+++"},
        }
    ]
    assert "fixes" not in third
    assert third["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "bad.md"


def test_sarif_of_nothing_is_valid():
    document = assert_valid_sarif(output.format_sarif([post_result("깨끗\n", [])]))
    assert document["runs"][0]["results"] == [] and document["runs"][0]["tool"]["driver"]["rules"] == []


def test_sarif_is_valid_for_every_engine_code():
    diagnostics = [Diagnostic(code, f"{code} happened", 0, 1) for code in ("PL001", "PL002", "PL003", "PL100")]
    document = assert_valid_sarif(output.format_sarif([post_result("가\n", diagnostics)]))
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["PL001", "PL002", "PL003", "PL100"]
    assert rules[0]["shortDescription"]["text"] == "internal error in a rule"


def test_sarif_validation_catches_a_broken_document():
    # The validator is not vacuous: a result without a message is rejected.
    document = json.loads(output.format_sarif([post_result("가 * 나\n", [stray("가 * 나\n")])]))
    del document["runs"][0]["results"][0]["message"]
    assert list(sarif_validator().iter_errors(document))
    document = json.loads(output.format_sarif([post_result("가 * 나\n", [stray("가 * 나\n")], "a b.md")]))
    document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b.md"
    assert list(sarif_validator().iter_errors(document))


# --- junit -----------------------------------------------------------------------------------


def test_junit_counts_and_escaping():
    text = FRONT + "가 * 나\n"
    tricky = 'tag `<b>` & "quotes" \'apostrophes\' ]]>'
    results = [
        post_result(text, [stray(text), Diagnostic("MK006", tricky, 0, 3)], "posts/<a>&b.md"),
        post_result("깨끗\n", [], "clean.md"),
        unreadable("bad.md", "not valid UTF-8"),
    ]
    raw = output.format_junit(results)
    assert raw.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ElementTree.fromstring(raw.encode("utf-8"))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("4", "3")
    suites = root.findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [
        ("posts/<a>&b.md", "2", "2"),
        ("clean.md", "1", "0"),
        ("bad.md", "1", "1"),
    ]
    cases = suites[0].findall("testcase")
    assert [(c.get("name"), c.get("classname"), c.get("line")) for c in cases] == [
        ("MK001 7:3", "posts/<a>&b.md", "7"),
        ("MK006 1:1", "posts/<a>&b.md", "1"),
    ]
    failure = cases[1].find("failure")
    assert (failure.get("type"), failure.get("message")) == ("MK006", tricky)
    assert failure.text == f"posts/<a>&b.md:1:1: MK006 {tricky}"
    (passing,) = suites[1].findall("testcase")
    assert passing.find("failure") is None


# --- hostile text: nothing a post holds may drive the reader's terminal ----------------------

HOSTILE = (
    "---\ntitle: 제목 \x1b[31m빨강\ncategories:\n  - News\n---\n\n"
    "<p>\x1b[2J\x07 <b>본문</b> * 이어서 \x9b31m 끝\u202e역방향\u2066</p>\n"
    "<p>강조 <b>굵게</b\x1b]0;title\x07고 끝</p>\n"
    "한국어 \x1b[1m**굵게**\x1b[0m 그리고\x08\x7f * 마지막\ufffe\n"
)


def hostile_results() -> list[FileResult]:
    linter = Linter(example_config(markdown=None))
    return [
        check_bytes(linter, HOSTILE.encode("utf-8"), "posts/\x1b[1mevil\x07\n.md", None),
        check_bytes(linter, HOSTILE.encode("utf-8") + b"\xff", "posts/undecodable.md", None),
        # A file name that is not UTF-8, as Python keeps it: a lone surrogate.
        FileResult("posts/\udcff\udcfe.md", Post("가 * 나\n", "x"), [stray("가 * 나\n")]),
    ]


@pytest.mark.parametrize("name", ["text", "concise", "github", "junit"])
def test_control_characters_never_reach_the_output(name):
    results = hostile_results()
    assert any("\x1b" in d.message for d in results[0].diagnostics), "the rules quote the hostile text"
    assert len(results[0].diagnostics) >= 3
    if name in ("text", "concise"):
        rendered = output.format_text(results, concise=name == "concise")
        rendered_colour = output.format_text(results, color=True, concise=name == "concise")
        # the only escapes in colour output are postlint's own SGR sequences
        assert not FORBIDDEN.search(re.sub(r"\x1b\[[0-9;]*m", "", rendered_colour))
    elif name == "github":
        rendered = output.format_github(results)
    else:
        rendered = output.DOCUMENT_FORMATTERS[name](results)
    assert not FORBIDDEN.search(rendered), repr(FORBIDDEN.search(rendered))
    rendered.encode("utf-8")  # no lone surrogate left
    if name in ("text", "concise"):
        headers = [line for line in rendered.splitlines() if re.match(r"posts/\S*:\d+:\d+: [A-Z]+\d{3} ", line)]
        assert len(headers) == sum(len(result.diagnostics) for result in results)
        assert "posts/\\x1b[1mevil\\x07\\x0a.md:" in rendered  # escaped, visible, on one line
        assert "posts/\\xff\\xfe.md:1:3: MK001" in rendered
    if name == "github":
        assert len(rendered.splitlines()) == sum(len(result.diagnostics) for result in results)
    if name == "junit":
        root = ElementTree.fromstring(rendered.encode("utf-8"))
        assert root.get("failures") == str(sum(len(result.diagnostics) for result in results))


def test_data_formats_stay_valid_on_hostile_text():
    results = hostile_results()
    total = sum(len(result.diagnostics) for result in results)
    items = json.loads(output.format_json(results).encode("utf-8"))
    assert len(items) == total
    assert items[-1]["filename"] == "posts/\\xff\\xfe.md"
    document = assert_valid_sarif(output.format_sarif(results).encode("utf-8").decode("utf-8"))
    assert len(document["runs"][0]["results"]) == total
    uri = document["runs"][0]["results"][-1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "posts/%FF%FE.md"  # the file's own bytes


def test_code_frame_of_a_hostile_line_keeps_its_caret_aligned():
    text = "\x1b[31m빨강 * 끝\n"
    frame = output.format_text([post_result(text, [stray(text)])]).splitlines()
    assert frame[2] == "1 | \\x1b[31m빨강 * 끝"
    assert frame[3] == "  | " + " " * (4 + 4 + 4 + 1) + "^"


# --- the real rules, through the CLI on the seeds and in-process on the corpus ----------------


def _check_cli(fmt: str, paths: list[Path]) -> str:
    run = CliRunner().invoke(main, ["check", "--config", str(EXAMPLE_CONFIG), "--output-format", fmt, *map(str, paths)])
    assert run.exception is None or isinstance(run.exception, SystemExit), run.output
    assert run.exit_code == 1, run.output  # the seeds have problems
    return run.stdout


def _seed_count() -> int:
    linter = Linter(example_config())
    results = [check_bytes(linter, path.read_bytes(), str(path), path) for path in shared_seeds()]
    return sum(len(result.diagnostics) for result in results)


@pytest.mark.parametrize("fmt", ["text", "concise", "json", "github", "sarif", "junit"])
def test_every_format_on_the_seeds_through_the_cli(fmt):
    seeds = shared_seeds()
    total = _seed_count()
    assert total > 0
    printed = _check_cli(fmt, seeds)
    assert not FORBIDDEN.search(printed)
    if fmt in ("text", "concise"):
        headers = re.findall(r"^(\S+):(\d+):(\d+): ([A-Z]+\d{3}) ", printed, re.MULTILINE)
        assert len(headers) == total
        assert {path for path, *_ in headers} == {str(seed) for seed in seeds}
        assert "MK001" in {code for *_, code in headers}
        assert f"\nFound {total} problems in 2 files (2 files checked).\n" in printed
        if fmt == "text":  # a frame per problem: a gutter line, the numbered source line, the carets
            assert len(re.findall(r"^ +\|$", printed, re.MULTILINE)) == total
            assert len(re.findall(r"^\d+ \| ", printed, re.MULTILINE)) == total
            assert len(re.findall(r"^ +\| *\^+$", printed, re.MULTILINE)) == total
    elif fmt == "json":
        items = json.loads(printed)
        assert len(items) == total
        assert {item["filename"] for item in items} == {str(seed) for seed in seeds}
        assert "MK001" in {item["code"] for item in items}
        assert all(item["fix"] is None or item["fix"]["edits"] for item in items)
    elif fmt == "github":
        lines = printed.splitlines()
        assert len(lines) == total
        command = re.compile(
            r"::(error|warning|notice) file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,"
            r"title=postlint [A-Z]+\d{3}::[A-Z]+\d{3} .+"
        )
        assert all(command.fullmatch(line) for line in lines), lines
    elif fmt == "sarif":
        document = assert_valid_sarif(printed)
        assert len(document["runs"][0]["results"]) == total
    else:
        root = ElementTree.fromstring(printed.encode("utf-8"))
        assert root.get("failures") == str(total)
        assert len(root.findall("testsuite")) == 2


def test_every_format_on_the_shared_corpus():
    files = shared_corpus()
    results = list(check_files(Linter(example_config(markdown=None)), files, os.cpu_count() or 1))
    total = sum(len(result.diagnostics) for result in results)
    assert total > 0
    for concise in (False, True):
        rendered = output.format_text(results, concise=concise)
        assert not FORBIDDEN.search(rendered)
        assert len(re.findall(r"^\S+:\d+:\d+: [A-Z]+\d{3} ", rendered, re.MULTILINE)) == total
    assert len(json.loads(output.format_json(results))) == total
    assert len(output.format_github(results).splitlines()) == total
    assert len(assert_valid_sarif(output.format_sarif(results))["runs"][0]["results"]) == total
    assert ElementTree.fromstring(output.format_junit(results).encode("utf-8")).get("failures") == str(total)


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(value=_JSON_VALUES, ensure_ascii=st.booleans())
def test_indented_json_is_what_json_dumps_writes(value, ensure_ascii):
    assert output._indented_json(value, ensure_ascii) == json.dumps(value, ensure_ascii=ensure_ascii, indent=2)
