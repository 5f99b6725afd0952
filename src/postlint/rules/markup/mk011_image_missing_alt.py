"""MK011 image-missing-alt: an ``<img>`` without ``alt``, or a Markdown image with empty alt text."""

from __future__ import annotations

import re
from bisect import bisect_left

from postlint.diagnostics import Problem
from postlint.html import Tag, token_start
from postlint.rule import Option, rule
from postlint.rules.markup._structure import markdown_text_spans, structure

_IMG = re.compile(r"<img", re.IGNORECASE)


@rule(
    code="MK011",
    name="image-missing-alt",
    summary="an `<img>` without `alt`, or a Markdown image with empty alt text (`![](…)`)",
    options={
        # `![](…)` renders as `alt=""`, which HTML reads as "decorative": valid, and some sites
        # write it on purpose; a site that describes every image says so in its profile.
        "describe-every-image": Option(
            False, "also report Markdown images with empty alt text (`![](…)`)", house="describe-every-image"
        ),
    },
)
def check(post, options):
    text = post.text
    problems = []
    for tag in _img_tags(post):
        if not tag.terminated or tag.attribute("alt") is not None or not tag.attributes:
            continue  # a bare `<img>` loads nothing: a tag named in prose ("tags <img> usando"), not an image
        if not structure(post).skip(tag):  # the structure only for an image without alt: most posts have none
            source = tag.attribute("src")
            shown = f" (`{_short(source.value)}`)" if source is not None and source.value else ""
            problems.append(
                Problem(
                    tag.start,
                    tag.name_end,
                    f"`<img>`{shown} has no `alt`: screen readers, search engines and readers whose images "
                    'do not load get nothing. Describe the image in `alt="…"` (`alt=""` if it is decorative)',
                )
            )
    if options["describe-every-image"] and "![" in text:
        for start, end in markdown_text_spans(post):
            problems.extend(_markdown_images(text, start, end))
    problems.sort(key=lambda problem: (problem.start, problem.end))
    yield from problems


def _img_tags(post):
    """The ``<img>`` start tags, found from the text rather than by walking every token: a tag's
    token starts at its ``<``, and its name is ASCII letters lowercased."""
    tokens = post.html.tokens
    for match in _IMG.finditer(post.text, post.body_start):
        index = bisect_left(tokens, match.start(), key=token_start)
        if index < len(tokens):
            tag = tokens[index]
            if type(tag) is Tag and tag.start == match.start() and tag.name == "img":
                yield tag


def _markdown_images(text: str, floor: int, limit: int):
    position = text.find("![", floor, limit)
    while position != -1:
        close = position + 2
        while close < limit and text[close] in " \t":
            close += 1
        if (
            close + 1 < limit
            and text[close] == "]"
            and text[close + 1] in "(["
            and not _escaped(text, position, floor)
        ):
            yield Problem(
                position,
                close + 1,
                "Markdown image with empty alt text: screen readers, search engines and readers whose images "
                "do not load get nothing. Describe the image between the brackets: `![description](…)`",
            )
        position = text.find("![", position + 2, limit)


def _escaped(text: str, position: int, floor: int) -> bool:
    backslashes = 0
    while position - backslashes - 1 >= floor and text[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _short(url: str) -> str:
    return url if len(url) <= 60 else url[:28] + "…" + url[-28:]
