"""MK007 empty-paragraph-run: spacer paragraphs piled up, or left at the end of the post."""

from __future__ import annotations

import re
from bisect import bisect_left

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.document import start_of_line
from postlint.html import Comment, Tag, Text, token_start
from postlint.rule import FixAvailability, Option, rule
from postlint.rules.markup.mk008_empty_inline_element import FORMATTING, in_code, starts_with_text, well_formed

# The text an empty paragraph may hold. The alternatives cannot match the same text (\s covers
# U+00A0), so the full match runs in linear time.
_BLANK = re.compile(r"(?:\s|&nbsp;|&#160;|&#x0*a0;)*", re.IGNORECASE)
# Besides <br>, formatting tags around nothing (`<span style="…">&nbsp;</span>`) leave it empty.
_TRANSPARENT = FORMATTING | {"br"}
_WHITESPACE = re.compile(r"\s*")
_BLANK_LINE = re.compile(r"[ \t]*(?:\r\n|\r|\n)")


@rule(
    code="MK007",
    name="empty-paragraph-run",
    summary="more empty spacer paragraphs in a row than allowed, or empty paragraphs ending the post",
    fix=FixAvailability.ALWAYS,
    safety=Safety.SAFE,
    formatting=True,
    options={
        "max-spacer-paragraphs": Option(
            1, "empty spacer paragraphs allowed in a row", minimum=0, house="max-spacer-paragraphs"
        ),
    },
    house=True,
)
def check(post, options):
    allowed = options["max-spacer-paragraphs"]
    text = post.text
    for run in _runs(post):
        trailing = _WHITESPACE.fullmatch(text, run[-1].close, len(text)) is not None
        keep = 0 if trailing else allowed
        if len(run) <= keep:
            continue
        extras = len(run) - keep
        start, end = run[0].start_tag.start, run[-1].close
        if trailing:
            message = (
                f"{_count(len(run))} at the end of the post {'adds' if len(run) == 1 else 'add'} empty space "
                "below the text; remove "
                + ("it" if len(run) == 1 else "them")
            )
            title = "remove the empty paragraphs at the end"
        else:
            message = (
                f"{len(run)} empty paragraphs in a row (at most {allowed} allowed, house `max-spacer-paragraphs`) "
                f"make a gap in the post; remove the {_count(extras, 'extra ')}"
            )
            title = f"remove {_count(extras, 'extra ')}"
        yield Problem(start, end, message, Fix.safe(title, _removal(post, run, keep, trailing)))


def _count(number: int, adjective: str = "") -> str:
    return f"{number} {adjective}empty paragraph" + ("" if number == 1 else "s")


def _runs(post):
    """Empty <p> elements (with an end tag) grouped when only whitespace separates them."""
    text = post.text
    tokens = post.html.tokens
    runs = []
    for element in post.html.elements:
        if element.name != "p" or not well_formed(element):
            continue
        if starts_with_text(text, element.start_tag.end, element.end_tag.start) or in_code(element):
            continue
        if not _is_empty(text, tokens, element.start_tag.end, element.end_tag.start):
            continue
        if runs and _WHITESPACE.fullmatch(text, runs[-1][-1].close, element.start_tag.start) is not None:
            runs[-1].append(element)
        else:
            runs.append([element])
    return runs


def _is_empty(text, tokens, start: int, end: int) -> bool:
    """Only whitespace, `&nbsp;`, `<br>`, comments and formatting tags between ``start`` and ``end``."""
    index = bisect_left(tokens, start, key=token_start)
    while index < len(tokens) and tokens[index].start < end:
        token = tokens[index]
        index += 1
        kind = type(token)
        if kind is Text:
            if token.code or _BLANK.fullmatch(text, token.start, min(token.end, end)) is None:
                return False
        elif kind is Tag:
            if token.name not in _TRANSPARENT or token.glued or not token.terminated:
                return False  # "<b고>": the glued text is content (MK006's to repair)
        elif kind is not Comment:
            return False
    return True


def _after_line(text: str, offset: int) -> int | None:
    """Just past the line break ending ``offset``'s line, when only spaces lie between; else None."""
    blank = _BLANK_LINE.match(text, offset)
    if blank is not None:
        return blank.end()
    if _WHITESPACE.fullmatch(text, offset, len(text)) is not None:
        return len(text)
    return None


def _removal(post, run, keep: int, trailing: bool) -> Edit:
    text = post.text
    last_end = run[-1].close
    if keep:
        kept_end = run[keep - 1].close
        start, end = _after_line(text, kept_end), _after_line(text, last_end)
        if start is None or end is None:
            return Edit.delete(kept_end, last_end)  # paragraphs side by side on one line
        return Edit.delete(start, end)
    first = run[0].start_tag.start
    if trailing:
        # Back to the end of the last line with content, keeping that line's break.
        content_end = len(text[:first].rstrip())
        if content_end < post.body_start:
            content_end = post.body_start
        after_content = _after_line(text, content_end)
        start = after_content if after_content is not None and after_content <= first else first
        return Edit.delete(start, len(text))
    line_start = start_of_line(text, first)
    end = _after_line(text, last_end)
    if text[line_start:first].strip(" \t") or end is None:
        return Edit.delete(first, last_end)
    if line_start == post.body_start or _is_blank_line_before(text, line_start):
        while True:  # the blank lines after go too, so one blank line stays between the neighbours
            blank = _BLANK_LINE.match(text, end)
            if blank is None:
                break
            end = blank.end()
    return Edit.delete(line_start, end)


def _is_blank_line_before(text: str, line_start: int) -> bool:
    if line_start == 0:
        return True
    previous = start_of_line(text, line_start - (2 if text.startswith("\r\n", line_start - 2) else 1))
    return not text[previous:line_start].strip()
