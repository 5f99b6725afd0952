"""FM007 title-artifact: what a title generator left in the title.

A leading list number (`1. `), quotes wrapping the whole title, a trailing character-count note
(`(150자)`), alternative titles on continuation lines, or a title longer than
`max-title-length`. The fix strips the number, quotes and note and keeps the first line; it
edits only the title's value.
"""

from __future__ import annotations

import re

from postlint.diagnostics import Fix, Problem, Safety
from postlint.rule import FixAvailability, Option, rule

from ._common import LIST_NUMBER, minimal_edit, quote, reparse, shorten, value_span

_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’"}
_NOTE_OPENERS = {")": "(", "]": "[", "）": "（", "］": "［"}
_NOTE = re.compile(
    r"(?:글자\s?수|공백\s?(?:포함|제외)|약)?[ :：]{0,3}\d{1,4}[ ]?(?:자|글자|characters?|chars?)"
    r"(?:[ ]?(?:내외|이내|이하|정도))?(?:[ ]?[,/]?[ ]?공백[ ]?(?:포함|제외))?",
    re.IGNORECASE,
)
_MAX_NOTE = 40


@rule(
    code="FM007",
    name="title-artifact",
    summary="the title carries a list number, wrapping quotes, a length note or alternative titles, or is too long",
    fix=FixAvailability.SOMETIMES,
    safety=Safety.UNSAFE,
    options={
        "title-artifacts": Option(
            False,
            "report what a post generator leaves in titles: list numbers, wrapping quotes, length notes, alternatives",
            house="title-artifacts",
        ),
        "max-title-length": Option(0, "longest title, in characters; 0: no limit", minimum=0, house="max-title-length"),
    },
    house=True,
)
def check(post, options):
    front_matter = post.front_matter
    if front_matter is None or front_matter.error is not None or not front_matter.is_mapping:
        return
    title = front_matter.data.get("title")
    entry = front_matter.last_entry("title")
    if not isinstance(title, str) or entry is None or not title.strip():
        return
    text = post.text
    limit = options["max-title-length"] or float("inf")
    start, end = value_span(text, entry)
    if not options["title-artifacts"]:
        if len(title) > limit:
            yield _too_long(start, end, title, limit)
        return
    source = text[start:end]
    style = entry.value_node.style or None  # plain: None (pure-Python loader) or "" (libyaml)
    problems: list[tuple[int, int, str]] = []

    # The part of the title to clean, and where it sits in the text (None: not mapped one to one).
    line_break = min((i for i in (source.find("\n"), source.find("\r")) if i != -1), default=-1)
    if style in (None, "'", '"') and line_break != -1:
        first_source = source[:line_break].rstrip(" \t")
        if style is None:
            part, anchor = first_source, start
        else:
            part, anchor = first_source[1:], start + 1
            if style == '"' and "\\" in part or style == "'" and "''" in part or part.endswith(style):
                part, anchor = None, None
        more = sum(1 for line in source[line_break:].splitlines() if line.strip())
        second = line_break
        while second < len(source) and source[second] in " \t\r\n":
            second += 1
        lines = "the next line" if more == 1 else f"{more} more lines"
        problems.append(
            (
                start + second,
                end,
                f"the title continues on {lines}, which YAML joins into one {len(title)}-character title; "
                "they look like alternative titles: keep the first line and delete the others",
            )
        )
    elif style is None and source == title or style in ("'", '"') and source[1:-1] == title:
        part, anchor = title, start + (0 if style is None else 1)
    else:
        part, anchor = title.strip(), None

    cleaned = None
    if part is not None:
        found, cleaned = _artifacts(part)
        problems.extend((*_at(anchor, start, end, low, high), message) for low, high, message in found)

    folded = bool(problems) and line_break != -1 and cleaned is not None and len(cleaned) <= limit
    too_long = len(title) > limit and not folded
    if not problems and not too_long:
        return
    fix = None
    if cleaned and cleaned != title:
        rendered = quote(cleaned, style if style in ("'", '"') else None)
        edit = minimal_edit(text, start, end, rendered)
        parsed = reparse(text, front_matter, [edit])
        if parsed is not None and isinstance(parsed.data, dict) and parsed.data.get("title") == cleaned:
            fix = Fix.unsafe(f"make the title `{shorten(cleaned, 50)}`", edit)
    for problem_start, problem_end, message in sorted(problems):
        yield Problem(problem_start, problem_end, message, fix)
    if too_long:
        yield _too_long(start, end, title, limit)


def _too_long(start: int, end: int, title: str, limit: int) -> Problem:
    # No fix: shortening a title is the writer's call.
    return Problem(
        start,
        end,
        f"the title is {len(title)} characters long, more than {limit}; search results and the page "
        "heading cut it off: shorten it",
    )


def _artifacts(part: str) -> tuple[list[tuple[int, int, str]], str]:
    """The artifacts in ``part`` (spans relative to it, with messages) and the title without them."""
    found = []
    low, high = 0, len(part)
    number = LIST_NUMBER.match(part)
    if number is not None:
        digits = part[: number.end()].strip()
        low = number.end()
        found.append(
            (
                number.start() + part[number.start() :].index(digits),
                number.start() + part[number.start() :].index(digits) + len(digits),
                f"the title starts with the list number `{digits}`, left from a list of suggested titles; remove it",
            )
        )
    for _ in range(3):  # a note inside or outside the quotes: peel both, outermost first
        note = _strip_note(part, low, high)
        if note is not None:
            note_start, note_end, high = note
            found.append(
                (
                    note_start,
                    note_end,
                    f"the title ends with the note `{part[note_start:note_end]}`, which is not part of the title; "
                    "remove it",
                )
            )
            continue
        inner = part[low:high]
        if len(inner) < 2 or inner[0] not in _QUOTES:
            break
        opening, closing = inner[0], _QUOTES[inner[0]]
        middle = inner[1:-1]
        if inner[-1] != closing or opening in middle or closing in middle or not middle.strip():
            break
        found.append(
            (
                low,
                high,
                f"the whole title is wrapped in quotes `{opening}…{closing}`, which show in the page heading "
                "and in search results; remove them",
            )
        )
        low, high = low + 1, high - 1
        while low < high and part[low] in " \t":
            low += 1
        while high > low and part[high - 1] in " \t":
            high -= 1
    return found, part[low:high].strip()


def _at(anchor: int | None, start: int, end: int, low: int, high: int) -> tuple[int, int]:
    """Offsets in the text of ``part[low:high]``; the whole value when the title is not mapped."""
    if anchor is None:
        return start, end
    return anchor + low, anchor + high


def _strip_note(part: str, low: int, high: int) -> tuple[int, int, int] | None:
    """A trailing `(150자)` in ``part[low:high]``: its start, end, and where the title then ends."""
    while high > low and part[high - 1] in " \t":
        high -= 1
    if high - low < 3 or part[high - 1] not in _NOTE_OPENERS:
        return None
    opener = part.rfind(_NOTE_OPENERS[part[high - 1]], max(low, high - _MAX_NOTE), high - 1)
    if opener == -1 or not _NOTE.fullmatch(part[opener + 1 : high - 1].strip()):
        return None
    new_high = opener
    while new_high > low and part[new_high - 1] in " \t":
        new_high -= 1
    if new_high == low:
        return None  # the note is all there is: leave it to the writer
    return opener, high, new_high
