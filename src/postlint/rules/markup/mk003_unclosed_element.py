"""MK003 unclosed-element: an element that needs an end tag and never gets one.

Elements whose end tag HTML lets you omit (``p``, ``li``, ``td`` …) are not reported. The fix
inserts the end tag where the element is closed implicitly now — before its parent's end tag,
at the end of its Markdown paragraph, or at the end of the file — so the element keeps the
content a browser gives it, and stops there. It is offered only when that spot is unambiguous.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.html import OPTIONAL_END, PHRASING_ELEMENTS, Declaration, Text
from postlint.markdown import TEXT
from postlint.rule import FixAvailability, rule
from postlint.rules.markup._structure import DOCUMENT_ELEMENTS, FORMATTING_ELEMENTS, structure
from postlint.visible import edit_changes, visible_between

_TAG_AT = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*")
_TAG_NAME = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())


@rule(
    code="MK003",
    name="unclosed-element",
    summary="an element that needs an end tag is never closed",
    fix=FixAvailability.SOMETIMES,
    safety=Safety.SAFE,
)
def check(post, options):
    facts = structure(post)
    text = post.text
    # An element whose end tag kramdown printed because something inside it is still open: the
    # end tag is there (MK005 reports it, or the inner element here).
    blocked = {id(element) for element, _ in facts.blocked_strays.values()}
    reported = [
        item
        for item in post.html.unclosed
        if not facts.skip(item.element.start_tag)
        and id(item.element) not in facts.closed_before_blocked
        and id(item.element) not in blocked
        and item.element.name not in DOCUMENT_ELEMENTS
        # HTML lets a <p> or <li> go without its end tag; where kramdown adds one, browsers close
        # the element where they would have anyway (an end tag it prints is MK005's).
        and not (item.reason == "renderer" and item.element.name in OPTIONAL_END)
        and not _empty_self_closed(text, item)
        and not facts.explains_unclosed(item.element.name, item.element.start_tag.end, item.at)
    ]
    if not reported:
        return
    lines = post.lines
    context = _Context(post)
    typos = _typos(text, reported, post.markdown.closings)
    merged = {id(outer) for outer in typos.values()}
    for item in reported:
        element = item.element
        tag = element.start_tag
        name = element.name
        if id(element) in merged:
            continue  # reported with the `<b>` that was meant as `</b>`
        outer = typos.get(id(element))
        if outer is not None:
            yield Problem(
                tag.start,
                tag.end,
                f"`{text[tag.start:tag.end]}` opens a second `<{name}>` where `</{name}>` was meant: the "
                f"`<{name}>` of line {lines.line_of(outer.start_tag.start)} is never closed; write `</{name}>`",
                _typo_fix(post, tag, name, item.at),
            )
            continue
        later = facts.block_strays.get(id(element))
        if later is not None:
            yield Problem(
                tag.start,
                tag.end,
                f"`<{name}>` runs past the end of its paragraph (its `</{name}>` is at line "
                f"{lines.line_of(later.start)}): Markdown closes it at the blank line; close `<{name}>` "
                "in each paragraph",
            )
            continue
        where = _closed_where(text, lines, item)
        carry = (
            f"; browsers carry `<{name}>` on into the text that follows"
            if name in FORMATTING_ELEMENTS and item.reason in ("parent", "implied")
            else ""
        )
        yield Problem(
            tag.start,
            tag.end,
            f"`<{name}>` is never closed: {where} closes it implicitly{carry}. Add `</{name}>` where it should end",
            _fix(post, item, context),
        )


def _typo_fix(post, tag, name: str, closed_at: int) -> Fix:
    edit = Edit.insert(tag.start + 1, "/")
    removes = adds = ""
    if post.markdown.markup is not None:
        # kramdown places the end tags after it once the element is closed: a `</p>` it printed
        # as text is gone.
        removes, adds = edit_changes(post, [edit])
    return Fix.safe(
        f"turn `<{name}>` into `</{name}>`",
        edit,
        removes=removes,
        adds=adds,
        restyles=visible_between(post, tag.end, closed_at),  # the text after it is no longer bold
    )


def _closed_where(text, lines, item) -> str:
    line = lines.line_of(item.at)
    if item.reason == "eof":
        return "the end of the file"
    if item.reason == "block":
        return f"the end of the paragraph (line {lines.line_of(max(item.element.start_tag.start, item.at - 1))})"
    closer = _TAG_AT.match(text, item.at)
    written = f"`{closer.group()}>`" if closer else "its parent"
    return f"{written} at line {line}"


def _empty_self_closed(text: str, item) -> bool:
    """``<span style="clear: both" /></p>``: browsers ignore the ``/`` and keep the element open,
    but nothing comes before its parent closes it, so nothing is carried anywhere."""
    tag = item.element.start_tag
    return tag.self_closing and not _TAG_OR_SPACE.sub("", text[tag.end : item.at])


_TAG_OR_SPACE = re.compile(r"<[^<>]*>|\s+")


def _typos(text, reported, closings) -> dict[int, object]:
    """``<b>…<b></p>``, ``<strong>Free Shipping:<strong> on all orders</p>``: an attribute-less
    formatting element with no elements inside, opened right after text (not after a space:
    `<b> 태그를 제거` names the tag in prose) inside an unclosed one of its name and closed at the
    same place, is the end tag the writer meant. Maps id(inner) to the outer element."""
    found = {}
    closed_at = {id(item.element): item.at for item in reported}
    for item in reported:
        inner = item.element
        parent = inner.parent
        if parent is None or parent.name != inner.name:
            continue
        # kramdown warns of the innermost element only; it closes the outer one quietly.
        outer_at = closed_at.get(id(parent), closings.get(parent.start_tag.start, (None,))[0])
        tag = inner.start_tag
        if (
            outer_at != item.at
            or inner.name not in FORMATTING_ELEMENTS
            or tag.attributes
            or tag.self_closing
            or inner.children
            or not text[parent.start_tag.end : tag.start].strip()
            or text[tag.start - 1].isspace()
            or parent in found.values()
        ):
            continue
        found[id(inner)] = parent
    return found


class _Context:
    """What the fixes look up, built once per post: the elements closed implicitly at each
    offset (a stack slice, so a parent chain, outermost first) and the Markdown text blocks."""

    MAX_INSIDE = 16  # more elements left open at one place: no fix, the markup is too broken to guess

    def __init__(self, post):
        self.chains: dict[int, list] = {}
        for element in post.html.elements:
            if element.closed_by in ("implied", "parent", "block", "eof"):
                self.chains.setdefault(element.close, []).append(element)
        self.position: dict[int, int] = {}
        for chain in self.chains.values():
            chain.sort(key=lambda element: element.start_tag.start)
            for index, element in enumerate(chain):
                self.position[id(element)] = index
        self.text_starts = [block.start for block in post.markdown.blocks if block.kind == TEXT]
        # Where kramdown closes elements itself, warned or not; those whose end tag HTML lets
        # one omit (<p>, <li> …) do not tangle anything.
        text = post.text
        self.renderer_closings = Counter(
            at
            for start, (at, _) in post.markdown.closings.items()
            if (name := _TAG_NAME.match(text, start)) is not None and name.group(1).lower() not in OPTIONAL_END
        )

    def open_inside(self, element) -> list | None:
        """Elements still open inside ``element`` when it was closed (None: too many)."""
        chain = self.chains.get(element.close, [])
        if len(chain) > self.MAX_INSIDE:
            return None  # all or none: closing only the innermost ones would take many passes
        return chain[self.position.get(id(element), len(chain)) + 1 :]

    def markdown_between(self, start: int, end: int) -> bool:
        """A Markdown text block starts between the start tag and the insertion point: the
        element spans rendered Markdown, and where it should end is a guess."""
        index = bisect_right(self.text_starts, start)
        return index < len(self.text_starts) and self.text_starts[index] < end


def _fix(post, item, context: _Context) -> Fix | None:
    """Insert the end tag (and those of elements left open inside it) where it is closed now."""
    text = post.text
    element = item.element
    if item.reason == "renderer" and context.renderer_closings[item.at] > 1:
        return None  # kramdown closes several elements there: the tags are tangled, see them by hand
    if element.name in _HEADINGS:
        heading = _heading_end(post, element)
        if heading is not None:
            return heading
    at = len(text) if item.reason == "eof" else item.at
    while at > element.start_tag.end and text[at - 1] in " \t\r\n":
        at -= 1
    inside = context.open_inside(element)
    if inside is None or any(child.name not in PHRASING_ELEMENTS for child in inside):
        return None  # a block or a paragraph is open inside it: where it should end is a guess
    if element.name not in PHRASING_ELEMENTS and not _same_block(post, element.start_tag.start, at):
        return None
    if element.name in _HEADINGS and _holds_blocks(element):
        return None  # "<h2>Title⏎⏎<p>…": the heading should have ended long before
    if context.markdown_between(element.start_tag.start, at) or not _insertable(text, post.html.tokens, at):
        return None
    closing = "".join(f"</{child.name}>" for child in reversed(inside)) + f"</{element.name}>"
    carried = item.reason in ("parent", "implied", "block") and any(e.name in FORMATTING_ELEMENTS for e in (element, *inside))
    # Browsers carry a formatting element on past its parent's end (or its paragraph's) into the
    # text that follows: ending it where it is closed now keeps this paragraph as it is and stops
    # the leak, which restyles what follows.
    after = visible_between(post, item.at, len(text)) if carried else ""
    return Fix.safe(f"insert `{closing}`", Edit.insert(at, closing), restyles=after)


def _heading_end(post, element) -> Fix | None:
    """``<h3>제목⏎<p>본문…``: the heading's text ends where its first block begins; end it there.
    Everything after it stops being part of the heading (restyled: smaller, not bold)."""
    text = post.text
    first_block = next((child for child in element.children if child.name not in PHRASING_ELEMENTS), None)
    if first_block is None:
        return None
    at = first_block.start_tag.start
    while at > element.start_tag.end and text[at - 1] in " \t\r\n":
        at -= 1
    if not text[element.start_tag.end : at].strip():
        return None  # no heading text before the block: where the heading ends is a guess
    before = [child for child in element.children if child.start_tag.start < at]
    if any(child.end_tag is None or child.close > at for child in before):
        return None  # an inline element runs on past the heading's text
    if not _same_block(post, element.start_tag.start, at) or not _insertable(text, post.html.tokens, at):
        return None
    end = element.close if element.close >= 0 else len(text)
    closing = f"</{element.name}>"
    return Fix.safe(f"insert `{closing}` after the heading's text", Edit.insert(at, closing), restyles=visible_between(post, at, end))


def _holds_blocks(element, budget: int = 5000) -> bool:
    stack = list(element.children)
    while stack and budget:
        budget -= 1
        child = stack.pop()
        if child.name not in PHRASING_ELEMENTS:
            return True
        stack.extend(child.children)
    return bool(stack)


def _insertable(text: str, tokens, at: int) -> bool:
    """A tag inserted at ``at`` would be read as a tag: not inside a comment, code or another tag."""
    low, high = 0, len(tokens)
    while low < high:  # the last token starting before ``at``
        middle = (low + high) // 2
        if tokens[middle].start < at:
            low = middle + 1
        else:
            high = middle
    if low == 0:
        return True
    token = tokens[low - 1]
    kind = type(token)
    if kind is Text:
        return not token.code
    if token.end != at:
        return False
    if kind is Declaration:
        return text[at - 1] == ">"
    return token.terminated


def _same_block(post, start: int, end: int) -> bool:
    blocks = post.markdown
    first = blocks.block_at(start)
    last = blocks.block_at(max(start, end - 1))
    return first is not None and first is last


