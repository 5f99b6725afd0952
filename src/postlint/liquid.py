"""Liquid in a post's body: where its tags are, and what Jekyll's Liquid pass leaves of the body.

Jekyll renders every post with Liquid before Markdown (when the body holds ``{%`` or ``{{``): a
``{% raw %}`` region gives its text as written, ``{% comment %}`` nothing, ``{% highlight %}`` a
highlighted code block, an output tag its value, and any other tag what it outputs. Rules leave
Liquid alone (its tags are opaque); the renderer models read the text the Markdown renderer gets.
"""

from __future__ import annotations

import re

_RAW_OPEN = re.compile(r"\{%-?\s*raw\s*-?%\}")
_RAW_CLOSE = re.compile(r"\{%-?\s*endraw\s*-?%\}")
_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}|\{\{.*?\}\}", re.DOTALL)
_BLOCK_ENDS = {"comment": re.compile(r"\{%-?\s*endcomment\s*-?%\}"), "highlight": re.compile(r"\{%-?\s*endhighlight\s*-?%\}")}
_ESCAPES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}

Piece = tuple[int, int] | tuple[str, int]  # a span of the post kept as it is, or text inserted at an offset


def liquid_spans(text: str, start: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """``{% … %}`` / ``{{ … }}`` tags and ``{% raw %}…{% endraw %}`` regions (all of them, and
    the raw regions alone), left untouched."""
    spans: list[tuple[int, int]] = []
    raw_regions: list[tuple[int, int]] = []
    unclosable: set[str] = set()  # once a closer is missing, no later opener can find one
    position = start
    while True:
        open_at = text.find("{", position)
        if open_at == -1 or open_at + 1 >= len(text):
            break
        opener = text[open_at + 1]
        if opener not in "%{" or opener in unclosable:
            position = open_at + 1
            continue
        closer = "%}" if opener == "%" else "}}"
        close_at = text.find(closer, open_at + 2)
        if close_at == -1:
            unclosable.add(opener)
            position = open_at + 2
            continue
        end = close_at + 2
        if _RAW_OPEN.fullmatch(text, open_at, end):
            closing = _RAW_CLOSE.search(text, end)
            end = closing.end() if closing else len(text)
            raw_regions.append((open_at, end))
        spans.append((open_at, end))
        position = end
    return spans, raw_regions


def jekyll_pass(text: str, start: int) -> list[Piece] | None:
    """What Jekyll's Liquid pass makes of ``text[start:]``, as pieces of the post and inserted
    text; None when the body has no Liquid (Jekyll then skips the pass). Output tags give
    nothing (their value is the site's, unknown here; most are URLs in attributes)."""
    if "{%" not in text[start:] and "{{" not in text[start:]:
        return None
    pieces: list[Piece] = []
    position = start
    for tag_start, tag_end in _tags(text, start):
        if tag_start < position:
            continue
        keep_end = tag_start
        if text.startswith(("{%-", "{{-"), tag_start):
            keep_end = len(text[position:tag_start].rstrip()) + position
        if keep_end > position:
            pieces.append((position, keep_end))
        position = tag_end
        match = _TAG.match(text, tag_start)
        name = match.group(1) if match is not None else None
        if name == "raw":
            closing = _RAW_CLOSE.search(text, tag_end)
            inner_end = closing.start() if closing else len(text)
            if inner_end > tag_end:
                pieces.append((tag_end, inner_end))
            position = closing.end() if closing else len(text)
        elif name in _BLOCK_ENDS:
            closing = _BLOCK_ENDS[name].search(text, tag_end)
            if closing is not None:
                if name == "highlight":
                    pieces.append(('<figure class="highlight"><pre><code>', tag_start))
                    pieces.extend(_escaped(text, tag_end, closing.start()))
                    pieces.append(("</code></pre></figure>", closing.start()))
                position = closing.end()
        if text[position - 3 : position] in ("-%}", "-}}"):
            while position < len(text) and text[position] in " \t\r\n":
                position += 1
    if position < len(text):
        pieces.append((position, len(text)))
    return pieces


def _tags(text: str, start: int):
    spans, _ = liquid_spans(text, start)
    for span_start, span_end in spans:
        if _RAW_OPEN.match(text, span_start):
            yield span_start, _RAW_OPEN.match(text, span_start).end()
        else:
            yield span_start, span_end


def _escaped(text: str, start: int, end: int) -> list[Piece]:
    """Code as a highlighter writes it into HTML: ``<``, ``>`` and ``&`` as entities."""
    pieces: list[Piece] = []
    position = start
    for index in range(start, end):
        char = text[index]
        if char in _ESCAPES:
            if index > position:
                pieces.append((position, index))
            pieces.append((_ESCAPES[char], index))
            position = index + 1
    if end > position:
        pieces.append((position, end))
    return pieces
