"""MK001 stray-asterisk: a lone `*` (run of 1–3) that the reader will see as an asterisk."""

from __future__ import annotations

import re

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.document import start_of_line
from postlint.rule import FixAvailability, rule
from postlint.emphasis import is_whitespace
from postlint.rules.markup._emphasis import analyze

_LIST_MARKER = re.compile(r"(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$)")
_THEMATIC_BREAK = re.compile(r"[ \t]*(?:\*[ \t]*){3,}")


@rule(
    code="MK001",
    name="stray-asterisk",
    summary="a lone `*` between words or after a tag, printed literally",
    fix=FixAvailability.ALWAYS,
    safety=Safety.SAFE,
)
def check(post, options):
    text = post.text
    analysis = analyze(post)
    for run in analysis.runs:
        if run.char != "*" or not 1 <= run.length <= 3:
            continue
        if run.literal_count != run.length:  # some of it renders as emphasis
            continue
        if any(offset in analysis.claimed for offset in range(run.start, run.end)):
            continue  # MK002's unrendered emphasis
        if not _stands_alone(run):
            continue
        line_start = start_of_line(text, run.start)
        if run.unit.markdown and run.length == 1 and _is_list_marker(text, line_start, run):
            continue
        if _is_thematic_break(text, line_start):
            continue
        if _between_numbers(text, run):
            continue
        stars = text[run.start : run.end]
        yield Problem(
            run.start,
            run.end,
            f"stray `{stars}` prints literally (it is not emphasis, a list marker or arithmetic); remove it",
            Fix.safe(f"remove the stray `{stars}`", _removal(text, run, line_start), removes=stars),
        )


def _stands_alone(run) -> bool:
    """Whitespace or a tag on each side, whitespace on at least one: ` * `, `</b>* x`, `<p>* x`."""
    segment = run.segment
    space_before = is_whitespace(run.before)
    space_after = is_whitespace(run.after)
    if not (space_before or space_after):
        return False
    if not space_before and not (run.start == segment.start and (segment.after_tag or segment.start == run.unit.start)):
        return False
    if not space_after and not (run.end == segment.end and (segment.before_tag or segment.end == run.unit.end)):
        return False
    return True


def _is_list_marker(text: str, line_start: int, run) -> bool:
    """`* ` opening a line (after block quote markers and outer list markers) is a list item."""
    if not is_whitespace(run.after):
        return False
    position = line_start
    while position < run.start:
        char = text[position]
        if char in " \t>":
            position += 1
            continue
        marker = _LIST_MARKER.match(text, position, run.start + 1)
        if marker is None:
            return False
        position = marker.end()
    return position == run.start


def _is_thematic_break(text: str, line_start: int) -> bool:
    line_end = len(text)
    for stop in ("\n", "\r"):
        found = text.find(stop, line_start)
        if found != -1:
            line_end = min(line_end, found)
    return _THEMATIC_BREAK.fullmatch(text, line_start, line_end) is not None


def _between_numbers(text: str, run) -> bool:
    """`2 * 3`, `비용 * 1.5`: a multiplication sign, with a number on at least one side."""
    before = run.start - 1
    while before >= 0 and text[before] in " \t":
        before -= 1
    after = run.end
    while after < len(text) and text[after] in " \t":
        after += 1
    left = text[before] if before >= 0 else ""
    right = text[after] if after < len(text) else ""
    left_number = left.isdigit() or left in ")%"
    right_number = right.isdigit() or right == "("
    left_operand = left_number or left.isalnum()
    right_operand = right_number or right.isalnum()
    return (left_number and right_operand) or (right_number and left_operand)


# Tags that start a new line of text: an asterisk right after one opens that text.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 "
    "header hr li main nav ol p section table tbody td tfoot th thead tr ul".split()
)
_TAG_NAME_BEFORE = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)")


def _after_block_tag(text: str, start: int) -> bool:
    """Whether the text at ``start`` follows a block tag (``<p>* x``), not an inline or unknown
    one (``가격<o:p>* 할인``, where removing the space would join the words)."""
    if start == 0 or text[start - 1] != ">":
        return True
    name = _TAG_NAME_BEFORE.match(text, text.rfind("<", max(0, start - 512), start))
    return name is not None and name.group(1).lower() in _BLOCK_TAGS


def _removal(text: str, run, line_start: int) -> Edit:
    """The asterisks and one adjacent space, never gluing the words on either side together.

    ` * ` and a run opening a line or a block (`<p>* x`) lose the space after; `x *` ending a line
    loses the space before; a line holding nothing else goes whole; `</b>* x` loses only the `*`.
    """
    start, end = run.start, run.end
    after = text[end] if end < len(text) else ""
    before = text[start - 1] if start > 0 else ""
    opens = start == line_start or (not run.unit.markdown and start == run.unit.start and _after_block_tag(text, start))
    if after in (" ", "\t", "\u00a0") and (before in (" ", "\t", "\u00a0") or opens):
        return Edit.delete(start, end + 1)
    if after in ("\n", "\r", ""):
        if before in (" ", "\t", "\u00a0"):
            return Edit.delete(start - 1, end)
        if start == line_start:
            return Edit.delete(start, end + (2 if text.startswith("\r\n", end) else 1 if after else 0))
    return Edit.delete(start, end)
