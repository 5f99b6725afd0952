"""SRC rules: options and edge cases the fixtures (which run with default options) cannot show."""

from __future__ import annotations

import time

import pytest

from conftest import fix, lint, spans

NEWS = "---\ntitle: t\ncategories:\n  - News\n---\n\n"


def codes(text, code, options=None):
    post, diagnostics = lint(text, code, options=options)
    return spans(post, [d for d in diagnostics if d.code == code])


# --- SRC001 ---------------------------------------------------------------------------------


def test_src001_every_post_with_star():
    text = "---\ntitle: t\ncategories: [Hotel]\n---\n\n\n본문입니다.\n"
    assert codes(text, "SRC001") == []
    assert codes(text, "SRC001", {"SRC001": {"attribution-categories": ["*"]}}) == ["SRC001 7:1-7:7"]


def test_src001_star_without_front_matter():
    assert codes("본문입니다.\n", "SRC001", {"SRC001": {"attribution-categories": ["*"]}}) == ["SRC001 1:1-1:7"]


def test_src001_no_categories_required():
    assert codes(NEWS + "본문.\n", "SRC001", {"SRC001": {"attribution-categories": []}}) == []


def test_src001_category_singular_key_and_case():
    assert codes("---\ntitle: t\ncategory: news\n---\n\n본문.\n", "SRC001") == ["SRC001 3:11-3:15"]


def test_src001_custom_labels_and_fix_label():
    options = {"SRC001": {"attribution-labels": ["Via"], "source-key": "link"}}
    text = "---\ntitle: t\ncategories: [News]\nlink: https://e.com/a\n---\n\n출처: <a href=\"https://e.com\">e</a>\n"
    assert codes(text, "SRC001", options) == ["SRC001 3:14-3:18"]
    fixed = fix(text, "SRC001", unsafe=True, options=options)
    assert '<p>Via: <a href="https://e.com/a">https://e.com/a</a></p>\n\n출처:' in fixed
    assert codes(fixed, "SRC001", options) == []


def test_src001_fix_is_unsafe_only():
    text = "---\ntitle: t\ncategories: [News]\nsource_url: https://e.com/a\n---\n\n본문.\n"
    assert fix(text, "SRC001") == text
    assert fix(text, "SRC001", unsafe=True) != text


@pytest.mark.parametrize("url", ["/relative/path", "javascript:alert(1)", "https://e.com/a b", 42, "", "https://"])
def test_src001_no_fix_without_a_usable_url(url):
    text = f"---\ntitle: t\ncategories: [News]\nsource_url: {url!r}\n---\n\n본문.\n"
    post, diagnostics = lint(text, "SRC001")
    assert [d.code for d in diagnostics] == ["SRC001"]
    assert diagnostics[0].fix is None


@pytest.mark.parametrize(
    "body",
    [
        "<p>출처: <a href=\"https://e.com\">e</a> | 매체</p>\n",
        "<p>출처 : <a href=\"https://e.com\">e</a></p>\n",
        "<p><b>출처</b>: <a href=\"https://e.com\">e</a></p>\n",
        "출처： [e](https://e.com)\n",
        "> **Source:** [e](https://e.com)\n",
        "- 원문: <https://e.com>\n",
        "<blockquote>출처: <a href=\"https://e.com\">e</a></blockquote>\n",
        "<p>(출처: <a href=\"https://e.com\">뉴스1</a>)</p>\n",
        "<p>사진=연합뉴스<br>출처: <a href=\"https://e.com\">e</a></p>\n",
        "<p>통계청 발표입니다. 출처: <a href=\"https://e.com\">기사</a></p>\n",
        "<p>&nbsp;출처&#58; <a href=\"https://e.com\">e</a></p>\n",
        "<div>\n출처:\n<a href=\"https://e.com\">e</a>\n</div>\n",
        "[출처: 연합뉴스](https://e.com)\n",
        "<p><a href=\"https://e.com\">출처: 뉴스1</a></p>\n",
    ],
)
def test_src001_attribution_forms(body):
    assert codes(NEWS + body, "SRC001") == []


@pytest.mark.parametrize(
    "body",
    [
        "<p>공공누리 제1유형:출처표시</p>\n",
        "<h2>출처</h2>\n\n<p>뉴스1</p>\n",
        "<p>금품의 출처: 불분명</p>\n".replace("<p>금품의 ", "<p>그 금품의 "),
        "<!-- 출처: <a href=\"https://e.com\">e</a> -->\n",
        "    출처: <a href=\"https://e.com\">e</a>\n",
    ],
)
def test_src001_not_attributions(body):
    assert codes(NEWS + body, "SRC001") == ["SRC001 4:5-4:9"]


# --- SRC002 ---------------------------------------------------------------------------------


def test_src002_custom_labels():
    text = "<p>Via: 뉴스1</p>\n\n<p>출처: 뉴스1</p>\n"
    assert codes(text, "SRC002", {"SRC002": {"attribution-labels": ["Via"]}}) == ["SRC002 1:4-1:8"]


def test_src002_mailto_and_fragment_are_not_sources():
    text = "<p>출처: <a href=\"mailto:a@b.kr\">기자</a></p>\n\n<p>출처: <a href=\"#note\">주석</a></p>\n"
    assert codes(text, "SRC002") == ["SRC002 1:17-1:30", "SRC002 3:17-3:22"]


def test_src002_quiet_on_other_links_of_the_paragraph_line():
    text = "<p>출처: <a href=\"https://e.com\">e</a></p>\n<p>더 보기: <a href=\"/about\">소개</a></p>\n"
    assert codes(text, "SRC002") == []


# --- SRC003 ---------------------------------------------------------------------------------


def test_src003_extra_link_types():
    text = '<a href="https://e.com" rel="dofollow me">e</a>\n'
    assert codes(text, "SRC003", {"SRC003": {"extra-link-types": ["DoFollow"]}}) == []
    assert codes(text, "SRC003") == ["SRC003 1:30-1:41"]


# --- SRC004 ---------------------------------------------------------------------------------


def test_src004_custom_hosts_and_patterns():
    text = '<a href="https://coupa.ng/abc">쿠팡</a>\n\n<p>이 글은 광고를 포함합니다.</p>\n'
    options = {"SRC004": {"affiliate-hosts": ["coupa.ng"], "disclosure-patterns": ["쿠팡 파트너스 활동"]}}
    assert codes(text, "SRC004") == []
    assert codes(text, "SRC004", options) == ["SRC004 1:10-1:30"]


def test_src004_iframe_and_protocol_relative():
    text = '<iframe src="//link.coupang.com/a/x" width="120"></iframe>\n'
    assert codes(text, "SRC004") == ["SRC004 1:14-1:36"]


def test_src004_disclosure_matched_without_case():
    text = '<a href="https://tinyurl.com/x">x</a>\n\nThis post contains affiliate links (광고).\n'
    assert codes(text, "SRC004") == []
    text = '<a href="https://tinyurl.com/x">x</a>\n\nAffiliate DISCLOSURE.\n'
    assert codes(text, "SRC004", {"SRC004": {"disclosure-patterns": ["affiliate disclosure"]}}) == []


# --- robustness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "opening, unit, closing, count",
    [
        ("[a](", " ", "", 12_500),
        ("[a](", "{{", "", 6_000),
        ("", "[", "", 12_500),
        ("", "-\n", "", 7_500),
        ("", "출처:\n", "", 5_000),
        ("<p>", '출처: <a href="/x">x</a> ', "</p>\n", 1_250),
        ("", "<a href='https://tinyurl.com/x'>x</a>", "", 1_250),
    ],
)
def test_pathological_input_is_linear(opening, unit, closing, count):
    """Four times the input costs about four times as much (quadratic would be sixteen)."""

    def cost(repeat: int) -> float:
        body = opening + unit * repeat + closing
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            lint(NEWS + body, "SRC001", "SRC002", "SRC003", "SRC004")
            best = min(best, time.perf_counter() - started)
        return best

    small, large = cost(count), cost(4 * count)
    assert large < 0.02 or large / small < 9, f"{large:.3f}s, {large / small:.1f}x for 4x input"
