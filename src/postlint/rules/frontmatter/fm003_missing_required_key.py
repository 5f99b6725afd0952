"""FM003 missing-required-key: a key the site needs (house profile `required-keys`) is absent."""

from __future__ import annotations

from postlint.diagnostics import Problem
from postlint.rule import Option, rule

# Jekyll reads the singular key as well: `category: News` gives the post its categories.
_ALIASES = {"categories": "category", "tags": "tag"}


@rule(
    code="FM003",
    name="missing-required-key",
    summary="a required front-matter key is missing",
    options={"required-keys": Option([], "keys every post's front matter must have", house="required-keys")},
    house=True,
)
def check(post, options):
    front_matter = post.front_matter
    if front_matter is None or not front_matter.terminated or front_matter.error is not None:
        return  # FM001 / FM002 report these; nothing can be said about keys
    data = front_matter.data
    if data is None:
        data = {}
    elif not isinstance(data, dict):
        return
    present = {str(key) for key in data}
    for key in options["required-keys"]:
        if key in present or _ALIASES.get(key) in present:
            continue
        yield Problem(
            front_matter.start,
            front_matter.start + 3,
            f"the front matter has no `{key}` key, which every post needs; add a line `{key}: …`",
        )
