#!/usr/bin/env python3
"""Defect injection: does postlint find, and repair, one known defect put into a real post?

Usage (from the repository root)::

    .venv/bin/python benchmarks/inject.py [POSTS] [--sample N] [--seed S] [--exclude-names-from DIR]

For every post (default directory: ``../shared/corpus``; or a seeded sample of them), postlint
first lints the clean post. Then, for each kind of the catalogue below that the post can take,
one mutant is made holding exactly ONE injected defect (``--one-kind``: one mutant per post, of
a kind picked at random). Each mutant is linted and, when the expected rule has a fix, fixed with
only that rule's fixes (unsafe ones too for unsafe rules). Counted per kind:

- found: a diagnostic of the expected code that the clean post did not have, overlapping the
  injected spot (post-level rules SRC001/SRC004: anywhere; front matter rules: in the front matter);
- repaired: after the fix, no more diagnostics of that code than fixing the clean post the same
  way leaves, no diagnostic of another code beyond what the clean post had (PL003 included), the
  visible text (Hangul syllables and Latin words of the body) and the loaded front matter equal
  those of the clean post fixed the same way;
- collateral: other codes the injection raised (informational); "exact": the fixed mutant is
  byte-identical to the clean post fixed the same way (informational).

Prints a Markdown table and the misses by category, with examples. ``--dump DIR`` writes every
missed mutant to ``DIR/<CODE>/<post name>`` for reproduction. Nothing is written elsewhere.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from multiprocessing import Pool
from pathlib import Path
from typing import Callable

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

from postlint.config import Config, load_config  # noqa: E402
from postlint.diagnostics import Diagnostic, Safety  # noqa: E402
from postlint.document import DecodeError, Post  # noqa: E402
from postlint.engine import Linter  # noqa: E402
from postlint.fixer import fix_post  # noqa: E402
from postlint.rule import FixAvailability, all_rules  # noqa: E402

DEFAULT_POSTS = REPO_ROOT.parent / "shared" / "corpus"
POST_SUFFIXES = (".md", ".markdown", ".html")

TEXT_PALETTE = ("#ee2323", "#1a5490")
BACKGROUND_PALETTE = ("#21538527", "#ffe066")
# Off-palette colours near each palette colour (within ST002's default max-distance of it).
NEAR_COLOURS = {
    "#ee2323": ["#ff0000", "red", "#e03e2d", "#dd3333", "rgb(255, 0, 0)"],
    "#1a5490": ["#0000ff", "#1f4e79", "#2e75b6", "#006dd7", "#0b5394"],
    "#ffe066": ["#ffff00", "yellow", "#ffd966", "#f6e199", "#ffeb3b"],
    "#21538527": ["#21538533", "rgba(33, 83, 133, 0.2)", "#dde5ee", "#d9e2ec"],
}
STYLE_IGNORED_ELEMENTS = {"hr", "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"}
FONTS = ["Arial", "'Malgun Gothic'", "'Noto Sans KR', sans-serif", "Dotum", "Helvetica, Arial"]
ONCLICK = ["return false;", "location.href='https://example.com/'", "alert(1)"]
LABELS = r"(?:출처|[Ss]ource|원문)"
AFFILIATE = re.compile(r"""href\s*=\s*["']?https?://(?:[\w-]+\.)*(?:tinyurl\.com|link\.coupang\.com)\b""", re.I)
DISCLOSURE = re.compile(r"제휴마케팅|쿠팡 파트너스|광고")
REQUIRED_KEYS = ("title", "categories", "excerpt", "image")

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
BLOCKS = {
    "p", "li", "td", "th", "div", "ul", "ol", "table", "tr", "tbody", "thead", "blockquote", "section",
    "article", "figure", "figcaption", "dd", "dt", "dl", "details", "summary", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "footer", "main", "nav", "aside",
}
# CommonMark HTML block start conditions 6 (block tag names) and 1 (pre/script/style/textarea).
HTML_BLOCK_START = re.compile(
    r" {0,3}<(?:/?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    r"details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|"
    r"header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|"
    r"search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul)(?:[\s/>]|$)|"
    r"(?:pre|script|style|textarea)(?:[\s>]|$)|!--)",
    re.I,
)
TAG = re.compile(r"<!--.*?-->|<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])[^<>]*>", re.S)
# What browsers read as a tag whatever its name: `<` + letter up to the next `>`. Those whose
# name is not an HTML element (`</b는`, `<AFP …`) hide the text they swallow: no place to inject.
ANY_TAG = re.compile(r"</?([A-Za-z][^\s/>]*)[^>]*>?", re.S)
HTML_ELEMENTS = set(
    "a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite "
    "code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption "
    "figure font footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label "
    "legend li link main map mark menu meta meter nav noscript object ol optgroup option output p param "
    "picture pre progress q rp rt ruby s samp script search section select slot small source span strike "
    "strong style sub summary sup table tbody td template textarea tfoot th thead time title tr track u ul "
    "var video wbr center big tt nobr".split()
)
EXCLUDED_ELEMENTS = re.compile(r"<(pre|code|script|style|textarea)\b[^>]*>.*?</\1\s*>", re.S | re.I)
INLINE_CODE = re.compile(r"(`+)[^`\n].*?\1", re.S)
FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
KEY_LINE = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)")
STYLE_ATTR = re.compile(r"""\sstyle\s*=\s*(["'])(.*?)\1""", re.S | re.I)
LETTERS = re.compile(r"[가-힣]|[A-Za-z]+")


# --------------------------------------------------------------------------- the clean post


@dataclass
class Tag:
    start: int
    end: int
    name: str  # lowercase; "!--" for comments
    is_end: bool

    @property
    def is_start(self) -> bool:
        return not self.is_end and self.name != "!--"


@dataclass
class TextNode:
    start: int
    end: int
    stack: tuple[str, ...]  # open elements, outermost first
    b_depth: int  # <b> elements open here (by counting start and end tags)


@dataclass
class Entry:
    key: str
    start: int  # start of the key's line
    end: int  # after the entry's last line break
    first_line_end: int  # end of the key's line (before its line break)


class Context:
    """What the injectors need to know about a clean post: spans, tags, text, front matter."""

    def __init__(self, name: str, text: str, diagnostics: list[Diagnostic]):
        self.name = name
        self.text = text
        self.codes = Counter(d.code for d in diagnostics)
        self.nl = "\r\n" if "\r\n" in text else "\n"
        self._front_matter()
        self._blocks()
        self._excluded()
        self._tags_and_text()

    # front matter -----------------------------------------------------------------------
    def _front_matter(self) -> None:
        text = self.text
        self.fm_ok = False
        self.fm_data = None
        self.entries: list[Entry] = []
        self.content_start = self.content_end = self.body_start = 0
        first = re.match(r"---[ \t]*\r?\n", text)
        if not first:
            return
        closing = re.compile(r"^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)", re.M).search(text, first.end())
        if not closing:
            return
        self.content_start, self.content_end, self.body_start = first.end(), closing.start(), closing.end()
        try:
            self.fm_data = yaml.safe_load(text[self.content_start : self.content_end])
            self.fm_ok = isinstance(self.fm_data, dict)
        except yaml.YAMLError:
            return
        position = self.content_start
        for line in text[self.content_start : self.content_end].splitlines(keepends=True):
            match = KEY_LINE.match(line)
            if match:
                end = position + len(line.rstrip("\r\n"))
                self.entries.append(Entry(match.group(1), position, position + len(line), end))
            elif self.entries:
                self.entries[-1].end = position + len(line)
            position += len(line)

    def entry(self, key: str) -> Entry | None:
        found = [entry for entry in self.entries if entry.key == key]
        return found[0] if len(found) == 1 else None

    def single_line_title(self) -> Entry | None:
        title = self.entry("title")
        if title is None or not isinstance((self.fm_data or {}).get("title"), str) or not self.fm_data["title"]:
            return None
        if self.text[title.first_line_end : title.end].strip():  # continuation lines
            return None
        value = self.text[title.start : title.first_line_end].split(":", 1)[1].strip()
        if not value or value[0] in ">|&*!":
            return None
        return title

    def categories(self) -> list[str]:
        data = self.fm_data or {}
        value = data.get("categories", data.get("category"))
        if isinstance(value, str):
            return value.split()
        return [str(item) for item in value] if isinstance(value, list) else []

    # body structure ---------------------------------------------------------------------
    def _blocks(self) -> None:
        """Blank-line separated blocks of the body: (start, end, kind) with kind html/md/code."""
        self.blocks: list[tuple[int, int, str]] = []
        position = self.body_start
        lines = self.text[self.body_start :].splitlines(keepends=True)
        fence = None
        block_start, block_kind = None, None
        for line in lines:
            stripped = line.rstrip("\r\n")
            if fence is not None:
                if re.match(r" {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}\s*$", stripped):
                    fence = None
                    self.blocks.append((block_start, position + len(line), "code"))
                    block_start = None
                position += len(line)
                continue
            opening = FENCE.match(stripped)
            if opening:
                if block_start is not None:
                    self.blocks.append((block_start, position, block_kind))
                fence, block_start = opening.group(1), position
                position += len(line)
                continue
            if not stripped.strip():
                if block_start is not None:
                    self.blocks.append((block_start, position, block_kind))
                    block_start = None
            elif block_start is None:
                block_start = position
                if re.match(r"(?: {4}|\t)", stripped):  # an indented code block
                    block_kind = "code"
                else:
                    block_kind = "html" if HTML_BLOCK_START.match(stripped) else "md"
            position += len(line)
        if block_start is not None:
            self.blocks.append((block_start, position, "code" if fence else block_kind))
        self._block_starts = [block[0] for block in self.blocks]

    def block_kind(self, offset: int) -> str | None:
        from bisect import bisect_right

        index = bisect_right(self._block_starts, offset) - 1
        if index >= 0 and offset < self.blocks[index][1]:
            return self.blocks[index][2]
        return None

    def block_span(self, offset: int) -> tuple[int, int]:
        from bisect import bisect_right

        index = bisect_right(self._block_starts, offset) - 1
        return self.blocks[index][:2] if index >= 0 else (offset, offset)

    def _excluded(self) -> None:
        text, spans = self.text, []
        for start, end, kind in self.blocks:
            if kind == "code":
                spans.append((start, end))
            elif kind == "md":
                spans.extend(match.span() for match in INLINE_CODE.finditer(text, start, end))
        spans.extend(match.span() for match in EXCLUDED_ELEMENTS.finditer(text, self.body_start))
        spans.extend(
            match.span() for match in ANY_TAG.finditer(text, self.body_start) if match.group(1).lower() not in HTML_ELEMENTS
        )
        spans.extend(match.span() for match in re.finditer(r"<!--.*?-->|\{%.*?%\}|\{\{.*?\}\}", text[self.body_start :], re.S))
        self.excluded = sorted(spans)

    def ok(self, start: int, end: int | None = None) -> bool:
        """In the body and outside code, comments and Liquid."""
        end = start if end is None else end
        if start < self.body_start:
            return False
        return not any(s <= end and start < e for s, e in self.excluded)

    def _tags_and_text(self) -> None:
        text = self.text
        self.tags: list[Tag] = []
        self.texts: list[TextNode] = []
        stack: list[str] = []
        b_depth = 0
        position = self.body_start
        for match in TAG.finditer(text, self.body_start):
            if match.start() > position:
                self.texts.append(TextNode(position, match.start(), tuple(stack), b_depth))
            position = match.end()
            if match.group(0).startswith("<!--"):
                self.tags.append(Tag(match.start(), match.end(), "!--", False))
                continue
            name, is_end = match.group(2).lower(), bool(match.group(1))
            self.tags.append(Tag(match.start(), match.end(), name, is_end))
            if not self.ok(match.start(), match.end()):
                continue
            if name == "b":
                b_depth = max(0, b_depth + (-1 if is_end else 1))
            if is_end:
                if name in stack:
                    while stack and stack.pop() != name:
                        pass
            elif name not in VOID and not match.group(0).endswith("/>"):
                if name in ("p", "li") and name in stack[-2:]:
                    while stack and stack.pop() != name:
                        pass
                stack.append(name)
        if position < len(text):
            self.texts.append(TextNode(position, len(text), tuple(stack), b_depth))
        self.texts = [node for node in self.texts if self.ok(node.start, node.end)]
        self.tags = [tag for tag in self.tags if self.ok(tag.start, tag.end)]

    def opener(self, end_tag: Tag) -> Tag | None:
        """The start tag an end tag closes, by counting same-name tags backwards."""
        depth = 0
        for tag in reversed([tag for tag in self.tags if tag.start < end_tag.start and tag.name == end_tag.name]):
            if tag.is_end:
                depth += 1
            elif depth == 0:
                return tag
            else:
                depth -= 1
        return None

    def start_tags(self, *names: str) -> list[Tag]:
        return [tag for tag in self.tags if tag.is_start and (not names or tag.name in names)]

    def style_attributes(self) -> list[tuple[Tag, int, int]]:
        """(tag, value start, value end) of every style attribute in a start tag of the body."""
        found = []
        for tag in self.start_tags():
            for match in STYLE_ATTR.finditer(self.text, tag.start, tag.end):
                found.append((tag, match.start(2), match.end(2)))
        return found

    def line_paragraph(self, start: int, end: int) -> tuple[int, int]:
        """The span to delete to remove text[start:end]: its whole line(s), and one blank line
        after, when nothing else is on the line; else just the span."""
        text = self.text
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line_end = len(text) if line_end == -1 else line_end + 1
        if text[line_start:start].strip() or text[end:line_end].strip():
            return start, end
        after = re.match(r"[ \t]*\r?\n", text[line_end:])
        return line_start, line_end + (after.end() if after else 0)


# --------------------------------------------------------------------------- visible text


class _Visible(HTMLParser):
    def __init__(self, skip_affiliate: bool = False):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.affiliate = 0
        self.skip_affiliate = skip_affiliate

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self.hidden += 1
        if tag == "a" and self.skip_affiliate:
            href = dict(attrs).get("href") or ""
            self.affiliate += 1 if AFFILIATE.search(f'href="{href}"') else 0

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self.hidden = max(0, self.hidden - 1)
        if tag == "a" and self.affiliate:
            self.affiliate -= 1

    def handle_data(self, data):
        if not self.hidden and not self.affiliate:
            self.parts.append(data)


def visible_text(body: str, skip_affiliate: bool = False) -> str:
    parser = _Visible(skip_affiliate)
    parser.feed(body)
    parser.close()
    return " ".join(parser.parts)


def body_of(text: str) -> str:
    match = re.match(r"---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)", text, re.S | re.M)
    return text[match.end() :] if match else text


def front_matter_data(text: str):
    match = re.match(r"---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|$)", text, re.S | re.M)
    if not match:
        return ("no front matter",)
    try:
        return yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return ("invalid", match.group(1))


def words(text: str) -> list[str]:
    return LETTERS.findall(visible_text(body_of(text)))


# --------------------------------------------------------------------------- injections


@dataclass
class Injection:
    edits: list[tuple[int, int, str]]  # (start, end, replacement) in the clean text, sorted
    note: str
    region: tuple[int, int] | None = None  # a clean span that also counts as "the spot"
    anywhere: bool = False  # post-level rule: any new diagnostic of the code counts
    fix_expected: bool = True

    def apply(self, text: str) -> str:
        pieces, position = [], 0
        for start, end, replacement in self.edits:
            pieces += [text[position:start], replacement]
            position = end
        return "".join(pieces) + text[position:]

    def map(self, offset: int, after_insertions: bool = True) -> int:
        shift = 0
        for start, end, replacement in self.edits:
            if end < offset or (end == offset and (start < end or after_insertions)):
                shift += len(replacement) - (end - start)
            elif start < offset:
                return start + shift
            else:
                break
        return offset + shift

    def spots(self) -> list[tuple[int, int]]:
        spans = [(self.map(start, False), self.map(start, False) + len(replacement)) for start, _, replacement in self.edits]
        if self.region is not None:
            spans.append((self.map(self.region[0], False), self.map(self.region[1])))
        return spans


def choose(rng: random.Random, items: list):
    return rng.choice(items) if items else None


def _space_positions(ctx: Context, nodes: list[TextNode]) -> list[int]:
    """Offsets just after a space that is followed by a visible character, in text nodes."""
    positions = []
    for node in nodes:
        segment = ctx.text[node.start : node.end]
        positions.extend(node.start + match.end() for match in re.finditer(r"(?<=\S) (?=[^\s|*_&<])", segment))
    return positions


def inject_mk001(ctx: Context, rng: random.Random) -> Injection | None:
    candidates = [
        tag for tag in ctx.tags
        if tag.is_end and tag.name == "b" and re.match(r" [^\s<*_]", ctx.text[tag.end : tag.end + 2])
        and ctx.block_kind(tag.start) == "html" and "*" not in ctx.text[ctx.block_span(tag.start)[0] : ctx.block_span(tag.start)[1]]
    ]
    tag = choose(rng, candidates)
    if tag is None:
        return None
    stars = rng.choices(["*", "**", "***"], weights=[8, 1, 1])[0]
    return Injection([(tag.end + 1, tag.end + 1, stars + " ")], f"`</b> {stars} ` after `</b>`")


def inject_mk002(ctx: Context, rng: random.Random) -> Injection | None:
    runs = []
    for node in ctx.texts:
        if ctx.block_kind(node.start) != "html":
            continue
        block = next((name for name in reversed(node.stack) if name in BLOCKS), None)
        if block not in ("p", "li", "td"):
            continue
        segment = ctx.text[node.start : node.end]
        if re.search(r"[*_`\[\]]", segment):
            continue
        found = [match.span() for match in re.finditer(r"\S+", segment)]
        for index in range(len(found)):
            for length in (1, 2, 3):
                if index + length > len(found):
                    break
                start, end = found[index][0], found[index + length - 1][1]
                chunk = segment[start:end]
                if "&" in chunk or not re.search(r"[가-힣A-Za-z0-9]", chunk):
                    continue
                if ctx.block_kind(node.start + start) == "html" and ctx.block_span(node.start + start) == ctx.block_span(node.start + end):
                    runs.append((node.start + start, node.start + end, block))
    run = choose(rng, runs)
    if run is None:
        return None
    start, end, block = run
    return Injection([(start, start, "**"), (end, end, "**")], f"`**…**` in `<{block}>`")


def inject_mk003(ctx: Context, rng: random.Random) -> Injection | None:
    candidates = [tag for tag in ctx.tags if tag.is_end and tag.name in ("b", "span")]
    rng.shuffle(candidates)
    for tag in candidates:
        opener = ctx.opener(tag)
        if opener is not None:
            return Injection([(tag.start, tag.end, "")], f"deleted `</{tag.name}>`", region=(opener.start, tag.end))
    return None


def inject_mk004(ctx: Context, rng: random.Random) -> Injection | None:
    candidates = []
    for match in re.finditer(r"</span></b>", ctx.text):
        if not ctx.ok(match.start(), match.end()):
            continue
        span_end = next(tag for tag in ctx.tags if tag.start == match.start())
        b_end = next(tag for tag in ctx.tags if tag.start == match.start() + len("</span>"))
        b_open, span_open = ctx.opener(b_end), ctx.opener(span_end)
        if b_open is not None and span_open is not None and b_open.end == span_open.start:  # <b><span …>…</span></b>
            candidates.append((match, b_open))
    chosen = choose(rng, candidates)
    if chosen is None:
        return None
    match, opener = chosen
    region = (opener.start, match.end())
    return Injection([(match.start(), match.end(), "</b></span>")], "`</span></b>` → `</b></span>`", region=region)


def inject_mk005(ctx: Context, rng: random.Random) -> Injection | None:
    position = choose(rng, _space_positions(ctx, [node for node in ctx.texts if node.b_depth == 0 and "b" not in node.stack]))
    if position is None:
        return None
    return Injection([(position, position, "</b>")], "stray `</b>` between words")


def inject_mk006(ctx: Context, rng: random.Random) -> Injection | None:
    candidates = [
        tag for tag in ctx.tags
        if tag.is_end and tag.name in ("b", "strong", "span", "a", "em") and re.match(r"[가-힣]", ctx.text[tag.end : tag.end + 1])
    ]
    bold = [tag for tag in candidates if tag.name == "b"]
    tag = choose(rng, bold if bold and rng.random() < 0.8 else candidates)
    if tag is None:
        return None
    glued, name = ctx.text[tag.end], tag.name
    return Injection([(tag.end - 1, tag.end, "")], f"`</{name}>{glued}` → `</{name}{glued}`", region=(tag.start, tag.end))


def inject_mk007(ctx: Context, rng: random.Random) -> Injection | None:
    text, candidates = ctx.text, []
    for match in re.finditer(r"^<(?:p|h[1-6]|ul|ol|table|div|blockquote|figure)[\s>]", text[ctx.body_start :], re.M | re.I):
        start = ctx.body_start + match.start()
        previous = text[text.rfind("\n", 0, start - 1) + 1 : start].strip()
        if ctx.ok(start) and start > ctx.body_start and (not previous or previous.endswith(">")):
            candidates.append(start)
    start = choose(rng, candidates)
    if start is None:
        return None
    spacer = rng.choices(['<p data-ke-size="size16">&nbsp;</p>', "<p>&nbsp;</p>", "<p><br></p>", "<p></p>"], weights=[7, 1, 1, 1])[0]
    separator = rng.choice([ctx.nl, ctx.nl, ctx.nl * 2])
    return Injection([(start, start, (spacer + separator) * 3)], f"3 × `{spacer}` before a block")


def inject_mk008(ctx: Context, rng: random.Random) -> Injection | None:
    position = choose(rng, _space_positions(ctx, ctx.texts))
    if position is None:
        return None
    return Injection([(position, position, "<b></b> ")], "`<b></b> ` between words")


def inject_mk009(ctx: Context, rng: random.Random) -> Injection | None:
    text = ctx.text
    first = re.search(r"\S", text[ctx.body_start :])
    if first is None:
        return None
    start = text.rfind("\n", 0, ctx.body_start + first.start()) + 1
    start = max(start, ctx.body_start)
    tail = "" if text.endswith(("\n", "\r")) else ctx.nl
    return Injection(
        [(start, start, "<html><body>" + ctx.nl), (len(text), len(text), tail + "</body></html>" + ctx.nl)],
        "`<html><body>` … `</body></html>` around the body",
    )


def inject_mk010(ctx: Context, rng: random.Random) -> Injection | None:
    tag = choose(rng, ctx.start_tags("a", "p", "span", "img", "div", "b"))
    if tag is None:
        return None
    at = tag.start + 1 + len(tag.name)
    return Injection([(at, at, f' onclick="{rng.choice(ONCLICK)}"')], f"`onclick=` on `<{tag.name}>`", region=(tag.start, tag.end))


def inject_mk011(ctx: Context, rng: random.Random) -> Injection | None:
    candidates = []
    for tag in ctx.start_tags("img"):
        match = re.compile(r"""\s+alt\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.I).search(ctx.text, tag.start, tag.end)
        if match:
            candidates.append((match.start(), match.end(), tag.start, tag.end, "`<img>` alt removed"))
    for match in re.finditer(r"!\[([^\]\n]+)\]\(", ctx.text[ctx.body_start :]):
        start = ctx.body_start + match.start(1)
        if ctx.ok(start) and ctx.block_kind(start) == "md":
            candidates.append((start, start + len(match.group(1)), start - 2, start + len(match.group(1)) + 2, "Markdown image alt emptied"))
    chosen = choose(rng, candidates)
    if chosen is None:
        return None
    start, end, region_start, region_end, note = chosen
    return Injection([(start, end, "")], note, region=(region_start, region_end))


def _fm_region(ctx: Context) -> tuple[int, int]:
    return (0, ctx.body_start)


def inject_fm002(ctx: Context, rng: random.Random) -> Injection | None:
    title = ctx.single_line_title() if ctx.fm_ok else None
    if title is None:
        return None
    line = ctx.text[title.start : title.first_line_end]
    value_at = title.start + len(line) - len(line.split(":", 1)[1].lstrip())
    plain = str(ctx.fm_data["title"])
    edits = []
    numbered = rng.random() < 0.5
    if numbered:
        quote = 1 if ctx.text[value_at] in "'\"" else 0
        edits.append((value_at + quote, value_at + quote, "1. "))
    alternative = " ".join(reversed(plain.split())) if len(plain.split()) > 1 else plain + " 2"
    edits.append((title.first_line_end, title.first_line_end, ctx.nl + "2. " + alternative))
    return Injection(edits, "title spills onto a `2. …` line" + (" (and `1. `)" if numbered else ""), region=_fm_region(ctx))


def inject_fm003(ctx: Context, rng: random.Random) -> Injection | None:
    if not ctx.fm_ok:
        return None
    present = [ctx.entry(key) for key in REQUIRED_KEYS]
    present = [entry for entry in present if entry is not None]
    if "category" in ctx.fm_data:
        present = [entry for entry in present if entry.key != "categories"]
    entry = choose(rng, present)
    if entry is None:
        return None
    return Injection([(entry.start, entry.end, "")], f"`{entry.key}:` removed", region=_fm_region(ctx))


def inject_fm004(ctx: Context, rng: random.Random) -> Injection | None:
    title = ctx.single_line_title() if ctx.fm_ok else None
    if title is None:
        return None
    empty = rng.choice(["title:", 'title: ""', "title: ''"])
    return Injection([(title.start, title.first_line_end, empty)], f"`{empty}`", region=_fm_region(ctx))


def inject_fm005(ctx: Context, rng: random.Random) -> Injection | None:
    if not ctx.fm_ok:
        return None
    entries = [entry for entry in ctx.entries if ctx.entry(entry.key) is not None]
    entry = choose(rng, entries)
    if entry is None:
        return None
    copy = ctx.text[entry.start : entry.end]
    if not copy.endswith("\n"):
        copy += ctx.nl
    return Injection([(ctx.content_end, ctx.content_end, copy)], f"`{entry.key}:` repeated at the end", region=_fm_region(ctx))


def inject_fm007(ctx: Context, rng: random.Random) -> Injection | None:
    title = ctx.single_line_title() if ctx.fm_ok else None
    if title is None or re.match(r"\d+[.)] ", str(ctx.fm_data["title"])):
        return None
    line = ctx.text[title.start : title.first_line_end]
    value_at = title.start + len(line) - len(line.split(":", 1)[1].lstrip())
    quote = 1 if ctx.text[value_at] in "'\"" else 0
    return Injection([(value_at + quote, value_at + quote, "1. ")], "title starts with `1. `", region=_fm_region(ctx))


def _declarations(value: str) -> list[tuple[str, str]]:
    return [
        (part.split(":", 1)[0].strip().lower(), part.split(":", 1)[1].strip())
        for part in value.split(";")
        if ":" in part
    ]


def inject_st001(ctx: Context, rng: random.Random) -> Injection | None:
    candidates = []
    for tag, start, end in ctx.style_attributes():
        match = re.fullmatch(r"\s*color\s*:\s*#(ee2323|1a5490)\s*;?\s*", ctx.text[start:end], re.I)
        if match:
            candidates.append((tag, start, end, match.group(1).lower()))
    chosen = choose(rng, candidates)
    if chosen is None:
        return None
    tag, start, end, hex_digits = chosen
    return Injection([(start, end, f"{hex_digits};")], f'`style="{hex_digits};"`', region=(tag.start, tag.end))


def inject_st002(ctx: Context, rng: random.Random) -> Injection | None:
    candidates = []
    for tag, start, end in ctx.style_attributes():
        if tag.name in STYLE_IGNORED_ELEMENTS:
            continue
        pattern = r"(?<![\w-])(color|background-color)\s*:\s*(#[0-9a-fA-F]{6,8})\b"
        for match in re.finditer(pattern, ctx.text[start:end]):
            prop, colour = match.group(1).lower(), match.group(2).lower()
            palette = TEXT_PALETTE if prop == "color" else BACKGROUND_PALETTE
            if colour in palette:
                candidates.append((tag, start + match.start(2), start + match.end(2), colour, prop))
    chosen = choose(rng, candidates)
    if chosen is None:
        return None
    tag, start, end, colour, prop = chosen
    new = rng.choice(NEAR_COLOURS[colour])
    return Injection([(start, end, new)], f"`{prop}: {colour}` → `{new}`", region=(tag.start, tag.end))


def inject_st003(ctx: Context, rng: random.Random) -> Injection | None:
    candidates = []
    for tag, start, end in ctx.style_attributes():
        if tag.name in STYLE_IGNORED_ELEMENTS:
            continue
        value = ctx.text[start:end]
        colour_props = [prop for prop, _ in _declarations(value) if prop in ("color", "background", "background-color")]
        if len(colour_props) != 1:
            continue
        match = re.search(r"(?<![\w-])(color|background-color)\s*:\s*(#[0-9a-fA-F]{6,8})\s*(?:;|$)", value)
        if match:
            prop, colour = match.group(1).lower(), match.group(2).lower()
            if colour in (TEXT_PALETTE if prop == "color" else BACKGROUND_PALETTE):
                other = "background-color" if prop == "color" else "color"
                candidates.append((tag, start + match.start(1), start + match.end(1), other, colour))
    chosen = choose(rng, candidates)
    if chosen is None:
        return None
    tag, start, end, other, colour = chosen
    return Injection([(start, end, other)], f"`{other}: {colour}`", region=(tag.start, tag.end))


CANONICAL_STYLE = re.compile(r"[a-z-]+: [^;:\"'!\\]+;(?: [a-z-]+: [^;:\"'!\\]+;)*")


def inject_st004(ctx: Context, rng: random.Random) -> Injection | None:
    candidates = [(tag, start, end) for tag, start, end in ctx.style_attributes() if CANONICAL_STYLE.fullmatch(ctx.text[start:end])]
    chosen = choose(rng, candidates)
    if chosen is None:
        return None
    tag, start, end = chosen
    value = ctx.text[start:end]
    transforms = [
        lambda v: v.replace(": ", ":"),
        lambda v: re.sub(r"#[0-9a-f]{3,8}\b", lambda m: m.group(0).upper(), v),
        lambda v: v[:-1],
        lambda v: re.sub(r"^[a-z-]+", lambda m: m.group(0).upper(), v),
        lambda v: v.replace("; ", ";  ").replace(": ", " :  "),
    ]
    chosen_transforms = [t for t in transforms if rng.random() < 0.5] or [transforms[0]]
    new = value
    for transform in chosen_transforms:
        new = transform(new)
    if new == value:
        new = value.replace(": ", ":")
    return Injection([(start, end, new)], f'`style="{new[:40]}"`', region=(tag.start, tag.end))


def inject_st005(ctx: Context, rng: random.Random) -> Injection | None:
    pattern = re.compile(r"""<b><span style="([^"]*(?:color|background)[^"]*)">([^<]+)</span></b>""")
    candidates = [m for m in pattern.finditer(ctx.text, ctx.body_start) if ctx.ok(m.start(), m.end())]
    match = choose(rng, candidates)
    if match is None:
        return None
    new = f'<span style="{match.group(1)}"><b>{match.group(2)}</b></span>'
    return Injection([(match.start(), match.end(), new)], "`<b><span style>` → `<span style><b>`")


def inject_st006(ctx: Context, rng: random.Random) -> Injection | None:
    tag = choose(rng, ctx.start_tags("p", "span", "div", "li", "h2", "h3", "b"))
    if tag is None:
        return None
    declaration = f"font-family: {rng.choice(FONTS)};"
    style = STYLE_ATTR.search(ctx.text, tag.start, tag.end)
    if style is not None:
        value = style.group(2).rstrip()
        at = style.start(2) + len(value)
        addition = ("" if not value else " " if value.endswith(";") else "; ") + declaration
        return Injection([(at, at, addition)], f"`{declaration}` added to a style", region=(tag.start, tag.end))
    at = tag.end - (2 if ctx.text[tag.start : tag.end].endswith("/>") else 1)
    return Injection([(at, at, f' style="{declaration}"')], f'`style="{declaration}"` added', region=(tag.start, tag.end))


ATTRIBUTION = re.compile(
    r"<p\b[^>]*>\s*(?:<(?:b|strong)>\s*)?" + LABELS + r"\s*(?:</(?:b|strong)>\s*)?[:：](?:(?!</p>).)*?<a\b(?:(?!</p>).)*</p>", re.S
)


def _attributions(ctx: Context) -> list[re.Match]:
    return [m for m in ATTRIBUTION.finditer(ctx.text, ctx.body_start) if ctx.ok(m.start(), m.end())]


def inject_src001(ctx: Context, rng: random.Random) -> Injection | None:
    if "news" not in [category.lower() for category in ctx.categories()] or ctx.codes["SRC001"]:
        return None
    found = _attributions(ctx)
    if len(found) != 1:
        return None
    start, end = ctx.line_paragraph(*found[0].span())
    rest = ctx.text[ctx.body_start : start] + ctx.text[end:]
    if re.search(LABELS + r"\s*(?:</?\w+>|\*\*|\s)*[:：]", visible_text(rest)):
        return None  # another attribution would still count
    source = (ctx.fm_data or {}).get("source_url")
    fixable = isinstance(source, str) and re.match(r"https?://", source) is not None
    return Injection([(start, end, "")], "`<p>출처: …</p>` removed", anywhere=True, fix_expected=fixable)


def inject_src002(ctx: Context, rng: random.Random) -> Injection | None:
    candidates = []
    for match in _attributions(ctx):
        href = re.compile(r"""href\s*=\s*(["'])(.+?)\1""").search(ctx.text, match.start(), match.end())
        if href:
            candidates.append((href.start(2), href.end(2), match.start(), match.end()))
    chosen = choose(rng, candidates)
    if chosen is None:
        return None
    start, end, region_start, region_end = chosen
    return Injection([(start, end, "")], 'attribution `href=""`', region=(region_start, region_end))


def inject_src003(ctx: Context, rng: random.Random) -> Injection | None:
    candidates = []
    for tag in ctx.start_tags("a"):
        rel = re.compile(r"""\srel\s*=\s*(["'])(.*?)\1""", re.I).search(ctx.text, tag.start, tag.end)
        if rel is None:
            at = tag.start + 2
            candidates.append((at, at, ' rel="dofollow"', tag))
        elif "dofollow" not in rel.group(2).lower():
            tokens = rel.group(2).split()
            if "nofollow" in tokens:
                new = " ".join("dofollow" if token == "nofollow" else token for token in tokens)
            else:
                new = " ".join(["dofollow", *tokens])
            candidates.append((rel.start(2), rel.end(2), new, tag))
    chosen = choose(rng, candidates)
    if chosen is None:
        return None
    start, end, new, tag = chosen
    return Injection([(start, end, new)], f'`rel="{new.strip()}"`' if "rel=" not in new else "`rel=\"dofollow\"` added", region=(tag.start, tag.end))


def inject_src004(ctx: Context, rng: random.Random) -> Injection | None:
    if ctx.codes["SRC004"] or not AFFILIATE.search(ctx.text, ctx.body_start):
        return None
    spans = []
    for match in re.finditer(r"<p\b[^>]*>(?:(?!</p>).)*?</p>", ctx.text[ctx.body_start :], re.S):
        start, end = ctx.body_start + match.start(), ctx.body_start + match.end()
        if ctx.ok(start, end) and DISCLOSURE.search(visible_text(match.group(0), skip_affiliate=True)) and len(match.group(0)) < 400:
            spans.append(ctx.line_paragraph(start, end))
    if not spans:
        return None
    edits = [(start, end, "") for start, end in sorted(set(spans))]
    if any(a[1] > b[0] for a, b in zip(edits, edits[1:])):
        return None
    rest = Injection(edits, "").apply(ctx.text)
    if DISCLOSURE.search(visible_text(body_of(rest), skip_affiliate=True)):
        return None  # the disclosure words occur elsewhere too: the post stays disclosed
    return Injection(edits, "disclosure paragraph removed", anywhere=True)


@dataclass(frozen=True)
class Kind:
    code: str
    description: str
    inject: Callable[[Context, random.Random], Injection | None]


CATALOGUE = [
    Kind("MK001", "` * ` after `</b>`", inject_mk001),
    Kind("MK002", "`**text**` in `<p>`/`<li>`/`<td>`", inject_mk002),
    Kind("MK003", "`</b>`/`</span>` deleted", inject_mk003),
    Kind("MK004", "`</span></b>` → `</b></span>`", inject_mk004),
    Kind("MK005", "stray `</b>` in text", inject_mk005),
    Kind("MK006", "`</b>는` → `</b는`", inject_mk006),
    Kind("MK007", "3 empty spacer `<p>`", inject_mk007),
    Kind("MK008", "empty `<b></b>`", inject_mk008),
    Kind("MK009", "`<html><body>` wrapper", inject_mk009),
    Kind("MK010", "`onclick=` attribute", inject_mk010),
    Kind("MK011", "image alt dropped", inject_mk011),
    Kind("FM003", "required key removed", inject_fm003),
    Kind("FM004", "title emptied", inject_fm004),
    Kind("FM005", "key duplicated", inject_fm005),
    Kind("FM007", "title with leading `1. `", inject_fm007),
    Kind("FM002", "title spills over two lines", inject_fm002),
    Kind("ST001", '`style="ee2323;"`', inject_st001),
    Kind("ST002", "off-palette colour", inject_st002),
    Kind("ST003", "`color: #21538527` (swapped property)", inject_st003),
    Kind("ST004", '`style="color:#EE2323"`', inject_st004),
    Kind("ST005", "`<span style><b>…</b></span>`", inject_st005),
    Kind("ST006", "`font-family:` added", inject_st006),
    Kind("SRC001", "attribution removed (News)", inject_src001),
    Kind("SRC002", "attribution href emptied", inject_src002),
    Kind("SRC003", '`rel="dofollow"`', inject_src003),
    Kind("SRC004", "disclosure removed (tinyurl)", inject_src004),
]


# --------------------------------------------------------------------------- evaluating


@dataclass
class Outcome:
    post: str
    code: str
    note: str
    where: str  # line:column of the injection in the mutant
    found: bool
    miss: str | None = None  # why not found
    repair_expected: bool = False
    repaired: bool = False
    repair_miss: str | None = None
    exact: bool = False
    collateral: list[str] = field(default_factory=list)
    mutant: str | None = None  # the mutated text, kept only for misses


def _location(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"{line}:{offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _short(diagnostic: Diagnostic, text: str) -> str:
    message = diagnostic.message if len(diagnostic.message) <= 110 else diagnostic.message[:107] + "…"
    return f"{diagnostic.code} at {_location(text, diagnostic.start)}: {message}"


class Evaluator:
    def __init__(self, linter: Linter):
        self.linter = linter
        self.rules = all_rules()

    def evaluate_post(self, path: Path, kinds: list[Kind], seed: int, one_kind: bool) -> list[Outcome]:
        try:
            post = Post.from_bytes(path.read_bytes(), str(path))
        except (OSError, DecodeError):
            return []
        clean_diagnostics = self.linter.lint(post)
        ctx = Context(path.name, post.text, clean_diagnostics)
        injections = []
        for kind in kinds:
            injection = kind.inject(ctx, random.Random(f"{seed}:{path.name}:{kind.code}"))
            if injection is not None:
                injections.append((kind, injection))
        if one_kind and injections:
            injections = [random.Random(f"{seed}:{path.name}").choice(injections)]
        fixed_clean: dict[str, object] = {}
        outcomes = []
        for kind, injection in injections:
            outcomes.append(self.evaluate(post, clean_diagnostics, kind, injection, fixed_clean))
        return outcomes

    def evaluate(self, post: Post, clean: list[Diagnostic], kind: Kind, injection: Injection, fixed_clean: dict) -> Outcome:
        code = kind.code
        text = injection.apply(post.text)
        mutant = Post(text, post.path, post.bom)
        diagnostics = self.linter.lint(mutant)
        known = set()
        for d in clean:
            for start in {injection.map(d.start, False), injection.map(d.start)}:
                for end in {injection.map(d.end, False), injection.map(d.end)}:
                    known.add((d.code, start, end, d.message))
        new = [d for d in diagnostics if (d.code, d.start, d.end, d.message) not in known]
        spots = [(0, len(text))] if injection.anywhere else injection.spots()
        at_spot = [d for d in new if d.code == code and any(d.start <= e and d.end >= s for s, e in spots)]
        first_edit = injection.map(injection.edits[0][0], False)
        outcome = Outcome(Path(post.path).name, code, injection.note, _location(text, first_edit), bool(at_spot))
        before, after = Counter(d.code for d in clean), Counter(d.code for d in diagnostics)
        outcome.collateral = sorted(c for c in after if c != code and after[c] > before[c])
        if not at_spot:
            elsewhere = [d for d in new if d.code == code]
            near = [d for d in new if d.code != code and any(d.start <= e + 1 and d.end >= s - 1 for s, e in spots)]
            if elsewhere:
                outcome.miss = f"{code} reported elsewhere ({_short(elsewhere[0], text)})"
            elif near:
                outcome.miss = "reported as " + ", ".join(sorted({d.code for d in near})) + f" ({_short(near[0], text)})"
            elif new:
                distance = lambda d: min(abs(d.start - s) for s, _ in spots)  # noqa: E731
                closest = min(new, key=distance)
                outcome.miss = f"no {code}; only a new {closest.code} elsewhere ({_short(closest, text)})"
            else:
                outcome.miss = f"no {code}, nothing new"
        rule = self.rules[code]
        outcome.repair_expected = rule.fix is not FixAvailability.NONE and injection.fix_expected
        if outcome.repair_expected:
            unsafe = rule.safety is Safety.UNSAFE
            if code not in fixed_clean:
                fixed_clean[code] = fix_post(post, self.linter, unsafe=unsafe, codes={code}, diagnostics=clean)
            reference = fixed_clean[code]
            result = fix_post(mutant, self.linter, unsafe=unsafe, codes={code}, diagnostics=diagnostics)
            outcome.repair_miss = self._repair_problem(code, before, reference, result)
            outcome.repaired = outcome.repair_miss is None
            outcome.exact = result.post.text == reference.post.text
        if outcome.miss or outcome.repair_miss:
            outcome.mutant = text
        return outcome

    def _repair_problem(self, code: str, before: Counter, reference, result) -> str | None:
        text = result.post.text
        left = Counter(d.code for d in result.diagnostics)
        allowed = Counter(d.code for d in reference.diagnostics)
        if left[code] > allowed[code]:
            remaining = [d for d in result.diagnostics if d.code == code]
            return f"{code} remains ({_short(remaining[0], text)})"
        extra = [d for d in result.diagnostics if d.code != code and left[d.code] > max(before[d.code], allowed[d.code])]
        if extra:
            return f"fix left new {extra[0].code} ({_short(extra[0], text)})"
        if front_matter_data(text) != front_matter_data(reference.post.text):
            return "front matter differs from the clean post's"
        got, expected = words(text), words(reference.post.text)
        if got != expected:
            lost, gained = Counter(expected) - Counter(got), Counter(got) - Counter(expected)
            detail = f"lost {''.join(lost.elements())[:30]!r}, gained {''.join(gained.elements())[:30]!r}"
            if not lost and not gained:
                detail = "words reordered"
            return "visible text changed: " + detail
        return None


# --------------------------------------------------------------------------- running

_evaluator: Evaluator | None = None
_settings: tuple = ()


def _init(config: Config, kinds: list[Kind], seed: int, one_kind: bool) -> None:
    global _evaluator, _settings
    _evaluator = Evaluator(Linter(config))
    _settings = (kinds, seed, one_kind)


def _work(path: Path) -> list[Outcome]:
    assert _evaluator is not None
    return _evaluator.evaluate_post(path, *_settings)


def find_posts(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file() and p.suffix in POST_SUFFIXES and not any(
        part.startswith(".") for part in p.relative_to(directory).parts))


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "—"


def report(outcomes: list[Outcome], kinds: list[Kind], examples: int, posts: int, header: str) -> str:
    by_code: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_code[outcome.code].append(outcome)
    lines = [header, "", "| kind | code | posts injected | found % | repaired % | exact % | collateral (top) |", "|---|---|---:|---:|---:|---:|---|"]
    totals = Counter()
    for kind in kinds:
        results = by_code.get(kind.code, [])
        injected = len(results)
        found = sum(o.found for o in results)
        expected = [o for o in results if o.repair_expected]
        repaired = sum(o.repaired for o in expected)
        exact = sum(o.exact for o in expected)
        collateral = Counter(c for o in results for c in o.collateral)
        top = ", ".join(f"{c} ×{n}" for c, n in collateral.most_common(3)) or "—"
        repaired_cell = percent(repaired, len(expected)) if expected else "—"
        exact_cell = percent(exact, len(expected)) if expected else "—"
        lines.append(f"| {kind.description} | {kind.code} | {injected} | {percent(found, injected)} | {repaired_cell} | {exact_cell} | {top} |")
        totals.update(injected=injected, found=found, expected=len(expected), repaired=repaired, exact=exact)
    lines.append(
        f"| **all** | | {totals['injected']} | {percent(totals['found'], totals['injected'])} | "
        f"{percent(totals['repaired'], totals['expected'])} | {percent(totals['exact'], totals['expected'])} | |"
    )
    lines += ["", f"{posts} posts read; {totals['injected']} mutants, each with one injected defect.", ""]
    misses = defaultdict(list)
    for outcome in outcomes:
        if outcome.miss:
            misses[(outcome.code, "not found", _category(outcome.miss))].append((outcome, outcome.miss))
        if outcome.repair_miss:
            misses[(outcome.code, "not repaired", _category(outcome.repair_miss))].append((outcome, outcome.repair_miss))
    if misses:
        lines.append("Misses (by kind and category; examples are `post` — injection at line:col — what happened):")
        lines.append("")
        for (code, stage, category), items in sorted(misses.items(), key=lambda item: (item[0][0], item[0][1], -len(item[1]))):
            lines.append(f"- {code} {stage}: {category} — {len(items)}")
            for outcome, detail in items[:examples]:
                lines.append(f"  - `{outcome.post}` — {outcome.note} at {outcome.where} — {detail}")
    else:
        lines.append("No misses.")
    return "\n".join(lines)


def _category(detail: str) -> str:
    """A miss's category: its detail without positions and message specifics."""
    return re.sub(r" \(.*", "", re.sub(r"lost .*", "lost/gained words", detail))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("posts", nargs="?", type=Path, default=DEFAULT_POSTS, help="directory of posts (default: ../shared/corpus)")
    parser.add_argument("--sample", type=int, help="use a seeded random sample of this many posts")
    parser.add_argument("--seed", type=int, default=0, help="seed for the sample and the injections (default 0)")
    parser.add_argument("--exclude-names-from", type=Path, action="append", default=[], metavar="DIR",
                        help="leave out posts whose file name occurs in DIR (e.g. ../shared/corpus)")
    parser.add_argument("--kinds", help="comma-separated codes of the kinds to inject (default: all)")
    parser.add_argument("--one-kind", action="store_true", help="one mutant per post, of a kind picked at random")
    parser.add_argument("--examples", type=int, default=3, help="examples shown per miss category (default 3)")
    parser.add_argument("--dump", type=Path, metavar="DIR", help="write missed mutants to DIR/<CODE>/<post name>")
    parser.add_argument("--config", type=Path, help="postlint configuration file (default: postlint's defaults)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    if not args.posts.is_dir():
        parser.error(f"{args.posts}: not a directory")
    files = find_posts(args.posts)
    excluded = {p.name for directory in args.exclude_names_from for p in find_posts(directory)}
    files = [p for p in files if p.name not in excluded]
    if args.sample is not None and args.sample < len(files):
        files = sorted(random.Random(args.seed).sample(files, args.sample))
    if not files:
        parser.error("no posts to use")
    kinds = CATALOGUE
    if args.kinds:
        wanted = {code.strip().upper() for code in args.kinds.split(",")}
        unknown = wanted - {kind.code for kind in CATALOGUE}
        if unknown:
            parser.error(f"unknown kinds: {', '.join(sorted(unknown))}")
        kinds = [kind for kind in CATALOGUE if kind.code in wanted]
    config = load_config(args.config) if args.config else Config(root=args.posts.resolve())

    init = (config, kinds, args.seed, args.one_kind)
    if args.jobs > 1 and len(files) > 20:
        with Pool(args.jobs, initializer=_init, initargs=init) as pool:
            batches = pool.map(_work, files, chunksize=max(1, len(files) // (args.jobs * 8)))
    else:
        _init(*init)
        batches = [_work(path) for path in files]
    outcomes = [outcome for batch in batches for outcome in batch]

    if args.dump:
        for outcome in outcomes:
            if outcome.mutant is not None:
                target = args.dump / outcome.code / outcome.post
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(outcome.mutant, encoding="utf-8", newline="")
    sample = f", sample {args.sample} (seed {args.seed})" if args.sample else f", seed {args.seed}"
    skipped = f", {len(excluded)} names excluded" if excluded else ""
    header = f"## Injection benchmark: `{args.posts}`{sample}{skipped}"
    print(report(outcomes, kinds, args.examples, len(files), header))
    return 0


if __name__ == "__main__":
    sys.exit(main())
