"""MK002 unrendered-emphasis: `**text**`, `__text__`, `*text*` that print literally."""

from __future__ import annotations

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.rule import FixAvailability, Option, rule
from postlint.emphasis import is_punctuation, is_whitespace, strict_flags
from postlint.rules.markup._emphasis import analyze
from postlint.visible import visible_between

_ITALIC = {"b": "i", "strong": "em"}


@rule(
    code="MK002",
    name="unrendered-emphasis",
    summary="Markdown emphasis the renderer prints literally: inside HTML, or failing CommonMark's flanking rules",
    fix=FixAvailability.ALWAYS,
    safety=Safety.SAFE,
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
        yield Problem(
            start,
            end,
            f"{_why(text, matches[0].opener, matches[0].closer, delimiters)}; write `{opening}…{closing}` instead",
            Fix.safe(
                f"replace `{delimiters}…{delimiters}` with `{opening}…{closing}`",
                *edits,
                removes=delimiters * 2,
                restyles=visible_between(post, edits[half - 1].end, edits[half].start),
            ),
        )


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
