"""Emphasis delimiters (`*`, `_`) in the body, and which of them the renderer turns into emphasis.

The body is cut into *inline units*: a Markdown text block (its ATX heading lines on their own),
or a stretch of text inside an HTML block between block-level tags. In a unit, tags, comments,
code spans and Liquid are atoms: never delimiters, but their characters are the neighbours that
CommonMark's flanking rules look at, as in the source. Each run of `*` or `_` learns how many of
its characters print as they are (``literal_count``):

- kramdown: those the model sees as text (``Blocks.visible``): kramdown's own emphasis rules;
- CommonMark and goldmark: those CommonMark's "process emphasis" algorithm leaves unmatched, with
  its left-/right-flanking rules (Unicode whitespace and punctuation); in an HTML block, all;
- no Markdown: all.
"""


from __future__ import annotations

import re
import unicodedata
import weakref
from bisect import bisect_right
from dataclasses import dataclass

from postlint.html import PHRASING_ELEMENTS, Comment, Declaration, Tag, Text, token_start
from postlint.markdown import HTML, TEXT
from postlint.renderer import PYTHON_MARKDOWN

_RUN = re.compile(r"\*+|_+")
_DELIMITER = re.compile(r"[*_]")
_ATX = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]+|(?=[\r\n]|$))")
# A URL written in text: ASCII up to a space or quote (text in CJK scripts runs on without one).
_URL = re.compile(r"(?:https?|ftp)://[!#-&(-;=?-~]*|www\.[!#-&(-;=?-~]*", re.IGNORECASE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def is_whitespace(char: str) -> bool:
    """CommonMark's Unicode whitespace: Zs, tab, line feed, form feed, carriage return."""
    return char in " \t\n\f\r" or (char > "\x7f" and unicodedata.category(char) == "Zs")


def is_punctuation(char: str) -> bool:
    """CommonMark 0.31's Unicode punctuation: the P and S general categories."""
    if char < "\x80":
        return char in _ASCII_PUNCTUATION
    return unicodedata.category(char)[0] in "PS"


@dataclass(frozen=True, slots=True)
class Segment:
    start: int
    end: int
    after_tag: bool  # a tag (or comment) ends where the segment starts
    before_tag: bool  # a tag (or comment) starts where the segment ends


@dataclass(frozen=True, slots=True)
class Unit:
    markdown: bool  # rendered as Markdown (a text block) or not (inside an HTML block)
    start: int
    end: int
    segments: tuple[Segment, ...]


@dataclass(slots=True, eq=False)
class Run:
    char: str
    start: int
    end: int
    before: str  # the source character before the run ("\n" at the start of the text)
    after: str  # the source character after it ("\n" at the end)
    segment: Segment
    unit: Unit
    literal_count: int = 0  # how many of its delimiters print as they are (see delimiter_runs)
    rendered: tuple[int, ...] = ()  # the offsets of those the renderer takes as emphasis

    @property
    def length(self) -> int:
        return self.end - self.start

    @property
    def left_flanking(self) -> bool:
        after, before = self.after, self.before
        if is_whitespace(after):
            return False
        return not is_punctuation(after) or is_whitespace(before) or is_punctuation(before)

    @property
    def right_flanking(self) -> bool:
        after, before = self.after, self.before
        if is_whitespace(before):
            return False
        return not is_punctuation(before) or is_whitespace(after) or is_punctuation(after)


@dataclass(frozen=True, slots=True)
class Match:
    """``opener``'s chars [open_start, open_end) and ``closer``'s [close_start, close_end) pair up."""

    opener: Run
    closer: Run
    open_start: int
    open_end: int
    close_start: int
    close_end: int

    @property
    def size(self) -> int:
        return self.open_end - self.open_start


def strict_flags(run: Run) -> tuple[bool, bool]:
    left, right = run.left_flanking, run.right_flanking
    if run.char == "*":
        return left, right
    return (
        left and (not right or is_punctuation(run.before)),
        right and (not left or is_punctuation(run.after)),
    )


def match_runs(runs: list[Run], flags) -> list[Match]:
    """CommonMark's "process emphasis" over one unit's runs (document order), with ``flags``
    deciding which runs may open and close. Each run's remaining delimiters are [lo, hi):
    an opener gives up its innermost (last) ones, a closer its first ones."""
    count = len(runs)
    if count < 2:
        return []
    can_open = []
    can_close = []
    for run in runs:
        opens, closes = flags(run)
        can_open.append(opens)
        can_close.append(closes)
    lo = [run.start for run in runs]
    hi = [run.end for run in runs]
    previous = list(range(-1, count - 1))
    following = list(range(1, count + 1))
    removed = [False] * count

    def remove(index: int) -> None:
        removed[index] = True
        before, after = previous[index], following[index]
        if before >= 0:
            following[before] = after
        if after < count:
            previous[after] = before

    matches: list[Match] = []
    bottoms: dict[tuple[str, bool, int], int] = {}
    current = 0
    while current < count:
        if not can_close[current]:
            current = following[current]
            continue
        closer = runs[current]
        key = (closer.char, can_open[current], closer.length % 3)
        bottom = bottoms.get(key, -1)
        opener = previous[current]
        found = False
        while opener > bottom:
            candidate = runs[opener]
            if candidate.char == closer.char and can_open[opener]:
                odd = (can_close[opener] or can_open[current]) and (
                    (candidate.length + closer.length) % 3 == 0
                    and not (candidate.length % 3 == 0 and closer.length % 3 == 0)
                )
                if not odd:
                    found = True
                    break
            opener = previous[opener]
        if not found:
            bottoms[key] = previous[current]
            following_index = following[current]
            if not can_open[current]:
                remove(current)
            current = following_index
            continue
        use = 2 if hi[opener] - lo[opener] >= 2 and hi[current] - lo[current] >= 2 else 1
        matches.append(
            Match(runs[opener], closer, hi[opener] - use, hi[opener], lo[current], lo[current] + use)
        )
        hi[opener] -= use
        lo[current] += use
        between = following[opener]
        while between != current:
            next_index = following[between]
            remove(between)
            between = next_index
        if hi[opener] == lo[opener]:
            remove(opener)
        if hi[current] == lo[current]:
            next_index = following[current]
            remove(current)
            current = next_index
    return matches


# --- units -----------------------------------------------------------------------------------


def inline_units(post) -> list[Unit]:
    """The body's inline units in document order (code blocks have none)."""
    text = post.text
    tokens = post.html.tokens
    units: list[Unit] = []
    index = 0
    token_count = len(tokens)
    for block in post.markdown.blocks:
        if block.kind not in (TEXT, HTML):
            continue
        if text.find("*", block.start, block.end) == -1 and text.find("_", block.start, block.end) == -1:
            continue
        if not _delimiter_in_text(text, block.start, block.end, tokens):
            continue  # only in markup: target="_blank", class names, comments
        while index < token_count and tokens[index].end <= block.start:
            index += 1
        atoms = []  # (start, end, kind) clipped to the block; kind: "split", "tag", "code"
        scan = index
        while scan < token_count and tokens[scan].start < block.end:
            token = tokens[scan]
            scan += 1
            kind = type(token)
            if kind is Text:
                if not token.code:
                    continue
                atom_kind = "code"
            elif kind is Tag:
                split = block.kind == HTML and token.name not in PHRASING_ELEMENTS
                atom_kind = "split" if split else "tag"
            elif kind is Comment or kind is Declaration:
                atom_kind = "tag"
            else:  # pragma: no cover - no other token kinds
                continue
            atoms.append((max(token.start, block.start), min(token.end, block.end), atom_kind))
        if block.kind == HTML:
            ranges = _html_ranges(block.start, block.end, atoms)
        else:
            ranges = _text_ranges(text, block.start, block.end)
        first_atom = 0
        for start, end in ranges:  # in order: the atoms before a range are never needed again
            while first_atom < len(atoms) and atoms[first_atom][1] <= start:
                first_atom += 1
            segments = _segments(start, end, atoms, first_atom)
            if segments:
                units.append(Unit(block.kind == TEXT, start, end, tuple(segments)))
    return units


def _delimiter_in_text(text: str, start: int, end: int, tokens) -> bool:
    for found in _DELIMITER.finditer(text, start, end):
        index = bisect_right(tokens, found.start(), key=token_start) - 1
        if index < 0:
            return True
        token = tokens[index]
        kind = type(token)
        if found.start() >= token.end or (kind is not Tag and kind is not Comment and kind is not Declaration and not (kind is Text and token.code)):
            return True
    return False


def _html_ranges(start: int, end: int, atoms) -> list[tuple[int, int]]:
    ranges = []
    position = start
    for atom_start, atom_end, kind in atoms:
        if kind == "split":
            if atom_start > position:
                ranges.append((position, atom_start))
            position = max(position, atom_end)
    if end > position:
        ranges.append((position, end))
    return ranges


def _text_ranges(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A text block is one unit, except ATX heading lines, which are units of their own."""
    if "#" not in text[start:end]:
        return [(start, end)]
    ranges = []
    position = start
    line_start = start
    while line_start < end:
        brk = _LINE_BREAK.search(text, line_start, end)
        line_end = brk.end() if brk else end
        heading = _ATX.match(text, line_start, line_end)
        if heading:
            if line_start > position:
                ranges.append((position, line_start))
            ranges.append((heading.end(), line_end))
            position = line_end
        line_start = line_end
    if end > position:
        ranges.append((position, end))
    return ranges


def _segments(start: int, end: int, atoms, first: int) -> list[Segment]:
    segments = []
    position = start
    after_tag = False
    for index in range(first, len(atoms)):
        atom_start, atom_end, kind = atoms[index]
        if atom_end <= start or kind == "split":
            continue
        if atom_start >= end:
            break
        if atom_start > position:
            segments.append(Segment(position, atom_start, after_tag, kind == "tag"))
        after_tag = kind == "tag"
        position = max(position, atom_end)
    if end > position:
        segments.append(Segment(position, end, after_tag, False))
    return segments


# --- runs ------------------------------------------------------------------------------------


def _url_span(text: str, match: re.Match) -> tuple[int, int]:
    """A URL in text without the punctuation that ends the sentence around it (GFM's rule for
    autolinks: trailing ``?!.,:*_~`` and an unbalanced ``)`` are not part of it)."""
    start, end = match.span()
    while end > start:
        last = text[end - 1]
        if last in "?!.,:*_~'\"" or (last == ")" and text.count("(", start, end) < text.count(")", start, end)):
            end -= 1
        else:
            break
    return start, end


def _excluded_spans(text: str, segment: Segment, markdown: bool) -> list[tuple[int, int]]:
    """URLs, and in Markdown the destinations of inline links: their `*`/`_` are not emphasis."""
    spans = [_url_span(text, match) for match in _URL.finditer(text, segment.start, segment.end)]
    if markdown:
        position = segment.start
        while True:
            found = text.find("](", position, segment.end)
            if found == -1:
                break
            close = text.find(")", found + 2, segment.end)
            stop = segment.end if close == -1 else close
            spans.append((found + 2, stop))
            position = found + 2
        spans.sort()
    return spans


def unit_runs(text: str, unit: Unit) -> list[Run]:
    runs: list[Run] = []
    length = len(text)
    for segment in unit.segments:
        if text.find("*", segment.start, segment.end) == -1 and text.find("_", segment.start, segment.end) == -1:
            continue
        excluded = _excluded_spans(text, segment, unit.markdown)
        for found in _RUN.finditer(text, segment.start, segment.end):
            start, end = found.span()
            if unit.markdown:
                slashes = 0
                while start - slashes - 1 >= segment.start and text[start - slashes - 1] == "\\":
                    slashes += 1
                if slashes % 2:
                    start += 1  # a backslash-escaped delimiter is a literal character
                    if start == end:
                        continue
            else:
                if start > segment.start and text[start - 1] == "\\":
                    continue
            if excluded and any(a <= start < b for a, b in excluded):
                continue
            before = text[start - 1] if start > 0 else "\n"
            after = text[end] if end < length else "\n"
            runs.append(Run(found.group()[0], start, end, before, after, segment, unit))
    return runs


# --- which delimiters print -------------------------------------------------------------------

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def delimiter_runs(post) -> list[tuple[Unit, list[Run]]]:
    """Each inline unit with its runs of `*`/`_`, their ``literal_count`` set (once per post)."""
    cached = _CACHE.get(post)
    if cached is not None and cached[0] == len(post.text):
        return cached[1]
    text = post.text
    found: list[tuple[Unit, list[Run]]] = []
    if "*" in text or "_" in text:
        visible = post.markdown.visible
        starts = [run[0] for run in visible] if visible is not None else None
        for unit in inline_units(post):
            runs = unit_runs(text, unit)
            if not runs:
                continue
            found.append((unit, runs))
            if visible is not None:
                for run in runs:
                    run.rendered = tuple(offset for offset in range(run.start, run.end) if not _seen(visible, starts, offset))
                    run.literal_count = run.length - len(run.rendered)
            elif unit.markdown and post.renderer.name == PYTHON_MARKDOWN and _python_markdown_literal(text, unit, runs):
                pass
            elif unit.markdown and post.renderer.markdown:
                _strict_literal(runs, match_runs(runs, strict_flags))
            else:
                for run in runs:
                    run.literal_count = run.length
    _CACHE[post] = (len(text), found)
    return found


def _python_markdown_literal(text: str, unit: Unit, runs: list[Run]) -> bool:
    """Python-Markdown's own reading of the unit (False: left to the CommonMark rules)."""
    from postlint.pymarkdown import rendered_delimiters

    pieces: list[tuple[int, int] | None] = []
    for segment in unit.segments:
        if pieces and (segment.after_tag or pieces[-1] is not None and pieces[-1][1] < segment.start):
            pieces.append(None)
        pieces.append((segment.start, segment.end))
    used = rendered_delimiters(pieces, text)
    if used is None:
        return False
    for run in runs:
        run.rendered = tuple(offset for offset in range(run.start, run.end) if offset in used)
        run.literal_count = run.length - len(run.rendered)
    return True


def _seen(visible: list[tuple[int, int, str]], starts: list[int], offset: int) -> bool:
    """Whether kramdown shows the character at ``offset`` as text."""
    index = bisect_right(starts, offset) - 1
    return index >= 0 and offset < visible[index][1] and visible[index][2] != "c"


def _strict_literal(runs: list[Run], matches: list[Match]) -> None:
    used: set[int] = set()
    for match in matches:
        used.update(range(match.open_start, match.open_end))
        used.update(range(match.close_start, match.close_end))
    for run in runs:
        run.rendered = tuple(offset for offset in range(run.start, run.end) if offset in used)
        run.literal_count = run.length - len(run.rendered)
