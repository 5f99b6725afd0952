"""ST005 mixed-emphasis-markup: coloured emphasis written another way than the house patterns
``<b><span style="color: …">…</span></b>`` and ``<b><span style="background-color: …">…</span></b>``:
``<span style="color: …"><b>…</b></span>``, ``<strong style="color: …">``, ``<font color="…">``."""

from __future__ import annotations

from functools import lru_cache

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.rule import FixAvailability, Option, rule
from postlint.rules.style import _css as css

BOLD = ("b", "strong")
COLOUR_PROPERTIES = ("color", "background-color", "background")


@rule(
    code="ST005",
    name="mixed-emphasis-markup",
    summary="coloured emphasis not written as the house pattern `<b><span style=…>…</span></b>`",
    fix=FixAvailability.SOMETIMES,
    safety=Safety.UNSAFE,
    options={
        "emphasis-pattern": Option(
            "b > span",
            "how coloured emphasis is written: `b > span` is `<b><span style=…>…</span></b>`",
            choices=("b > span",),
            house="emphasis-pattern",
        )
    },
    house=True,
)
def check(post, options):
    text = post.text
    every = {id(style.tag): style for style in css.styles(post)}
    coloured = {key: style for key, style in every.items() if _colours(style.parsed)}
    misnested = {id(item.outer) for item in post.html.misnested} | {id(item.inner) for item in post.html.misnested}
    for element in post.html.elements:
        tag = element.start_tag
        name = element.name
        if name == "span" and id(tag) in coloured:
            problem = _span_around_bold(text, element, misnested)
        elif name in BOLD and id(tag) in coloured:
            problem = _styled_bold(text, element, misnested)
        elif name == "font":
            problem = _font(text, element, every.get(id(tag)), coloured.get(id(tag)) is not None, misnested)
        else:
            continue
        if problem is not None:
            yield problem


@lru_cache(maxsize=4096)
def _colours(parsed) -> bool:
    return any(declaration.error is None and declaration.name in COLOUR_PROPERTIES for declaration in parsed.declarations)


def _closed(element, misnested) -> bool:
    return element.end_tag is not None and id(element) not in misnested


def _only_child(text, parent, child) -> bool:
    """``child`` is all of ``parent``'s content, whitespace aside."""
    return (
        len(parent.children) == 1
        and not text[parent.content_start : child.start_tag.start].strip()
        and not text[child.close : parent.content_end].strip()
    )


def _span_around_bold(text, span, misnested) -> Problem | None:
    """``<span style="color: …"><b>…</b></span>`` → ``<b><span style="color: …">…</span></b>``."""
    if not span.children or span.children[0].name not in BOLD or not _only_child(text, span, span.children[0]):
        return None
    bold = span.children[0]
    if not _closed(span, misnested) or not _closed(bold, misnested):
        return None
    if span.parent is not None and span.parent.name in BOLD:
        return None  # <b><span><b>…: bold twice over; leave it to the writer
    span_start, bold_start = span.start_tag, bold.start_tag
    span_end, bold_end = span.end_tag, bold.end_tag

    def source(tag):
        return text[tag.start : tag.end]

    fix = Fix.unsafe(
        "put the <b> outside the <span>",
        Edit(span_start.start, span_start.end, source(bold_start)),
        Edit(bold_start.start, bold_start.end, source(span_start)),
        Edit(bold_end.start, bold_end.end, source(span_end)),
        Edit(span_end.start, span_end.end, source(bold_end)),
    )
    return Problem(
        span_start.start,
        span_start.end,
        f"coloured emphasis written as `<span …><{bold.name}>`; the house pattern is "
        f"`<{bold.name}><span style=\"…\">…</span></{bold.name}>`: put the <{bold.name}> outside",
        fix,
    )


def _styled_bold(text, bold, misnested) -> Problem | None:
    """``<strong style="color: …">…</strong>`` → ``<b><span style="color: …">…</span></b>``."""
    tag = bold.start_tag
    message = (
        f"coloured emphasis written as `<{bold.name} style=…>`; the house pattern is "
        '`<b><span style="…">…</span></b>`: move the style to a <span> inside <b>'
    )
    if not _closed(bold, misnested) or tag.glued:
        return Problem(tag.start, tag.end, message)
    fix = Fix.unsafe(
        "rewrite as <b><span style=…>",
        Edit(tag.start, tag.name_end, "<b><span"),
        Edit(bold.end_tag.start, bold.end_tag.end, "</span></b>"),
    )
    return Problem(tag.start, tag.end, message, fix)


def _font(text, font, style, style_colours, misnested) -> Problem | None:
    """``<font color="…">…</font>`` → ``<b><span style="color: …;">…</span></b>``."""
    tag = font.start_tag
    colour_attribute = tag.attribute("color")
    colour = _legacy_colour(colour_attribute.value) if colour_attribute is not None and colour_attribute.value else None
    if colour is None and not style_colours:
        return None
    in_bold = font.parent is not None and font.parent.name in BOLD and _only_child(text, font.parent, font)
    holds_bold = bool(font.children) and font.children[0].name in BOLD and _only_child(text, font, font.children[0])
    house = '`<span style="…">` inside the <b>' if in_bold else '`<b><span style="…">…</span></b>`'
    message = f"coloured emphasis written with the obsolete `<font>`; the house pattern is {house}"
    if not _closed(font, misnested) or tag.glued:
        return Problem(tag.start, tag.end, message)
    declarations = []
    if colour is not None:
        declarations.append(f"color: {colour};")
    if style is not None:
        written = style.attribute.value.strip()
        if colour is not None and style.parsed.declared("color"):
            declarations = []  # the style's colour wins over the attribute in browsers
        declarations.append(written if written.endswith(";") else written + ";")
    dropped = [attribute.name for attribute in tag.attributes if attribute.name not in ("color", "style")]
    if dropped:
        message += f" (its {', '.join(dropped)} attribute{'s' if len(dropped) > 1 else ''} would be dropped)"
    opening = f'<span style="{" ".join(declarations)}">'
    closing = "</span>"
    if not in_bold and not holds_bold:  # a <b> inside is moved out by the next pass
        opening, closing = "<b>" + opening, closing + "</b>"
    quote_clash = style is not None and '"' in style.attribute.value
    if quote_clash:
        return Problem(tag.start, tag.end, message)
    fix = Fix.unsafe(
        "rewrite <font> as the house pattern",
        Edit(tag.start, tag.end, opening),
        Edit(font.end_tag.start, font.end_tag.end, closing),
    )
    return Problem(tag.start, tag.end, message, fix)


def _legacy_colour(value: str) -> str | None:
    """The colour of a ``<font color>`` as CSS: ``#ee2323``, ``ee2323`` (legacy, no ``#``), ``red``."""
    value = value.strip()
    digits = value[1:] if value.startswith("#") else value
    if len(digits) in (3, 6) and css.is_hex(digits):
        return "#" + digits.lower()
    if value.isascii() and value.replace("-", "").isalpha():
        return value.lower()
    return None
