#!/usr/bin/env python3
"""Precision sampler: a few diagnostics per rule per site, printed with their source lines.

Usage (from the repository root)::

    .venv/bin/python benchmarks/sample.py [SITE ...] [--per-rule 12] [--seed 0] [--context 2]
        [--select CODES] [--config FILE] [--counts-only]

This is for reading precision: judge each printed diagnostic as that site's editor would (is
it a real defect of that post, or the site's own habit?). Sites (default: every directory under
``../shared/sites`` and ``../shared/corpus`` as the site ``corpus``) are directories of posts,
found as ``postlint check`` finds them and read with the renderer the site's own configuration
names. With no ``--config``, each site gets postlint's defaults (no house profile).

First a Markdown table: diagnostics per rule and site, the posts of each site and the
diagnostics per post (``--counts-only``: only that, for a before/after comparison). Then, for
each site and each rule that fired, ``--per-rule`` diagnostics picked at random (all of them
when fewer), each with its message and ``--context`` lines around it, a caret line under the
reported span. The pick is seeded by ``--seed``, the site and the code, so adding a site or a
rule leaves the other samples as they were. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

from postlint.config import Config, ConfigError, load_config  # noqa: E402
from postlint.diagnostics import Diagnostic  # noqa: E402
from postlint.discovery import discover  # noqa: E402
from postlint.document import DecodeError, LineIndex, Post  # noqa: E402
from postlint.engine import Linter  # noqa: E402

SHARED = REPO_ROOT.parent / "shared"
MAX_WIDTH = 200  # longer source lines are cut around the span


@dataclasses.dataclass
class Hit:
    path: str  # relative to the site
    lines: LineIndex  # the post's text and line index, without the post's parse trees
    diagnostic: Diagnostic


@dataclasses.dataclass
class Site:
    name: str
    posts: int = 0
    hits: dict[str, list[Hit]] = dataclasses.field(default_factory=lambda: defaultdict(list))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def site_config(site: Path, arguments: argparse.Namespace) -> Config:
    config = load_config(arguments.config) if arguments.config else Config(root=site)
    if arguments.select:
        # The selection replaces the configured one, extensions included: only these rules run.
        # replace() keeps every other setting (house profile, excludes, renderer) as loaded.
        config = dataclasses.replace(config, select=arguments.select, extend_select=[])
    return config


def lint_site(name: str, directory: Path, arguments: argparse.Namespace) -> Site:
    site = Site(name)
    config = site_config(directory, arguments)
    linter = Linter(config)  # one per site: the renderer is found from the site's own config file
    found = discover([str(directory)], config)
    for error in found.errors:
        log(f"{name}: {error}")
    for path in found.files:
        try:
            post = Post.from_bytes(path.read_bytes(), str(path), linter.renderer_for(path))
        except (DecodeError, OSError) as error:
            log(f"{name}: skipped {path}: {error}")
            continue
        site.posts += 1
        relative = path.relative_to(directory).as_posix()
        for diagnostic in linter.lint(post, path):
            site.hits[diagnostic.code].append(Hit(relative, post.lines, diagnostic))
    return site


def counts_table(sites: list[Site]) -> str:
    codes = sorted({code for site in sites for code in site.hits})
    rows = [
        "| rule | " + " | ".join(site.name for site in sites) + " |",
        "|---|" + "---:|" * len(sites),
    ]
    for code in codes:
        rows.append(f"| {code} | " + " | ".join(f"{len(site.hits.get(code, [])):,}" for site in sites) + " |")
    rows.append("| posts | " + " | ".join(f"{site.posts:,}" for site in sites) + " |")
    per_post = []
    for site in sites:
        total = sum(len(hits) for hits in site.hits.values())
        per_post.append(f"{total / site.posts:.2f}" if site.posts else "–")
    rows.append("| per post | " + " | ".join(per_post) + " |")
    return "\n".join(rows)


def window(column: int, length: int) -> tuple[int, int]:
    """The part of a line of ``length`` characters to show: all of it, or MAX_WIDTH characters
    around ``column`` (0-based), a third of them before it to show what the span is inside."""
    if length <= MAX_WIDTH:
        return 0, length
    left = max(0, min(column - MAX_WIDTH // 3, length - MAX_WIDTH))
    return left, left + MAX_WIDTH


def frame(hit: Hit, context: int) -> list[str]:
    """The lines around the diagnostic, numbered, with carets under the span's first line."""
    lines, diagnostic = hit.lines, hit.diagnostic
    first = lines.line_of(diagnostic.start)
    # A final line break does not open another line to show (unless the span is there).
    last = len(lines.starts) - (lines.starts[-1] == len(lines.text) and len(lines.starts) > 1)
    numbers = range(max(1, first - context), max(first, min(last, first + context)) + 1)
    width = len(str(numbers[-1]))
    column = diagnostic.start - lines.line_span(first)[0]
    output = []
    for number in numbers:
        begin, end = lines.line_span(number)
        text = lines.text[begin:end]
        left, right = window(column, len(text))
        output.append(f"{number:>{width}} | {'…' if left else ''}{text[left:right]}{'…' if right < len(text) else ''}")
        if number == first:
            # Tabs are copied, so the carets line up under a tab-indented line.
            pad = (" " if left else "") + "".join("\t" if char == "\t" else " " for char in text[left:column])
            # Marked up to the end of what is shown of this line; an empty span (an insertion
            # point, or the line break itself) gets one caret.
            carets = max(1, min(diagnostic.end, begin + right) - diagnostic.start)
            output.append(f"{' ' * width} | {pad}{'^' * carets}")
    return output


def fix_label(diagnostic: Diagnostic) -> str:
    fix = diagnostic.fix
    return "no fix" if fix is None else f"{fix.safety.value} fix: {fix.title}"


def print_samples(site: Site, arguments: argparse.Namespace) -> None:
    for code in sorted(site.hits):
        hits = site.hits[code]
        # A string seed: the same pick for this site and code whatever else is sampled.
        rng = random.Random(f"{arguments.seed}:{site.name}:{code}")
        picked = hits if len(hits) <= arguments.per_rule else rng.sample(hits, arguments.per_rule)
        picked = sorted(picked, key=lambda hit: (hit.path, hit.diagnostic.start))  # reading order
        for number, hit in enumerate(picked, 1):
            line, column = hit.lines.location(hit.diagnostic.start)
            print(f"### {site.name} {code} {number}/{len(picked)}  {hit.path}:{line}:{column}  [{fix_label(hit.diagnostic)}]")
            print(hit.diagnostic.message)
            print()
            print("\n".join(frame(hit, arguments.context)))
            print()


def default_sites() -> list[tuple[str, Path]]:
    sites_dir = SHARED / "sites"
    sites = [(path.name, path) for path in sorted(sites_dir.iterdir()) if path.is_dir()] if sites_dir.is_dir() else []
    return [*sites, ("corpus", SHARED / "corpus")]


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sites", nargs="*", type=Path, help="site directories (default: ../shared/sites/* and ../shared/corpus)")
    parser.add_argument("--per-rule", type=int, default=12, help="diagnostics printed per rule and site (default 12)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random pick (default 0)")
    parser.add_argument("--context", type=int, default=2, help="source lines shown before and after (default 2)")
    parser.add_argument("--select", type=lambda value: [code.strip() for code in value.split(",") if code.strip()], help="comma-separated rule codes or prefixes: only these run")
    parser.add_argument("--config", type=Path, help="a postlint config file for every site (default: postlint's defaults)")
    parser.add_argument("--counts-only", action="store_true", help="print only the table of counts")
    arguments = parser.parse_args()
    if arguments.per_rule < 0 or arguments.context < 0:
        parser.error("--per-rule and --context take a number ≥ 0")
    return arguments


def main() -> int:
    arguments = parse_arguments()
    sites = [(path.resolve().name, path) for path in arguments.sites] or default_sites()
    results = []
    for name, directory in sites:
        if not directory.is_dir():
            log(f"{name}: {directory} is not a directory, skipped")
            continue
        began = time.perf_counter()
        try:
            site = lint_site(name, directory, arguments)
        except ConfigError as error:
            sys.exit(f"sample: {error}")
        fired = sum(len(hits) for hits in site.hits.values())
        log(f"{name}: {site.posts:,} posts, {fired:,} diagnostics ({time.perf_counter() - began:.1f} s)")
        results.append(site)
    print(counts_table(results))
    if not arguments.counts_only:
        for site in results:
            print()
            print_samples(site, arguments)
    return 0


if __name__ == "__main__":
    sys.exit(main())
