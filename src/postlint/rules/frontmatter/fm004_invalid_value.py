"""FM004 invalid-value: a key the site generator reads (``title``, ``layout``, ``date``,
``published``, ``categories``, ``tags``) holds what it cannot use: an empty title, a date it cannot
parse, a list that is a mapping. Keys only one site defines are FM008's, from the house profile."""

from __future__ import annotations

import datetime
import re

import yaml

from postlint.diagnostics import Problem
from postlint.rule import rule

from ._common import SEPARATORS, blank, category_names, describe, node_span, shorten, text_value, value_span

_TEXT_KEYS = {"title": "the post's title", "layout": "a layout name"}
_LIST_KEYS = ("categories", "category", "tags", "tag")
_DATE_TEXT = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?![\d])")


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
            message = text_value(key, value, text[start:end], _TEXT_KEYS[key])
        elif key in _LIST_KEYS:
            yield from _list(post, front_matter, entry, key, value, start, end)
            continue
        elif key == "date":
            message = _date(value, text[start:end])
        elif key == "published":
            message = _published(value, text[start:end])
        else:
            continue
        if message:
            yield Problem(start, end, message)
    for key, in_list, name, start, end in category_names(text, front_matter):
        if SEPARATORS.intersection(name):
            yield Problem(start, end, _separated(name, key, in_list))


def _list(post, front_matter, entry, key, value, start, end):
    noun = "category" if key.startswith("categor") else "tag"
    if blank(value) or isinstance(value, str):
        return  # none (exporters write `tags: []`), or one name
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
        if blank(item):
            if item_end == item_start:  # an empty `-`: point at the dash before it
                item_start = max(text.rfind("-", 0, item_start), start)
                item_end = item_start + 1
            if node.flow_style:  # tags: ['']
                message = f"an item of `{key}` is empty; write a {noun} name in it or delete it from the list"
            else:
                message = f"an item of `{key}` is empty; write a {noun} name after the `-` or delete the line"
        elif isinstance(item, dict):
            message = (
                f"an item of `{key}` is a mapping, not a {noun} name (`: ` inside it makes a key); put it in quotes"
            )
        elif not isinstance(item, str):
            quoted = "'" + source.replace("'", "''") + "'"
            message = (
                f"YAML reads the {noun} `{shorten(source, 40)}` as {describe(item)}, not text; "
                f"put it in quotes: `- {shorten(quoted, 42)}`"
            )
        else:
            continue
        yield Problem(item_start, item_end, message)


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


def _separated(name: str, key: str, in_list: bool) -> str:
    if in_list:
        return (
            f"category `{name}` holds a separator, so the site makes it one category with that name; "
            "write one category per `-` line"
        )
    if key == "category":
        return (
            f"category `{name}` holds a separator, so the site makes it one category with that name; "
            "write `categories:` then one `  - name` line per category"
        )
    return (
        f"category `{name}` holds a separator: the site splits `{key}` text at spaces only, so it "
        f"makes a category with that name; write `{key}:` then one `  - name` line per category"
    )
