"""MK002 unrendered-emphasis: `**text**`, `__text__`, `*text*` that print literally."""

from __future__ import annotations

import re

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.emphasis import is_punctuation, is_whitespace, strict_flags
from postlint.rule import FixAvailability, Option, rule
from postlint.rules.markup._emphasis import analyze
from postlint.visible import visible_between

_ITALIC = {"b": "i", "strong": "em"}


@rule(
    code="MK002",
    name="unrendered-emphasis",
    summary="Markdown emphasis the renderer prints literally: inside HTML, or where its emphasis rules fail",
    fix=FixAvailability.ALWAYS,
    safety=Safety.SAFE,  # `*…*` and `_…_` get unsafe fixes (see the document)
    options={
        "tag": Option("b", "element for `**`/`__` (`*`/`_` get `i` or `em` to match)", choices=("b", "strong")),
    },
)
def check(post, options):
    text = post.text
    bold = options["tag"]
    italic = _ITALIC[bold]
    groups: dict[tuple[int, int], list] = {}
    for match in analyze(post).unrendered:
        groups.setdefault((id(match.opener), id(match.closer)), []).append(match)
    for matches in sorted(groups.values(), key=lambda group: min(m.open_start for m in group)):
        certainty = _certainty(post, matches)
        if certainty is None:
            continue
        edits = []
        for match in matches:
            element = bold if match.size == 2 else italic
            edits.append(Edit(match.open_start, match.open_end, f"<{element}>"))
            edits.append(Edit(match.close_start, match.close_end, f"</{element}>"))
        edits.sort(key=lambda edit: edit.start)
        half = len(edits) // 2
        opening = "".join(edit.content for edit in edits[:half])
        closing = "".join(edit.content for edit in edits[half:])
        start, end = edits[0].start, edits[-1].end
        delimiters = text[start : edits[half - 1].end]
        make = Fix.safe if certainty is Safety.SAFE else Fix.unsafe
        yield Problem(
            start,
            end,
            f"{_why(text, matches[0].opener, matches[0].closer, delimiters)}; write `{opening}…{closing}` instead",
            make(
                f"replace `{delimiters}…{delimiters}` with `{opening}…{closing}`",
                *edits,
                removes=delimiters * 2,
                restyles=visible_between(post, edits[half - 1].end, edits[half].start),
            ),
        )


_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# After a closing delimiter (or before an opening one), what shows the "emphasis" is part of a
# file name, path or expression: `*skills_*.jsonl`, `__init__.py`, `/_definst_/`.
_TOKEN_GLUE = frozenset("./_@=(:\\")


_CODE_TOKEN = re.compile(r"@|://|\.[A-Za-z]")


def _word_around(text: str, segment, offset: int) -> str:
    """The text around ``offset`` up to white space or markup, at most 100 characters each way."""
    start = offset
    while start > max(segment.start, offset - 100) and not text[start - 1].isspace():
        start -= 1
    end = offset
    while end < min(segment.end, offset + 100) and not text[end].isspace():
        end += 1
    return text[start:end]


def _certainty(post, matches) -> Safety | None:
    """How sure it is that the writer meant emphasis: SAFE for `**…**` and `__…__` around
    words, UNSAFE for `*…*` and `_…_` (`*gasp*` may be meant as it is), None when it is not
    emphasis at all (identifiers, globs, punctuation) or the post is not Markdown."""
    text = post.text
    opener = matches[0].opener
    open_start = min(match.open_start for match in matches)
    close_end = max(match.close_end for match in matches)
    inner_start = max(match.open_end for match in matches)
    inner_end = min(match.close_start for match in matches)
    content = visible_between(post, inner_start, inner_end)
    if not any(char.isalnum() for char in content):
        return None  # "*.*", "**-**"
    if opener.char == "_" and _IDENTIFIER.fullmatch(content):
        return None  # "__init__", "_definst_": a name in code
    following = text[close_end : close_end + 2]
    preceding = text[max(0, open_start - 2) : open_start]
    if (following[:1] in _TOKEN_GLUE and following[1:2].strip()) or (preceding[-1:] in _TOKEN_GLUE and preceding[-2:-1].strip()):
        return None  # "*msgs_*.jsonl", "/_definst_/": part of a file name or a path
    if _CODE_TOKEN.search(_word_around(text, opener.segment, open_start)):
        return None  # "l-_l-_-l@live.com", "*msgs_*.jsonl": an address or a file name
    single = all(match.size == 1 for match in matches)
    if single:
        return None if not post.renderer.markdown else Safety.UNSAFE  # "*gasp*" in a .html post: plain-text emphasis
    return Safety.SAFE


def _why(text: str, opener, closer, delimiters: str) -> str:
    if not opener.unit.markdown:
        return f"Markdown `{delimiters}…{delimiters}` inside an HTML block is not rendered: the reader sees the `{delimiters}`"
    can_open, _ = strict_flags(opener)
    _, can_close = strict_flags(closer)
    if not can_open:
        side, run = "opening", opener
    elif not can_close:
        side, run = "closing", closer
    else:
        return f"`{delimiters}…{delimiters}` pairs up differently under CommonMark's emphasis rules and prints literally"
    context = f"{_show(run.before)}{text[run.start : run.end]}{_show(run.after)}"
    return (
        f"the {side} `{text[run.start : run.end]}` in `{context}` cannot {'open' if side == 'opening' else 'close'} "
        f"emphasis in CommonMark ({_describe(run)}), so `{delimiters}…{delimiters}` prints literally"
    )


def _show(char: str) -> str:
    return "" if char in "\r\n" else char


def _kind(char: str) -> str:
    if is_whitespace(char):
        return "a space"
    if is_punctuation(char):
        return "punctuation"
    return "a letter"


def _describe(run) -> str:
    return f"it follows {_kind(run.before)} and precedes {_kind(run.after)}"
