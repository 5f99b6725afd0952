"""FM006 unknown-category: a category outside the site's list (house profile `categories`)."""

from __future__ import annotations

import difflib

from postlint.diagnostics import Problem
from postlint.rule import Option, rule

from ._common import SEPARATORS, category_names


@rule(
    code="FM006",
    name="unknown-category",
    summary="a category is not one of the site's categories",
    options={"categories": Option([], "the site's categories", house="categories")},
    house=True,
)
def check(post, options):
    allowed = options["categories"]
    front_matter = post.front_matter
    if not allowed or front_matter is None or front_matter.error is not None or not front_matter.is_mapping:
        return
    known = set(allowed)
    for _key, _in_list, name, start, end in category_names(post.text, front_matter):
        if name.strip() and not SEPARATORS.intersection(name) and name not in known:  # FM004: separators
            yield Problem(start, end, _message(name, allowed))


def _message(name: str, allowed: list[str]) -> str:
    by_case = {item.casefold(): item for item in allowed}
    suggestion = by_case.get(name.strip().casefold())
    if suggestion is None:
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        suggestion = close[0] if close else None
    listed = ", ".join(f"`{item}`" for item in allowed[:12]) + (", …" if len(allowed) > 12 else "")
    if suggestion is not None:
        return f"category `{name}` is not one of the site's categories; did you mean `{suggestion}`?"
    return f"category `{name}` is not one of the site's categories ({listed}); use one of them, or add it to the house `categories`"
