"""Defect rules and house rules: the house rules run only on what the site's house profile says."""

from __future__ import annotations

import pytest

from postlint.config import ConfigError, config_from_mapping
from postlint.engine import Linter
from postlint.document import Post
from postlint.rule import all_rules

from conftest import EXAMPLE_HOUSE, ROOT

HOUSE_RULES = sorted(code for code, rule in all_rules().items() if rule.house)
# A post the example profile finds much to say about: off-palette colour, a style written
# loosely, a pasted font, a spacer run, a News post with no attribution, no excerpt or image.
POST = (
    "---\ntitle: 1. 제목\ncategories: [News]\n---\n"
    '<p><span style="color:red;font-family:Dotum">가</span></p>\n'
    "<p>&nbsp;</p>\n<p>&nbsp;</p>\n<p>&nbsp;</p>\n"
    '<p><a href="https://tinyurl.com/x">나</a> <iframe src="https://evil.example/"></iframe></p>\n'
)


def codes(config) -> set[str]:
    return {diagnostic.code for diagnostic in Linter(config).lint(Post(POST, "post.md"))}


def test_every_rule_is_a_defect_or_a_house_rule_reading_the_profile():
    for code, rule in all_rules().items():
        assert rule.kind in ("defect", "house")
        assert not rule.house or rule.house_keys(), code


def test_without_a_profile_no_house_rule_runs():
    config = config_from_mapping({}, root=ROOT)
    assert not set(HOUSE_RULES) & set(config.enabled_codes())
    assert not set(HOUSE_RULES) & codes(config)


def test_the_example_profile_runs_every_house_rule_it_gives_something_to_enforce():
    config = config_from_mapping({"house": EXAMPLE_HOUSE}, root=ROOT)
    enabled = set(config.enabled_codes())
    assert enabled >= set(HOUSE_RULES) - {"FM006"}  # the example lists no categories
    assert {"FM003", "FM007", "MK007", "MK010", "SRC001", "SRC004", "ST002", "ST004", "ST006"} <= codes(config)


def test_one_house_key_turns_on_the_rules_that_read_it():
    config = config_from_mapping({"house": {"text-colors": ["#ee2323"]}}, root=ROOT)
    house_enabled = set(config.enabled_codes()) & set(HOUSE_RULES)
    assert house_enabled == {"ST002", "ST003"}


def test_a_house_key_feeds_every_rule_that_reads_it():
    config = config_from_mapping({"house": {"text-colors": ["#123456"], "canonical-style": True}}, root=ROOT)
    rules = all_rules()
    for code in ("ST001", "ST002", "ST003"):
        assert config.options_for(rules[code])["text-colors"] == ["#123456"]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"house": {"pallete": []}}, "house: unknown key 'pallete'"),
        ({"house": {"text-colors": "#fff"}}, "house.text-colors: expected a list of strings"),
        ({"house": {"emphasis-pattern": "span > b"}}, "house.emphasis-pattern: expected one of"),
        ({"house": []}, "'house' must be a table"),
        ({"rules": {"ST002": {"text-colors": ["#fff"]}}}, "a house choice; set `text-colors` in [house]"),
    ],
)
def test_profile_errors_name_the_key(mapping, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace(".", r"\.")):
        config_from_mapping(mapping, root=ROOT)


def test_the_profile_is_part_of_the_cache_fingerprint():
    plain = config_from_mapping({}, root=ROOT)
    housed = config_from_mapping({"house": {"canonical-style": True}}, root=ROOT)
    assert plain.fingerprint() != housed.fingerprint()
