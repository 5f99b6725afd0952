"""What the writer meant by the `*` and `_` the reader sees — shared by MK001 and MK002.

Which delimiters the renderer turns into emphasis is the model's (``postlint.emphasis``). Here
runs are matched again with *relaxed* rules, what the writer meant: an opener is followed by a
non-space, a closer preceded by one, whatever the punctuation. Single delimiters glued to a letter
on the left (`김*수`) and `_` inside ASCII words (`snake_case`) are not openers, as no writer means
emphasis there. A relaxed pair whose delimiters all print literally is emphasis the writer wanted
and the reader sees as asterisks (MK002). A run that prints literally and stands alone between
spaces or tags is a stray asterisk (MK001).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from postlint.emphasis import Match, Run, delimiter_runs, is_whitespace, match_runs


@dataclass(slots=True)
class Analysis:
    runs: list[Run]
    unrendered: list[Match]  # relaxed pairs whose delimiters all stay literal: MK002
    claimed: set[int]  # offsets of the delimiters those pairs use


def relaxed_flags(run: Run) -> tuple[bool, bool]:
    before, after = run.before, run.after
    after_tag = run.start == run.segment.start and run.segment.after_tag
    before_tag = run.end == run.segment.end and run.segment.before_tag
    if not after_tag and not before_tag and _symbol(before) and _symbol(after):
        return False, False  # "-_-", "^_^", "-*-": a face or a mark, not a delimiter
    if (before == "/" and not after_tag) or (after == "/" and not before_tag):
        return False, False  # "/* … */": a comment in code
    can_open = not is_whitespace(after)
    can_close = not is_whitespace(before) or before == "\u00a0"  # editors pad with U+00A0
    if run.char == "_":
        can_open = can_open and not (before.isascii() and before.isalnum())
        can_close = can_close and not (after.isascii() and after.isalnum())
    if before.isalnum() and not after_tag:
        can_open = False  # "정**", "김*수": a masked name or a footnote mark glued to a word
    return can_open, can_close


def _symbol(char: str) -> bool:
    return char != "" and not char.isalnum() and not is_whitespace(char) and char not in "\r\n"


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def analyze(post) -> Analysis:
    cached = _CACHE.get(post)
    if cached is not None and cached[0] == len(post.text):
        return cached[1]
    all_runs: list[Run] = []
    unrendered: list[Match] = []
    for _, runs in delimiter_runs(post):
        all_runs.extend(runs)
        for match in match_runs(runs, relaxed_flags):
            if not (match.opener.rendered or match.closer.rendered) or _all_literal(match):
                unrendered.append(match)
    claimed = {
        offset
        for match in unrendered
        for offset in (*range(match.open_start, match.open_end), *range(match.close_start, match.close_end))
    }
    unrendered.sort(key=lambda match: (match.open_start, match.close_end))
    analysis = Analysis(all_runs, unrendered, claimed)
    _CACHE[post] = (len(post.text), analysis)
    return analysis


def _all_literal(match: Match) -> bool:
    rendered = {*match.opener.rendered, *match.closer.rendered}
    return not any(
        offset in rendered for offset in (*range(match.open_start, match.open_end), *range(match.close_start, match.close_end))
    )
