"""Helpers the front-matter rules share: YAML scalar rendering, spans and re-parsing. Not a rule."""

from __future__ import annotations

import re

import yaml

from postlint.diagnostics import Edit
from postlint.frontmatter import FrontMatter, FrontMatterEntry, find_front_matter

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

# A top-level key line as front matter writes it: `title:` at column 0, then a space or the line end.
KEY_LINE = re.compile(r"(?P<key>[A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?=[ \t]|$)")
# A leading list number left by a generator's list of title suggestions: `1. `, `2) `.
LIST_NUMBER = re.compile(r"[ \t]*\d{1,2}[.)][ \t]+")


def load(text: str):
    """Load YAML text, raising yaml.YAMLError when it is not valid."""
    return yaml.load(text, Loader=_Loader)


def plain_ok(value: str) -> bool:
    """Whether ``value`` can stand unquoted after ``key: `` and still load as this exact string."""
    if not value or value != value.strip() or "\n" in value or "\r" in value:
        return False
    try:
        return load("k: " + value) == {"k": value}
    except yaml.YAMLError:
        return False


def quote(value: str, style: str | None = None, force: bool = False) -> str:
    """``value`` as a one-line YAML scalar: plain when that loads back, else quoted minimally.

    ``style`` asks for a quote style (``'`` or ``"``) to keep, as the value had it; ``force``
    quotes even a value that could stay plain.
    """
    if style is None and not force and plain_ok(value):
        return value
    if style == '"' or (style is None and "'" in value and '"' not in value and "\\" not in value):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "'" + value.replace("'", "''") + "'"


def minimal_edit(text: str, start: int, end: int, content: str) -> Edit:
    """Replace ``text[start:end]`` with ``content``, touching only the characters that differ."""
    old = text[start:end]
    prefix = 0
    limit = min(len(old), len(content))
    while prefix < limit and old[prefix] == content[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[len(old) - 1 - suffix] == content[len(content) - 1 - suffix]:
        suffix += 1
    return Edit(start + prefix, end - suffix, content[prefix : len(content) - suffix])


def apply(text: str, edits: list[Edit]) -> str:
    pieces, position = [], 0
    for edit in sorted(edits, key=lambda edit: (edit.start, edit.end)):
        pieces.append(text[position : edit.start])
        pieces.append(edit.content)
        position = edit.end
    pieces.append(text[position:])
    return "".join(pieces)


def reparse(text: str, front_matter: FrontMatter, edits: list[Edit]) -> FrontMatter | None:
    """The front matter after ``edits`` (all inside it), or None when it would no longer load."""
    head = apply(text[: front_matter.end], edits)
    parsed = find_front_matter(head)
    if parsed is None or not parsed.terminated or parsed.error is not None:
        return None
    if parsed.data is not None and not parsed.is_mapping:
        return None
    return parsed


def value_span(text: str, entry: FrontMatterEntry) -> tuple[int, int]:
    """The entry's value without trailing blank space; the key when the value is empty."""
    end = entry.value_end
    while end > entry.value_start and text[end - 1] in " \t\r\n":
        end -= 1
    if end == entry.value_start:
        return entry.key_start, entry.key_end
    return entry.value_start, end


def node_span(text: str, node: yaml.Node, base: int) -> tuple[int, int]:
    """A nested node's span in the post's text (``base``: where the front matter's content starts)."""
    start, end = base + node.start_mark.index, base + node.end_mark.index
    while end > start and text[end - 1] in " \t\r\n":
        end -= 1
    return start, end


def describe(value) -> str:
    """How YAML read a value, for messages: `a number`, `true/false`, `a list` …"""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "text"
    return f"a {type(value).__name__}"


def shorten(value: str, limit: int = 60) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def blank(value) -> bool:
    """Nothing written: null, an empty or white-space string, an empty list."""
    return value is None or (isinstance(value, (str, list)) and not value) or (isinstance(value, str) and not value.strip())


def text_value(key: str, value, source: str, what: str) -> str | None:
    """Why ``value`` (written ``source``) is not usable text for ``key`` (``what`` it holds), or None."""
    if blank(value):
        return f"`{key}` is empty; write {what} after `{key}:`"
    if isinstance(value, str):
        return None
    if isinstance(value, (list, dict)):
        return f"`{key}` is {describe(value)}, not text; write {what} as one line of text"
    quoted = "'" + source.replace("'", "''") + "'"
    return (
        f"YAML reads the `{key}` value `{shorten(source, 40)}` as {describe(value)}, not text; "
        f"put it in quotes: `{key}: {shorten(quoted, 42)}`"
    )


# No category is named with these: they are list separators written where YAML does not split.
SEPARATORS = frozenset(",;")


def category_names(text: str, front_matter):
    """Each category name as the site reads it: ``(key, in_list, name, start, end)``. A list's
    text items; a ``categories`` string split at spaces as Jekyll splits it; a ``category`` string
    whole. Values of another kind give none (FM004 reports them)."""
    base = front_matter.content_start
    for key in ("categories", "category"):
        entry = front_matter.last_entry(key)
        if entry is None:
            continue
        node = entry.value_node
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                if isinstance(item, yaml.ScalarNode) and item.tag.endswith(":str"):
                    yield (key, True, item.value, *node_span(text, item, base))
        elif isinstance(node, yaml.ScalarNode) and node.tag.endswith(":str"):
            start, end = value_span(text, entry)
            if key == "category":
                yield key, False, node.value, start, end
            else:
                for name, name_start, name_end in _words(text, node, start, end):
                    yield key, False, name, name_start, name_end


def _words(text: str, node, start: int, end: int):
    source = text[start:end]
    style = node.style or None  # plain: None (pure-Python loader) or "" (libyaml)
    offset = start + (1 if style in ("'", '"') else 0)
    direct = style is None and source == node.value or style in ("'", '"') and source[1:-1] == node.value
    position = 0
    for word in node.value.split():
        if not direct:
            yield word, start, end
            continue
        index = node.value.find(word, position)
        position = index + len(word)
        yield word, offset + index, offset + position


