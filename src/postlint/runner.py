"""Checking and fixing files: read, lint, fix, write. Knows files and the engine, not the CLI."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from postlint.atomic import WriteRefused, replace_if_unchanged
from postlint.cache import Cache, content_key, stat_signature
from postlint.config import Config
from postlint.diagnostics import Diagnostic
from postlint.document import DecodeError, Post
from postlint.engine import INTERNAL_ERROR, FileResult, Linter, unreadable
from postlint.fixer import FIX_NOT_APPLIED, fix_post, fixable
from postlint.gcpause import no_cycle_collection

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


@dataclass(frozen=True, slots=True)
class FixMode:
    unsafe: bool = False
    write: bool = True  # False: compute the diff only
    codes: frozenset[str] | None = None  # only these rules' fixes (``postlint format``)


def read(path: Path, display: str) -> tuple[bytes | None, os.stat_result | None, FileResult | None]:
    """The file's bytes and its stat just before they were read, or why it cannot be read."""
    try:
        with path.open("rb") as stream:
            stat = os.fstat(stream.fileno())  # before reading: a write after it changes the stat
            return stream.read(), stat, None
    except IsADirectoryError:
        return None, None, unreadable(display, "is a directory, not a post")
    except OSError as error:
        return None, None, unreadable(display, f"cannot read file: {error.strerror or error}")


def check_file(linter: Linter, path: Path, display: str, cache: Cache | None = None) -> FileResult:
    data, stat, failure = read(path, display)
    if failure is not None:
        return failure
    if cache is None:
        return check_bytes(linter, data, display, path)
    key = content_key(data, linter.renderer_for(path).key)
    cached = cache.get(_cache_path(path), key)
    if cached is not None:
        diagnostics, excerpt = cached
        result = FileResult(display, None, diagnostics, cache_key=key, from_cache=True, excerpt=excerpt)
    else:
        result = check_bytes(linter, data, display, path)
        if result.error is not None or has_internal_error(result.diagnostics):
            return result
    result.cache_key = key
    result.stat_signature = stat_signature(stat)
    return result


def _unchanged(linter: Linter, path: Path, key: str, cache: Cache) -> FileResult | None:
    """The cached result of a file whose stat shows it unchanged, or None (then it is read)."""
    try:
        signature = stat_signature(os.stat(path))
    except OSError:
        return None
    found = cache.get_unchanged(key, signature, linter.renderer_for(path).key)
    if found is None:
        return None
    key, diagnostics, excerpt = found
    return FileResult(str(path), None, diagnostics, cache_key=key, from_cache=True, excerpt=excerpt, stat_signature=signature)


def _cache_path(path: Path, cwd: str | None = None) -> str:
    """The file's absolute path, its name in the cache (``cwd`` given when naming many files)."""
    return os.path.normpath(os.path.join(cwd or os.getcwd(), path))


def check_bytes(linter: Linter, data: bytes, display: str, path: Path | None) -> FileResult:
    try:
        post = Post.from_bytes(data, display, linter.renderer_for(path))
    except DecodeError as error:
        return unreadable(display, error.message)
    with no_cycle_collection():
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
        return "".join(
            line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
            for line in unified_diff(before, after, f"a/{path}", f"b/{path}")
        )


_DIFF_CONTEXT = 3  # unified_diff's lines of context
_HUNK_HEADER = re.compile(r"@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


def unified_diff(before: list[str], after: list[str], before_name: str, after_name: str) -> Iterator[str]:
    """``difflib.unified_diff`` of the lines that differ, with their context: the lines both texts
    share at the start and the end are left out of the matching (difflib's cost grows with every
    line it matches, and a fix changes a few lines of a long post), and the hunks renumbered."""
    shared = min(len(before), len(after))
    head = 0
    while head < shared and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < shared - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    skip = max(0, head - _DIFF_CONTEXT)
    cut = max(0, tail - _DIFF_CONTEXT)
    for line in difflib.unified_diff(before[skip : len(before) - cut], after[skip : len(after) - cut], before_name, after_name):
        header = _HUNK_HEADER.fullmatch(line.rstrip("\n"))
        if header is not None and skip:
            old, old_length, new, new_length = header.groups()
            line = f"@@ -{int(old) + skip}{old_length or ''} +{int(new) + skip}{new_length or ''} @@\n"
        yield line


def fix_file(
    linter: Linter, path: Path | None, display: str, mode: FixMode, data: bytes | None = None, cache: Cache | None = None
) -> FixResult:
    """Fix one file. With a cache (shared with ``check``), a file whose cached diagnostics offer
    nothing to fix is answered from it, and what a fix leaves (without PL003 notes, which
    ``check`` does not make) is cached under the fixed content."""
    stat = None
    if data is None:
        assert path is not None
        data, stat, failure = read(path, display)
        if failure is not None:
            return FixResult(failure, None, None)
    renderer = linter.renderer_for(path)
    key = content_key(data, renderer.key) if cache is not None and path is not None else None
    if key is not None:
        cached = cache.get(_cache_path(path), key)
        if cached is not None and not _offers_fixes(cached[0], mode):
            diagnostics, excerpt = cached
            result = FileResult(display, None, diagnostics, cache_key=key, from_cache=True, excerpt=excerpt)
            result.stat_signature = stat_signature(stat)
            return FixResult(result, data, None)
    try:
        post = Post.from_bytes(data, display, renderer)
    except DecodeError as error:
        return FixResult(unreadable(display, error.message), data, None)
    with no_cycle_collection():
        outcome = fix_post(post, linter, unsafe=mode.unsafe, path=path, codes=set(mode.codes) if mode.codes else None)
    result = FileResult(display, outcome.post, outcome.diagnostics, fixed=sum(outcome.applied.values()))
    cacheable = key is not None and not any(diagnostic.code in _NOT_CACHED for diagnostic in outcome.diagnostics)
    if not outcome.changed:
        if cacheable:
            result.cache_key, result.stat_signature = key, stat_signature(stat)
        return FixResult(result, data, None)
    fixed = outcome.post.encode()
    if fixed == data:
        return FixResult(result, data, None)
    message = None
    if mode.write and path is not None:
        try:
            replace_if_unchanged(path, data, fixed)
            result.written = True
            if cacheable:
                result.cache_key = content_key(fixed, renderer.key)  # no stat: the file was written a moment ago
        except WriteRefused as error:
            message = str(error)
        except OSError as error:
            message = f"{display}: cannot write the fixed file: {error.strerror or error}"
        if message is not None:  # nothing written: report what the file still has
            result = FileResult(display, post, linter.lint(post, path), fixed=0)
    return FixResult(result, data, fixed, message)


# PL003 is what a fix reports and ``check`` does not; PL001 (a rule raised) is not cached by
# ``check`` either: the next run should try again.
_NOT_CACHED = frozenset({FIX_NOT_APPLIED, INTERNAL_ERROR})


def _offers_fixes(diagnostics: list[Diagnostic], mode: FixMode) -> bool:
    codes = set(mode.codes) if mode.codes else None
    return any(fixable(diagnostic, mode.unsafe, codes) for diagnostic in diagnostics)


def has_internal_error(diagnostics: list[Diagnostic]) -> bool:
    return any(diagnostic.code == INTERNAL_ERROR for diagnostic in diagnostics)


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
    return _dropped(fix_file(_worker_linter, path, str(path), mode, cache=_worker_cache))


@contextmanager
def _pool(linter: Linter, jobs: int, cache: Cache | None = None) -> Iterator[ProcessPoolExecutor]:
    # Imported here: most runs that need no pool (warm, few files) would pay 12 ms for them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    linter.rules  # loaded once here, before the fork, rather than in every worker
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    initargs = (linter.config, linter.only, cache)
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=initargs)
    try:
        yield pool
    finally:
        # A run stopped early (its output pipe closed, Ctrl-C) does not wait for the files still
        # queued, only for those in the workers' hands.
        pool.shutdown(cancel_futures=True)


def _chunk(count: int, jobs: int) -> int:
    return max(1, min(64, count // (jobs * 8)))


def check_files(linter: Linter, files: list[Path], jobs: int, cache: Cache | None = None) -> Iterator[FileResult]:
    """Check ``files``, yielding results in order; ``jobs`` > 1 uses that many processes.

    With a cache, unchanged files are answered from it and new results go into it (saved
    when the iteration ends)."""
    keys, known = _known(linter, files, cache)
    pending = [path for path, result in zip(files, known) if result is None]
    if jobs <= 1 or len(pending) < PARALLEL_THRESHOLD:
        checked = (check_file(linter, path, str(path), cache).drop_post() for path in pending)
        yield from _recorded(_merged(known, checked), keys, cache)
        return
    with _pool(linter, jobs, cache) as pool:
        checked = pool.map(_check_in_worker, pending, chunksize=_chunk(len(pending), jobs))
        yield from _recorded(_merged(known, checked), keys, cache)


def _known(linter: Linter, files: list[Path], cache: Cache | None) -> tuple[list[str], list[FileResult | None]]:
    """The files' names in the cache, and their cached results where their stat is unchanged."""
    if cache is None:
        return [], [None] * len(files)
    cwd = os.getcwd()
    keys = [_cache_path(path, cwd) for path in files]
    with no_cycle_collection():
        return keys, [_unchanged(linter, path, key, cache) for path, key in zip(files, keys)]


def _merged(known: list, checked: Iterator) -> Iterator:
    """The results in file order: from the cache where the stat allowed, else as checked."""
    for result in known:
        yield result if result is not None else next(checked)


def _recorded(items: Iterator, keys: list[str], cache: Cache | None, result_of: Callable = lambda item: item) -> Iterator:
    """Pass the items (results, or fix outcomes with ``result_of``) on, putting their results in
    the cache; the cache is saved when they are all through."""
    if cache is None:
        yield from items
        return
    for key, item in zip(keys, items):
        result = result_of(item)
        if result.cache_key is not None:
            cache.put(key, result.cache_key, result.diagnostics, result.excerpt, result.stat_signature)
        yield item
    cache.save()


def fix_files(linter: Linter, files: list[Path], jobs: int, mode: FixMode, cache: Cache | None = None) -> Iterator[FixResult]:
    """Fix ``files`` (writing them unless ``mode.write`` is False), yielding results in order.

    With a cache, files whose stat is unchanged and whose cached diagnostics offer nothing to
    fix are answered from it; the others are fixed, and what remains goes into the cache."""
    keys, known = _known(linter, files, cache)
    answered = [
        None if result is None or _offers_fixes(result.diagnostics, mode) else FixResult(result, None, None)
        for result in known
    ]
    pending = [path for path, outcome in zip(files, answered) if outcome is None]
    if jobs <= 1 or len(pending) < PARALLEL_THRESHOLD:
        fixed = (_dropped(fix_file(linter, path, str(path), mode, cache=cache)) for path in pending)
        yield from _recorded(_merged(answered, fixed), keys, cache, _fix_result)
        return
    with _pool(linter, jobs, cache) as pool:
        fixed = pool.map(_fix_in_worker, [(path, mode) for path in pending], chunksize=_chunk(len(pending), jobs))
        yield from _recorded(_merged(answered, fixed), keys, cache, _fix_result)


def _dropped(outcome: FixResult) -> FixResult:
    outcome.result.drop_post()
    return outcome


_fix_result = attrgetter("result")
