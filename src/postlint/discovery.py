"""Which files to lint: the paths given, and under directories every post that is neither
git-ignored nor excluded by the configuration."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from postlint.config import Config

POST_SUFFIXES = (".md", ".markdown", ".html")
# Posts exported as plain text are posts too when they open with front matter.
SNIFFED_SUFFIXES = (".txt",)
# Never posts: version control, dependencies, caches and Jekyll's generated site.
SKIPPED_DIRECTORIES = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "_site", ".jekyll-cache", ".postlint_cache", ".sass-cache"}
)


@dataclass(slots=True)
class Discovery:
    files: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # paths that do not exist or cannot be listed


@dataclass(frozen=True, slots=True)
class _Ignore:
    base: Path
    spec: pathspec.PathSpec

    def matches(self, path: Path, is_dir: bool) -> bool:
        relative = Path(os.path.relpath(os.path.abspath(path), self.base)).as_posix()
        return self.spec.match_file(relative + "/" if is_dir else relative)


def discover(paths: list[str], config: Config) -> Discovery:
    found = Discovery()
    seen: set[str] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            walked = _walk(path, config, found)
            if len(paths) == 1:
                found.files = walked  # one walk lists each file once
                continue
            for file in walked:
                _add(file, found, seen)
        elif path.exists() or path.is_symlink():
            if not config.is_excluded(path):
                _add(path, found, seen)
        else:
            found.errors.append(f"{raw}: no such file or directory")
    return found


def _add(path: Path, found: Discovery, seen: set[str]) -> None:
    key = os.path.abspath(path)
    if key not in seen:
        seen.add(key)
        found.files.append(path)


def _walk(root: Path, config: Config, found: Discovery) -> list[Path]:
    files: list[Path] = []
    visited: set[tuple[int, int]] = set()
    stack: list[tuple[Path, list[_Ignore]]] = [(root, _inherited_ignores(root))]
    while stack:
        directory, ignores = stack.pop()
        try:
            info = directory.stat()
        except OSError as error:
            found.errors.append(f"{directory}: cannot read directory: {error.strerror}")
            continue
        if (info.st_dev, info.st_ino) in visited:  # a symlink loop, or a directory reached twice
            continue
        visited.add((info.st_dev, info.st_ino))
        local = _gitignore(directory)
        if local is not None:
            ignores = [*ignores, local]
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            found.errors.append(f"{directory}: cannot read directory: {error.strerror}")
            continue
        subdirectories = []
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if entry.name in SKIPPED_DIRECTORIES or _ignored(path, True, ignores, config):
                    continue
                subdirectories.append((path, ignores))
            elif _is_post(entry) and not _ignored(path, False, ignores, config):
                files.append(path)
        stack.extend(reversed(subdirectories))
    return sorted(files)


def _is_post(entry: os.DirEntry) -> bool:
    if entry.name.endswith(POST_SUFFIXES):
        return True
    if not entry.name.endswith(SNIFFED_SUFFIXES):
        return False
    try:
        with open(entry.path, "rb") as stream:
            head = stream.read(8)
    except OSError:
        return False
    return head.removeprefix(b"\xef\xbb\xbf").startswith((b"---\n", b"---\r"))


def _ignored(path: Path, is_dir: bool, ignores: list[_Ignore], config: Config) -> bool:
    if config.is_excluded(path):
        return True
    return any(ignore.matches(path, is_dir) for ignore in ignores)


def _gitignore(directory: Path) -> _Ignore | None:
    path = directory / ".gitignore"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return _Ignore(Path(os.path.abspath(directory)), pathspec.GitIgnoreSpec.from_lines(lines))


def _inherited_ignores(root: Path) -> list[_Ignore]:
    """.gitignore files of the directories above ``root``, up to the repository's top."""
    absolute = Path(os.path.abspath(root))
    ignores = []
    for parent in absolute.parents:
        ignore = _gitignore(parent)
        if ignore is not None:
            ignores.append(ignore)
        if (parent / ".git").exists():
            break
    else:
        return []  # not inside a repository: the .gitignore files above do not apply
    return list(reversed(ignores))
