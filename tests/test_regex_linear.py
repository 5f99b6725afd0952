"""No regular expression in postlint backtracks super-linearly on adversarial input.

Every compiled pattern in the package is run as the code uses it (``finditer`` over the whole
string when the code scans with it, ``match`` at the start in any case) on inputs built to make backtracking engines stumble: long runs
of one character, repeated near-matches, unterminated constructs. Growing an input four times
must grow the time about four times, not sixteen; the bound leaves room for a noisy machine.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import time

import pytest

import postlint

SMALL, LARGE = 1_500, 6_000  # LARGE / SMALL = 4: linear is ~4x, quadratic ~16x
MAX_GROWTH = 9.0


def _patterns() -> list[tuple[str, re.Pattern, bool]]:
    """Every module-level pattern, and whether the code scans with it (search, finditer, …)
    rather than only matching it at a chosen position."""
    found = {}
    sources = []
    for module_info in pkgutil.walk_packages(postlint.__path__, "postlint."):
        module = importlib.import_module(module_info.name)
        sources.append(inspect.getsource(module))
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found.setdefault(id(value), (f"{module_info.name}.{name}", name, value))
    code = "\n".join(sources)
    patterns = []
    for qualified, name, pattern in found.values():
        scans = re.search(rf"\b{re.escape(name)}\.(?:search|finditer|findall|sub|subn|split)\(", code) is not None
        patterns.append((qualified, pattern, scans))
    return sorted(patterns, key=lambda item: item[0])


# Units repeated n times, with what surrounds them.
ADVERSARIAL = [
    ("", "*", ""),
    ("", "**a", ""),
    ("", "* ", "x"),
    ("", "_", "a"),
    ("", "`", ""),
    ("", "<", ""),
    ("<a", " b=c", ""),
    ("<a", ' b="c"', ""),
    ("<a", " b", " "),
    ("<", "a", ""),
    ("</", "b", ""),
    ("<!--", "-", ""),
    ("", "{%", ""),
    ("", "{{", ""),
    ("", " ", "x"),
    ("", "\t", "x"),
    ("", "a ", "!"),
    ("", "가", ":"),
    ("출처", ":", ""),
    ("", "&#", ""),
    ("", "&amp", ""),
    ("color:", " #", ""),
    ("", "a;", ""),
    ("", "-\n", ""),
    ("", "\n", "x"),
    ("", "[", ""),
    ("[a](", " ", ""),
    ("", "a@", ""),
    ("https://", "a", " "),
    ("", "1. ", ""),
    ("", "(", ""),
    ("", "'", ""),
    ('"', "a", ""),
]


def _cost(pattern: re.Pattern, text: str, scans: bool) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        if scans:
            for _ in pattern.finditer(text):
                pass
        pattern.match(text)
        best = min(best, time.perf_counter() - started)
    return best


PATTERNS = _patterns()


@pytest.mark.parametrize("name, pattern, scans", PATTERNS, ids=[name for name, _, _ in PATTERNS])
def test_pattern_is_linear(name, pattern, scans):
    if isinstance(pattern.pattern, bytes):
        pytest.skip("byte patterns do not scan post text")
    worst = None
    for prefix, unit, suffix in ADVERSARIAL:
        small = _cost(pattern, prefix + unit * SMALL + suffix, scans)
        large = _cost(pattern, prefix + unit * LARGE + suffix, scans)
        if large < 0.004:  # too fast to be a problem, or to measure
            continue
        growth = large / max(small, 1e-6)
        if worst is None or growth > worst[0]:
            worst = (growth, repr(unit), large)
    assert worst is None or worst[0] < MAX_GROWTH, f"{name}: {worst[2]:.3f}s, {worst[0]:.1f}x for 4x input of {worst[1]}"
