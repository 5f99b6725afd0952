"""FM rules: options, invariants and the shared corpus, which the fixtures (default options) cannot show."""

from __future__ import annotations

import pytest

from postlint.document import Post
from postlint.frontmatter import find_front_matter

from conftest import EXAMPLE_HOUSE, fix, lint, shared_corpus, shared_seeds, spans

FM_CODES = ("FM001", "FM002", "FM003", "FM004", "FM005", "FM006", "FM007")
BODY = "\n<p>본문입니다.</p>\n"


def codes(text, code, options=None, house=None):
    post, diagnostics = lint(text, code, options=options, house=house)
    return spans(post, [d for d in diagnostics if d.code == code])


def messages(text, code, options=None, house=None):
    _, diagnostics = lint(text, code, options=options, house=house)
    return [d.message for d in diagnostics if d.code == code]


# --- FM003 ----------------------------------------------------------------------------------


def test_fm003_required_option():
    text = "---\ntitle: 제목\ncategories: [News]\n---\n" + BODY
    options = {"FM003": {"required-keys": ["title", "feature_text"]}}
    assert messages(text, "FM003", options) == [
        "the front matter has no `feature_text` key, which every post needs; add a line `feature_text: …`"
    ]
    assert codes(text, "FM003", {"FM003": {"required-keys": []}}) == []


def test_fm003_tag_alias():
    text = "---\ntag: 뉴스\n---\n" + BODY
    assert codes(text, "FM003", {"FM003": {"required-keys": ["tags"]}}) == []


# --- FM006 ----------------------------------------------------------------------------------

SITE = {**EXAMPLE_HOUSE, "categories": ["News", "IT", "스포츠"]}


def test_fm006_list_items():
    text = "---\ntitle: 제목\ncategories:\n  - News\n  - news\n  - 스포쯔\n  - 연예\n---\n" + BODY
    assert codes(text, "FM006", house=SITE) == ["FM006 5:5-5:9", "FM006 6:5-6:8", "FM006 7:5-7:7"]
    found = messages(text, "FM006", house=SITE)
    assert "did you mean `News`?" in found[0]
    assert "`연예` is not one of the site's categories (`News`, `IT`, `스포츠`)" in found[2]


def test_fm006_string_is_split_at_spaces_singular_is_not():
    assert codes("---\ncategories: News Sport\n---\n" + BODY, "FM006", house=SITE) == ["FM006 2:18-2:23"]
    assert codes("---\ncategories: 'News Sport'\n---\n" + BODY, "FM006", house=SITE) == ["FM006 2:19-2:24"]
    assert codes("---\ncategory: News IT\n---\n" + BODY, "FM006", house=SITE) == ["FM006 2:11-2:18"]


def test_fm006_quiet_without_a_list_and_on_known_categories():
    text = "---\ncategories:\n  - 아무거나\n---\n" + BODY
    assert codes(text, "FM006") == []
    assert codes("---\ncategories: [News, IT]\n---\n" + BODY, "FM006", house=SITE) == []


def test_fm006_checks_the_value_yaml_keeps():
    text = "---\ncategories: [Nope]\ncategories: [News]\n---\n" + BODY
    assert codes(text, "FM006", house=SITE) == []


# --- FM007 ----------------------------------------------------------------------------------


def test_fm007_max_title_length_option():
    text = "---\ntitle: 열두 글자의 제목입니다\n---\n" + BODY
    assert codes(text, "FM007", {"FM007": {"max-title-length": 5}}) == ["FM007 2:8-2:20"]
    assert codes(text, "FM007") == []


def test_fm007_long_alternatives_fold_the_length_report():
    text = "---\ntitle: 짧은 첫 제목\n  " + "가" * 120 + "\n---\n" + BODY
    found = messages(text, "FM007")
    assert len(found) == 1 and "continues on the next line" in found[0]


def test_fm007_still_too_long_after_keeping_the_first_line():
    text = "---\ntitle: " + "가" * 120 + "\n  둘째 줄\n---\n" + BODY
    assert len(messages(text, "FM007")) == 2


@pytest.mark.parametrize(
    "title, expected",
    [
        ("(150자) 앞에 붙은 메모", "(150자) 앞에 붙은 메모"),  # only a trailing note is one
        ("제목 [45 characters]", "제목"),
        ("제목 (약 30자 내외)", "제목"),
        ("제목（30자）", "제목"),
        ("‘작은 따옴표 제목’", "작은 따옴표 제목"),
        ("10) 열 번째 후보", "열 번째 후보"),
        ("2024. 6. 12 소식", "2024. 6. 12 소식"),
    ],
)
def test_fm007_fixes(title, expected):
    text = f"---\ntitle: {title}\n---\n" + BODY
    fixed = fix(text, "FM007", unsafe=True)
    assert find_front_matter(fixed).data["title"] == expected


# --- the shared corpus -------------------------------------------------------------------------


def _post(path):
    return Post.from_bytes(path.read_bytes(), str(path))


def test_corpus_reports_only_the_known_front_matter_defects():
    found = {}
    for path in shared_corpus() + shared_seeds():
        post, diagnostics = lint(_post(path).text, *FM_CODES)
        for diagnostic in diagnostics:
            found.setdefault(diagnostic.code, []).append(path.name)
    assert found == {
        "FM002": ["2024-07-01-903.md", "2024-08-10-6059.md"],  # title spill-over, `[메달 도전] …`
        "FM007": ["2024-07-19-2919.md", "2024-07-31-4599.md"],  # titles wrapped in “…”
    }


def test_corpus_fixes_load_and_converge():
    for path in shared_corpus():
        text = _post(path).text
        fixed = fix(text, *FM_CODES, unsafe=True)
        if fixed == text:
            continue
        front_matter = find_front_matter(fixed)
        assert front_matter.error is None and front_matter.is_mapping, path.name
        assert fix(fixed, *FM_CODES, unsafe=True) == fixed, path.name
        assert fixed[front_matter.end :] == text[find_front_matter(text).end :], "the body must not change"
