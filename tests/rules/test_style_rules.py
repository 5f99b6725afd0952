"""ST rules: the shared style parser, options, and the shared corpus, which fixtures cannot show."""

from __future__ import annotations

import gc
import weakref

import pytest

from postlint.config import Config
from postlint.document import Post
from postlint.visible import visible_text
from postlint.engine import Linter
from postlint.fixer import fix_post
from postlint.rules.style import _css as css

from conftest import example_config, fix, lint, shared_corpus, shared_seeds, spans

ST_CODES = ("ST001", "ST002", "ST003", "ST004", "ST005", "ST006")


def found(text, code, options=None):
    post, diagnostics = lint(text, code, options=options)
    return spans(post, [d for d in diagnostics if d.code == code])


# --- the shared parser ----------------------------------------------------------------------


def test_offsets_survive_entities_and_crlf():
    text = '<p><span style="font-family: &quot;A;B&quot;;\r\n COLOR:#EE2323">x</span></p>\n'
    (style,) = css.styles(Post(text))
    first, second = style.declarations
    assert text[first.start : first.end] == "font-family: &quot;A;B&quot;"  # `;` in a string does not split
    assert text[second.name_start : second.name_end] == "COLOR"
    assert text[second.value_start : second.value_end] == "#EE2323"
    assert second.name == "color" and first.semicolon == text.index(";\r\n")


def test_each_post_is_parsed_once(monkeypatch):
    calls = []
    css._parse_value.cache_clear()
    original = css._declarations
    monkeypatch.setattr(css, "_declarations", lambda *args: calls.append(1) or original(*args))
    post = Post('<p><b><span style="color:#EE2323">가</span></b> <span style="font-size: 3px">나</span></p>\n')
    Linter(Config(select=["ST"])).lint(post)
    assert len(calls) == 2  # two style attributes, six rules
    assert post in css._CACHE
    alive = weakref.ref(post)
    del post
    gc.collect()
    assert alive() is None  # the cache does not keep posts alive


def test_ciede2000_reference_pair():
    # Sharma, Wu, Dalal (2005), test pair 1.
    assert css.ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)


def test_palette_option_must_hold_colours():
    _, diagnostics = lint('<p><span style="color: red;">가</span></p>\n', "ST002", options={"ST002": {"text-colors": ["nope"]}})
    assert [d.code for d in diagnostics] == ["PL001"] and "text-colors" in diagnostics[0].message


# --- options --------------------------------------------------------------------------------


def test_st002_max_distance():
    text = '<p><b><span style="color: blue;">가</span></b></p>\n'
    assert fix(text, "ST002", unsafe=True) == text.replace("blue", "#1a5490")
    assert fix(text, "ST002", unsafe=True, options={"ST002": {"max-distance": 10}}) == text
    assert found(text, "ST002", options={"ST002": {"max-distance": 10}}) == ["ST002 1:27-1:31"]


def test_st002_custom_palette_and_ignore_elements():
    text = '<table><tr><td style="background-color: #f5f5f5; color: #333;">가</td></tr></table>\n'
    assert found(text, "ST002") == []
    assert len(found(text, "ST002", options={"ST002": {"ignore-elements": []}})) == 2
    options = {"ST002": {"ignore-elements": [], "text-colors": ["#333"], "background-colors": ["#F5F5F5"]}}
    assert found(text, "ST002", options=options) == []


def test_st006_allowed_properties():
    text = '<hr style="height: 1px; margin: 20px 0;"/>\n'
    assert found(text, "ST006") == ["ST006 1:25-1:39"]
    assert found(text, "ST006", options={"ST006": {"allowed-properties": ["height", "margin*"]}}) == []


def test_st006_removes_every_disallowed_declaration():
    text = '<p style="font-family: a; text-align: center; font-size: 3px; line-height: 2">가</p>\n'
    assert fix(text, "ST006", unsafe=True) == '<p style="text-align: center;">가</p>\n'
    assert fix('<p style="font-size: 3px; line-height: 2">가</p>\n', "ST006", unsafe=True) == "<p>가</p>\n"


# --- the rules together ---------------------------------------------------------------------


def test_st_fixes_converge_together():
    text = (
        '<p><span style="COLOR:red;font-family:x"><b>가</b></span> <font color="blue">나</font> '
        '<b><span style="ee2323">다</span></b> <b><span style="color: #21538527;">라</span></b></p>\n'
    )
    fixed = fix(text, *ST_CODES, unsafe=True)
    assert fixed == (
        '<p><b><span style="color: #ee2323;">가</span></b> <b><span style="color: #1a5490;">나</span></b> '
        '<b><span style="color: #ee2323;">다</span></b> <b><span style="background-color: #21538527;">라</span></b></p>\n'
    )
    assert fix(fixed, *ST_CODES, unsafe=True) == fixed


def test_corpus_fixes_are_stable_and_keep_the_words():
    linter = Linter(example_config(select=list(ST_CODES), markdown=None))
    for path in [*shared_corpus(), *shared_seeds()]:
        post = Post.from_bytes(path.read_bytes(), str(path))
        outcome = fix_post(post, linter, unsafe=True)
        assert not [d for d in outcome.diagnostics if d.code.startswith("PL")], path
        assert visible_text(outcome.post) == visible_text(post), path
        assert not fix_post(outcome.post, linter, unsafe=True).changed, path


def test_corpus_counts():
    """What the ST rules report on the shared corpus and seeds (see the rule docs for why)."""
    linter = Linter(example_config(select=list(ST_CODES), markdown=None))
    counts = dict.fromkeys(ST_CODES, 0)
    for path in [*shared_corpus(), *shared_seeds()]:
        for diagnostic in linter.lint(Post.from_bytes(path.read_bytes(), str(path))):
            counts[diagnostic.code] += 1
    assert counts == {"ST001": 6, "ST002": 0, "ST003": 2, "ST004": 9, "ST005": 0, "ST006": 2}
