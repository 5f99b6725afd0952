"""The ``style`` attributes of a post, parsed once with tinycss2, shared by every ST rule.

:func:`styles` returns, for each start tag with a ``style`` attribute, its declarations with
exact offsets into ``post.text``. The value is prepared as the browser sees it (character
references decoded, CSS newlines normalised) with a map back to the raw text, tokenised once with
``tinycss2.parse_component_value_list``, split at top-level ``;`` (CSS's declaration-list rule;
``;`` inside strings, ``url()`` and brackets does not split) and each part parsed with
``tinycss2.parse_one_declaration``. Token positions (tinycss2's line/column) map back to offsets.

A value is parsed once per process (:class:`StyleValue`, offsets into the value): a site repeats
a few values thousands of times. What a rule finds in a value depends on the value alone, so the
rules cache their findings per :class:`StyleValue` and move them to each attribute's offset
(:func:`shift_problem`); a :class:`Style`'s own declarations are only shifted when a rule asks.

Rules are pure, so the list of a post's styles cannot be stored on the post: it is cached in a
module-level ``weakref.WeakKeyDictionary`` keyed by the post object. The entry lives as long as
the post (the fixer makes a new post each pass; the old entry goes with the old post) and is
checked against ``post.text`` by identity, so a post is walked once however many ST rules run.
"""

from __future__ import annotations

import html as html_lib
import math
import weakref
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

import tinycss2
import tinycss2.color4

from postlint.diagnostics import Edit, Fix, Problem
from postlint.html import Tag
from postlint.rules.style._properties import KNOWN_PROPERTIES

# Errors that make a declaration unreadable (ST001 reports them; other ST rules skip it).
NO_PROPERTY = "no-property"  # "ee2323;": a value with no property
NO_COLON = "no-colon"  # "color #ee2323"
EMPTY_VALUE = "empty-value"  # "color: ;"
UNCLOSED = "unclosed"  # "text-align:[ center; height: 17px": a bracket never closed
SYNTAX = "syntax"  # anything else tinycss2 cannot read as a declaration

# Elements whose colours are table or rule layout (header shading, rule colour), not emphasis.
DEFAULT_IGNORE_ELEMENTS = ["hr", "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"]

_CSS_NEWLINES = "\r\f"
_VALUE_TOKENS = frozenset(("hash", "number", "dimension", "percentage", "string", "url", "function"))


@dataclass(frozen=True, slots=True, eq=False)
class Declaration:
    """One ``;``-separated part of a style attribute. Offsets index ``post.text`` (in a
    :class:`StyleValue`, the value)."""

    start: int  # first non-space character
    end: int  # just past the last non-space character, before the ``;``
    semicolon: int  # the ``;`` that ends it, or -1
    error: str | None  # one of the error kinds above, or None when it parsed
    name: str = ""  # lowercased property name ("" when there is none)
    name_start: int = -1
    name_end: int = -1
    value_start: int = -1  # the value, trimmed, ``!important`` included
    value_end: int = -1
    important: bool = False
    tokens: tuple = ()  # tinycss2 component values of the value, trimmed, without ``!important``
    css_value_start: int = -1  # ``tokens`` as a span of StyleValue.css
    css_value_end: int = -1


@dataclass(eq=False)
class StyleValue:
    """A ``style`` attribute value parsed on its own, one object per distinct value: offsets
    index the value, and the object is the key of the rules' caches."""

    text: str  # the value as written
    css: str  # the value as CSS sees it
    declarations: tuple[Declaration, ...]
    comments: bool  # the value has (or may have) CSS comments
    escapes: bool  # the value has CSS backslash escapes
    _offsets: list[int] | None  # css index -> text index; None when identical
    _line_starts: list[int]

    def offset(self, css_index: int) -> int:
        """The offset in the value of a character of ``css`` (or of its end)."""
        if self._offsets is None:
            return css_index
        return self._offsets[css_index]

    def token_offset(self, token) -> int:
        """Where a tinycss2 token of this value starts, as an index into ``css``."""
        return self._line_starts[token.source_line - 1] + token.source_column - 1

    def declared(self, name: str) -> list[Declaration]:
        return [declaration for declaration in self.declarations if declaration.error is None and declaration.name == name]

    def token_spans(self, tokens, end: int) -> list[tuple[object, int, int]]:
        """``(token, start, end)`` (css indexes) for consecutive tokens ending at ``end``."""
        starts = [self.token_offset(token) for token in tokens]
        return [(token, start, starts[i + 1] if i + 1 < len(starts) else end) for i, (token, start) in enumerate(zip(tokens, starts))]


@dataclass(eq=False)
class Style:
    """A ``style`` attribute on a start tag: its parsed value, placed in ``post.text``."""

    tag: Tag
    attribute: object  # postlint.html.Attribute
    start: int  # the attribute value in post.text
    end: int
    parsed: StyleValue

    @cached_property
    def declarations(self) -> tuple[Declaration, ...]:
        """The value's declarations at offsets into ``post.text``."""
        return tuple(_shifted(declaration, self.start) for declaration in self.parsed.declarations)


def shift_problem(problem: Problem, shift: int) -> Problem:
    """A problem found in a :class:`StyleValue`, moved to a style whose value starts at ``shift``."""
    fix = problem.fix
    if fix is not None:
        fix = Fix(tuple(Edit(edit.start + shift, edit.end + shift, edit.content) for edit in fix.edits), fix.safety, fix.title)
    return Problem(problem.start + shift, problem.end + shift, problem.message, fix)


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def styles(post) -> list[Style]:
    """Every readable ``style`` attribute of the post, in document order (cached per post)."""
    text = post.text
    cached = _CACHE.get(post)
    if cached is not None and cached[0] is text:
        return cached[1]
    result = []
    for token in post.html.tokens:  # not html.tags(): building that list costs as much as this walk
        if type(token) is Tag and not token.is_end:
            for attribute in token.attributes:
                if attribute.name == "style":  # the first one counts, as in browsers
                    style = _style_of(text, token, attribute)
                    if style is not None:
                        result.append(style)
                    break
    _CACHE[post] = (text, result)
    return result


def _style_of(text: str, tag: Tag, attribute) -> Style | None:
    if not tag.terminated or attribute.value is None:
        return None
    if attribute.quote and text[attribute.value_end : attribute.value_end + 1] != attribute.quote:
        return None  # the quote never closes
    raw = attribute.value
    if "{{" in raw or "{%" in raw:
        return None  # Liquid builds this value at render time
    return Style(tag, attribute, attribute.value_start, attribute.value_end, _parse_value(raw))


@lru_cache(maxsize=4096)
def _parse_value(raw: str) -> StyleValue:
    """The parse of one attribute value at offset 0; posts repeat a few values thousands of times."""
    css, offsets = _prepare(raw)
    line_starts = [0]
    position = css.find("\n")
    while position != -1:
        line_starts.append(position + 1)
        position = css.find("\n", position + 1)
    tokens = tinycss2.parse_component_value_list(css, skip_comments=False)
    parsed = StyleValue(
        raw,
        css,
        (),
        comments="/*" in css,
        escapes="\\" in css,
        _offsets=offsets,
        _line_starts=line_starts,
    )
    parsed.declarations = tuple(_declarations(parsed, tokens))
    return parsed


def _shifted(declaration: Declaration, shift: int) -> Declaration:
    d = declaration  # built field by field: dataclasses.replace costs more than the parse it saves
    return Declaration(
        d.start + shift,
        d.end + shift,
        d.semicolon + shift if d.semicolon >= 0 else -1,
        d.error,
        d.name,
        d.name_start + shift if d.name_start >= 0 else -1,
        d.name_end + shift if d.name_end >= 0 else -1,
        d.value_start + shift if d.value_start >= 0 else -1,
        d.value_end + shift if d.value_end >= 0 else -1,
        d.important,
        d.tokens,
        d.css_value_start,
        d.css_value_end,
    )


def _prepare(raw: str) -> tuple[str, list[int] | None]:
    """Decode character references and normalise CSS newlines, keeping a map to ``raw``."""
    if "&" not in raw and not any(char in raw for char in _CSS_NEWLINES) and "\0" not in raw:
        return raw, None
    out: list[str] = []
    offsets: list[int] = []
    index = 0
    length = len(raw)
    while index < length:
        char = raw[index]
        if char == "&":
            end = _reference_end(raw, index)
            if end:
                decoded = html_lib.unescape(raw[index:end])
                if decoded != raw[index:end]:
                    out.append(decoded)
                    offsets.extend([index] * len(decoded))
                    index = end
                    continue
        if char == "\r":
            out.append("\n")
            offsets.append(index)
            index += 2 if raw.startswith("\r\n", index) else 1
            continue
        out.append("\n" if char == "\f" else "\ufffd" if char == "\0" else char)
        offsets.append(index)
        index += 1
    offsets.append(length)
    return "".join(out), offsets


def _reference_end(raw: str, start: int) -> int:
    """End of a ``&name;`` / ``&#…;`` reference at ``start``, or 0."""
    index = start + 1
    limit = min(len(raw), start + 40)
    if index < limit and raw[index] == "#":
        index += 1
        if index < limit and raw[index] in "xX":
            index += 1
    while index < limit and raw[index].isascii() and raw[index].isalnum():
        index += 1
    if index < limit and raw[index] == ";" and index > start + 1:
        return index + 1
    return 0


def _declarations(parsed: StyleValue, tokens: list) -> list[Declaration]:
    spans = parsed.token_spans(tokens, len(parsed.css))
    declarations = []
    part: list[tuple[object, int, int]] = []
    for token, start, end in spans:
        if token.type == "literal" and token.value == ";":
            declaration = _declaration(parsed, part, start)
            if declaration is not None:
                declarations.append(declaration)
            part = []
        else:
            part.append((token, start, end))
    declaration = _declaration(parsed, part, -1)
    if declaration is not None:
        if _unclosed(parsed.css, tokens):  # "a: [b; c: d": the block runs to the end of the value
            declaration = replace(declaration, error=UNCLOSED)
        declarations.append(declaration)
    return declarations


def _unclosed(css_text: str, tokens: list) -> bool:
    """A bracket, function or comment left open at the end of the value (tinycss2 closes it
    silently; serialising shows what it added)."""
    if "(" not in css_text and "[" not in css_text and "{" not in css_text and "/*" not in css_text:
        return False
    serialized = tinycss2.serialize(tokens)
    return len(serialized) > len(css_text) and serialized.startswith(css_text)


def _significant(token) -> bool:
    return token.type not in ("whitespace", "comment")


def _declaration(parsed: StyleValue, part: list, semicolon: int) -> Declaration | None:
    meaningful = [item for item in part if _significant(item[0])]
    if not meaningful:
        return None
    offset = parsed.offset
    start, end = offset(meaningful[0][1]), offset(meaningful[-1][2])
    semicolon_at = offset(semicolon) if semicolon >= 0 else -1
    first = meaningful[0][0]
    if first.type != "ident":
        value_like = len(meaningful) == 1 and first.type in _VALUE_TOKENS
        return Declaration(start, end, semicolon_at, NO_PROPERTY if value_like else SYNTAX)
    name_start, name_end = offset(meaningful[0][1]), offset(meaningful[0][2])
    if len(meaningful) == 1:
        return Declaration(start, end, semicolon_at, NO_PROPERTY, first.lower_value, name_start, name_end)
    second = meaningful[1][0]
    if not (second.type == "literal" and second.value == ":"):
        return Declaration(start, end, semicolon_at, NO_COLON, first.lower_value, name_start, name_end)
    value = meaningful[2:]
    if not value:
        return Declaration(start, end, semicolon_at, EMPTY_VALUE, first.lower_value, name_start, name_end)
    node = tinycss2.parse_one_declaration([item[0] for item in part])
    if node.type != "declaration" or not _well_formed(node.value):
        return Declaration(start, end, semicolon_at, SYNTAX, first.lower_value, name_start, name_end)
    value_tokens = list(node.value)
    while value_tokens and not _significant(value_tokens[0]):
        value_tokens.pop(0)
    while value_tokens and not _significant(value_tokens[-1]):
        value_tokens.pop()
    if not value_tokens:  # "color: !important"
        return Declaration(start, end, semicolon_at, EMPTY_VALUE, first.lower_value, name_start, name_end)
    name = node.name if node.name.startswith("--") else node.lower_name
    where = {id(item[0]): item for item in part}
    return Declaration(
        start,
        end,
        semicolon_at,
        None,
        name,
        name_start,
        name_end,
        offset(value[0][1]),
        offset(value[-1][2]),
        node.important,
        tuple(value_tokens),
        where[id(value_tokens[0])][1],
        where[id(value_tokens[-1])][2],
    )


def _well_formed(tokens) -> bool:
    """No parse errors, stray closing brackets or ``{}`` blocks anywhere in the value."""
    stack = list(tokens)
    while stack:
        token = stack.pop()
        kind = token.type
        if kind in ("error", "{} block", "bad-url") or (kind == "literal" and token.value in ("}", ")", "]")):
            return False
        if kind == "function":
            stack.extend(token.arguments)
        elif kind in ("() block", "[] block"):
            stack.extend(token.content)
    return True


def is_known_property(name: str) -> bool:
    return name in KNOWN_PROPERTIES or name.startswith(("-", "mso-"))


# --- serialisation -------------------------------------------------------------------------


def serialize_value(parsed: StyleValue, declaration: Declaration) -> str:
    """The value as ST004 writes it: whitespace runs as one space, hex colours in lowercase,
    `` !important`` at the end; everything else exactly as written (entities included)."""
    body = _serialize(parsed, list(declaration.tokens), declaration.css_value_end)
    return body + " !important" if declaration.important else body


def _raw(parsed: StyleValue, start: int, end: int) -> str:
    """The value as written for the css span [start, end)."""
    text_start, text_end = parsed.offset(start), parsed.offset(end)
    return parsed.text[text_start:text_end]


def _serialize(parsed: StyleValue, tokens: list, end: int) -> str:
    out = []
    for token, start, stop in parsed.token_spans(tokens, end):
        kind = token.type
        if kind == "whitespace":
            out.append(" ")
        elif kind == "hash" and is_hex(token.value):
            out.append("#" + token.value.lower())
        elif kind == "function":
            opening = parsed.css.find("(", start) + 1
            closing = stop - 1 if parsed.css[stop - 1 : stop] == ")" else stop
            out.append(_raw(parsed, start, opening) + _serialize(parsed, token.arguments, closing) + _raw(parsed, closing, stop))
        elif kind in ("() block", "[] block"):
            closing = stop - 1 if parsed.css[stop - 1 : stop] == token.type[1] else stop
            out.append(_raw(parsed, start, start + 1) + _serialize(parsed, token.content, closing) + _raw(parsed, closing, stop))
        else:
            out.append(_raw(parsed, start, stop))
    return "".join(out)


def is_hex(digits: str) -> bool:
    return len(digits) in (3, 4, 6, 8) and all(char in "0123456789abcdefABCDEF" for char in digits)


# --- colours ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Colour:
    key: tuple[int, int, int, int]  # 8-bit RGBA, for exact comparison
    lab: tuple[float, float, float] | None  # CIE Lab of the colour over a white page


def parse_colour(token) -> Colour | None:
    """A colour token (hex, named, rgb(), hsl(), lab() …) as a :class:`Colour`; None for
    keywords such as ``currentcolor``/``inherit``, ``var()`` and anything that is not a colour."""
    if token.type == "hash":
        return _hash_colour(token.value)
    if token.type == "ident":  # named colours are ASCII letters only
        name = token.lower_value
        return _named_colour(name) if name.isascii() and name.isalpha() else None
    return _parse_colour(token)


@lru_cache(maxsize=1024)
def _hash_colour(digits: str) -> Colour | None:
    if not is_hex(digits):
        return None
    return _parse_colour(tinycss2.parse_one_component_value("#" + digits))


@lru_cache(maxsize=1024)
def _named_colour(name: str) -> Colour | None:
    return _parse_colour(tinycss2.parse_one_component_value(name))


def _parse_colour(token) -> Colour | None:
    try:
        colour = tinycss2.color4.parse_color(token)
    except Exception:  # noqa: BLE001 - tinycss2 may choke on exotic input; it is "not a colour"
        return None
    if colour is None or isinstance(colour, str):
        return None
    alpha = colour.alpha
    if colour.space in ("srgb", "hsl", "hwb"):
        r, g, b = (min(1.0, max(0.0, channel)) for channel in colour.to("srgb").coordinates)
        key = (round(r * 255), round(g * 255), round(b * 255), round(alpha * 255))
        over_white = [alpha * channel + (1 - alpha) for channel in (r, g, b)]
        return Colour(key, _srgb_to_lab(*over_white))
    if colour.space in ("lab", "lch", "oklab", "oklch"):
        lab = colour.to("lab").coordinates
        return Colour((-1, round(lab[0] * 100), round(lab[1] * 100), round(alpha * 255)), tuple(lab) if alpha == 1 else None)
    return None


def palette(values: tuple[str, ...], option: str) -> tuple[tuple[str, Colour], ...]:
    """The palette option's colours, parsed; raises ValueError naming the option on a bad entry."""
    parsed = []
    for value in values:
        colour = parse_colour(tinycss2.parse_one_component_value(value))
        if colour is None:
            raise ValueError(f"option {option}: {value!r} is not a colour")
        parsed.append((value.lower(), colour))
    return tuple(parsed)


def palette_entry(colour: Colour, entries) -> str | None:
    for written, candidate in entries:
        if candidate.key == colour.key:
            return written
    return None


def nearest(colour: Colour, entries) -> tuple[str, float] | None:
    if colour.lab is None:
        return None
    best = None
    for written, candidate in entries:
        if candidate.lab is None:
            continue
        distance = ciede2000(colour.lab, candidate.lab)
        if best is None or distance < best[1]:
            best = (written, distance)
    return best


def _srgb_to_lab(r: float, g: float, b: float) -> tuple[float, float, float]:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    r, g, b = linear(r), linear(g), linear(b)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """CIEDE2000 colour difference (Sharma, Wu, Dalal 2005) between two CIE Lab colours."""
    l1, a1, b1 = first
    l2, a2, b2 = second
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    delta_l = l2 - l1
    delta_c = c2p - c1p
    if c1p * c2p == 0:
        delta_h_angle = 0.0
    else:
        delta_h_angle = h2p - h1p
        if delta_h_angle > 180:
            delta_h_angle -= 360
        elif delta_h_angle < -180:
            delta_h_angle += 360
    delta_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(delta_h_angle / 2))
    l_bar = (l1 + l2) / 2
    cp_bar = (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_bar = (h1p + h2p + 360) / 2
    else:
        h_bar = (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_bar - 30))
        + 0.24 * math.cos(math.radians(2 * h_bar))
        + 0.32 * math.cos(math.radians(3 * h_bar + 6))
        - 0.20 * math.cos(math.radians(4 * h_bar - 63))
    )
    delta_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -math.sin(math.radians(2 * delta_theta)) * r_c
    return math.sqrt(
        (delta_l / s_l) ** 2 + (delta_c / s_c) ** 2 + (delta_h / s_h) ** 2 + r_t * (delta_c / s_c) * (delta_h / s_h)
    )


def significant(tokens) -> list:
    return [token for token in tokens if _significant(token)]


def removal_edit(text: str, style: Style, declaration: Declaration) -> tuple[int, int]:
    """The span to delete to remove ``declaration`` (with its ``;`` and the space that
    separates it), or the whole attribute when it is the only declaration."""
    readable = list(style.declarations)
    index = readable.index(declaration)
    own_end = declaration.semicolon + 1 if declaration.semicolon >= 0 else declaration.end
    if len(readable) == 1:
        attribute = style.attribute
        start = attribute.name_start
        while start > style.tag.name_end and text[start - 1] in " \t\r\n":
            start -= 1
        return start, attribute.value_end + (1 if attribute.quote else 0)
    if index + 1 < len(readable):
        return declaration.start, readable[index + 1].start
    previous = readable[index - 1]  # it has a ';': something follows it
    return previous.semicolon + 1, own_end


@dataclass(frozen=True, eq=False)
class Palettes:
    """The text and background palettes of a rule's options: one object per distinct pair of
    options, so the rules' per-value caches can key on it cheaply."""

    text: tuple[tuple[str, Colour], ...]
    background: tuple[tuple[str, Colour], ...]


def palettes(options) -> Palettes:
    """The palettes of a rule's options; raises ValueError naming the option on a bad entry."""
    return _palettes(tuple(options["text-colors"]), tuple(options["background-colors"]))


@lru_cache(maxsize=64)
def _palettes(text_colors: tuple[str, ...], background_colors: tuple[str, ...]) -> Palettes:
    return Palettes(palette(text_colors, "text-colors"), palette(background_colors, "background-colors"))


def ignored_elements(options) -> set[str]:
    return {name.lower() for name in options["ignore-elements"]}
