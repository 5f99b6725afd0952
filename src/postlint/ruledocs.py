"""The rule documents (``rules/<CODE>.md``): shipped in the wheel as ``postlint/ruledocs``, read
from the source tree in an editable install."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def docs_dir() -> Path | None:
    for candidate in (_PACKAGE_DIR / "ruledocs", _PACKAGE_DIR.parent.parent / "rules"):
        if candidate.is_dir():
            return candidate
    return None


def doc_path(code: str) -> Path | None:
    directory = docs_dir()
    if directory is None:
        return None
    path = directory / f"{code}.md"
    return path if path.is_file() else None


@cache  # asked once per diagnostic by the JSON and SARIF formats
def doc_uri(code: str) -> str | None:
    path = doc_path(code)
    return path.as_uri() if path is not None else None


def doc_text(code: str) -> str | None:
    path = doc_path(code)
    return path.read_text(encoding="utf-8") if path is not None else None
