"""The body as Python-Markdown reads it (the renderer of zvc, and of Pelican and MkDocs).

Python-Markdown takes raw HTML out of the text before it reads any Markdown: a block-level start
tag (``<div>``, ``<p>``, ``<table>`` …, not ``<span>`` or ``<center>``) at the start of a line
opens a raw block that runs to its matching end tag, through blank lines, and nothing in it is
Markdown; an unclosed one runs to the end of the post. Everything else is Markdown, with inline
HTML in its paragraphs (``<span>**굵게**</span>`` renders). Which text is raw HTML is found here
by Python-Markdown's own HTML extractor, fed the body at its original offsets; code (its fenced
code blocks, indented code) and the paragraphs themselves come from the CommonMark scan, which
reads Markdown text as Python-Markdown does where the rules look.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from postlint.markdown import CODE, HTML, TEXT, Block, Blocks

_CARRIAGE_RETURN = re.compile(r"\r\n?")


def scan(text: str, body_start: int, result: Blocks) -> None:
    from postlint.commonmark import inline_code_spans, scan as commonmark_scan

    commonmark_scan(text, body_start, result)
    fences = _fenced_code(text, body_start)
    raw = _raw_html(text, body_start, fences)
    pieces = []
    for block in result.blocks:
        pieces.extend((piece, block.kind == HTML) for piece in _reclassify(block, raw, fences))
    result.blocks = _merged(pieces)
    result.inline_code = inline_code_spans(text, result.blocks)


def _fenced_code(text: str, body_start: int) -> list[tuple[int, int]]:
    """Fenced code blocks as the ``fenced_code`` extension finds them, before any HTML."""
    if "```" not in text and "~~~" not in text:
        return []
    from markdown.extensions.fenced_code import FencedBlockPreprocessor

    body = _CARRIAGE_RETURN.sub(lambda match: " " * (len(match.group()) - 1) + "\n", text)
    return [(match.start(), match.end()) for match in FencedBlockPreprocessor.FENCED_BLOCK_RE.finditer(body, body_start)]


def _raw_html(text: str, body_start: int, fences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The raw HTML blocks, as offsets into ``text``. The extractor reads a copy of the same
    length: the front matter and fenced code blanked, line ends as ``\\n``."""
    if "<" not in text[body_start:]:
        return []
    pieces = [_blank(text[:body_start])]
    position = body_start
    for start, end in fences:
        pieces.append(text[position:start])
        pieces.append(_blank(text[start:end]))
        position = end
    pieces.append(text[position:])
    copy = _CARRIAGE_RETURN.sub(lambda match: " " * (len(match.group()) - 1) + "\n", "".join(pieces))
    extractor = _extractor_class()(_markdown())
    extractor.feed(copy + "\n\n")  # Python-Markdown ends the text so
    extractor.close()
    return [(start, min(end, len(text))) for start, end in extractor.regions if start < len(text)]


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


_MARKDOWN = None
_EXTRACTOR = None


def _markdown():
    global _MARKDOWN
    if _MARKDOWN is None:
        import markdown

        _MARKDOWN = markdown.Markdown()
    _MARKDOWN.htmlStash.reset()
    return _MARKDOWN


def _extractor_class():
    """Python-Markdown's HTML extractor, noting where each raw block begins and ends."""
    global _EXTRACTOR
    if _EXTRACTOR is not None:
        return _EXTRACTOR
    from markdown.htmlparser import HTMLExtractor

    class RegionExtractor(HTMLExtractor):
        def reset(self):
            super().reset()
            self.regions: list[tuple[int, int]] = []
            self._raw_start: int | None = None

        def _here(self) -> int:
            return self.line_offset + self.offset

        def handle_starttag(self, tag, attrs):
            was_raw = self.inraw
            start = self._here()
            super().handle_starttag(tag, attrs)
            if self.inraw and not was_raw:
                self._raw_start = start

        def handle_endtag(self, tag):
            was_raw = self.inraw
            end = self._here() + len(self.get_endtag_text(tag))
            super().handle_endtag(tag)
            if was_raw and not self.inraw and self._raw_start is not None:
                self.regions.append((self._raw_start, end))
                self._raw_start = None

        def handle_empty_tag(self, data, is_block):
            alone = not (self.inraw or self.intail) and self.at_line_start() and is_block
            start = self._here()
            super().handle_empty_tag(data, is_block)
            if alone:
                self.regions.append((start, start + len(data)))

        def feed(self, data):
            self.fed = getattr(self, "fed", 0) + len(data)
            super().feed(data)

        def close(self):
            super().close()
            if self._raw_start is not None:  # never closed: raw to the end
                self.regions.append((self._raw_start, self.fed))
                self._raw_start = None

    _EXTRACTOR = RegionExtractor
    return _EXTRACTOR


def _reclassify(block: Block, raw: list[tuple[int, int]], fences: list[tuple[int, int]]) -> list[Block]:
    """``block`` cut where raw HTML or fenced code begins or ends inside it, each piece of the
    kind Python-Markdown gives it: fenced code is code, raw HTML is HTML, and an HTML block of
    CommonMark's outside raw HTML is a Markdown paragraph with inline HTML."""
    edges = {block.start, block.end}
    for spans in (raw, fences):
        index = max(0, bisect_right(spans, (block.start, block.start)) - 1)
        while index < len(spans) and spans[index][0] < block.end:
            start, end = spans[index]
            if block.start < start < block.end:
                edges.add(start)
            if block.start < end < block.end:
                edges.add(end)
            index += 1
    edges = sorted(edges)
    pieces = []
    for start, end in zip(edges, edges[1:]):
        if _inside(fences, start):
            kind = CODE
        elif _inside(raw, start):
            kind = HTML
        elif block.kind == HTML:
            kind = TEXT
        else:
            kind = block.kind
        if pieces and pieces[-1].kind == kind:  # a fence's last line break: still that block
            pieces[-1].end = end
        else:
            pieces.append(Block(kind, start, end, block.list_item and start == block.start))
    return pieces


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    index = bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def _merged(pieces: list[tuple[Block, bool]]) -> list[Block]:
    """Adjacent HTML pieces are one raw block; adjacent text pieces one paragraph when either was
    an HTML block to CommonMark (``…</script><span>⏎</span>``: a line with a tag alone ends no
    paragraph in Python-Markdown), or when a list item follows a paragraph with no blank line."""
    out: list[Block] = []
    was_html = False
    for block, from_html in pieces:
        if out and out[-1].end == block.start and block.kind == out[-1].kind == HTML:
            out[-1] = Block(HTML, out[-1].start, block.end)
        elif (
            out
            and out[-1].end == block.start
            and block.kind == out[-1].kind == TEXT
            and (from_html or was_html or block.list_item and not out[-1].list_item)
        ):
            # ... and a list does not interrupt a paragraph: ` 1. Body` right under text is text.
            out[-1] = Block(TEXT, out[-1].start, block.end, out[-1].list_item)
        else:
            out.append(block)
            was_html = from_html
            continue
        was_html = was_html or from_html
    return out


# --- emphasis ---------------------------------------------------------------------------------
# Python-Markdown's emphasis rules changed between versions (regular expressions up to 3.8, a
# delimiter algorithm since), so the installed library itself decides: the text of one block, with
# tags and code as opaque characters, goes through it, and the `*` and `_` missing from its output
# are the ones it took as emphasis.

_ATOM = "\ue000"  # stands for a tag, comment or code span: not a word character, not a space
_LONGEST = 20_000  # a longer block is left to the CommonMark rules (the alignment is quadratic)


def rendered_delimiters(pieces: list[tuple[int, int] | None], text: str) -> set[int] | None:
    """The offsets of the `*` and `_` Python-Markdown renders as emphasis in one block, given its
    text as ``pieces``: source spans, and None for an atom between them. None: too long to ask."""
    parts = []
    origins: list[int] = []
    for piece in pieces:
        if piece is None:
            parts.append(_ATOM)
            origins.append(-1)
        else:
            start, end = piece
            parts.append(text[start:end])
            origins.extend(range(start, end))
    data = "".join(parts)
    if len(data) > _LONGEST:
        return None
    shown = _shown_text(data)
    from difflib import SequenceMatcher

    rendered = set()
    for tag, first, last, _, _ in SequenceMatcher(None, data, shown, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            rendered.update(origins[index] for index in range(first, last) if data[index] in "*_" and origins[index] >= 0)
    return rendered


def _shown_text(data: str) -> str:
    """The text a reader sees of ``data`` rendered by Python-Markdown (tags dropped, entities as
    written, so that they line up with the source)."""
    from html.parser import HTMLParser

    markup = _markdown().convert(data)

    class Text(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=False)
            self.parts: list[str] = []

        def handle_data(self, data):
            self.parts.append(data)

        def handle_entityref(self, name):
            self.parts.append(f"&{name};")

        def handle_charref(self, name):
            self.parts.append(f"&#{name};")

    reader = Text()
    reader.feed(markup)
    reader.close()
    return "".join(reader.parts)
