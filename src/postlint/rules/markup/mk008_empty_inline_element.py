"""MK008 empty-inline-element: `<b></b>`, `<span style="…"></span>` and the like, holding nothing."""

from __future__ import annotations

import re
from bisect import bisect_left

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.document import start_of_line
from postlint.html import CODE_ELEMENTS, Comment, Tag, Text, token_start
from postlint.markdown import TEXT
from postlint.rule import FixAvailability, Option, rule

# Formatting elements that show nothing without content. Not `a` (named anchors), not code.
FORMATTING = frozenset("b strong i em u s strike span font small big mark sub sup del ins q cite dfn abbr tt".split())
# Attributes that cannot make an empty element show or do anything.
_HARMLESS_ATTRIBUTES = frozenset("style lang dir title color face size".split())
# Style properties that may give an empty inline element a visible box.
_BOX_PROPERTIES = re.compile(
    r"(?:width|height|min-|max-|padding|margin|border|display|position|float|content|outline|box-|inset|"
    r"top|left|right|bottom|background(?!-color))",
    re.IGNORECASE,
)
# What shows over a space: these elements' lines, a style's decoration or background.
_DECORATING = frozenset("u s strike del ins mark".split())
_DECORATION = re.compile(r"text-decoration|background", re.IGNORECASE)
_BLANK = re.compile(r"(?:\s|&nbsp;|&#160;|&#x0*a0;)*", re.IGNORECASE)
_LINE_END = re.compile(r"[ \t]*(?:\r\n|\r|\n|$)")


@rule(
    code="MK008",
    name="empty-inline-element",
    summary="an inline formatting element with no content (`<b></b>`, `<span style=…></span>`)",
    fix=FixAvailability.ALWAYS,
    safety=Safety.SAFE,
    formatting=True,
    options={
        "remove-empty-inline": Option(
            False,
            "report and remove formatting elements that hold nothing or only whitespace",
            house="remove-empty-inline",
        ),
    },
    # An empty <span> shows nothing and breaks nothing: tidying it away is a house's choice.
    house=True,
)
def check(post, options):
    if not options["remove-empty-inline"] or "</" not in post.text:
        return
    text = post.text
    empty = _empty_elements(post)
    if not empty:
        return
    covered_until = -1
    for element in post.html.elements:
        start = element.start_tag.start
        if start < covered_until or id(element) not in empty or in_code(element):
            continue
        end = element.end_tag.end
        covered_until = end
        tags = _tags(element)
        residue = _residue(text, start, end, tags)  # what is left without the tags
        name = element.name
        if residue and _decorates_space(element):
            continue  # "<u>&nbsp;</u>", a struck or highlighted space: the reader sees the line or colour
        if not residue:
            message = f"`<{name}>` holds nothing and shows nothing; remove it"
            title = f"remove the empty `<{name}>`"
        else:
            message = f"`<{name}>` holds only whitespace, so its formatting shows nothing; remove the tags and keep the space"
            title = f"unwrap the whitespace-only `<{name}>`"
        edits = _edits(text, start, end, tags, residue)
        if _touches_delimiter(post, start, end):
            # "**<span> </span>**": the tags are what the `**` see next to them; without them
            # the emphasis may stop rendering (or start). Where that is meant is a guess.
            yield Problem(start, end, message, Fix.unsafe(title, *edits))
        else:
            yield Problem(start, end, message, Fix.safe(title, *edits))


def _touches_delimiter(post, start: int, end: int) -> bool:
    """A `*` or `_` right before or after the element, where Markdown is rendered."""
    text = post.text
    if not (start > 0 and text[start - 1] in "*_" or end < len(text) and text[end] in "*_"):
        return False
    block = post.markdown.block_at(start)
    return block is not None and block.kind == TEXT


def _decorates_space(element) -> bool:
    """The element draws something over white space: an underline, a strike, a background."""
    if element.name in _DECORATING:
        return True
    style = element.start_tag.attribute("style")
    return style is not None and style.value is not None and _DECORATION.search(style.value) is not None


def _empty_elements(post) -> set[int]:
    """ids of the elements holding only whitespace, comments and (recursively) such elements.

    Children come after their parent in document order, so one backward pass decides every
    element from its children and the tokens between them: linear in the size of the post.
    """
    text = post.text
    tokens = post.html.tokens
    empty: set[int] = set()
    for element in reversed(post.html.elements):
        if element.name not in FORMATTING or not well_formed(element) or element.start_tag.self_closing:
            continue
        content_start, content_end = element.start_tag.end, element.end_tag.start
        if content_end < content_start or starts_with_text(text, content_start, content_end):
            continue
        if not _attributes_harmless(element.start_tag):
            continue
        position = content_start
        for child in element.children:
            if id(child) not in empty or child.end_tag.end > content_end:
                break
            if not _blank_between(text, tokens, position, child.start_tag.start):
                break
            position = child.end_tag.end
        else:
            if _blank_between(text, tokens, position, content_end):
                empty.add(id(element))
    return empty


def starts_with_text(text: str, start: int, end: int) -> bool:
    """Visible text comes first in ``start:end``, before any markup: it is not blank.

    Decided from the text alone, without looking for the tokens: the tokens cover the body without
    gaps, and all but text start with ``<``, so the first character that is neither blank nor
    ``<`` lies in a text token whose blank test fails.
    """
    blank_end = _BLANK.match(text, start, end).end()
    return blank_end < end and text[blank_end] != "<"


def _blank_between(text, tokens, start: int, end: int) -> bool:
    """Only whitespace, `&nbsp;` and comments between ``start`` and ``end``."""
    if start >= end:
        return True
    index = bisect_left(tokens, start, key=token_start)
    if index > 0 and tokens[index - 1].end > start:
        index -= 1  # a token running into the range
    while index < len(tokens) and tokens[index].start < end:
        token = tokens[index]
        index += 1
        kind = type(token)
        if kind is Text:
            if token.code or _BLANK.fullmatch(text, max(token.start, start), min(token.end, end)) is None:
                return False
        elif kind is not Comment:
            return False
    return True


def _residue(text: str, start: int, end: int, tags) -> str:
    pieces = []
    position = start
    for tag in sorted(tags, key=lambda tag: tag.start):
        pieces.append(text[position : tag.start])
        position = tag.end
    pieces.append(text[position:end])
    return "".join(pieces)


def _edits(text: str, start: int, end: int, tags, residue: str) -> list[Edit]:
    """Remove the element; keep its whitespace when nothing else keeps the words apart."""
    plain = not residue.strip(" \t\r\n")  # spaces a browser collapses anyway: no entities, comments
    if plain:
        line = _whole_line(text, start, end)
        if line is not None and not _has_line_break(text, start, end):
            return [Edit.delete(*line)]
        space_before = start > 0 and text[start - 1] in " \t\r\n"
        space_after = text[end : end + 1] in (" ", "\t", "\r", "\n")
        if not residue or space_before or space_after:
            # `a <b></b> b`: one of the two spaces goes too
            extra = 1 if space_before and text[end : end + 1] in (" ", "\t") else 0
            return [Edit.delete(start, end + extra)]
    return [Edit.delete(tag.start, tag.end) for tag in tags]


def _attributes_harmless(tag: Tag) -> bool:
    for attribute in tag.attributes:
        name = attribute.name
        if name in _HARMLESS_ATTRIBUTES or name.startswith("data-ke-"):
            if name == "style" and attribute.value:
                for declaration in attribute.value.split(";"):
                    prop = declaration.split(":", 1)[0].strip()
                    if prop and _BOX_PROPERTIES.match(prop):
                        return False
            continue
        return False
    return True


def well_formed(element) -> bool:
    """Both tags present, closed by `>` and with nothing glued to the name (`</b고…` is MK006's)."""
    start_tag, end_tag = element.start_tag, element.end_tag
    return (
        end_tag is not None
        and start_tag.terminated
        and end_tag.terminated
        and not start_tag.glued
        and not end_tag.glued
    )


def in_code(element) -> bool:
    parent = element.parent
    while parent is not None:
        if parent.name in CODE_ELEMENTS:
            return True
        parent = parent.parent
    return False


def _tags(element) -> list[Tag]:
    """The start and end tags of the element and its descendants (no recursion: nesting may be deep)."""
    tags = []
    stack = [element]
    while stack:
        current = stack.pop()
        tags.append(current.start_tag)
        if current.end_tag is not None:
            tags.append(current.end_tag)
        stack.extend(current.children)
    tags.sort(key=lambda tag: tag.start)
    return tags


def _whole_line(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The element's line with its line break, when nothing else is on that line."""
    line_start = start_of_line(text, start)
    if text[line_start:start].strip(" \t"):
        return None
    after = _LINE_END.match(text, end)
    if after is None:
        return None
    return line_start, after.end()


def _has_line_break(text: str, start: int, end: int) -> bool:
    return "\n" in text[start:end] or "\r" in text[start:end]
