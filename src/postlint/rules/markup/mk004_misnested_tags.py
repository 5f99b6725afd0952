"""MK004 misnested-tags: end tags in the wrong order (``<b><span>…</b></span>``), or an end tag
naming another element than the one it closes (``<h3>…</h2>``).

Fixes keep what a browser shows. Adjacent end tags are swapped. When text lies between them, the
inner end tag moves before the outer one if the inner element is not a formatting element
(a browser closes it at the outer end tag and never re-opens it); for a formatting inner element
(which a browser re-opens for the text in between) the two start tags are swapped instead, when
they are adjacent. A mismatched end tag is renamed when both names are headings or both are
inline (phrasing) elements.
"""

from __future__ import annotations

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.html import PHRASING_ELEMENTS
from postlint.rule import FixAvailability, rule
from postlint.rules.markup._structure import DOCUMENT_ELEMENTS, FORMATTING_ELEMENTS, joins_markup, structure

_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())


@rule(
    code="MK004",
    name="misnested-tags",
    summary="end tags in the wrong order (`<b><span>…</b></span>`), or an end tag closing another "
    "element (`<h3>…</h2>`)",
    fix=FixAvailability.SOMETIMES,
    safety=Safety.SAFE,
)
def check(post, options):
    facts = structure(post)
    text = post.text
    html = post.html

    groups: dict[int, list] = {}
    for item in html.misnested:
        tags = (item.outer.start_tag, item.inner.start_tag, item.outer_end, item.inner_end)
        if any(facts.skip(tag) for tag in tags):
            continue
        if item.outer.name in DOCUMENT_ELEMENTS or item.inner.name in DOCUMENT_ELEMENTS:
            continue
        groups.setdefault(id(item.outer_end), []).append(item)

    problems = []
    for group in groups.values():
        group.sort(key=lambda item: item.inner.start_tag.start)
        fix = _group_fix(text, group)
        if fix is None and len(group) == 1:
            fix = _single_fix(text, group[0])
        outer, outer_end = group[0].outer, group[0].outer_end
        if len(group) == 1:
            inner, inner_end = group[0].inner, group[0].inner_end
            still_open = (
                f"`<{inner.name}>` (line {post.lines.line_of(inner.start_tag.start)}) is still open inside it; "
                f"its `</{inner.name}>` comes later (line {post.lines.line_of(inner_end.start)})"
            )
            advice = f"Close `<{inner.name}>` first"
        else:
            names = ", ".join(f"`<{item.inner.name}>`" for item in group)
            still_open = f"{names} are still open inside it; their end tags come later"
            advice = "Close them first"
        problems.append(
            Problem(
                outer_end.start,
                outer_end.end,
                f"`{text[outer_end.start:outer_end.end]}` closes `<{outer.name}>` while {still_open}. {advice}",
                fix,
            )
        )

    for item in html.mismatched:
        element, end_tag = item.element, item.end_tag
        if facts.skip(end_tag) or facts.skip(element.start_tag):
            continue
        if element.name in DOCUMENT_ELEMENTS or end_tag.name in DOCUMENT_ELEMENTS:
            continue
        written = text[element.start_tag.start + 1 : element.start_tag.name_end]
        fix = None
        if _renamable(element.name, end_tag.name) and not end_tag.glued:
            fix = Fix.safe(
                f"rename `</{end_tag.name}>` to `</{element.name}>`",
                Edit(end_tag.start + 2, end_tag.name_end, written),
            )
        problems.append(
            Problem(
                end_tag.start,
                end_tag.end,
                f"`{text[end_tag.start:end_tag.end]}` has no `<{end_tag.name}>` to close; the open element is "
                f"`<{element.name}>` (line {post.lines.line_of(element.start_tag.start)}). Write `</{element.name}>`",
                fix,
            )
        )
    problems.sort(key=lambda problem: (problem.start, problem.end))
    yield from problems


def _renamable(open_name: str, end_name: str) -> bool:
    if open_name in _HEADINGS and end_name in _HEADINGS:
        return True  # browsers close any open heading at any heading end tag: same rendering
    return open_name in PHRASING_ELEMENTS and end_name in PHRASING_ELEMENTS


def _group_fix(text: str, group) -> Fix | None:
    """``</b></i></span>`` right after one another: rewrite the run in nesting order."""
    outer_end = group[0].outer_end
    run = sorted([item.inner_end for item in group], key=lambda tag: tag.start)
    position = outer_end.end
    for tag in run:
        if tag.start != position:
            return None
        position = tag.end
    inner_first = sorted(group, key=lambda item: item.inner.start_tag.start, reverse=True)
    content = "".join(text[item.inner_end.start : item.inner_end.end] for item in inner_first)
    content += text[outer_end.start : outer_end.end]
    return Fix.safe("put the end tags in nesting order", Edit(outer_end.start, position, content))


def _single_fix(text: str, item) -> Fix | None:
    outer, inner = item.outer, item.inner
    outer_end, inner_end = item.outer_end, item.inner_end
    inner_text = text[inner_end.start : inner_end.end]
    if (
        inner.name in PHRASING_ELEMENTS
        and inner.name not in FORMATTING_ELEMENTS
        and not joins_markup(text, inner_end.start, inner_end.end)
    ):
        # A browser closes the inner element at the outer end tag and never re-opens it.
        return Fix.safe(
            f"move `</{inner.name}>` before `</{outer.name}>`",
            Edit.insert(outer_end.start, inner_text),
            Edit.delete(inner_end.start, inner_end.end),
        )
    outer_start, inner_start = outer.start_tag, inner.start_tag
    if (
        inner.name in FORMATTING_ELEMENTS
        and outer.name in PHRASING_ELEMENTS
        and outer_start.end == inner_start.start
    ):
        # A browser re-opens the inner formatting element for the text after the outer end tag:
        # opening it first gives the same rendering, properly nested.
        return Fix.safe(
            f"open `<{inner.name}>` before `<{outer.name}>`",
            Edit(
                outer_start.start,
                inner_start.end,
                text[inner_start.start : inner_start.end] + text[outer_start.start : outer_start.end],
            ),
        )
    return None
