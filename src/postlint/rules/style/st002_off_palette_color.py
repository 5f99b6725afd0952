"""ST002 off-palette-color: a text or background colour outside the house palette."""

from __future__ import annotations

from functools import lru_cache

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.rule import FixAvailability, Option, rule
from postlint.rules.style import _css as css


@rule(
    code="ST002",
    name="off-palette-color",
    summary="a text or background colour outside the house palette",
    fix=FixAvailability.SOMETIMES,
    safety=Safety.UNSAFE,
    options={
        "text-colors": Option([], "the palette's text colours (`color`)", house="text-colors"),
        "background-colors": Option([], "the palette's background colours (`background-color`)", house="background-colors"),
        "max-distance": Option(25, "largest CIEDE2000 difference at which the nearest palette colour is offered as a fix", minimum=0),
        "ignore-elements": Option(
            list(css.DEFAULT_IGNORE_ELEMENTS), "elements whose colours are table or rule layout, not emphasis: not checked"
        ),
    },
    house=True,
)
def check(post, options):
    palettes = css.palettes(options)
    ignored = css.ignored_elements(options)
    max_distance = options["max-distance"]
    for style in css.styles(post):
        if style.tag.name in ignored:
            continue
        for problem in _problems(style.parsed, palettes, max_distance):
            yield css.shift_problem(problem, style.start)


@lru_cache(maxsize=4096)
def _problems(parsed, palettes, max_distance) -> tuple[Problem, ...]:
    """The problems of one style value, at offsets into the value."""
    problems = []
    for declaration in parsed.declarations:
        if declaration.error is not None:
            continue
        if declaration.name == "color":
            own, other, label = palettes.text, palettes.background, "text"
        elif declaration.name in ("background-color", "background"):
            own, other, label = palettes.background, palettes.text, "background"
        else:
            continue
        for token, start, end in _colour_tokens(parsed, declaration):
            colour = css.parse_colour(token)
            if colour is None or colour.key[3] == 0:  # not a colour we can judge, or transparent
                continue
            if css.palette_entry(colour, own) is not None or css.palette_entry(colour, other) is not None:
                continue  # in the palette (the other half is ST003's business)
            problems.append(_problem(parsed.text, declaration, label, own, colour, start, end, max_distance))
    return tuple(problems)


def _colour_tokens(parsed, declaration):
    """Top-level value tokens with their spans in the value."""
    for token, start, end in parsed.token_spans(list(declaration.tokens), declaration.css_value_end):
        if token.type in ("whitespace", "comment"):
            continue
        yield token, parsed.offset(start), parsed.offset(end)


def _problem(text, declaration, label, palette, colour, start, end, max_distance) -> Problem:
    written = text[start:end]
    choices = ", ".join(entry for entry, _ in palette)
    found = css.nearest(colour, palette)
    what = f"`{written}` is not a {label} colour of the palette ({choices})"
    if found is not None and found[1] <= max_distance:
        replacement, distance = found
        return Problem(
            start,
            end,
            f"{what}; use the nearest, {replacement} (colour difference {distance:.1f})",
            Fix.unsafe(f"use {replacement}", Edit(start, end, replacement)),
        )
    return Problem(start, end, f"{what}; use one of them, or remove `{declaration.name}`")
