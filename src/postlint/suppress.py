"""Suppression comments in the body.

``<!-- postlint-disable MK001,MK002 -->`` … ``<!-- postlint-enable -->``,
``<!-- postlint-disable-next-line MK001 -->`` and ``<!-- postlint-disable-file FM003 -->``;
no code means every rule. Codes may be given as prefixes (``MK``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from postlint.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from postlint.html import Comment

_DIRECTIVE = re.compile(
    r"\s*postlint-(?P<kind>disable-next-line|disable-file|disable|enable)\b(?P<codes>[^>]*)"
)
_CODE_SEPARATOR = re.compile(r"[\s,]+")
UNUSED_CODE = "PL100"


@dataclass(slots=True)
class Suppression:
    comment: Comment
    codes: tuple[str, ...]  # empty: every code
    start: int  # the span of text it covers
    end: int
    used: bool = False

    def covers(self, diagnostic: Diagnostic) -> bool:
        if not self.start <= diagnostic.start < self.end and not (diagnostic.start == diagnostic.end == self.end):
            return False
        return not self.codes or any(diagnostic.code.startswith(code) for code in self.codes)


@dataclass(slots=True)
class Suppressions:
    items: list[Suppression] = field(default_factory=list)

    def filter(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        kept = []
        for diagnostic in diagnostics:
            covering = [item for item in self.items if item.covers(diagnostic)]
            for item in covering:
                item.used = True
            if not covering:
                kept.append(diagnostic)
        return kept

    def unused(self, enabled_codes: set[str]) -> list[Diagnostic]:
        problems = []
        for item in self.items:
            if item.used:
                continue
            if item.codes and not any(code.startswith(prefix) for prefix in item.codes for code in enabled_codes):
                continue  # it names only rules that are not selected: it may serve another configuration
            named = ",".join(item.codes) if item.codes else "all rules"
            problems.append(
                Diagnostic(
                    UNUSED_CODE,
                    f"unused suppression ({named}): nothing here is reported; remove the comment",
                    item.comment.start,
                    item.comment.end,
                    Severity.WARNING,
                )
            )
        return problems


def find_suppressions(post) -> Suppressions:
    if "postlint-" not in post.text:  # spares the HTML parse when only front-matter rules run
        return Suppressions()
    from postlint.html import Comment  # here: a run answered from the cache never loads the parser
    comments = [token for token in post.html.tokens if type(token) is Comment and "postlint-" in post.text[token.start : token.end]]
    if not comments:
        return Suppressions()
    text = post.text
    lines = post.lines
    items: list[Suppression] = []
    open_ranges: list[Suppression] = []
    for comment in comments:
        match = _DIRECTIVE.match(text, comment.body_start, comment.body_end)
        if match is None:
            continue
        kind = match.group("kind")
        codes = tuple(code for code in _CODE_SEPARATOR.split(match.group("codes").strip()) if code)
        if kind == "disable-file":
            items.append(Suppression(comment, codes, 0, len(text) + 1))
        elif kind == "disable-next-line":
            line = lines.line_of(comment.end - 1) + 1
            if line <= lines.line_count:
                start, end = lines.line_span(line)
                items.append(Suppression(comment, codes, start, end + 1))
        elif kind == "disable":
            suppression = Suppression(comment, codes, comment.end, len(text) + 1)
            items.append(suppression)
            open_ranges.append(suppression)
        else:  # enable
            for suppression in list(open_ranges):
                if not codes or set(suppression.codes) <= set(codes) and suppression.codes:
                    suppression.end = comment.start
                    open_ranges.remove(suppression)
    return Suppressions(items)
