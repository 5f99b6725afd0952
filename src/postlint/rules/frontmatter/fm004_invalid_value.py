"""FM004 invalid-value: a known front-matter key that is empty or holds the wrong kind of value."""

from __future__ import annotations

import datetime
import re

import yaml

from postlint.diagnostics import Problem
from postlint.rule import rule

from ._common import describe, node_span, shorten, value_span

_TEXT_KEYS = ("title", "excerpt", "feature_text", "layout")
_LIST_KEYS = ("categories", "category", "tags", "tag")
_IMAGE_KEYS = ("image", "feature_image")
_URL = re.compile(r"(?:https?:)?//[^\s/?#]+|/|\{\{|\{%")  # a URL, a site path, or Liquid building one
_DATE_TEXT = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?![\d])")
_WHAT = {
    "title": "the post's title",
    "excerpt": "a one- or two-sentence summary",
    "feature_text": "the text shown over the feature image",
    "layout": "a layout name",
}


@rule(
    code="FM004",
    name="invalid-value",
    summary="a front-matter key is empty or holds the wrong kind of value",
)
def check(post, options):
    front_matter = post.front_matter
    if front_matter is None or front_matter.error is not None or not front_matter.is_mapping:
        return
    text = post.text
    data = front_matter.data
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        entry = front_matter.last_entry(key)
        if entry is None:
            continue
        start, end = value_span(text, entry)
        if key in _TEXT_KEYS:
            message = _text(key, value, text[start:end])
        elif key in _LIST_KEYS:
            yield from _list(post, front_matter, entry, key, value, start, end)
            continue
        elif key in _IMAGE_KEYS:
            message = _image(key, value, text[start:end])
        elif key == "date":
            message = _date(value, text[start:end])
        elif key == "published":
            message = _published(value, text[start:end])
        else:
            continue
        if message:
            yield Problem(start, end, message)


def _misread(key: str, value, source: str) -> str:
    """For a scalar YAML did not read as text: say what it read and how to quote it."""
    quoted = "'" + source.replace("'", "''") + "'"
    return (
        f"YAML reads the `{key}` value `{shorten(source, 40)}` as {describe(value)}, not text; "
        f"put it in quotes: `{key}: {shorten(quoted, 42)}`"
    )


def _text(key: str, value, source: str) -> str | None:
    if _blank(value):
        return f"`{key}` is empty; write {_WHAT[key]} after `{key}:`"
    if isinstance(value, str):
        return None
    if isinstance(value, (list, dict)):
        return f"`{key}` is {describe(value)}, not text; write {_WHAT[key]} as one line of text"
    return _misread(key, value, source)


def _blank(value) -> bool:
    return value is None or (isinstance(value, (str, list)) and not value) or (isinstance(value, str) and not value.strip())


def _list(post, front_matter, entry, key, value, start, end):
    noun = "category" if key.startswith("categor") else "tag"
    if _blank(value):
        yield Problem(start, end, f"`{key}` is empty; list at least one {noun} (`{key}:` then `  - …` lines)")
        return
    if isinstance(value, str):
        return
    if not isinstance(value, list):
        what = "a mapping (a `: ` inside it?)" if isinstance(value, dict) else describe(value)
        yield Problem(
            start,
            end,
            f"`{key}` is {what}, not a list of {noun} names; write `{key}:` then one `  - name` line per {noun}",
        )
        return
    node = entry.value_node
    if not isinstance(node, yaml.SequenceNode) or len(node.value) != len(value):
        return
    text = post.text
    for item_node, item in zip(node.value, value):
        item_start, item_end = node_span(text, item_node, front_matter.content_start)
        source = text[item_start:item_end]
        if _blank(item):
            if item_end == item_start:  # an empty `-`: point at the dash before it
                item_start = max(text.rfind("-", 0, item_start), start)
                item_end = item_start + 1
            message = f"an item of `{key}` is empty; write a {noun} name after the `-` or delete the line"
        elif isinstance(item, dict):
            message = (
                f"an item of `{key}` is a mapping, not a {noun} name (`: ` inside it makes a key); put it in quotes"
            )
        elif isinstance(item, list):
            message = f"an item of `{key}` is a list, not a {noun} name; write one name per `-` line"
        elif not isinstance(item, str):
            quoted = "'" + source.replace("'", "''") + "'"
            message = (
                f"YAML reads the {noun} `{shorten(source, 40)}` as {describe(item)}, not text; "
                f"put it in quotes: `- {shorten(quoted, 42)}`"
            )
        else:
            continue
        yield Problem(item_start, item_end, message)


def _image(key: str, value, source: str) -> str | None:
    where = "give the image's URL (`https://…`) or site path (`/assets/…`)"
    if _blank(value):
        return f"`{key}` is empty; {where}"
    if not isinstance(value, str):
        return f"`{key}` is {describe(value)}, not an image URL; {where}"
    if _URL.match(value.strip()):
        return None
    return (
        f"`{key}` `{shorten(value, 50)}` is neither a URL nor a site path, so the image breaks where the "
        "theme uses it as written (pages in subfolders, feeds); start it with `https://` or `/`"
    )


def _date(value, source: str) -> str | None:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return None
    if isinstance(value, str) and _DATE_TEXT.match(value.strip()):
        return None
    return (
        f"`date` `{shorten(source, 40)}` is not a date; write it as `YYYY-MM-DD HH:MM:SS +0900`, "
        "or delete it to use the date in the file name"
    )


def _published(value, source: str) -> str | None:
    if isinstance(value, bool):
        return None
    return (
        f"`published` `{shorten(source, 40)}` is {describe(value)}, not true/false; "
        "write `published: false` or `published: true` without quotes"
    )
