"""ST001 invalid-declaration: style declarations browsers drop: unparseable ones, a value with no
property (``style="ee2323;"``), unknown properties, invalid values (``color: #12345``)."""

from __future__ import annotations

import difflib
import re
from functools import lru_cache

import tinycss2

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.rule import FixAvailability, Option, rule
from postlint.rules.style import _css as css
from postlint.rules.style._properties import (
    COLOR_PROPERTIES,
    CSS_WIDE_KEYWORDS,
    KNOWN_PROPERTIES,
    SIZE_KEYWORDS,
    SIZE_PROPERTIES,
    TEXT_ALIGN_VALUES,
)

LENGTH_UNITS = frozenset(
    "px em rem ex rex ch rch ic ric cap rcap lh rlh vw vh vi vb vmin vmax svw svh svi svb svmin svmax "
    "lvw lvh lvi lvb lvmin lvmax dvw dvh dvi dvb dvmin dvmax cqw cqh cqi cqb cqmin cqmax cm mm q in pt pc".split()
)
SYSTEM_COLORS = frozenset(
    "accentcolor accentcolortext activetext buttonborder buttonface buttontext canvas canvastext field "
    "fieldtext graytext highlight highlighttext linktext mark marktext selecteditem selecteditemtext "
    "visitedtext activeborder activecaption appworkspace background buttonhighlight buttonshadow "
    "captiontext inactiveborder inactivecaption inactivecaptiontext infobackground infotext menu "
    "menutext scrollbar threeddarkshadow threedface threedhighlight threedlightshadow threedshadow "
    "window windowframe windowtext".split()
)
# Functions whose result the linter cannot know: accept them wherever a value is checked.
OPAQUE_FUNCTIONS = frozenset("var env attr calc min max clamp color-mix light-dark if".split())

_COLON = re.compile(r":(?!//)")  # not a URL's scheme

@rule(
    code="ST001",
    name="invalid-declaration",
    summary="a style declaration browsers drop: unparseable, a value with no property, an unknown property or an invalid value",
    fix=FixAvailability.SOMETIMES,
    safety=Safety.UNSAFE,
    options={
        "text-colors": Option([], "the palette's text colours (`color`)", house="text-colors"),
        "background-colors": Option([], "the palette's background colours (`background-color`)", house="background-colors"),
    },
)
def check(post, options):
    palettes = css.palettes(options)
    for style in css.styles(post):
        for problem in _problems(style.parsed, palettes):
            yield css.shift_problem(problem, style.start)


@lru_cache(maxsize=4096)
def _problems(parsed, palettes) -> tuple[Problem, ...]:
    """The problems of one style value, at offsets into the value."""
    text = parsed.text
    problems = []
    for declaration in parsed.declarations:
        if declaration.error is not None:
            problems.append(_unreadable(text, declaration, palettes.text, palettes.background))
            continue
        name = declaration.name
        if not css.is_known_property(name) and not name.startswith("--"):
            problems.append(_unknown(text, declaration))
            continue
        problem = _invalid_value(text, parsed, declaration)
        if problem is not None:
            problems.append(problem)
    return tuple(problems)


def _unreadable(text, declaration, text_palette, background_palette) -> Problem:
    written = text[declaration.start : declaration.end]
    kind = declaration.error
    if kind == css.NO_PROPERTY:
        digits = written[1:] if written.startswith("#") else written
        if css.is_hex(digits):
            colour = "#" + digits.lower()
            parsed = css.parse_colour(tinycss2.parse_one_component_value(colour))
            for prop, entries, label in (
                ("color", text_palette, "text"),
                ("background-color", background_palette, "background"),
            ):
                if parsed is not None and css.palette_entry(parsed, entries) is not None:
                    return Problem(
                        declaration.start,
                        declaration.end,
                        f"`{written}` is a value with no property, so browsers drop it and the text is not "
                        f"coloured; {colour} is a {label} colour of the palette: write `{prop}: {colour}`",
                        Fix.unsafe(f"write `{prop}: {colour}`", Edit(declaration.start, declaration.end, f"{prop}: {colour}")),
                    )
            return Problem(
                declaration.start,
                declaration.end,
                f"`{written}` is a value with no property, so browsers drop it; write the property it is for "
                f"(`color: {colour}` or `background-color: {colour}`) or remove it",
            )
        return Problem(
            declaration.start,
            declaration.end,
            f"`{written}` is a value with no property, so browsers drop it; write it as `property: value` or remove it",
        )
    if kind == css.NO_COLON:
        name = text[declaration.name_start : declaration.name_end]
        message = f"`{written}` lacks the `:` between property and value, so browsers drop it; write `{name}: …`"
        if declaration.name in KNOWN_PROPERTIES:
            gap = ":" if text[declaration.name_end : declaration.name_end + 1] in (" ", "\t") else ": "
            return Problem(
                declaration.start, declaration.end, message, Fix.unsafe("insert `:`", Edit.insert(declaration.name_end, gap))
            )
        return Problem(declaration.start, declaration.end, message)
    if kind == css.EMPTY_VALUE:
        return Problem(
            declaration.start,
            declaration.end,
            f"`{written}` has no value, so browsers drop it; give it a value or remove it",
        )
    if kind == css.UNCLOSED:
        return Problem(
            declaration.start,
            declaration.end,
            f"`{written}` opens a bracket or comment that is never closed, so browsers drop it and everything after it; "
            "close or remove it",
        )
    return Problem(
        declaration.start,
        declaration.end,
        f"`{written}` is not a CSS declaration (`property: value`), so browsers drop it; rewrite or remove it",
    )


def _unknown(text, declaration) -> Problem:
    written = text[declaration.name_start : declaration.name_end]
    guesses = difflib.get_close_matches(declaration.name, KNOWN_PROPERTIES, n=2, cutoff=0.8)
    if len(guesses) == 1 or (len(guesses) == 2 and _similarity(declaration.name, guesses[0]) > _similarity(declaration.name, guesses[1])):
        guess = guesses[0]
        return Problem(
            declaration.name_start,
            declaration.name_end,
            f"unknown CSS property `{written}`, so browsers drop the declaration; did you mean `{guess}`?",
            Fix.unsafe(f"rename to `{guess}`", Edit(declaration.name_start, declaration.name_end, guess)),
        )
    return Problem(
        declaration.name_start,
        declaration.name_end,
        f"unknown CSS property `{written}`, so browsers drop the declaration; fix the name or remove it",
    )


def _similarity(first: str, second: str) -> float:
    return difflib.SequenceMatcher(None, first, second).ratio()


def _missing_semicolon(text, declaration) -> Problem | None:
    """``color: #e5e5e5text-decoration:none``: a property and its ``:`` inside a value are the
    next declaration, with the ``;`` before it missing; browsers drop both."""
    value = text[declaration.value_start : declaration.value_end]
    for colon in _COLON.finditer(value):
        name_end = colon.start()
        while name_end > 0 and value[name_end - 1] in " \t":
            name_end -= 1
        word_start = name_end
        while word_start > 0 and (value[word_start - 1].isascii() and value[word_start - 1].isalnum() or value[word_start - 1] == "-"):
            word_start -= 1
        for start in range(word_start, name_end):  # the longest known property the word ends with
            if value[start:name_end].lower() in KNOWN_PROPERTIES and value[:start].strip():
                at = declaration.value_start + len(value[:start].rstrip())
                following = value[start:name_end]
                gap = "; " if at == declaration.value_start + start else ";"
                return Problem(
                    declaration.value_start,
                    declaration.value_end,
                    f"a `;` is missing before `{following}`, so browsers read `{value}` as one value of "
                    f"`{declaration.name}` and drop it, and `{following}` with it; insert `;`",
                    Fix.unsafe(f"insert `;` before `{following}`", Edit.insert(at, gap)),
                )
    return None


def _invalid_value(text, parsed, declaration) -> Problem | None:
    missing = _missing_semicolon(text, declaration)
    if missing is not None:
        return missing
    bad_hash = _bad_hash(parsed, declaration.tokens)
    if bad_hash is not None:
        start, end = bad_hash
        written = text[start:end]
        return Problem(
            start,
            end,
            f"`{written}` is not a colour: a hex colour has 3, 4, 6 or 8 hex digits, so browsers drop "
            f"`{declaration.name}`; write the colour in full",
        )
    name = declaration.name
    tokens = css.significant(declaration.tokens)
    if any(token.type == "function" and token.lower_name in OPAQUE_FUNCTIONS for token in tokens):
        return None
    value = text[declaration.value_start : declaration.value_end]
    if len(tokens) == 1 and tokens[0].type == "ident" and tokens[0].lower_value in CSS_WIDE_KEYWORDS:
        return None
    if name in COLOR_PROPERTIES:
        return _colour_value(text, parsed, declaration, tokens, value)
    if name == "text-align":
        if len(tokens) == 1 and tokens[0].type == "ident" and tokens[0].lower_value in TEXT_ALIGN_VALUES:
            return None
        return Problem(
            declaration.value_start,
            declaration.value_end,
            f"`{value}` is not a value of `text-align`, so browsers drop it; use left, right, center or justify",
        )
    if name in SIZE_PROPERTIES:
        return _size_value(parsed, declaration, tokens, value)
    return None


def _colour_value(text, parsed, declaration, tokens, value) -> Problem | None:
    if len(tokens) == 1:
        token = tokens[0]
        if css.parse_colour(token) is not None:
            return None
        if token.type == "ident" and (token.lower_value in ("currentcolor", "transparent") or token.lower_value in SYSTEM_COLORS):
            return None
        if token.type in ("ident", "number", "dimension") and len(declaration.tokens) == 1:
            start, end = parsed.offset(declaration.css_value_start), parsed.offset(declaration.css_value_end)
            written = text[start:end]
            if css.is_hex(written):
                return Problem(
                    declaration.value_start,
                    declaration.value_end,
                    f"`{written}` is not a colour for `{declaration.name}` (a hex colour starts with `#`), so browsers "
                    f"drop it; write `#{written}`",
                    Fix.unsafe(f"write `#{written}`", Edit.insert(start, "#")),
                )
    return Problem(
        declaration.value_start,
        declaration.value_end,
        f"`{value}` is not a colour, so browsers drop `{declaration.name}`; write one colour such as `#ee2323`",
    )


def _size_value(parsed, declaration, tokens, value) -> Problem | None:
    if len(tokens) == 1:
        token = tokens[0]
        kind = token.type
        if kind == "percentage" or (kind == "dimension" and token.lower_unit in LENGTH_UNITS):
            return None
        if kind == "ident" and token.lower_value in SIZE_KEYWORDS:
            return None
        if kind == "function" and token.lower_name in ("fit-content", "-webkit-fit-content"):
            return None
        if kind == "number":
            if token.value == 0:
                return None
            if token.value > 0 and len(declaration.tokens) == 1:
                end = parsed.offset(declaration.css_value_end)
                number = token.representation
                return Problem(
                    declaration.value_start,
                    declaration.value_end,
                    f"`{number}` has no unit, so browsers drop `{declaration.name}` (only old quirks mode reads "
                    f"it as pixels); write `{number}px`",
                    Fix.unsafe(f"write `{number}px`", Edit.insert(end, "px")),
                )
    return Problem(
        declaration.value_start,
        declaration.value_end,
        f"`{value}` is not a length or percentage, so browsers drop `{declaration.name}`; write one such as `17px` or `100%`",
    )


def _bad_hash(parsed, tokens) -> tuple[int, int] | None:
    stack = list(tokens)
    while stack:
        token = stack.pop()
        if token.type == "hash" and not css.is_hex(token.value):
            start = parsed.offset(parsed.token_offset(token))
            return start, start + 1 + len(token.value)
        if token.type == "function":
            stack.extend(token.arguments)
        elif token.type in ("() block", "[] block"):
            stack.extend(token.content)
    return None
