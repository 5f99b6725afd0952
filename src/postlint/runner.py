"""Checking and fixing files: read, lint, fix, write. Knows files and the engine, not the CLI."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from postlint.atomic import WriteRefused, replace_if_unchanged
from postlint.diagnostics import Diagnostic
from postlint.document import DecodeError, Post
from postlint.engine import FileResult, Linter, unreadable
from postlint.fixer import fix_post


@dataclass(frozen=True, slots=True)
class FixMode:
    unsafe: bool = False
    write: bool = True  # False: compute the diff only
    codes: frozenset[str] | None = None  # only these rules' fixes (``postlint format``)


def read(path: Path, display: str) -> tuple[bytes | None, FileResult | None]:
    try:
        return path.read_bytes(), None
    except IsADirectoryError:
        return None, unreadable(display, "is a directory, not a post")
    except OSError as error:
        return None, unreadable(display, f"cannot read file: {error.strerror or error}")


def check_file(linter: Linter, path: Path, display: str) -> FileResult:
    data, failure = read(path, display)
    if failure is not None:
        return failure
    return check_bytes(linter, data, display, path)


def check_bytes(linter: Linter, data: bytes, display: str, path: Path | None) -> FileResult:
    try:
        post = Post.from_bytes(data, display)
    except DecodeError as error:
        return unreadable(display, error.message)
    return FileResult(display, post, linter.lint(post, path))


@dataclass(slots=True)
class FixResult:
    result: FileResult  # diagnostics that remain, located in the fixed text
    original: bytes | None
    fixed: bytes | None  # None when nothing changed
    message: str | None = None  # why a fix was not written

    def diff(self) -> str:
        if self.original is None or self.fixed is None:
            return ""
        before = self.original.decode("utf-8", errors="replace").splitlines(keepends=True)
        after = self.fixed.decode("utf-8", errors="replace").splitlines(keepends=True)
        path = self.result.path
        lines = difflib.unified_diff(before, after, f"a/{path}", f"b/{path}")
        return "".join(line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n" for line in lines)


def fix_file(linter: Linter, path: Path | None, display: str, mode: FixMode, data: bytes | None = None) -> FixResult:
    if data is None:
        assert path is not None
        data, failure = read(path, display)
        if failure is not None:
            return FixResult(failure, None, None)
    try:
        post = Post.from_bytes(data, display)
    except DecodeError as error:
        return FixResult(unreadable(display, error.message), data, None)
    outcome = fix_post(post, linter, unsafe=mode.unsafe, path=path, codes=set(mode.codes) if mode.codes else None)
    result = FileResult(display, outcome.post, outcome.diagnostics, fixed=sum(outcome.applied.values()))
    if not outcome.changed:
        return FixResult(result, data, None)
    fixed = outcome.post.encode()
    if fixed == data:
        return FixResult(result, data, None)
    message = None
    if mode.write and path is not None:
        try:
            replace_if_unchanged(path, data, fixed)
            result.written = True
        except WriteRefused as error:
            message = str(error)
        except OSError as error:
            message = f"{display}: cannot write the fixed file: {error.strerror or error}"
        if message is not None:  # nothing written: report what the file still has
            result = FileResult(display, post, linter.lint(post, path), fixed=0)
    return FixResult(result, data, fixed, message)


def has_internal_error(diagnostics: list[Diagnostic]) -> bool:
    return any(diagnostic.code == "PL001" for diagnostic in diagnostics)
