"""MK005 stray-end-tag: an end tag with no open element of its name to close."""

from __future__ import annotations

import re

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.rule import FixAvailability, rule
from postlint.rules.markup._structure import DOCUMENT_ELEMENTS, line_or_tag, structure

_TAG_AT = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*")


@rule(
    code="MK005",
    name="stray-end-tag",
    summary="an end tag with no open element to close",
    fix=FixAvailability.ALWAYS,
    safety=Safety.SAFE,
)
def check(post, options):
    facts = structure(post)
    html = post.html
    paired = {id(tag) for tag in facts.block_strays.values()}
    text = post.text
    lines = post.lines
    for tag in html.stray_end_tags:
        if facts.skip(tag) or id(tag) in facts.explained_strays or id(tag) in paired:
            continue
        if tag.name in DOCUMENT_ELEMENTS:
            continue  # MK009's
        last = _last_closed_implicitly(html.elements, tag)
        if last is None:
            history = f"no `<{tag.name}>` is open here"
        else:
            closer = _TAG_AT.match(text, last.close)
            by = f"`{closer.group()}>`" if closer else "its parent"
            history = (
                f"the `<{tag.name}>` of line {lines.line_of(last.start_tag.start)} was already closed "
                f"by {by} at line {lines.line_of(last.close)}"
            )
        effect = "browsers turn it into an empty paragraph" if tag.name == "p" else "browsers ignore it"
        edits = [Edit.delete(*line_or_tag(text, tag.start, tag.end))]
        title = f"remove the stray `</{tag.name}>`"
        if last is not None and _empty_wrapper(text, last, facts):
            # "<p><hr></p>": the <p> was meant to wrap what closed it; drop the empty wrapper too.
            start_tag = last.start_tag
            edits.append(Edit.delete(*line_or_tag(text, start_tag.start, start_tag.end)))
            title = f"remove the empty `<{tag.name}>` wrapper"
        yield Problem(
            tag.start,
            tag.end,
            f"`{text[tag.start:tag.end]}` closes nothing: {history}; {effect}. Remove it",
            Fix.safe(title, *edits),
        )


def _empty_wrapper(text, element, facts) -> bool:
    """The element closed before any content, by the start or end tag right after its start tag."""
    start_tag = element.start_tag
    return (
        not element.children
        and element.closed_by in ("implied", "parent")
        and not facts.skip(start_tag)
        and not text[start_tag.end : element.close].strip()
    )


def _last_closed_implicitly(elements, tag):
    """The element of the stray's name most recently closed without its end tag: the one meant."""
    best = None
    for element in elements:
        if element.start_tag.start >= tag.start:
            break
        if element.name == tag.name and element.closed_by != "end-tag" and 0 <= element.close <= tag.start:
            if best is None or element.close >= best.close:
                best = element
    return best
