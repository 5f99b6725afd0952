"""MK001 stray-asterisk: asterisks left next to formatting markup, printed literally.

An asterisk a writer types is usually meant: a multiplication sign (`m * n`), a footnote or
required-field marker (`* 출처`, `* 필수항목`), a bullet written by hand (`<br>* width`), a cron
field or a glob (`30 11 * * 0`, `*.*`), an emoticon (`^^*`), a masked name (`정**`), a comment in
pasted code. None of those is reported. What is not meant is the asterisk a converter left behind
when it turned Markdown emphasis into HTML formatting: right after the formatting element ends
(`</b> * 이 틈즈에`, `</font>**`), right before one begins (`합니다 * <b>`), or alone where the
emphasis was (`<p>**</p>`). Only those are reported, and removed safely.
"""

from __future__ import annotations

import re

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.document import start_of_line
from postlint.emphasis import is_whitespace
from postlint.rule import FixAvailability, rule
from postlint.rules.markup._emphasis import analyze

_LIST_MARKER = re.compile(r"(?:[*+-]|\d{1,9}[.)])(?=[ \t]|$)")
_THEMATIC_BREAK = re.compile(r"[ \t]*(?:\*[ \t]*){3,}")
# Inline elements that carry the emphasis a converter writes for Markdown's `*` and `**`.
_FORMATTING = "b|strong|i|em|u|span|font|mark"
_FORMATTING_END_BEFORE = re.compile(rf"</(?:{_FORMATTING})\s*>[ \t\u00a0]*\Z", re.IGNORECASE)
_FORMATTING_START_AFTER = re.compile(rf"[ \t\u00a0]*<(?:{_FORMATTING})(?=[\s/>])", re.IGNORECASE)
_SPACES = " \t\u00a0"


@rule(
    code="MK001",
    name="stray-asterisk",
    summary="asterisks a converter left next to formatting markup, printed literally",
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
        where = _left_by_a_converter(text, run)
        if where is None:
            continue
        stars = text[run.start : run.end]
        yield Problem(
            run.start,
            run.end,
            f"stray `{stars}` {where} prints literally: a leftover of emphasis turned into HTML; remove it",
            Fix.safe(f"remove the stray `{stars}`", _removal(text, run, line_start), removes=stars),
        )


def _left_by_a_converter(text: str, run) -> str | None:
    """Where the run sits if a converter left it there (next to formatting markup, or alone
    where the emphasis was), else None: the asterisk may be meant."""
    after = run.end
    while after < len(text) and text[after] in _SPACES:
        after += 1
    following = text[after] if after < len(text) else ""
    if following.isdigit() or (following == "*" and _field_after(text, after)):
        return None  # "* * 0", "</b> * 2개": fields, arithmetic
    before = run.start
    while before > 0 and text[before - 1] in _SPACES:
        before -= 1
    preceding = text[before - 1] if before > 0 else ""
    if preceding == "*" or preceding.isdigit():
        return None
    ends_before = _FORMATTING_END_BEFORE.search(text, max(0, run.start - 64), run.start) is not None
    starts_after = _FORMATTING_START_AFTER.match(text, run.end) is not None
    if ends_before and starts_after:
        return None  # "<span>a</span> * <span>b</span>": an operator between formatted operands
    if ends_before:
        return "after a formatting element"
    if starts_after and not _opens_line(text, run):
        return "before a formatting element"
    if _alone_in_unit(text, run):
        return "alone"
    return None


def _field_after(text: str, start: int) -> bool:
    """The asterisks at ``start`` stand as a field of their own (`* * 0`), not as an opening
    delimiter glued to a word (`* *강조*`)."""
    end = start
    while end < len(text) and text[end] == "*":
        end += 1
    return end >= len(text) or not text[end].isalnum()


def _opens_line(text: str, run) -> bool:
    """A marker: the run opens its line or its unit and a space follows it
    (`<p>* <strong>예제</strong>`), where a leftover is glued to the markup (`**<font …>`)."""
    if not is_whitespace(run.after):
        return False
    segment = run.segment
    if text[segment.start : run.start].strip(" \t\r\n\u00a0"):
        return False
    return segment.after_tag or segment.start == run.unit.start or not text[start_of_line(text, run.start) : run.start].strip(_SPACES)


def _alone_in_unit(text: str, run) -> bool:
    """Nothing else a reader sees shares the run's stretch of text: `<p>**</p>`, `**</div>`."""
    for segment in run.unit.segments:
        chunk = text[segment.start : segment.end]
        if segment.start <= run.start < segment.end:
            chunk = chunk[: run.start - segment.start] + chunk[run.end - segment.start :]
        if chunk.strip(" \t\r\n\u00a0"):
            return False
    return True


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
