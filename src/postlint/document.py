"""The post: decoded text, line index, and its front matter and body parsed lazily, on first use."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cached_property

UTF8_BOM = b"\xef\xbb\xbf"
_BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive",
}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


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


def start_of_line(text: str, offset: int) -> int:
    """Where the line holding ``offset`` starts (after \\n, \\r\\n or a lone \\r). Looks back no
    further than that line: one call per diagnostic must not cost the whole text before it."""
    newline = text.rfind("\n", 0, offset)
    return max(newline, text.rfind("\r", newline + 1, offset)) + 1


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


class Post:
    """One post: the text every rule reads, and structures built from it on first use."""

    def __init__(self, text: str, path: str = "<stdin>", bom: bool = False, renderer=None):
        from postlint.renderer import DEFAULT

        self.text = text
        self.path = path
        self.bom = bom
        self.renderer = renderer or DEFAULT  # how the site turns the body into HTML

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<stdin>", renderer=None) -> Post:
        text, bom = decode(data)
        return cls(text, path, bom, renderer)

    def edited(self, text: str, first_edit: int) -> Post:
        """The post with its text replaced by ``text``, edited from offset ``first_edit`` on: a
        front matter wholly before that is the same and is not parsed again."""
        post = Post(text, self.path, self.bom, self.renderer)
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
    def front_matter(self):
        from postlint.frontmatter import find_front_matter  # PyYAML only for posts actually parsed

        return find_front_matter(self.text, after_blank_lines=self.renderer.generator == "hugo")

    @property
    def body_start(self) -> int:
        front_matter = self.front_matter
        return front_matter.end if front_matter is not None else 0

    @cached_property
    def markdown(self):
        from postlint.markdown import scan_blocks

        return scan_blocks(self.text, self.body_start, self.renderer)

    @cached_property
    def html(self):
        from postlint.html import parse_html

        return parse_html(self.text, self.markdown)
