"""MK001 and MK002 together, MK002's option, and the emphasis matcher against a CommonMark renderer."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import re
import shutil
import subprocess

from postlint import emphasis
from postlint.document import Post

from conftest import SHARED, fix, lint, spans


def codes(text, *selected, options=None):
    post, diagnostics = lint(text, *selected, options=options)
    return spans(post, diagnostics)


def test_one_defect_one_code():
    text = "<p><b>요금</b> * 안내 **참고**</p>\n"
    assert codes(text, "MK001", "MK002") == ["MK001 1:14-1:15", "MK002 1:19-1:25"]


def test_fixes_converge_together():
    text = "<p>**굵게 쓴** 말</b> * 이어서</p>\n\n이 글은 **마크다운(Markdown)**을 씁니다.\n"
    fixed = fix(text, "MK001", "MK002")
    assert fixed == "<p><b>굵게 쓴</b> 말</b> 이어서</p>\n\n이 글은 <b>마크다운(Markdown)</b>을 씁니다.\n"
    assert codes(fixed, "MK001", "MK002") == []


def test_seed_000_together():
    seed = SHARED / "seeds" / "000_80e0ccb1e5f028d9.txt"
    if not seed.is_file():
        pytest.skip("../shared/seeds is not present")
    text = seed.read_bytes().decode("utf-8")
    found = codes(text, "MK001", "MK002")
    assert [item for item in found if item.startswith("MK001")] == [
        "MK001 22:183-22:184",
        "MK001 26:118-26:119",
        "MK001 32:167-32:168",
        "MK001 50:117-50:118",
        "MK001 60:213-60:214",
        "MK001 81:136-81:137",
    ]
    assert [item for item in found if item.startswith("MK002")] == [
        "MK002 43:25-43:40",
        "MK002 44:22-44:39",
        "MK002 45:12-45:31",
    ]
    fixed = fix(text, "MK001", "MK002")
    assert "</b> 이 틈즈에" in fixed and " * " not in fixed and "**" not in fixed
    assert codes(fixed, "MK001", "MK002") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<p>**굵게** 와 *기울임*</p>\n", "<p><strong>굵게</strong> 와 <em>기울임</em></p>\n"),
        ("***강조(중요)***를 봐\n", "<em><strong>강조(중요)</strong></em>를 봐\n"),
    ],
)
def test_mk002_tag_strong(text, expected):
    # `*기울임*` may be meant as it is (`*gasp*`): its fix is unsafe.
    assert fix(text, "MK002", unsafe=True, options={"MK002": {"tag": "strong"}}) == expected


def test_mk002_default_tag():
    assert fix("<p>__밑줄__과 _기울임_</p>\n", "MK002") == "<p><b>밑줄</b>과 _기울임_</p>\n"
    assert fix("<p>__밑줄__과 _기울임_</p>\n", "MK002", unsafe=True) == "<p><b>밑줄</b>과 <i>기울임</i></p>\n"


@pytest.mark.parametrize(
    "text",
    [
        "<p>-_- 그리고 ^_^ 와 -_-;;</p>\n",  # faces
        "<p>__init__.py 와 __str__ 메서드, /live/_definst_/stream</p>\n",  # names in code
        "<p>정** 님과 김** 님</p>\n",  # masked names
        "<p>*.* 파일과 *skills_*.jsonl*</p>\n",  # globs
        "<p>/* 주석 */ 과 # -*- coding: utf-8 -*-</p>\n",  # comments
        "<p>**-**</p>\n",  # no word inside
    ],
)
def test_mk002_quiet(text):
    assert codes(text, "MK002") == []


@pytest.mark.parametrize(
    "text",
    [
        "* 목록\n* 목록\n",
        "1. * 중첩 목록\n",
        "> * 인용 목록\n",
        "- a\n    * 네 칸 들여쓴 중첩 목록\n",
        "* * *\n",
        "<div>\n* * *\n</div>\n",
        "2 * 3 = 6, (a + b) * 2, 10% * 3\n",
        "가격* 은 각주, 김*수 씨\n",
        "*foo <b>x</b>* bar\n",
        "\\* 이스케이프\n",
        "`a * b` 코드\n",
        "<sup>*</sup> 각주\n",
        "**** 네 개\n",
        # Asterisks a writer means, away from formatting markup:
        "<p>Headcount * Devices per person, m * n</p>\n",
        "<p>30 11 * * 0 /root/run.sh<br />*.* 파일</p>\n",
        "<p>* 출처 : 뉴스<br />* 필수항목</p>\n",
        "<p>The * denotes that it is active.</p>\n",
        "<p>좋아요^^* 그리고 정** 님</p>\n",
        "<p>* <strong>사용 예제</strong></p>\n",
        '<p><span style="color: red">a</span> * <span style="color: blue">b</span></p>\n',
    ],
)
def test_mk001_quiet(text):
    assert codes(text, "MK001") == []


# --- the strict matcher is CommonMark's ------------------------------------------------------

_PIECES = ["*", "*", "*", "_", "_", "a", "가", "을", " ", ".", "(", ")", '"', "<b>", "</b>"]


def _render_matches(text: str) -> str:
    post = Post(text)
    replacements = {}
    for unit in emphasis.inline_units(post):
        runs = emphasis.unit_runs(text, unit)
        for match in emphasis.match_runs(runs, emphasis.strict_flags):
            tag = "strong" if match.size == 2 else "em"
            replacements[match.open_start] = (match.open_end, f"<{tag}>")
            replacements[match.close_start] = (match.close_end, f"</{tag}>")
    out, position = [], 0
    while position < len(text):
        if position in replacements:
            end, tag = replacements[position]
            out.append(tag)
            position = end
        else:
            out.append(text[position])
            position += 1
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14))
def test_strict_matching_is_commonmark(pieces):
    """The CommonMark matcher against cmark, CommonMark's reference implementation."""
    if shutil.which("cmark") is None:
        pytest.skip("cmark is not installed (Debian: apt-get install cmark)")
    text = "x" + "".join(pieces) + "x"
    # Debian's cmark (0.30) keeps one lower bound for every `_` closer where CommonMark 0.31, and
    # postlint, keep one per run length and openability: they differ when `_` runs of lengths 1
    # and 2 meet (`a _*__*_ b`). Those inputs are left out.
    assume(not (re.search(r"(?<!_)__(?!_)", text) and re.search(r"(?<!_)_(?!_)", text)))
    html = subprocess.run(["cmark", "--unsafe"], input=text, capture_output=True, text=True, check=True).stdout.strip()
    assert html.startswith("<p>") and html.endswith("</p>")
    assert _render_matches(text) == html[3:-4].replace("&quot;", '"')
