"""Shared test helpers: lint and fix text with a chosen set of rules."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from postlint.config import Config, load_config
from postlint.document import Post
from postlint.engine import Linter
from postlint.fixer import fix_post

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


# The house profile the rules were first written for (examples/postlint.toml): the tests of the
# house rules read it unless they give their own (``house={}``: a site with no profile).
EXAMPLE_CONFIG = ROOT / "examples" / "postlint.toml"
EXAMPLE_HOUSE = load_config(EXAMPLE_CONFIG).house


def example_config(**settings) -> Config:
    """The example profile's configuration (its house and renderer), with ``settings`` changed."""
    return dataclasses.replace(load_config(EXAMPLE_CONFIG), **settings)


def linter_for(*codes: str, options: dict | None = None, markdown: str | None = None, house: dict | None = None) -> Linter:
    return Linter(
        Config(
            select=list(codes) or ["ALL"],
            rule_options=options or {},
            markdown=markdown,
            house=EXAMPLE_HOUSE if house is None else house,
        )
    )


def lint(text: str, *codes: str, options: dict | None = None, markdown: str | None = None, house: dict | None = None):
    linter = linter_for(*codes, options=options, markdown=markdown, house=house)
    post = Post(text, "test.md", renderer=linter.renderer_for(Path("test.md")))
    return post, linter.lint(post)


def fix(
    text: str,
    *codes: str,
    unsafe: bool = False,
    options: dict | None = None,
    markdown: str | None = None,
    house: dict | None = None,
) -> str:
    linter = linter_for(*codes, options=options, markdown=markdown, house=house)
    post = Post(text, "test.md", renderer=linter.renderer_for(Path("test.md")))
    return fix_post(post, linter, unsafe=unsafe).post.text


def spans(post: Post, diagnostics) -> list[str]:
    """Diagnostics as ``CODE LINE:COL-ENDLINE:ENDCOL`` strings."""
    out = []
    for diagnostic in diagnostics:
        line, column = post.lines.location(diagnostic.start)
        end_line, end_column = post.lines.location(diagnostic.end)
        out.append(f"{diagnostic.code} {line}:{column}-{end_line}:{end_column}")
    return out


def shared_corpus() -> list[Path]:
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not present")
    return sorted(corpus.iterdir())


def shared_seeds() -> list[Path]:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared/seeds is not present")
    return sorted(seeds.iterdir())


# --- hypothesis profiles (tests/test_properties.py) ----------------------------------------
# "ci" (the default) keeps the property tests to a few hundred examples in all; run
# `pytest --hypothesis-profile=long tests/test_properties.py` for a long local search.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "long",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile("ci")
