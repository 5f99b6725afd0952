"""ST006 disallowed-property: a style property outside the house's allowed list, such as a
``font-family`` pasted from a word processor."""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.rule import FixAvailability, Option, rule
from postlint.rules.style import _css as css

@rule(
    code="ST006",
    name="disallowed-property",
    summary="a style property outside the allowed list (`font-family` pasted from an editor)",
    fix=FixAvailability.ALWAYS,
    safety=Safety.UNSAFE,
    options={
        "allowed-properties": Option(
            [], "properties posts may set; `*` matches any characters (`border-*`)", house="allowed-properties"
        ),
    },
    house=True,
)
def check(post, options):
    allowed = tuple(pattern.lower() for pattern in options["allowed-properties"])
    text = post.text
    for style in css.styles(post):
        for index in _disallowed(style.parsed, allowed):
            declaration = style.declarations[index]
            start, end = css.removal_edit(text, style, declaration)
            written = text[declaration.start : declaration.end]
            yield Problem(
                declaration.start,
                declaration.end,
                f"`{declaration.name}` is not among the allowed style properties (fonts, spacing and layout are the "
                f"site stylesheet's job); remove `{written}`",
                Fix.unsafe(f"remove `{declaration.name}`", Edit.delete(start, end)),
            )


@lru_cache(maxsize=4096)
def _disallowed(parsed, allowed) -> tuple[int, ...]:
    """The indexes of a style value's declarations whose property is not allowed."""
    indexes = []
    for index, declaration in enumerate(parsed.declarations):
        if declaration.error is not None:
            continue
        name = declaration.name
        if not css.is_known_property(name) and not name.startswith("--"):
            continue  # ST001 reports unknown properties
        if not any(fnmatchcase(name, pattern) for pattern in allowed):
            indexes.append(index)
    return tuple(indexes)
