"""FM001 missing-front-matter: a post with no front matter, or one that is never closed."""

from __future__ import annotations

import re

from postlint.diagnostics import Problem
from postlint.rule import rule

_FENCE_LIKE = re.compile(r"-{3,}")


@rule(
    code="FM001",
    name="missing-front-matter",
    summary="the post has no front matter, or its front matter is never closed",
)
def check(post, options):
    front_matter = post.front_matter
    if front_matter is None:
        yield _missing(post)
    elif not front_matter.terminated:
        hint = _closing_hint(post)
        yield Problem(
            0,
            3,
            "the front matter opened by `---` on line 1 is never closed, so the site does not read it and "
            f"the post has no title or categories; add a line `---` {hint}",
        )


def _missing(post) -> Problem:
    text = post.text
    first_start, first_end = post.lines.line_span(1)
    first = text[first_start:first_end]
    if _FENCE_LIKE.fullmatch(first.rstrip(" \t")):  # `----`: a fence with too many dashes
        return Problem(
            first_start,
            first_end,
            f"the first line `{first.strip()}` is not a front-matter fence, so the post has no front matter; "
            "write exactly `---`",
        )
    if first.strip() == "" and post.lines.line_count > 1:
        line = 1
        while line < post.lines.line_count and post.lines.line_text(line).strip() == "":
            line += 1
        start, end = post.lines.line_span(line)
        if text[start:end].strip() == "---":
            blank = line - 1
            lines = "line" if blank == 1 else f"{blank} lines"
            return Problem(
                start,
                end,
                f"the front matter must start on the very first line, so this `---` block is read as text "
                f"and the post has no front matter; remove the blank {lines} before it",
            )
    if first.startswith((" ", "\t")) and first.strip() == "---":
        return Problem(
            first_start,
            first_end,
            "the front-matter fence `---` must start at the beginning of the line, so the post has no "
            "front matter; remove the spaces before it",
        )
    return Problem(
        0,
        0,
        "the post has no front matter, so the site publishes it without a title or categories; "
        "start the file with a `---` line, the post's keys (`title: …`, `categories: …`) and a closing `---`",
    )


def _closing_hint(post) -> str:
    """Where the closing fence belongs: before the first line that is clearly body, not YAML."""
    lines = post.lines
    for line in range(2, lines.line_count + 1):
        content = lines.line_text(line)
        if content.startswith(("<", "{%", "![", "```", "~~~")):
            previous = line - 1
            while previous > 1 and lines.line_text(previous).strip() == "":
                previous -= 1
            return f"after line {previous}, where the keys end"
    return "after the last key"
