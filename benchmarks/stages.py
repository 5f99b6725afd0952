#!/usr/bin/env python3
"""Where a post's time goes: postlint's stages, in one process, per post.

Usage (from the repository root; needs postlint importable, unlike ``bench.py``)::

    .venv/bin/python benchmarks/stages.py [CORPUS] [--rounds 5] [--json]

Every post is read into memory first; then, for each round, every post is decoded and its
stages are run in the order a check runs them: front matter (YAML with positions), the
Markdown block scan, the HTML tokenizer and tree builder, then the rules (every rule of the
default configuration, the suppression comments and the sorting, with the three parses already
done). The table gives each stage's cost per post as the median over rounds, in milliseconds of
one core. As in a check, the cycle collector is paused while a post is linted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from postlint.config import load_config
from postlint.document import Post
from postlint.engine import Linter
from postlint.gcpause import no_cycle_collection

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
STAGES = ("decode", "front matter", "Markdown scan", "HTML tokens and tree", "rules")


def one_round(linter: Linter, posts: list[tuple[bytes, Path]]) -> dict[str, float]:
    """Seconds per stage for every post once."""
    spent = dict.fromkeys(STAGES, 0.0)
    clock = time.perf_counter
    for data, path in posts:
        start = clock()
        post = Post.from_bytes(data, str(path))
        decoded = clock()
        with no_cycle_collection():  # as the runner lints
            post.front_matter
            front_matter = clock()
            post.markdown
            markdown = clock()
            post.html
            html = clock()
            linter.lint(post, path)
            linted = clock()
        spent["decode"] += decoded - start
        spent["front matter"] += front_matter - decoded
        spent["Markdown scan"] += markdown - front_matter
        spent["HTML tokens and tree"] += html - markdown
        spent["rules"] += linted - html
    return spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help=f"directory of posts (default: {DEFAULT_CORPUS})")
    parser.add_argument("--rounds", type=int, default=5, help="rounds over every post, after one warm-up (default: 5)")
    parser.add_argument("--json", action="store_true", help="print {stage: ms per post} as JSON")
    arguments = parser.parse_args()
    paths = sorted(path for path in arguments.corpus.rglob("*") if path.suffix in (".md", ".markdown", ".html") and path.is_file())
    if not paths:
        sys.exit(f"stages: no posts in {arguments.corpus}")
    posts = [(path.read_bytes(), path) for path in paths]
    linter = Linter(load_config(cwd=arguments.corpus))
    one_round(linter, posts)  # warm-up: imports, compiled patterns, memoised tables
    rounds = [one_round(linter, posts) for _ in range(max(1, arguments.rounds))]
    per_post = {stage: 1000 * statistics.median(spent[stage] for spent in rounds) / len(posts) for stage in STAGES}
    per_post["total"] = sum(per_post.values())
    if arguments.json:
        print(json.dumps(per_post))
        return 0
    print(f"{len(posts)} posts, median of {len(rounds)} rounds, ms of one core per post:\n")
    print("| stage | ms per post | share |")
    print("|---|---:|---:|")
    for stage, value in per_post.items():
        print(f"| {stage} | {value:.3f} | {100 * value / per_post['total']:.0f} % |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
