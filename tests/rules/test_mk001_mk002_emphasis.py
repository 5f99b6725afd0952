"""MK001 and MK002 together, MK002's option, and the emphasis matcher against a CommonMark renderer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from postlint.document import Post
from postlint.rules.markup import _emphasis

from conftest import SHARED, fix, lint, spans


def codes(text, *selected, options=None):
    post, diagnostics = lint(text, *selected, options=options)
    return spans(post, diagnostics)


def test_one_defect_one_code():
    text = "<p>요금 **안내** * 참고</p>\n"
    assert codes(text, "MK001", "MK002") == ["MK002 1:7-1:13", "MK001 1:14-1:15"]


def test_fixes_converge_together():
    text = "<p>**굵게 * 쓴** 말</p>\n\n이 글은 **마크다운(Markdown)**을 씁니다 * 끝.\n"
    fixed = fix(text, "MK001", "MK002")
    assert fixed == "<p><b>굵게 쓴</b> 말</p>\n\n이 글은 <b>마크다운(Markdown)</b>을 씁니다 끝.\n"
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
    assert fix(text, "MK002", options={"MK002": {"tag": "strong"}}) == expected


def test_mk002_default_tag():
    assert fix("<p>__밑줄__과 _기울임_</p>\n", "MK002") == "<p><b>밑줄</b>과 <i>기울임</i></p>\n"


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
    ],
)
def test_mk001_quiet(text):
    assert codes(text, "MK001") == []


# --- the strict matcher is CommonMark's ------------------------------------------------------

_PIECES = ["*", "*", "*", "_", "_", "a", "가", "을", " ", ".", "(", ")", '"', "<b>", "</b>"]


def _render_matches(text: str) -> str:
    post = Post(text)
    replacements = {}
    for unit in _emphasis.inline_units(post):
        runs = _emphasis.unit_runs(text, unit)
        for match in _emphasis.match_runs(runs, _emphasis.strict_flags):
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


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14))
def test_strict_matching_is_commonmark(pieces):
    markdown_it = pytest.importorskip("markdown_it")
    text = "x" + "".join(pieces) + "x"
    html = markdown_it.MarkdownIt("commonmark").render(text).strip()
    assert html.startswith("<p>") and html.endswith("</p>")
    assert _render_matches(text) == html[3:-4].replace("&quot;", '"')
