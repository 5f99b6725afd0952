"""Every rule has a document in rules/ whose metadata matches the rule and whose examples run."""

from __future__ import annotations

import re
import tomllib

import pytest
import yaml

from postlint.diagnostics import Safety
from postlint.rule import all_rules
from postlint.ruledocs import docs_dir

from conftest import EXAMPLE_HOUSE, ROOT, fix, lint

DOCS = ROOT / "rules"
_EXAMPLE = re.compile(
    r"^(?P<fence>`{3,}|~{3,})markdown (?P<kind>bad|good|fixed)[ \t]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
_TOML = re.compile(r"^```toml\n(.*?)^```", re.MULTILINE | re.DOTALL)
_SECTIONS = ("## What it does", "## Why", "## Options", "## Fix safety", "## Example")


def _doc(code):
    text = (DOCS / f"{code}.md").read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def _examples(body):
    found = {}
    for match in _EXAMPLE.finditer(body):
        found.setdefault(match.group("kind"), []).append(match.group("body"))
    return found


CODES = sorted(all_rules())


def test_docs_are_found_by_the_package():
    assert docs_dir() is not None and (docs_dir() / "SRC003.md").is_file()


def test_no_doc_without_a_rule():
    assert sorted(path.stem for path in DOCS.glob("*.md")) == CODES


@pytest.mark.parametrize("code", CODES)
def test_metadata_matches_the_rule(code):
    rule = all_rules()[code]
    meta, body = _doc(code)
    assert meta["code"] == code
    assert meta["name"] == rule.name
    assert meta["summary"] == rule.summary
    assert meta["fix"] == rule.fix.value
    assert meta["safety"] == (rule.safety.value if rule.safety else None)
    assert (meta.get("options") or {}) == rule.defaults()
    assert meta["kind"] == rule.kind
    for section in _SECTIONS:
        assert section in body, f"{code}.md lacks {section!r}"


def _house(body: str) -> dict:
    """The example profile, with what a ```toml block of the document sets in ``[house]``: the
    examples run under the profile the document shows."""
    house = dict(EXAMPLE_HOUSE)
    for block in _TOML.findall(body):
        house.update(tomllib.loads(block).get("house", {}))
    return house


@pytest.mark.parametrize("code", CODES)
def test_examples_run(code):
    rule = all_rules()[code]
    _, body = _doc(code)
    examples = _examples(body)
    house = _house(body)
    assert examples.get("bad") and examples.get("good"), f"{code}.md needs a bad and a good example"
    for bad in examples["bad"]:
        _, diagnostics = lint(bad, code, house=house)
        assert any(d.code == code for d in diagnostics), f"bad example does not raise {code}:\n{bad}"
    for good in examples["good"]:
        _, diagnostics = lint(good, code, house=house)
        assert not [d for d in diagnostics if d.code == code], f"good example raises {code}:\n{good}"
    if rule.safety is not None:
        assert examples.get("fixed"), f"{code} fixes: its doc shows the bad example fixed"
        unsafe = rule.safety is Safety.UNSAFE
        assert fix(examples["bad"][0], code, unsafe=unsafe, house=house) == examples["fixed"][0]


def test_the_readme_lists_every_rule():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [code for code in CODES if f"`{code}`" not in readme] == []
