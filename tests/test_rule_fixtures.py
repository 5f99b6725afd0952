"""Every fixture under tests/fixtures/rules/<CODE>/: exact diagnostics, and the exact fixed text.

``<case>.md`` is linted with only rule CODE selected. ``<case>.expected`` lists the expected
diagnostics as ``LINE:COL-ENDLINE:ENDCOL``, one a line (empty: none expected). ``<case>.fixed.md``,
when present, is the text after fixing with only that rule (unsafe fixes allowed when the rule's
fixes are unsafe); fixing it again must change nothing. A case named ``<name>.kramdown.md`` is
read as kramdown renders it (``markdown = "kramdown"``); any other, as CommonMark.
"""

from __future__ import annotations

import pytest

from postlint.diagnostics import Safety
from postlint.rule import all_rules

from conftest import FIXTURES, fix, lint, spans

CASES = sorted(
    path
    for path in (FIXTURES / "rules").glob("*/*.md")
    if not path.name.endswith(".fixed.md")
)


def _read(path):
    return path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("case", CASES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_fixture(case):
    code = case.parent.name
    rule = all_rules()[code]
    text = _read(case)
    expected_file = case.with_suffix(".expected")
    assert expected_file.exists(), f"{expected_file.name} is missing"
    expected = [f"{code} {line.strip()}" for line in _read(expected_file).splitlines() if line.strip()]
    markdown = "kramdown" if case.stem.endswith(".kramdown") else None
    post, diagnostics = lint(text, code, markdown=markdown)
    assert spans(post, [d for d in diagnostics if d.code == code]) == expected

    fixed_file = case.with_name(case.stem + ".fixed.md")
    if fixed_file.exists():
        unsafe = rule.safety is Safety.UNSAFE
        fixed = fix(text, code, unsafe=unsafe, markdown=markdown)
        assert fixed == _read(fixed_file)
        assert fix(fixed, code, unsafe=unsafe, markdown=markdown) == fixed, "fixing the fixed text changed it again"


def test_every_rule_has_fixtures():
    missing = [code for code in all_rules() if not (FIXTURES / "rules" / code).is_dir()]
    assert missing == []


def test_every_fixing_rule_has_a_fixed_fixture():
    missing = [
        code
        for code, rule in all_rules().items()
        if rule.safety is not None and not list((FIXTURES / "rules" / code).glob("*.fixed.md"))
    ]
    assert missing == []
