"""MK009 document-tags: ``<html>``, ``<head>``, ``<body>``, ``<title>`` or ``<!DOCTYPE>`` in a post.

A post is a fragment that the site's layout puts inside its own ``<body>``: these tags are pasted
from a whole HTML page. Browsers drop the stray structure tags, and a ``<title>`` in the body is
hidden. The fix removes the tags and keeps what is between them (a ``<title>``'s text then shows).
"""

from __future__ import annotations

import re

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.html import Declaration
from postlint.rule import FixAvailability, rule
from postlint.rules.markup._structure import DOCUMENT_ELEMENTS, joins_markup, line_or_tag, structure
from postlint.visible import edit_changes

_TAGS = re.compile(r"<[^<>]*>")
_SPACED_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f\uac00-\ud7a3]")  # scripts that put spaces between words
_WHY = {
    "html": "the site's layout already has one",
    "head": "the site's layout already has one; what is inside it belongs in the front matter or layout",
    "body": "the site's layout already has one",
    "title": "browsers hide a `<title>` in the body; the post's title belongs in the front matter",
}


@rule(
    code="MK009",
    name="document-tags",
    summary="`<html>`, `<head>`, `<body>`, `<title>` or `<!DOCTYPE>` inside a post",
    fix=FixAvailability.SOMETIMES,
    safety=Safety.UNSAFE,
)
def check(post, options):
    facts = structure(post)
    text = post.text
    html = post.html
    problems = []
    for element in html.elements:
        tag = element.start_tag
        if element.name not in DOCUMENT_ELEMENTS or facts.skip(tag):
            continue
        if _in_prose(text, tag):
            problems.append(_mentioned(text, tag))
            continue
        edits = [Edit.delete(*line_or_tag(text, tag.start, tag.end))]
        end_tag = element.end_tag
        if end_tag is not None and not facts.skip(end_tag):
            edits.append(Edit.delete(*line_or_tag(text, end_tag.start, end_tag.end)))
        keep = "its text" if element.name == "title" else "what is inside it"
        fix = _fix(post, f"remove `<{element.name}>`", edits)
        if element.name == "title" and (end_tag is None or "<" in text[tag.end : end_tag.start]):
            fix = None  # a <title> left open hides the rest of the post: where it should end is a guess
        problems.append(
            Problem(
                tag.start,
                tag.end,
                f"`<{element.name}>` does not belong in a post: {_WHY[element.name]}. "
                f"Remove the tags and keep {keep}",
                fix,
            )
        )
    for tag in html.stray_end_tags:
        if tag.name in DOCUMENT_ELEMENTS and not facts.skip(tag):
            if _in_prose(text, tag):
                problems.append(_mentioned(text, tag))
                continue
            problems.append(
                Problem(
                    tag.start,
                    tag.end,
                    f"`</{tag.name}>` does not belong in a post (and nothing here opens `<{tag.name}>`); remove it",
                    _fix(post, f"remove `</{tag.name}>`", [Edit.delete(*line_or_tag(text, tag.start, tag.end))]),
                )
            )
    for token in html.tokens:
        if type(token) is Declaration and token.kind == "doctype":
            problems.append(
                Problem(
                    token.start,
                    token.end,
                    "`<!DOCTYPE>` does not belong in a post: the site's layout declares the document type; remove it",
                    _fix(post, "remove `<!DOCTYPE>`", [Edit.delete(*line_or_tag(text, token.start, token.end))]),
                )
            )
    problems.sort(key=lambda problem: (problem.start, problem.end))
    yield from _declared(post, problems)


def _in_prose(text: str, tag) -> bool:
    """``スクリプトは</body>の直前に``: the tag's name is written in a sentence, with words on its
    line before and after it and no other tag right next to it, not pasted markup. Glued to a
    Hangul or Latin word on both sides (``가격</html>은``) it splits a word: pasted, not named."""
    before_char = text[tag.start - 1] if tag.start > 0 else "\n"
    after_char = text[tag.end] if tag.end < len(text) else "\n"
    if before_char == ">" or after_char == "<":
        return False
    if _SPACED_WORD.match(before_char) and _SPACED_WORD.match(after_char):
        return False
    line_start = text.rfind("\n", 0, tag.start) + 1
    line_end = text.find("\n", tag.end)
    line_end = len(text) if line_end == -1 else line_end
    before = _TAGS.sub("", text[line_start : tag.start])
    after = _TAGS.sub("", text[tag.end : line_end])
    return any(char.isalpha() for char in before) and any(char.isalpha() for char in after)


def _mentioned(text: str, tag) -> Problem:
    written = text[tag.start : tag.end]
    escaped = written.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Problem(
        tag.start,
        tag.end,
        f"`{written}` is written in the text, but browsers read it as a tag and readers never see it; "
        f"write `{escaped}` to show it",
        Fix.safe(f"write `{escaped}`", Edit(tag.start, tag.end, escaped), adds=written),
    )


def _fix(post, title: str, edits: list[Edit]) -> Fix | None:
    edits = _merge(edits)
    if any(joins_markup(post.text, edit.start, edit.end) for edit in edits):
        return None
    return Fix.unsafe(title, *edits)


def _declared(post, problems: list[Problem]) -> list[Problem]:
    """The fixes declare what shows once the tags are gone: a ``<title>``'s text, Markdown that an
    ``<html><body>`` line held in an HTML block and that renders now. Together, since one tag's
    removal alone may change nothing (``<body>`` still opens the block); rare enough to work out
    by reading the post as it would be."""
    removals = [problem for problem in problems if problem.fix is not None and problem.fix.safety is Safety.UNSAFE]
    if not removals:
        return problems
    removes, adds = edit_changes(post, _merge([edit for problem in removals for edit in problem.fix.edits]))
    for problem in removals:
        problem.fix = Fix.unsafe(problem.fix.title, *problem.fix.edits, removes=removes, adds=adds)
    return problems


def _merge(edits: list[Edit]) -> list[Edit]:
    """Two deletions that touch (a tag and its end tag on one line) become one."""
    edits.sort(key=lambda edit: (edit.start, edit.end))
    merged = [edits[0]]
    for edit in edits[1:]:
        if edit.start <= merged[-1].end:
            merged[-1] = Edit.delete(merged[-1].start, max(merged[-1].end, edit.end))
        else:
            merged.append(edit)
    return merged


