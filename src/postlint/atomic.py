"""Writing a fixed post: all or nothing, and never over a file that changed since it was read."""

from __future__ import annotations

import os
import signal
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMP_PREFIX = ".postlint-"


class WriteRefused(Exception):
    """The fix was not written: the file changed on disk, or it is read-only."""


def replace_if_unchanged(path: Path, original: bytes, new: bytes) -> None:
    """Write ``new`` to ``path`` atomically, unless the file no longer holds ``original``.

    The new content goes to a temporary file in the same directory (same file system), is
    flushed and fsynced, gets the original's permission bits, and replaces the original with
    one rename; an interruption leaves either the old file or the new one, and no temporary.
    """
    info = path.stat()
    # Mode bits too: root may write anything, but a file marked read-only is meant to stay as it is.
    if not os.access(path, os.W_OK) or not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise WriteRefused(f"{path}: file is read-only; fixes not written")
    directory = path.parent
    with interruptions_deferred():
        descriptor, temporary = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=".tmp", dir=directory)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(new)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(temporary, stat.S_IMODE(info.st_mode))
            if path.read_bytes() != original:
                raise WriteRefused(f"{path}: changed on disk since it was read; not overwritten (run again)")
            os.replace(temporary, path)
        except BaseException:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
            raise
    _fsync_directory(directory)


_INTERRUPTIONS = {signal.SIGINT, signal.SIGTERM}


@contextmanager
def interruptions_deferred() -> Iterator[None]:
    """Ctrl-C or SIGTERM arriving while a temporary file is made, written and renamed takes effect
    just after: a KeyboardInterrupt raised inside ``mkstemp``, once the file exists but before its
    name is returned, would leave the file behind."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTIONS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
