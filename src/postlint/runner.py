"""Checking and fixing files: read, lint, fix, write. Knows files and the engine, not the CLI."""

from __future__ import annotations

import difflib
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from postlint.atomic import WriteRefused, replace_if_unchanged
from postlint.cache import Cache, content_key
from postlint.config import Config
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


def check_file(linter: Linter, path: Path, display: str, cache: Cache | None = None) -> FileResult:
    data, failure = read(path, display)
    if failure is not None:
        return failure
    if cache is None:
        return check_bytes(linter, data, display, path)
    key = content_key(data)
    cached = cache.get(_cache_path(path), key)
    if cached is not None:
        diagnostics, excerpt = cached
        return FileResult(display, None, diagnostics, cache_key=key, from_cache=True, excerpt=excerpt)
    result = check_bytes(linter, data, display, path)
    if result.error is None and not has_internal_error(result.diagnostics):
        result.cache_key = key
    return result


def _cache_path(path: Path) -> str:
    return os.path.abspath(path)


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


# --- many files ------------------------------------------------------------------------------

# Below this many files a process pool costs more (start-up, imports) than it saves.
PARALLEL_THRESHOLD = 64
_worker_linter: Linter | None = None
_worker_cache: Cache | None = None


def _start_worker(config: Config, only: set[str] | None, cache: Cache | None) -> None:
    global _worker_linter, _worker_cache
    _worker_linter = Linter(config, only)
    _worker_cache = cache


def _check_in_worker(path: Path) -> FileResult:
    assert _worker_linter is not None
    return check_file(_worker_linter, path, str(path), _worker_cache).drop_post()


def _fix_in_worker(task: tuple[Path, FixMode]) -> FixResult:
    assert _worker_linter is not None
    path, mode = task
    outcome = fix_file(_worker_linter, path, str(path), mode)
    outcome.result.drop_post()
    return outcome


def _pool(linter: Linter, jobs: int, cache: Cache | None = None) -> ProcessPoolExecutor:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    initargs = (linter.config, linter.only, cache)
    return ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=initargs)


def _chunk(count: int, jobs: int) -> int:
    return max(1, min(64, count // (jobs * 8)))


def check_files(linter: Linter, files: list[Path], jobs: int, cache: Cache | None = None) -> Iterator[FileResult]:
    """Check ``files``, yielding results in order; ``jobs`` > 1 uses that many processes.

    With a cache, unchanged files are answered from it and new results go into it (saved
    when the iteration ends)."""
    if jobs <= 1 or len(files) < PARALLEL_THRESHOLD:
        results = (check_file(linter, path, str(path), cache).drop_post() for path in files)
        yield from _recorded(results, files, cache)
        return
    with _pool(linter, jobs, cache) as pool:
        results = pool.map(_check_in_worker, files, chunksize=_chunk(len(files), jobs))
        yield from _recorded(results, files, cache)


def _recorded(results: Iterator[FileResult], files: list[Path], cache: Cache | None) -> Iterator[FileResult]:
    for path, result in zip(files, results):
        if cache is not None and result.cache_key is not None and not result.from_cache:
            cache.put(_cache_path(path), result.cache_key, result.diagnostics, result.excerpt)
        yield result
    if cache is not None:
        cache.save()


def fix_files(linter: Linter, files: list[Path], jobs: int, mode: FixMode) -> Iterator[FixResult]:
    """Fix ``files`` (writing them unless ``mode.write`` is False), yielding results in order."""
    if jobs <= 1 or len(files) < PARALLEL_THRESHOLD:
        for path in files:
            outcome = fix_file(linter, path, str(path), mode)
            outcome.result.drop_post()
            yield outcome
        return
    with _pool(linter, jobs) as pool:
        yield from pool.map(_fix_in_worker, [(path, mode) for path in files], chunksize=_chunk(len(files), jobs))
