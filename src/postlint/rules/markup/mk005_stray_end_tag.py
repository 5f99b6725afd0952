"""MK005 stray-end-tag: an end tag with no open element of its name to close."""

from __future__ import annotations

import re
from bisect import bisect_left

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.html import KNOWN_ELEMENTS, PHRASING_ELEMENTS, Comment, Tag, Text, token_start
from postlint.rule import FixAvailability, rule
from postlint.rules.markup._structure import (
    DOCUMENT_ELEMENTS,
    FORMATTING_ELEMENTS,
    closable_before,
    joins_markup,
    line_or_tag,
    structure,
)
from postlint.visible import edit_changes, visible_between

_TAG_AT = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*")
_LIST_ELEMENTS = frozenset(("ul", "ol", "li"))
_LIST_ITEM = re.compile(r"[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S")


@rule(
    code="MK005",
    name="stray-end-tag",
    summary="an end tag with no open element to close",
    fix=FixAvailability.SOMETIMES,
    safety=Safety.SAFE,
)
def check(post, options):
    html = post.html
    if html.shown:
        yield from _printed_strays(post)
    if not html.stray_end_tags:
        return
    facts = structure(post)
    paired = {id(tag) for tag in facts.block_strays.values()}
    text = post.text
    meant = _meant_for(html.elements, html.stray_end_tags)
    strays = {id(tag) for tag in html.stray_end_tags}
    for tag in html.stray_end_tags:
        if facts.skip(tag) or id(tag) in facts.explained_strays or id(tag) in paired:
            continue
        if tag.name in DOCUMENT_ELEMENTS:
            continue  # MK009's
        last = meant.get(id(tag))
        if last is not None and last.name in FORMATTING_ELEMENTS and last.closed_by in ("parent", "implied", "block"):
            # Browsers reopen a formatting element its parent's end closed: this end tag closes
            # the reopened one, and removing it would let the formatting run on (MK003's problem).
            continue
        after_list = last is None and tag.name in _LIST_ELEMENTS and _after_markdown_list(text, tag.start)
        if after_list:
            history = (
                f"the list above is Markdown (`- …`), for which the renderer writes its own `<{tag.name}>`…`</{tag.name}>`, "
                "and this line only ends it"
            )
        elif last is None:
            history = f"no `<{tag.name}>` is open here"
        else:
            closer = _TAG_AT.match(text, last.close)
            by = f"`{closer.group()}>`" if closer else "its parent"
            history = (
                f"the `<{tag.name}>` of line {post.lines.line_of(last.start_tag.start)} was already closed "
                f"by {by} at line {post.lines.line_of(last.close)}"
            )
        leaves_container = tag.name == "div" and last is None
        if tag.name == "p":
            effect = "browsers turn it into an empty paragraph"
        elif leaves_container:
            # The site's layout wraps the post in its own <div>s: this one closes one of them.
            effect = (
                "on the site's page the post sits inside the layout's own `<div>`s, and browsers close one "
                "of them here, so the rest of the post leaves its container (its width, font and spacing)"
            )
        else:
            effect = "browsers ignore it"
        edits = [Edit.delete(*line_or_tag(text, tag.start, tag.end))]
        title = f"remove the stray `</{tag.name}>`"
        if after_list:
            # The line ends the Markdown list; a blank line left in its place still does.
            edits = [Edit.delete(tag.start, tag.end)]
            title = f"replace `</{tag.name}>` with a blank line"
        if last is not None and _empty_wrapper(text, last, facts):
            # "<p><hr></p>": the <p> was meant to wrap what closed it; drop the empty wrapper too.
            start_tag = last.start_tag
            edits.append(Edit.delete(*line_or_tag(text, start_tag.start, start_tag.end)))
            title = f"remove the empty `<{tag.name}>` wrapper"
        restyles = visible_between(post, tag.end, len(text)) if leaves_container else ""
        fix = (
            None
            if any(joins_markup(text, edit.start, edit.end) for edit in edits)
            else Fix.safe(title, *edits, restyles=restyles)
        )
        if fix is not None and after_list:
            # The lines below, read as raw HTML until now, become a Markdown paragraph.
            fix = Fix.unsafe(title, *edits, restyles=restyles)
        if tag.name == "p" and _between_words(text, html.tokens, tag, strays):
            fix = None  # "일</p>정": the empty paragraph splits the words; removing it would join them
        if post.markdown.markup is not None:
            # kramdown passed this end tag on because it closes an element in its own reading
            # (it prints the end tags that close nothing): without it, kramdown would read the
            # rest of the post into that element. The nesting needs fixing by hand.
            fix = None
        advice = "Replace it with a blank line" if after_list else "Remove it"
        yield Problem(
            tag.start,
            tag.end,
            f"`{text[tag.start:tag.end]}` closes nothing: {history}; {effect}. {advice}",
            fix,
        )


def _printed_strays(post):
    """kramdown prints an end tag that closes nothing in its reading as text: the reader sees it."""
    facts = structure(post)
    text = post.text
    for tag in facts.shown_strays:
        if id(tag) in facts.explained_strays or tag.name in DOCUMENT_ELEMENTS:
            continue
        written = text[tag.start : tag.end]
        blocked = facts.blocked_strays.get(id(tag))
        if blocked is not None:
            if any(child.name in PHRASING_ELEMENTS for child in blocked[1]):
                continue  # a <b> left open inside blocks it: one defect, MK003's
            yield _blocked(post, tag, written, *blocked)
            continue
        start, end = line_or_tag(text, tag.start, tag.end)
        fix = None
        after_list = tag.name in _LIST_ELEMENTS and _after_markdown_list(text, tag.start)
        if not _glued_to_words(text, tag) and not joins_markup(text, start, end):
            # After a Markdown list, the lines below may join its last item once this one is gone.
            make = Fix.unsafe if after_list else Fix.safe
            fix = make(f"remove the stray `{written}`", Edit.delete(start, end), removes=written)
        why = "closes nothing"
        if after_list:
            why = "closes nothing (the list above is Markdown, for which kramdown writes its own tags)"
        yield Problem(
            tag.start,
            tag.end,
            f"`{written}` {why}, so kramdown prints it as text: readers see `{written}`. Remove it",
            fix,
        )


def _blocked(post, tag, written: str, element, inner) -> Problem:
    """``<center><p>…</center>``: kramdown closes an element only once everything opened inside
    it is closed, so it prints the end tag and keeps the element open."""
    lines = post.lines
    opened = f"the `<{tag.name}>` of line {lines.line_of(element.start_tag.start)}"
    if element.close >= 0:
        until = f"until line {lines.line_of(min(element.close, len(post.text)) - 1)}" if element.close > 0 else ""
    else:
        until = "to the end of the post"
    if not inner:
        return Problem(
            tag.start,
            tag.end,
            f"kramdown cannot place `{written}` (it is not in the block where {opened} was opened), so it prints "
            f"it as text: readers see `{written}`. Move it into that block, or remove it",
        )
    left_open = ", ".join(f"`<{child.name}>` (line {lines.line_of(child.start_tag.start)})" for child in inner)
    message = (
        f"`{written}` cannot close {opened} while {left_open} inside it is still open: kramdown prints "
        f"`{written}` as text and keeps the `<{tag.name}>` open {until}. Close "
        f"{'it' if len(inner) == 1 else 'them'} first"
    )
    fix = None
    if closable_before(inner):
        closing = "".join(f"</{child.name}>" for child in reversed(inner))
        edit = Edit.insert(tag.start, closing)
        removes, adds = edit_changes(post, [edit])
        gone, printed = "".join(removes.split()), "".join(written.split())
        if printed not in gone:
            return Problem(tag.start, tag.end, message)  # kramdown would still not place it: tangled
        # Safe when the reader just stops seeing the end tag; when kramdown then reads the rest
        # differently (Markdown it swallowed renders, typography changes), that is for a person
        # to look at.
        make = Fix.safe if gone == printed and not adds else Fix.unsafe
        fix = make(
            f"insert `{closing}` before `{written}`",
            edit,
            removes=removes,
            adds=adds,
            restyles=visible_between(post, tag.end, element.close if element.close >= 0 else len(post.text)),
        )
    return Problem(tag.start, tag.end, message, fix)


def _after_markdown_list(text: str, offset: int) -> bool:
    """A Markdown list item (``- …``, ``1. …``) on the lines just above, with no blank line between."""
    line_start = text.rfind("\n", 0, offset) + 1
    if text[line_start:offset].strip():
        return _LIST_ITEM.match(text, line_start) is not None
    position = line_start - 1
    for _ in range(50):
        if position <= 0:
            return False
        start = text.rfind("\n", 0, position) + 1
        line = text[start:position]
        if not line.strip():
            return False
        if _LIST_ITEM.match(line):
            return True
        position = start - 1
    return False


def _glued_to_words(text: str, tag) -> bool:
    """``일</p>정``: removing the tag would join the words around it."""
    return tag.start > 0 and text[tag.start - 1].isalnum() and tag.end < len(text) and text[tag.end].isalnum()


def _between_words(text: str, tokens, tag, strays: set[int]) -> bool:
    """A letter or digit is the nearest visible character on both sides; inline tags, comments
    and other stray end tags (removed too) in between do not separate words (``가격</b></p>은``
    reads 가격은 once the ``</p>`` is gone)."""
    index = bisect_left(tokens, tag.start, key=token_start)
    before = _nearest_visible(text, tokens, range(index - 1, -1, -1), True, strays)
    after = _nearest_visible(text, tokens, range(index + 1, len(tokens)), False, strays)
    return before.isalnum() and after.isalnum()


def _nearest_visible(text: str, tokens, indexes: range, backwards: bool, strays: set[int]) -> str:
    for index in indexes:
        token = tokens[index]
        kind = type(token)
        if kind is Comment or (kind is Tag and (token.name in PHRASING_ELEMENTS or token.name not in KNOWN_ELEMENTS or id(token) in strays)):
            continue
        if kind is not Text:
            return ""  # a block-level tag separates the words anyway
        chunk = text[token.start : token.end].strip(" \t*_")  # `*` and `_` may go too: not a separator
        if chunk:
            return chunk[-1] if backwards else chunk[0]
    return ""


def _empty_wrapper(text, element, facts) -> bool:
    """The element closed before any content, by the start or end tag right after its start tag."""
    start_tag = element.start_tag
    return (
        not element.children
        and element.closed_by in ("implied", "parent")
        and not facts.skip(start_tag)
        and not text[start_tag.end : element.close].strip()
    )


def _meant_for(elements, strays) -> dict:
    """For each stray end tag, the element of its name most recently closed without its end tag
    before it: the one it was meant for (one sweep over the elements in closing order)."""
    closed = sorted(
        (element for element in elements if element.closed_by not in ("end-tag", "") and element.close >= 0),
        key=lambda element: element.close,
    )
    latest: dict[str, object] = {}
    found = {}
    position = 0
    for tag in strays:
        while position < len(closed) and closed[position].close <= tag.start:
            latest[closed[position].name] = closed[position]
            position += 1
        if tag.name in latest:
            found[id(tag)] = latest[tag.name]
    return found
