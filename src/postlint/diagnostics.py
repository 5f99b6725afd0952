"""Diagnostics and fixes as plain data: offsets into the post's text, never line numbers.

Values, never changed once made; not declared frozen because a frozen dataclass costs three times
as much to build, and a run builds one per problem and per cached problem."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Safety(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(slots=True, unsafe_hash=True)
class Edit:
    """Replace ``text[start:end]`` with ``content`` (an insertion when start == end)."""

    start: int
    end: int
    content: str = ""

    @classmethod
    def delete(cls, start: int, end: int) -> Edit:
        return cls(start, end, "")

    @classmethod
    def insert(cls, at: int, content: str) -> Edit:
        return cls(at, at, content)


@dataclass(slots=True, unsafe_hash=True)
class Fix:
    """Edits that must be applied together, all or none, and what the reader will see change:
    the visible characters they remove and add, and the visible text whose formatting they
    change (``**x**`` made ``<b>x</b>`` removes ``****`` and restyles ``x``). A fix changes
    nothing else a reader sees; the fixer checks that on every pass (fixer.py)."""

    edits: tuple[Edit, ...]
    safety: Safety
    title: str
    removes: str = ""
    adds: str = ""
    restyles: str = ""

    @classmethod
    def safe(cls, title: str, *edits: Edit, removes: str = "", adds: str = "", restyles: str = "") -> Fix:
        return cls(tuple(sorted(edits, key=_edit_order)), Safety.SAFE, title, removes, adds, restyles)

    @classmethod
    def unsafe(cls, title: str, *edits: Edit, removes: str = "", adds: str = "", restyles: str = "") -> Fix:
        return cls(tuple(sorted(edits, key=_edit_order)), Safety.UNSAFE, title, removes, adds, restyles)

    @property
    def start(self) -> int:
        return self.edits[0].start

    @property
    def end(self) -> int:
        return max(edit.end for edit in self.edits)


def _edit_order(edit: Edit) -> tuple[int, int]:
    return (edit.start, edit.end)


@dataclass(slots=True, unsafe_hash=True)
class Problem:
    """What a rule yields: a span of the post's text, a message and maybe a fix."""

    start: int
    end: int
    message: str
    fix: Fix | None = None


@dataclass(slots=True, unsafe_hash=True)
class Diagnostic:
    code: str
    message: str
    start: int
    end: int
    severity: Severity = Severity.ERROR
    fix: Fix | None = None

    @property
    def sort_key(self) -> tuple[int, int, str]:
        return (self.start, self.end, self.code)


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply sorted, non-overlapping edits in one pass over the text."""
    pieces = []
    position = 0
    for edit in edits:
        pieces.append(text[position : edit.start])
        pieces.append(edit.content)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)
