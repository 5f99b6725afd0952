"""FM005 duplicate-key: a top-level key given twice; YAML silently keeps only the last value."""

from __future__ import annotations

import yaml

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.rule import FixAvailability, rule

from ._common import load


@rule(
    code="FM005",
    name="duplicate-key",
    summary="a front-matter key is given more than once",
    fix=FixAvailability.SOMETIMES,
    safety=Safety.SAFE,
)
def check(post, options):
    front_matter = post.front_matter
    if front_matter is None or front_matter.error is not None or not front_matter.entries:
        return
    text = post.text
    seen = {}
    values: dict[int, object] = {}  # each entry's loaded value, loaded at most once
    for entry in front_matter.entries:
        earlier = seen.setdefault(entry.key, [])
        earlier.append(entry)
        if len(earlier) == 1:
            continue
        first, previous = earlier[0], earlier[-2]
        first_line = post.lines.line_of(first.key_start)
        if _same_value(text, previous, entry, values):
            fix = Fix.safe(
                f"delete the first `{entry.key}` entry (line {post.lines.line_of(previous.key_start)}), which has the same value",
                Edit.delete(previous.entry_start, previous.entry_end),
            )
            advice = "both have the same value: delete one of them"
        else:
            fix = None
            advice = "keep the value you want and delete the other entry"
        yield Problem(
            entry.key_start,
            entry.key_end,
            f"`{entry.key}` is given again (first on line {first_line}); YAML keeps only the last value and "
            f"silently drops the earlier one; {advice}",
            fix,
        )


def _same_value(text: str, one, other, values: dict) -> bool:
    left, right = _value(text, one, values), _value(text, other, values)
    return left is not _UNREADABLE and right is not _UNREADABLE and _identical(left, right)


_UNREADABLE = object()


def _value(text: str, entry, values: dict):
    """The entry's value as YAML loads it on its own (`_UNREADABLE` when it does not)."""
    if entry.entry_start not in values:
        try:
            loaded = load(text[entry.entry_start : entry.entry_end])
        except yaml.YAMLError:
            loaded = None
        ok = isinstance(loaded, dict) and len(loaded) == 1
        values[entry.entry_start] = next(iter(loaded.values())) if ok else _UNREADABLE
    return values[entry.entry_start]


def _identical(one, other) -> bool:
    """Equal and of the same types all the way down (YAML's `1` and `true` are not the same value)."""
    if type(one) is not type(other):
        return False
    if isinstance(one, list):
        return len(one) == len(other) and all(map(_identical, one, other))
    if isinstance(one, dict):
        return one.keys() == other.keys() and all(_identical(one[key], other[key]) for key in one)
    return one == other
