"""MK007's option and edge cases; MK008 edge cases the fixtures do not show."""

from __future__ import annotations

import pytest

from conftest import fix, lint, spans

RUN = "<p>a</p>\n\n<p>&nbsp;</p>\n\n<p>&nbsp;</p>\n\n<p>&nbsp;</p>\n\n<p>b</p>\n"


def codes(text, code, options=None):
    post, diagnostics = lint(text, code, options=options)
    return spans(post, [d for d in diagnostics if d.code == code])


def test_mk007_max_consecutive_two():
    options = {"MK007": {"max-spacer-paragraphs": 2}}
    assert codes(RUN, "MK007", options) == ["MK007 3:1-7:14"]
    assert fix(RUN, "MK007", options=options) == "<p>a</p>\n\n<p>&nbsp;</p>\n\n<p>&nbsp;</p>\n\n<p>b</p>\n"
    assert codes(RUN, "MK007", {"MK007": {"max-spacer-paragraphs": 3}}) == []


def test_mk007_max_consecutive_zero():
    options = {"MK007": {"max-spacer-paragraphs": 0}}
    assert fix(RUN, "MK007", options=options) == "<p>a</p>\n\n<p>b</p>\n"
    # Without a blank line before, the paragraph lines alone go: nothing merges.
    assert fix("<p>a</p>\n<p>&nbsp;</p>\n<p>b</p>\n", "MK007", options=options) == "<p>a</p>\n<p>b</p>\n"


def test_mk007_trailing_without_final_newline():
    assert fix("본문입니다.\n\n<p>&nbsp;</p>", "MK007") == "본문입니다.\n"
    assert fix("<p>본문</p><p>&nbsp;</p>\n", "MK007") == "<p>본문</p>"


def test_mk007_only_empty_paragraphs():
    text = "---\ntitle: t\n---\n<p>&nbsp;</p>\n<p>&nbsp;</p>\n"
    assert codes(text, "MK007") == ["MK007 4:1-5:14"]
    assert fix(text, "MK007") == "---\ntitle: t\n---\n"


@pytest.mark.parametrize(
    "text",
    [
        "<p>&nbsp;</p>\n<!-- 주석 -->\n<p>&nbsp;</p>\n<p>끝</p>\n",
        "<p>&nbsp;</p>\n<p>x</p>\n<p>&nbsp;</p>\n<p>끝</p>\n",
        "<pre><p></p><p></p></pre>\n<p>끝</p>\n",
        "<p>&nbsp;</p>\n<p>&nbsp;\n",  # the second is never closed: left to MK003's world
    ],
)
def test_mk007_quiet(text):
    assert codes(text, "MK007") == []


def test_mk008_between_letters_is_reported_but_not_fixed():
    # The fixer counts a tag as a word boundary, so removing `<b></b>` between letters is refused.
    assert codes("a<b></b>b\n", "MK008") == ["MK008 1:2-1:9"]


@pytest.mark.parametrize(
    "text",
    [
        '<span style="width: 10px"></span>\n',
        '<span style="background: url(x.png)"></span>\n',
        '<span class="icon"></span>\n',
        '<a href="https://example.com"></a>\n',
        "<b><img src=x.png alt=x></b>\n",
        "<b><br></b>\n",
        "<b>",
    ],
)
def test_mk008_quiet(text):
    assert codes(text, "MK008") == []
