"""The post: decoded text, line index, front matter with exact spans, and lazily parsed body."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import yaml

try:  # libyaml is several times faster; the pure-Python loader gives the same marks.
    _YamlLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _YamlLoader = yaml.SafeLoader

UTF8_BOM = b"\xef\xbb\xbf"
_BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive",
}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FENCE_LINE = re.compile(r"---[ \t]*(?:\r\n|\r|\n|$)")
_CLOSING_FENCE = re.compile(r"(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|$)")
_LATER_CLOSING_FENCE = re.compile(r"(?<=[\r\n])(?:---|\.\.\.)[ \t]*(?:\r\n|\r|\n|$)")
# Front matter with more YAML nodes than this is refused rather than built (alias bombs).
MAX_YAML_NODES = 100_000


class DecodeError(Exception):
    """The bytes are not a UTF-8 text post; ``offset`` is the byte where that shows."""

    def __init__(self, message: str, offset: int | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset


def decode(data: bytes) -> tuple[str, bool]:
    """Return the text (without BOM) and whether the file started with a UTF-8 BOM."""
    for signature, kind in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise DecodeError(f"binary file ({kind}), not a text post", 0)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DecodeError("file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8", 0)
    nul = data.find(b"\x00")
    if nul != -1:
        raise DecodeError(f"binary file: NUL byte at byte offset {nul}", nul)
    bom = data.startswith(UTF8_BOM)
    try:
        text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + (3 if bom else 0)
        raise DecodeError(
            f"not valid UTF-8: byte 0x{data[offset]:02x} at byte offset {offset}; save the file as UTF-8",
            offset,
        ) from None
    return text, bom


class LineIndex:
    """Maps character offsets to 1-based (line, column); \\n, \\r\\n and lone \\r end lines."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]
        self.starts.extend(match.end() for match in _LINE_BREAK.finditer(text))

    def location(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset)

    def line_span(self, line: int) -> tuple[int, int]:
        """Start and end offsets of a 1-based line, without its line break."""
        start = self.starts[line - 1]
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        text = self.text
        while end > start and text[end - 1] in "\r\n":
            end -= 1
        return start, end

    def line_text(self, line: int) -> str:
        start, end = self.line_span(line)
        return self.text[start:end]

    @property
    def line_count(self) -> int:
        return len(self.starts)


class Excerpt:
    """What a report needs of a post once the post is gone: the (line, column) of the offsets it
    names and the text of those lines. Worker processes send this back, not the post, and the
    cache keeps it, so neither carries whole posts."""

    __slots__ = ("locations", "line_texts")

    def __init__(self, locations: dict[int, tuple[int, int]], line_texts: dict[int, str]):
        self.locations = locations
        self.line_texts = line_texts

    @classmethod
    def of(cls, lines: LineIndex, offsets) -> Excerpt:
        locations = {offset: lines.location(offset) for offset in offsets}
        return cls(locations, {line: lines.line_text(line) for line, _ in locations.values()})

    def location(self, offset: int) -> tuple[int, int]:
        return self.locations[offset]

    def line_text(self, line: int) -> str:
        return self.line_texts[line]

    def to_json(self) -> list:
        return [[[offset, *where] for offset, where in self.locations.items()], list(self.line_texts.items())]

    @classmethod
    def from_json(cls, data: list) -> Excerpt:
        locations, line_texts = data
        return cls({offset: (line, column) for offset, line, column in locations}, {line: text for line, text in line_texts})


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


def find_front_matter(text: str) -> FrontMatter | None:
    """Locate ``---`` … ``---`` at the very start of the text and parse what is between."""
    opening = _FENCE_LINE.match(text)
    if opening is None:
        return None
    content_start = opening.end()
    closing = _CLOSING_FENCE.match(text, content_start) or _LATER_CLOSING_FENCE.search(text, content_start)
    if closing is None:
        return FrontMatter(0, len(text), content_start, len(text), terminated=False)
    return _parse_yaml(text, content_start, closing.start(), closing.end())


def _parse_yaml(text: str, content_start: int, content_end: int, end: int) -> FrontMatter:
    def parsed(data: Any = None, entries: tuple[FrontMatterEntry, ...] = (), error: YamlProblem | None = None) -> FrontMatter:
        return FrontMatter(0, end, content_start, content_end, True, data, entries, error)

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
        entry_start = text.rfind("\n", 0, key_start) + 1
        entry_start = max(entry_start, text.rfind("\r", 0, key_start) + 1)
        if position + 1 < len(pairs):
            next_key = base + pairs[position + 1][0].start_mark.index
            entry_end = max(text.rfind("\n", 0, next_key), text.rfind("\r", 0, next_key)) + 1
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


class Post:
    """One post: the text every rule reads, and structures built from it on first use."""

    def __init__(self, text: str, path: str = "<stdin>", bom: bool = False):
        self.text = text
        self.path = path
        self.bom = bom

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<stdin>") -> Post:
        text, bom = decode(data)
        return cls(text, path, bom)

    def edited(self, text: str, first_edit: int) -> Post:
        """The post with its text replaced by ``text``, edited from offset ``first_edit`` on: a
        front matter wholly before that is the same and is not parsed again."""
        post = Post(text, self.path, self.bom)
        front_matter = self.front_matter
        if front_matter is not None and front_matter.terminated and first_edit >= front_matter.end:
            post.__dict__["front_matter"] = front_matter  # the cached_property's slot
        return post

    def encode(self, text: str | None = None) -> bytes:
        body = (self.text if text is None else text).encode("utf-8")
        return UTF8_BOM + body if self.bom else body

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)

    @cached_property
    def front_matter(self) -> FrontMatter | None:
        return find_front_matter(self.text)

    @property
    def body_start(self) -> int:
        front_matter = self.front_matter
        return front_matter.end if front_matter is not None else 0

    @cached_property
    def markdown(self):
        from postlint.markdown import scan_blocks

        return scan_blocks(self.text, self.body_start)

    @cached_property
    def html(self):
        from postlint.html import parse_html

        return parse_html(self.text, self.markdown)

    @cached_property
    def visible_words(self) -> list[str]:
        from postlint.html import visible_words

        return visible_words(self.text, self.html)
