"""FM006 unknown-category: a category outside the site's list (option `categories`).

Without a list, categories are accepted, except names with a list separator in them
(`categories: News, IT` makes the categories `News,` and `IT`).
"""

from __future__ import annotations

import difflib

import yaml

from postlint.diagnostics import Problem
from postlint.rule import Option, rule

from ._common import node_span, value_span

# No category is named with these: they are list separators written where YAML does not split.
_SEPARATORS = frozenset(",;")


@rule(
    code="FM006",
    name="unknown-category",
    summary="a category is not one of the site's categories",
    options={"categories": Option([], "the site's categories; empty: any category is accepted")},
)
def check(post, options):
    allowed = options["categories"]
    front_matter = post.front_matter
    if front_matter is None or front_matter.error is not None or not front_matter.is_mapping:
        return
    known = set(allowed)
    text = post.text
    base = front_matter.content_start
    for key in ("categories", "category"):
        entry = front_matter.last_entry(key)
        if entry is None:
            continue
        node = entry.value_node
        if isinstance(node, yaml.SequenceNode):
            items = [item for item in node.value if isinstance(item, yaml.ScalarNode)]
            names = [(item.value, *node_span(text, item, base), item.style) for item in items if item.tag.endswith(":str")]
        elif isinstance(node, yaml.ScalarNode) and node.tag.endswith(":str"):
            start, end = value_span(text, entry)
            # Jekyll splits a `categories` string at spaces; `category` is one name.
            names = _words(text, node, start, end) if key == "categories" else [(node.value, start, end, node.style)]
        else:
            continue  # FM004 reports values of the wrong kind
        for name, start, end, _style in names:
            if not name.strip():
                continue  # FM004 reports empty categories
            if _SEPARATORS.intersection(name):
                yield Problem(start, end, _separated(name, key, isinstance(node, yaml.SequenceNode)))
            elif allowed and name not in known:
                yield Problem(start, end, _message(name, allowed))


def _words(text: str, node, start: int, end: int):
    source = text[start:end]
    style = node.style or None  # plain: None (pure-Python loader) or "" (libyaml)
    offset = start + (1 if style in ("'", '"') else 0)
    direct = style is None and source == node.value or style in ("'", '"') and source[1:-1] == node.value
    position = 0
    for word in node.value.split():
        if not direct:
            yield word, start, end, style
            continue
        index = node.value.find(word, position)
        position = index + len(word)
        yield word, offset + index, offset + position, style


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


def _message(name: str, allowed: list[str]) -> str:
    by_case = {item.casefold(): item for item in allowed}
    suggestion = by_case.get(name.strip().casefold())
    if suggestion is None:
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        suggestion = close[0] if close else None
    listed = ", ".join(f"`{item}`" for item in allowed[:12]) + (", …" if len(allowed) > 12 else "")
    if suggestion is not None:
        return f"category `{name}` is not one of the site's categories; did you mean `{suggestion}`?"
    return f"category `{name}` is not one of the site's categories ({listed}); use one of them, or add it to the `categories` option"
