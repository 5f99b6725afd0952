"""FM008 house-value: a key the house profile requires or types holds nothing usable.

The profile says which keys every post needs (``required-keys``), which hold text
(``text-keys``: an excerpt, a feature text) and which an image's address (``image-keys``). A
required key written with nothing after it, a text key holding a list, an image key holding
neither a URL nor a site path: each is reported. Keys the generator itself reads are FM004's.
"""

from __future__ import annotations

import re

from postlint.diagnostics import Problem
from postlint.rule import Option, rule

from ._common import blank, describe, shorten, text_value, value_span

_URL = re.compile(r"(?:https?:)?//[^\s/?#]+|/|\{\{|\{%")  # a URL, a site path, or Liquid building one
# What FM004 checks whatever the site: of these, only a required list left empty is FM008's.
_GENERATOR_KEYS = frozenset(("title", "layout", "date", "published"))
_LIST_KEYS = {"categories": "category", "category": "category", "tags": "tag", "tag": "tag"}


@rule(
    code="FM008",
    name="house-value",
    summary="a front-matter key the house profile requires or types is empty or holds the wrong kind of value",
    options={
        "required-keys": Option([], "keys every post's front matter must have", house="required-keys"),
        "text-keys": Option([], "keys that hold one line of text (an excerpt)", house="text-keys"),
        "image-keys": Option([], "keys that hold an image's URL or site path", house="image-keys"),
    },
    house=True,
)
def check(post, options):
    front_matter = post.front_matter
    if front_matter is None or front_matter.error is not None or not front_matter.is_mapping:
        return
    text = post.text
    required = set(options["required-keys"])
    text_keys = set(options["text-keys"])
    image_keys = set(options["image-keys"])
    for key, value in front_matter.data.items():
        if not isinstance(key, str) or key in _GENERATOR_KEYS:
            continue
        entry = front_matter.last_entry(key)
        if entry is None:
            continue
        start, end = value_span(text, entry)
        if key in _LIST_KEYS:
            if key not in required or not blank(value):
                continue
            noun = _LIST_KEYS[key]
            message = f"`{key}` is empty, and every post needs one; list at least one {noun} (`{key}:` then `  - …` lines)"
        elif key in image_keys:
            message = _image(key, value)
        elif key in text_keys:
            message = text_value(key, value, text[start:end], "its text")
        elif key in required and blank(value):
            message = f"`{key}` is empty, and every post needs it; write its value after `{key}:`"
        else:
            continue
        if message:
            yield Problem(start, end, message)


def _image(key: str, value) -> str | None:
    where = "give the image's URL (`https://…`) or site path (`/assets/…`)"
    if blank(value):
        return f"`{key}` is empty; {where}"
    if not isinstance(value, str):
        return f"`{key}` is {describe(value)}, not an image URL; {where}"
    if _URL.match(value.strip()):
        return None
    return (
        f"`{key}` `{shorten(value, 50)}` is neither a URL nor a site path, so the image breaks where the "
        "theme uses it as written (pages in subfolders, feeds); start it with `https://` or `/`"
    )
