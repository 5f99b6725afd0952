"""The body as CommonMark reads it (also goldmark, Hugo's renderer): one line-by-line pass.

Only what the rules need is recognised, with CommonMark's conditions: fenced and indented code,
HTML blocks (the seven start conditions and their end conditions), list items, and the text blocks
(paragraphs, headings, list items, block quotes) in which Markdown inline syntax is rendered.
Inline code spans are found inside those. A full Markdown parser would cost more than the rest of
a lint run together, and none gives column positions.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from postlint.markdown import CODE, HTML, TEXT, Block, Blocks

_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|"
    "dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|"
    "hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|"
    "search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul"
)
_ATTRIBUTE = r"""\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?"""
_HTML_START = re.compile(
    r" {0,3}(?:"
    r"(?P<raw><(?:script|pre|style|textarea)(?:[\s>]|$))"
    r"|(?P<comment><!--)"
    r"|(?P<pi><\?)"
    r"|(?P<decl><![A-Za-z])"
    r"|(?P<cdata><!\[CDATA\[)"
    rf"|(?P<block></?(?:{_BLOCK_TAGS})(?:\s|/?>|$))"
    rf"|(?P<tag>(?:<[A-Za-z][A-Za-z0-9-]*(?:{_ATTRIBUTE})*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$)"
    r")",
    re.IGNORECASE,
)
_HTML_END = {
    "raw": re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE),
    "comment": re.compile(r"-->"),
    "pi": re.compile(r"\?>"),
    "decl": re.compile(r">"),
    "cdata": re.compile(r"\]\]>"),
}
_FENCE_OPEN = re.compile(r" {0,3}(`{3,}(?=[^`]*$)|~{3,})")
_LIST_ITEM = re.compile(r" {0,3}(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)")
_THEMATIC_BREAK = re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_ATX_HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_BLOCKQUOTE = re.compile(r" {0,3}>")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
# A line break followed by a blank line (group 1); "\r\n" is never split.
_BREAK_THEN_BLANK_LINE = re.compile(r"(?>\r\n|\r|\n)([ \t]*(?:\r\n|\r|\n|\Z))")
_BACKTICKS = re.compile(r"`+")
_QUOTE_PREFIX = re.compile(r"^(?: {0,3}> ?)+")


def scan(text: str, body_start: int, result: Blocks) -> None:
    """CommonMark's blocks of ``text[body_start:]`` into ``result`` (its Liquid already found)."""
    blocks = result.blocks
    fence: tuple[str, int] | None = None  # (fence character, length) while inside a fence
    html_end: re.Pattern | None = None  # end condition of the open HTML block; None = blank line
    in_html = False
    current: Block | None = None
    last_was_list = False
    quote_open = False  # the current block is a block quote
    position = body_start
    length = len(text)
    while position < length:
        match = _LINE.match(text, position)
        line_end = match.end()
        line = text[position:line_end].rstrip("\r\n")
        blank = not line.strip(" \t")  # CommonMark's blank line: spaces and tabs only, not U+00A0

        if fence is not None:
            current = _extend(current, line_end)
            stripped = line.lstrip(" ")
            char, size = fence
            if len(line) - len(stripped) <= 3 and stripped.startswith(char * size) and not stripped.strip(char).strip():
                fence = None
                _close(blocks, current)
                current = None
            position = line_end
            continue

        if in_html:
            if html_end is None and blank:
                _close(blocks, current)
                current, in_html = None, False
            elif html_end is None:  # the block runs to the next blank line: go there at once
                blank_line = _BREAK_THEN_BLANK_LINE.search(text, position + len(line))
                stop = blank_line.start(1) if blank_line is not None and blank_line.start(1) < length else length
                current = _extend(current, stop)
                position = stop
                continue
            else:
                current = _extend(current, line_end)
                if html_end.search(line):
                    _close(blocks, current)
                    current, in_html = None, False
                position = line_end
                continue

        if blank:
            if current is not None and current.kind == CODE:
                current = _extend(current, line_end)  # blank lines inside indented code
            else:
                _close(blocks, current)
                current = None
                quote_open = False
            position = line_end
            continue

        indent = _indent_width(line)
        paragraph_open = current is not None and current.kind == TEXT
        if indent >= 4 and not paragraph_open and not last_was_list:
            if current is None or current.kind != CODE:
                _close(blocks, current)
                current = Block(CODE, position, line_end)
            else:
                current = _extend(current, line_end)
            position = line_end
            continue
        if current is not None and current.kind == CODE:
            blocks.append(_trim_trailing_blank_lines(text, current))
            current = None

        fence_match = _FENCE_OPEN.match(line)
        if fence_match:
            _close(blocks, current)
            marker = fence_match.group(1)
            fence = (marker[0], len(marker))
            current = Block(CODE, position, line_end)
            last_was_list = False
            position = line_end
            continue

        html_match = _HTML_START.match(line)
        if html_match and not (html_match.lastgroup == "tag" and paragraph_open):
            _close(blocks, current)
            kind = html_match.lastgroup
            html_end = _HTML_END.get(kind)
            current = Block(HTML, position, line_end)
            last_was_list = False
            if html_end is not None and html_end.search(line, html_match.end()):
                _close(blocks, current)
                current = None
            else:
                in_html = True
            position = line_end
            continue

        quote = _BLOCKQUOTE.match(line) is not None
        if quote and quote_open and current is not None:  # the block quote goes on: one block
            current = _extend(current, line_end)
            position = line_end
            continue
        starts_block = bool(_LIST_ITEM.match(line) or _ATX_HEADING.match(line) or quote) and not _THEMATIC_BREAK.match(line)
        if _THEMATIC_BREAK.match(line):
            _close(blocks, current)
            current = None
            last_was_list = False
        elif starts_block or current is None:
            _close(blocks, current)
            is_list = bool(_LIST_ITEM.match(line))
            # A block quote whose content opens with raw HTML is an HTML block (inside the quote).
            kind = HTML if quote and _HTML_START.match(_QUOTE_PREFIX.sub("", line, count=1)) else TEXT
            current = Block(kind, position, line_end, list_item=is_list)
            quote_open = quote
            if is_list:
                last_was_list = True
            elif indent < 4:
                last_was_list = False
            if _ATX_HEADING.match(line):  # a heading is one line; the next line starts anew
                blocks.append(current)
                current = None
        else:
            current = _extend(current, line_end)
        position = line_end

    if current is not None:
        blocks.append(_trim_trailing_blank_lines(text, current) if current.kind == CODE and fence is None else current)
    result.inline_code = inline_code_spans(text, blocks)


def _extend(block: Block | None, end: int) -> Block:
    assert block is not None
    return Block(block.kind, block.start, end, block.list_item)


def _close(blocks: list[Block], block: Block | None) -> None:
    if block is not None:
        blocks.append(block)


def _trim_trailing_blank_lines(text: str, block: Block) -> Block:
    end = block.end
    while True:
        line_start = max(text.rfind("\n", block.start, end - 1), text.rfind("\r", block.start, end - 1)) + 1
        if line_start <= block.start or text[line_start:end].strip(" \t\r\n"):
            break
        end = line_start
    return Block(block.kind, block.start, end)


def _indent_width(line: str) -> int:
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def inline_code_spans(text: str, blocks: list[Block]) -> list[tuple[int, int]]:
    """CommonMark code spans: a backtick run closed by the next run of the same length."""
    spans: list[tuple[int, int]] = []
    for block in blocks:
        if block.kind != TEXT or "`" not in text[block.start : block.end]:
            continue
        runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text, block.start, block.end)]
        later_by_length: dict[int, list[int]] = {}
        for index in range(len(runs) - 1, -1, -1):
            later_by_length.setdefault(runs[index][1] - runs[index][0], []).append(index)
        # later_by_length[n] holds run indexes of length n, the earliest last.
        consumed_until = -1
        for index, (start, end) in enumerate(runs):
            size = end - start
            candidates = later_by_length[size]
            while candidates and candidates[-1] <= index:
                candidates.pop()
            if start < consumed_until or not candidates:
                continue
            closing = runs[candidates.pop()]
            spans.append((start, closing[1]))
            consumed_until = closing[1]
    return spans


# --- the syntax a reader does not see -----------------------------------------------------------

_QUOTE_MARKERS = re.compile(r"[ \t]{0,3}>[ \t]?")
_LIST_MARKER = re.compile(r"[ \t]*(?:[*+-]|\d{1,9}[.)])(?:[ \t]+|(?=[\r\n]|$))")
_ATX_OPEN = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]+|(?=[\r\n]|$))")
_SETEXT_EQUALS = re.compile(r"[ \t]{0,3}=+[ \t]*$")
_REFERENCE_DEFINITION = re.compile(
    r"[ \t]{0,3}\[((?:[^\[\]\\]|\\.){1,999})\]:[ \t]*(?:\r\n|\r|\n)?[ \t]*(?:<[^<>\r\n]*>|[^\s<][^\s]*)"
    r"(?:[ \t]*(?:\r\n|\r|\n)?[ \t]*(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?[ \t]*(?:\r\n|\r|\n|$)"
)
_ESCAPABLE = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def hidden_syntax(post) -> list[tuple[int, int]]:
    """The Markdown syntax in text blocks that CommonMark (or goldmark) consumes: rendered
    emphasis delimiters, block markers, reference definitions, link and image syntax, escaping
    backslashes (sorted, disjoint spans)."""
    from postlint.emphasis import delimiter_runs
    from postlint.markdown import merge

    text = post.text
    blocks = post.markdown
    spans: list[tuple[int, int]] = []
    for _, runs in delimiter_runs(post):
        for run in runs:
            spans.extend((offset, offset + 1) for offset in run.rendered)
    position = blocks.body_start
    for block in blocks.blocks:  # between blocks: blank lines, thematic breaks, setext underlines
        if block.start > position:
            spans.append((position, block.start))
        position = max(position, block.end)
    if position < len(text):
        spans.append((position, len(text)))
    for start, end in blocks.inline_code:  # the backticks, and the space they may pad with
        run = _BACKTICKS.match(text, start).end() - start
        spans.append((start, start + run))
        spans.append((end - run, end))
    for block in blocks.blocks:
        if block.kind == CODE and _FENCE_OPEN.match(text, block.start):
            _fence_lines(text, block, spans)
    labels: set[str] = set()
    text_blocks = [block for block in blocks.blocks if block.kind == TEXT]
    for block in text_blocks:
        _definitions(text, block, spans, labels)
    opaque = _opaque_in_text(post)
    for block in text_blocks:
        _line_markers(text, block, spans)
        _links_and_escapes(text, block, opaque, labels, spans, strikethrough=post.renderer.name == "goldmark")
    return merge(spans)


def _fence_lines(text: str, block: Block, spans: list) -> None:
    """A fenced code block's opening fence line and, when it has one, its closing fence line."""
    first = _NEWLINE.search(text, block.start, block.end)
    spans.append((block.start, first.end() if first else block.end))
    content_end = block.end
    while content_end > block.start and text[content_end - 1] in "\r\n":
        content_end -= 1
    last_line = max(text.rfind("\n", block.start, content_end), text.rfind("\r", block.start, content_end)) + 1
    if first and last_line >= first.end() and text[last_line:content_end].strip().startswith(("```", "~~~")):
        spans.append((last_line, block.end))


def _opaque_in_text(post) -> list[tuple[int, int]]:
    """Tags, comments and code in the body: where link and escape syntax cannot be."""
    from postlint.html import Text

    return [(token.start, token.end) for token in post.html.tokens if type(token) is not Text or token.code]


def _definitions(text: str, block: Block, spans: list, labels: set[str]) -> None:
    position = block.start
    while not block.list_item:
        found = _REFERENCE_DEFINITION.match(text, position, block.end)
        if found is None:
            break
        labels.add(" ".join(found.group(1).split()).lower())
        spans.append((found.start(), found.end()))
        position = found.end()


def _line_markers(text: str, block: Block, spans: list) -> None:
    position = block.start
    first = True
    while position < block.end:
        line_end = _NEWLINE.search(text, position, block.end)
        stop = line_end.start() if line_end else block.end
        start = position
        while (quote := _QUOTE_MARKERS.match(text, start, stop)) is not None and quote.end() > start:
            start = quote.end()
        if first and block.list_item and (marker := _LIST_MARKER.match(text, start, stop)) is not None:
            start = marker.end()
        if (heading := _ATX_OPEN.match(text, start, stop)) is not None and first:
            start = heading.end()
            closing = _closing_sequence(text, start, stop)
            if closing < stop:
                spans.append((closing, stop))
        elif not first and _SETEXT_EQUALS.fullmatch(text, start, stop):
            start = stop
        if start > position:
            spans.append((position, start))
        position = line_end.end() if line_end else block.end
        first = False


def _closing_sequence(text: str, start: int, stop: int) -> int:
    """Where an ATX heading's optional closing ``#``s begin (``stop`` when it has none)."""
    end = stop
    while end > start and text[end - 1] in " \t":
        end -= 1
    hashes = end
    while hashes > start and text[hashes - 1] == "#":
        hashes -= 1
    if hashes == end or (hashes > start and text[hashes - 1] not in " \t"):
        return stop
    while hashes > start and text[hashes - 1] in " \t":
        hashes -= 1
    return hashes


def _links_and_escapes(text: str, block: Block, opaque, labels: set[str], spans: list, strikethrough: bool) -> None:
    starts = [span[0] for span in opaque]

    def in_opaque(offset: int) -> bool:
        index = bisect_right(starts, offset) - 1
        return index >= 0 and offset < opaque[index][1]

    def scan(position: int, end: int) -> None:
        while position < end:
            char = text[position]
            if char == "\\" and position + 1 < end and not in_opaque(position):
                following = text[position + 1]
                if following in _ESCAPABLE or following in "\r\n":
                    spans.append((position, position + 1))
                    position += 2
                    continue
            if char == "[" and not in_opaque(position):
                image = position > block.start and text[position - 1] == "!" and not in_opaque(position - 1)
                link = _link(text, position, end, image, in_opaque, labels, spans)
                if link is not None:
                    if not image:  # the link text is Markdown too: [![image](src)](href)
                        scan(position + 1, link[0])
                    position = link[1]
                    continue
            if strikethrough and char == "~" and text.startswith("~~", position) and not in_opaque(position):
                close = text.find("~~", position + 2, end)
                if close != -1 and not text[position + 2].isspace() and not text[close - 1].isspace():
                    spans.append((position, position + 2))
                    spans.append((close, close + 2))
                    position = close + 2
                    continue
            position += 1

    scan(block.start, block.end)


def _link(text: str, opening: int, end: int, image: bool, in_opaque, labels: set[str], spans: list) -> tuple[int, int] | None:
    """Record the syntax of the link or image opening at ``opening`` (its ``[``); where its text
    ends and the offset past it, or None when there is none."""
    depth = 0
    position = opening
    closing = -1
    while position < end:
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if not in_opaque(position):
            if char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
                if depth == 0:
                    closing = position
                    break
        position += 1
    if closing == -1:
        return None
    start = opening - 1 if image else opening
    after = closing + 1
    if after < end and text[after] == "(":
        destination_end = _destination_end(text, after, end)
        if destination_end:
            if image:
                spans.append((start, destination_end))
            else:
                spans.append((opening, opening + 1))
                spans.append((closing, destination_end))
            return closing, destination_end
    label_end = after
    label = text[opening + 1 : closing]
    if after < end and text[after] == "[":
        close_label = text.find("]", after, end)
        if close_label != -1:
            if close_label > after + 1:
                label = text[after + 1 : close_label]
            label_end = close_label + 1
    if " ".join(label.split()).lower() in labels:
        if image:
            spans.append((start, label_end))
        else:
            spans.append((opening, opening + 1))
            spans.append((closing, label_end))
        return closing, label_end
    return None


def _destination_end(text: str, paren: int, end: int) -> int:
    """The offset past ``(destination "title")`` starting at ``paren``, or 0."""
    position = paren + 1
    while position < end and text[position] in " \t\r\n":
        position += 1
    if position < end and text[position] == "<":
        close = text.find(">", position, end)
        if close == -1:
            return 0
        position = close + 1
    else:
        depth = 0
        while position < end and not text[position].isspace():
            char = text[position]
            if char == "\\":
                position += 2
                continue
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            position += 1
    while position < end and text[position] in " \t\r\n":
        position += 1
    if position < end and text[position] in "\"'(":
        quote = ")" if text[position] == "(" else text[position]
        close = text.find(quote, position + 1, end)
        if close == -1:
            return 0
        position = close + 1
        while position < end and text[position] in " \t\r\n":
            position += 1
    if position < end and text[position] == ")":
        return position + 1
    return 0
