"""The check cache: diagnostics of unchanged files, keyed by content, configuration and version.

One JSON file per resolved configuration under ``.postlint_cache/``, read once and written once
per run through a temporary file and a rename, so two runs sharing it never see a torn file (the
last writer wins; a lost entry only costs a re-check). JSON, not pickle: a cache directory can
come from anywhere, and loading it must never run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from postlint import __version__
from postlint.atomic import interruptions_deferred
from postlint.diagnostics import Diagnostic, Edit, Fix, Safety, Severity
from postlint.document import Excerpt
from postlint.gcpause import no_cycle_collection

CACHE_DIRECTORY = ".postlint_cache"
# A file whose inode changed less than this long ago may change again within the same timestamp
# tick (git's "racily clean" files): it is identified by its content, never by its stat.
_SETTLED_NS = 2_000_000_000


def content_key(data: bytes, renderer: str = "") -> str:
    """Identifies what a lint result depends on besides the settings: the file's bytes and the
    renderer found for it (a site's ``_config.yml`` can change it without the post changing)."""
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    return f"{digest}/{renderer}" if renderer else digest


def stat_signature(stat: os.stat_result) -> list[int] | None:
    """Identifies a file's content without reading it: any write changes its change time, which no
    tool can set back. None while the file is too recently changed for that to hold."""
    if time.time_ns() - stat.st_ctime_ns < _SETTLED_NS:
        return None
    return [stat.st_size, stat.st_ino, stat.st_mtime_ns, stat.st_ctime_ns]


class Cache:
    def __init__(self, root: Path, fingerprint: str):
        self.directory = root / CACHE_DIRECTORY
        self.path = self.directory / f"v{__version__}-{fingerprint[:20]}.json"
        self.entries: dict[str, list] = {}
        self.dirty = False
        try:
            with no_cycle_collection():
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self.entries = loaded
        except (OSError, ValueError):
            pass  # no cache yet, or a damaged one: start afresh

    def get(self, path: str, key: str) -> tuple[list[Diagnostic], Excerpt] | None:
        """The diagnostics of the file's content ``key``, with the excerpt that locates them."""
        entry = self.entries.get(path)
        if not entry or entry[0] != key:
            return None
        try:
            return [_decode(item) for item in entry[1]], Excerpt.from_json(entry[2])
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def get_unchanged(
        self, path: str, signature: list[int] | None, renderer: str = ""
    ) -> tuple[str, list[Diagnostic], Excerpt] | None:
        """The content key, diagnostics and excerpt of a file whose stat shows it unchanged since
        it was cached (and whose renderer is the same), without reading it."""
        entry = self.entries.get(path)
        if signature is None or not entry or len(entry) < 4 or entry[3] != signature:
            return None
        if not str(entry[0]).endswith(f"/{renderer}" if renderer else ""):
            return None
        cached = self.get(path, entry[0])
        return None if cached is None else (entry[0], *cached)

    def put(self, path: str, key: str, diagnostics: list[Diagnostic], excerpt: Excerpt, signature: list[int] | None) -> None:
        entry = self.entries.get(path)
        if entry and entry[0] == key and len(entry) > 3 and entry[3] == signature:
            return  # the same content (hence the same diagnostics), the same stat
        self.entries[path] = [key, [_encode(diagnostic) for diagnostic in diagnostics], excerpt.to_json(), signature]
        self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        try:
            self.directory.mkdir(exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by postlint.\n*\n", encoding="utf-8")
            with interruptions_deferred():
                descriptor, temporary = tempfile.mkstemp(prefix=".cache-", dir=self.directory)
                try:
                    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                        for part in _encoded(self.entries):
                            stream.write(part)
                    os.replace(temporary, self.path)
                except BaseException:
                    Path(temporary).unlink(missing_ok=True)
                    raise
        except OSError:
            pass  # a read-only checkout still gets its results, just not cached


_BATCH = 1000  # entries encoded at a time


def _encoded(entries: dict[str, list]) -> Iterator[str]:
    """``json.dumps(entries)``, compact, in parts of a thousand entries: the whole text at once
    would hold a second copy of the cache in memory. ``dumps`` per batch, not ``dump``: only the
    one-shot encoder is the C one."""
    items = list(entries.items())
    yield "{"
    for start in range(0, len(items), _BATCH):
        batch = json.dumps(dict(items[start : start + _BATCH]), ensure_ascii=False, separators=(",", ":"))
        yield ("," if start else "") + batch[1:-1]
    yield "}"


def _encode(diagnostic: Diagnostic) -> list:
    fix = diagnostic.fix
    encoded_fix = None
    if fix is not None:
        encoded_fix = [fix.safety.value, fix.title, [[edit.start, edit.end, edit.content] for edit in fix.edits]]
        if fix.removes or fix.adds or fix.restyles:
            encoded_fix.append([fix.removes, fix.adds, fix.restyles])
    return [diagnostic.code, diagnostic.message, diagnostic.start, diagnostic.end, diagnostic.severity.value, encoded_fix]


_SEVERITIES = {severity.value: severity for severity in Severity}
_SAFETIES = {safety.value: safety for safety in Safety}


def _decode(item: list) -> Diagnostic:
    code, message, start, end, severity, encoded_fix = item
    fix = None
    if encoded_fix is not None:
        safety, title, edits, *shown = encoded_fix
        fix = Fix(tuple(Edit(*edit) for edit in edits), _SAFETIES[safety], title, *(shown[0] if shown else ()))
    return Diagnostic(code, message, start, end, _SEVERITIES[severity], fix)
