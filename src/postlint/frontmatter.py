"""The front matter: ``---`` … ``---`` at the start of a post, parsed with PyYAML's composer so
that every top-level key, value and whole entry has exact offsets in the post's text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from postlint.document import start_of_line

try:  # libyaml is several times faster; the pure-Python loader gives the same marks.
    _YamlLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _YamlLoader = yaml.SafeLoader

_FENCE_LINE = re.compile(r"---[ \t]*(?:\r\n|\r|\n|$)")
_BLANK_LINES = re.compile(r"(?:[ \t]*(?:\r\n|\r|\n))*")
_CLOSING_FENCE = re.compile(r"(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|$)")
_LATER_CLOSING_FENCE = re.compile(r"(?<=[\r\n])(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|$)")
# Front matter with more YAML nodes than this is refused rather than built (alias bombs).
MAX_YAML_NODES = 100_000


@dataclass(slots=True, unsafe_hash=True)  # not frozen: a post has dozens, built on every check
class FrontMatterEntry:
    """One top-level ``key: value`` of the front matter, with offsets into the post's text."""

    key: str
    key_start: int
    key_end: int
    value_start: int
    value_end: int
    entry_start: int  # start of the key's line
    entry_end: int  # end of the entry's last line, line break included
    value_node: yaml.Node


@dataclass(frozen=True, slots=True)
class YamlProblem:
    message: str
    offset: int


@dataclass(frozen=True, slots=True)
class FrontMatter:
    start: int  # the opening "---"
    end: int  # just past the closing delimiter's line break (== len(text) when unterminated)
    content_start: int
    content_end: int
    terminated: bool
    data: Any = None  # the loaded YAML (None when empty, broken or unterminated)
    entries: tuple[FrontMatterEntry, ...] = ()
    error: YamlProblem | None = None

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.data, dict)

    def entries_named(self, key: str) -> list[FrontMatterEntry]:
        return [entry for entry in self.entries if entry.key == key]

    def last_entry(self, key: str) -> FrontMatterEntry | None:
        found = self.entries_named(key)
        return found[-1] if found else None


def find_front_matter(text: str, after_blank_lines: bool = False) -> FrontMatter | None:
    """Locate ``---`` … ``---`` at the very start of the text (or, with ``after_blank_lines``,
    after blank lines, which Hugo skips) and parse what is between."""
    start = _BLANK_LINES.match(text).end() if after_blank_lines else 0
    opening = _FENCE_LINE.match(text, start)
    if opening is None:
        return None
    content_start = opening.end()
    closing = _CLOSING_FENCE.match(text, content_start) or _LATER_CLOSING_FENCE.search(text, content_start)
    if closing is None:
        return FrontMatter(start, len(text), content_start, len(text), terminated=False)
    return _parse_yaml(text, start, content_start, closing.start(), closing.end())


def _parse_yaml(text: str, start: int, content_start: int, content_end: int, end: int) -> FrontMatter:
    def parsed(data: Any = None, entries: tuple[FrontMatterEntry, ...] = (), error: YamlProblem | None = None) -> FrontMatter:
        return FrontMatter(start, end, content_start, content_end, True, data, entries, error)

    content = text[content_start:content_end]
    loader = _YamlLoader(content)
    try:
        node = loader.get_single_node()
        # Without aliases a node takes at least a character or two: only long or aliased YAML can
        # reach the limit.
        if node is not None and ("*" in content or len(content) > MAX_YAML_NODES // 2) and _node_count(node) > MAX_YAML_NODES:
            problem = YamlProblem(
                f"front matter expands to more than {MAX_YAML_NODES:,} YAML nodes (aliases?); refusing to load it",
                content_start,
            )
            return parsed(error=problem)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        offset = content_start + (mark.index if mark is not None else 0)
        message = ": ".join(part for part in (error.context, error.problem) if part)
        return parsed(error=YamlProblem(message, offset))
    except yaml.YAMLError as error:  # e.g. a reader error on a control character
        return parsed(error=YamlProblem(str(error).splitlines()[0], content_start))
    except RecursionError:
        return parsed(error=YamlProblem("front matter is nested too deeply", content_start))
    finally:
        loader.dispose()
    entries = _entries(text, node, content_start, content_end) if isinstance(node, yaml.MappingNode) else ()
    return parsed(data, entries)


def _node_count(root: yaml.Node) -> int:
    """Nodes as a consumer walking the data would see them: aliases counted every time."""
    counts: dict[int, int] = {}
    order: list[yaml.Node] = []
    stack = [root]
    seen: set[int] = set()
    while stack:  # post-order without recursion: deeply nested YAML must not blow the stack
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        stack.extend(_children(node))
    for node in reversed(order):
        total = 1
        for child in _children(node):
            total += counts.get(id(child), 1)
            if total > MAX_YAML_NODES:
                break
        counts[id(node)] = total
    return counts[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _entries(text: str, mapping: yaml.MappingNode, base: int, content_end: int) -> tuple[FrontMatterEntry, ...]:
    pairs = mapping.value
    entries = []
    for position, (key_node, value_node) in enumerate(pairs):
        key_start = base + key_node.start_mark.index
        entry_start = start_of_line(text, key_start)
        if position + 1 < len(pairs):
            entry_end = start_of_line(text, base + pairs[position + 1][0].start_mark.index)
        else:
            entry_end = content_end
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
        entries.append(
            FrontMatterEntry(
                key=str(key),
                key_start=key_start,
                key_end=base + key_node.end_mark.index,
                value_start=base + value_node.start_mark.index,
                value_end=base + value_node.end_mark.index,
                entry_start=entry_start,
                entry_end=entry_end,
                value_node=value_node,
            )
        )
    return tuple(entries)


