"""Runs the selected rules over a post and turns what they yield into diagnostics."""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from postlint.config import Config
from postlint.diagnostics import Diagnostic, Severity
from postlint.document import Excerpt, LineIndex, Post
from postlint.renderer import Renderer, RendererResolver
from postlint.rule import Rule
from postlint.suppress import UNUSED_CODE, find_suppressions

INTERNAL_ERROR = "PL001"
UNREADABLE = "PL002"


class Linter:
    """The rules a configuration selects, with their options, ready to run on posts."""

    def __init__(self, config: Config, only: set[str] | None = None):
        self.config = config
        self.only = only

    # Resolved on first use: a run answered from the cache never loads the rules.
    @cached_property
    def enabled_codes(self) -> set[str]:
        enabled = set(self.config.enabled_codes())
        return enabled if self.only is None else enabled & self.only

    @cached_property
    def renderers(self) -> RendererResolver:
        source = str(self.config.source) if self.config.source is not None else "the command line"
        return RendererResolver(self.config.markdown, source)

    def renderer_for(self, path: Path | None) -> Renderer:
        """The renderer of the post at ``path`` (None: a post read from stdin, in this directory)."""
        return self.renderers.for_path(path if path is not None else Path.cwd() / "stdin.md")

    @cached_property
    def rules(self) -> list[tuple[Rule, dict[str, Any]]]:
        return [(rule, self.config.options_for(rule)) for rule in self.config.enabled_rules() if rule.code in self.enabled_codes]

    def lint(self, post: Post, path: Path | None = None) -> list[Diagnostic]:
        ignored = self.config.ignored_codes(path) if path is not None else []
        diagnostics: list[Diagnostic] = []
        for rule, options in self.rules:
            if any(rule.code.startswith(code) for code in ignored):
                continue
            diagnostics.extend(run_rule(rule, post, options))
        suppressions = find_suppressions(post)
        diagnostics = suppressions.filter(diagnostics)
        if UNUSED_CODE in self.enabled_codes and not any(UNUSED_CODE.startswith(code) for code in ignored):
            diagnostics.extend(suppressions.filter(suppressions.unused(self.enabled_codes)))
        diagnostics.sort(key=lambda diagnostic: diagnostic.sort_key)
        return diagnostics


def run_rule(rule: Rule, post: Post, options: dict[str, Any]) -> list[Diagnostic]:
    """A rule's diagnostics; a rule that raises yields one PL001 and nothing else."""
    try:
        return [
            Diagnostic(rule.code, problem.message, problem.start, problem.end, rule.severity, problem.fix)
            for problem in rule.check(post, options)
        ]
    except Exception as error:  # a rule's bug must not stop the other rules or files
        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return [
            Diagnostic(
                INTERNAL_ERROR,
                f"internal error in {rule.code} ({rule.name}): {type(error).__name__}: {error} at {where}; "
                "the other rules ran. Please report this with the post attached",
                0,
                0,
                Severity.ERROR,
            )
        ]


@dataclass(slots=True)
class FileResult:
    """What became of one file: its post (when it could be read) and its diagnostics."""

    path: str
    post: Post | None
    diagnostics: list[Diagnostic]
    error: str | None = None  # why the file could not be read; the PL002 message
    fixed: int = 0  # fixes applied
    written: bool = False
    cache_key: str | None = None  # the content's key, when the result may be cached
    stat_signature: list[int] | None = None  # the file's stat when it was read (for the cache)
    from_cache: bool = False
    excerpt: Excerpt | None = None  # what reports need of the post, once the post is dropped

    @property
    def source(self) -> LineIndex | Excerpt | None:
        """Where the diagnostics are: locations and line texts (None for an unreadable file)."""
        return self.post.lines if self.post is not None else self.excerpt

    def drop_post(self) -> FileResult:
        """Keep only the excerpt of the post the diagnostics need (less to hold and to send)."""
        if self.post is not None:
            offsets = referenced_offsets(self.diagnostics)
            self.excerpt = Excerpt.of(self.post.lines, offsets) if offsets else Excerpt({}, {})
            self.post = None
        return self


def referenced_offsets(diagnostics: list[Diagnostic]) -> set[int]:
    offsets = set()
    for diagnostic in diagnostics:
        offsets.add(diagnostic.start)
        offsets.add(diagnostic.end)
        if diagnostic.fix is not None:
            for edit in diagnostic.fix.edits:
                offsets.add(edit.start)
                offsets.add(edit.end)
    return offsets


def unreadable(display: str, message: str) -> FileResult:
    return FileResult(display, None, [Diagnostic(UNREADABLE, message, 0, 0, Severity.ERROR)], error=message)
