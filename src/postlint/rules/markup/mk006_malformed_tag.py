"""MK006 malformed-tag: a tag the browser cannot read as written — text glued to its name
(``</b고``), an unknown element name, a missing ``>``, ``<`` or quote, or a tag cut off at the end
of the file."""

from __future__ import annotations

from postlint.diagnostics import Safety
from postlint.rule import FixAvailability, rule
from postlint.rules.markup._structure import structure


@rule(
    code="MK006",
    name="malformed-tag",
    summary="a tag browsers cannot read as written: text glued to its name (`</b고`), an unknown name, "
    "a missing `>`, `<` or quote",
    fix=FixAvailability.SOMETIMES,
    safety=Safety.SAFE,
)
def check(post, options):
    for finding in structure(post).findings:
        yield finding
