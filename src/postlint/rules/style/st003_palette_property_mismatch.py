"""ST003 palette-property-mismatch: a palette colour used with the other property
(``color: #21538527``, a background colour, as the text colour)."""

from __future__ import annotations

from functools import lru_cache

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.rule import FixAvailability, Option, rule
from postlint.rules.style import _css as css


@rule(
    code="ST003",
    name="palette-property-mismatch",
    summary="a palette colour used with the other property (`color: #21538527`, a background colour as text colour)",
    fix=FixAvailability.SOMETIMES,
    safety=Safety.UNSAFE,
    options={
        "text-colors": Option([], "the palette's text colours (`color`)", house="text-colors"),
        "background-colors": Option([], "the palette's background colours (`background-color`)", house="background-colors"),
        "ignore-elements": Option(
            list(css.DEFAULT_IGNORE_ELEMENTS), "elements whose colours are table or rule layout, not emphasis: not checked"
        ),
    },
    house=True,
)
def check(post, options):
    palettes = css.palettes(options)
    ignored = css.ignored_elements(options)
    for style in css.styles(post):
        if style.tag.name in ignored:
            continue
        for problem in _problems(style.parsed, palettes):
            yield css.shift_problem(problem, style.start)


@lru_cache(maxsize=4096)
def _problems(parsed, palettes) -> tuple[Problem, ...]:
    """The problems of one style value, at offsets into the value."""
    problems = []
    for declaration in parsed.declarations:
        if declaration.error is not None:
            continue
        if declaration.name == "color":
            own, other, swap, other_label = palettes.text, palettes.background, "background-color", "background"
            clashes = ("background-color", "background")
        elif declaration.name in ("background-color", "background"):
            own, other, swap, other_label = palettes.background, palettes.text, "color", "text"
            clashes = ("color",)
        else:
            continue
        tokens = css.significant(declaration.tokens)
        for token in tokens:
            colour = css.parse_colour(token)
            if colour is None or css.palette_entry(colour, own) is not None:
                continue
            entry = css.palette_entry(colour, other)
            if entry is None:
                continue
            problems.append(_problem(parsed, declaration, entry, swap, other_label, clashes, len(tokens) == 1))
    return tuple(problems)


def _problem(parsed, declaration, entry, swap, other_label, clashes, alone) -> Problem:
    written_name = parsed.text[declaration.name_start : declaration.name_end]
    message = (
        f"{entry} is a {other_label} colour of the palette, used here as `{written_name}`; "
        f"write `{swap}: {entry}`"
    )
    start, end = declaration.start, declaration.end
    if not alone:
        return Problem(start, end, message + f" (move {entry} out of the `{written_name}` shorthand)")
    if any(parsed.declared(name) for name in clashes):
        present = next(name for name in clashes if parsed.declared(name))
        return Problem(start, end, message + f", and decide with the `{present}` already there")
    return Problem(
        start, end, message, Fix.unsafe(f"write `{swap}`", Edit(declaration.name_start, declaration.name_end, swap))
    )
