"""Links and "paragraphs" of a post body, shared by the SRC rules (not a rule itself).

One pass over the HTML tokens cuts the body into *segments*: runs of inline content between
block-level tags (``<p>``, ``<div>``, ``<br>``, ``<li>``, ``<blockquote>``, ``<h2>``, ``<td>`` …) and
Markdown block boundaries — what a reader sees as one paragraph or line. Each segment keeps its
visible text (tags out, entities decoded) with a map back to source offsets, and the links that
start in it: ``<a href>``, ``<area href>``, ``<iframe src>``/``<embed src>``, and in Markdown text
``[text](url)``, ``[text][ref]`` and ``<https://…>`` autolinks. Code blocks, ``<pre>`` and
raw-text elements (``<script>``, ``<style>`` …) are left out.

An *attribution* is a label (``출처``) and a colon, either at the start of a segment or of one of
its lines (after decoration such as ``(``, ``>``, ``**``, list markers), or anywhere when a link
follows right after the colon (``… 감소했습니다. 출처: <a href=…>기사</a>``).
"""

from __future__ import annotations

import html as html_lib
import re
import weakref
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from postlint.html import KNOWN_ELEMENTS, PHRASING_ELEMENTS, Autolink, Comment, Declaration, Tag, Text
from postlint.markdown import CODE, TEXT

# Known elements that are rendered inline: they do not end a segment.
_INLINE = PHRASING_ELEMENTS | frozenset(
    "img wbr input button select option optgroup textarea label picture source map area audio video "
    "track svg math meter output progress ruby rb rp rt rtc slot canvas object embed iframe noscript "
    "template data q".split()
)
BOUNDARY_ELEMENTS = KNOWN_ELEMENTS - _INLINE | {"br"}
# Elements whose content is not read as prose: a label inside is an example, not an attribution.
_SKIPPED = frozenset("pre script style textarea xmp title template".split())
_LINK_ATTRIBUTE = {"a": "href", "area": "href", "iframe": "src", "embed": "src"}

_ENTITY = re.compile(r"&(?:#[0-9]{1,8};?|#[xX][0-9a-fA-F]{1,8};?|[A-Za-z][A-Za-z0-9]{1,31};?)")
_MD_LINK = re.compile(
    r"\[([^\[\]\r\n]*)\]"
    r"(?:\(\s*+(<[^<>\r\n]*>|(?:\{\{[^}\r\n]*\}\}|\{%[^%\r\n]*%\}|[^\s()<>{])*+)\s*+"
    r"(?:(?:\"[^\"\r\n]*\"|'[^'\r\n]*'|\([^()\r\n]*\))\s*+)?\)"
    r"|\[([^\[\]\r\n]*)\])"
)
_MD_DEFINITION = re.compile(r" {0,3}\[([^\[\]\r\n]+)\]:[ \t]*(<[^<>\r\n]*>|\S+)")
# What may come before a label at the start of a line: spaces, quote and list markers, emphasis,
# an opening bracket, bullets. Never a line break: each line is matched on its own.
_DECORATION = re.compile(r"[ \t\r\u00a0\u3000>#*_+\-(\[•·※▶►■□◆◇●○☞→]*(?:\d{1,9}[.)][ \t]+)?[ \t*_(\[]*")
_BARE_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_WORD_CHAR = re.compile(r"\w")
_LOOK_BEHIND = 64  # how far before a link a label and its colon are looked for


@dataclass(frozen=True, slots=True)
class Link:
    kind: str  # "a", "area", "iframe", "embed", "markdown", "autolink"
    start: int  # the whole link in the source (tag to end tag, or the Markdown syntax)
    end: int
    href: str | None  # decoded and stripped; None when the attribute is missing
    href_start: int  # where the destination is written (a zero-width span when it is empty)
    href_end: int
    text: str  # the visible text, stripped
    has_image: bool  # an <img> inside: the link shows something even without text
    templated: bool  # Liquid in the destination, or a tag cut short: the value is unknown
    vis_start: int  # where the link starts in its segment's visible text
    vis_end: int

    @property
    def is_absolute(self) -> bool:
        return is_absolute_url(self.href)

    @property
    def host(self) -> str:
        return host_of(self.href or "")


@dataclass(slots=True)
class Segment:
    start: int
    end: int
    markdown: bool  # in a Markdown text block
    text: str = ""
    links: list[Link] = field(default_factory=list)
    # (visible offset, source start, source end, exact): exact pieces map character by character.
    pieces: list[tuple[int, int, int, bool]] = field(default_factory=list)
    piece_starts: list[int] | None = None
    link_vis_starts: list[int] | None = None

    def source_offset(self, visible: int, *, end: bool = False) -> int:
        """The source offset of a position in ``text``; with ``end``, just past the character
        before it. Inside an entity this rounds outwards to the entity's start or end."""
        if not self.pieces:
            return self.start
        if end:
            if visible <= 0:
                return self.pieces[0][1]
            visible -= 1
        starts = self._starts()
        index = max(bisect_right(starts, visible) - 1, 0)
        vis_start, src_start, src_end, exact = self.pieces[index]
        if exact:
            return min(src_start + (visible - vis_start) + (1 if end else 0), src_end)
        return src_end if end else src_start

    def link_starts(self) -> list[int]:
        if self.link_vis_starts is None or len(self.link_vis_starts) != len(self.links):
            self.link_vis_starts = [link.vis_start for link in self.links]
        return self.link_vis_starts

    def _starts(self) -> list[int]:
        if self.piece_starts is None or len(self.piece_starts) != len(self.pieces):
            self.piece_starts = [piece[0] for piece in self.pieces]
        return self.piece_starts


@dataclass(frozen=True, slots=True)
class Attribution:
    segment: Segment
    label_start: int  # visible offsets of the label and its colon
    colon_end: int
    links: tuple[Link, ...]  # the links that belong to it (a, area and Markdown links)

    @property
    def source_span(self) -> tuple[int, int]:
        return self.segment.source_offset(self.label_start), self.segment.source_offset(self.colon_end, end=True)

    @property
    def rest(self) -> str:
        """The attribution's text after the colon, on its line."""
        text = self.segment.text
        line_end = text.find("\n", self.colon_end)
        return text[self.colon_end : len(text) if line_end == -1 else line_end].strip()


def is_absolute_url(href: str | None) -> bool:
    if not href:
        return False
    lowered = href[:8].lower()
    if not (lowered.startswith("http://") or lowered.startswith("https://")):
        return False
    try:
        return bool(urlsplit(href).hostname)
    except ValueError:
        return False


def host_of(href: str) -> str:
    candidate = href.strip()
    if candidate.startswith("//"):
        candidate = "http:" + candidate
    try:
        return (urlsplit(candidate).hostname or "").lower()
    except ValueError:
        return ""


def host_matches(host: str, hosts: list[str]) -> str | None:
    """The entry of ``hosts`` that ``host`` is, or is a subdomain of."""
    for entry in hosts:
        entry = entry.lower().strip().strip(".")
        if entry and (host == entry or host.endswith("." + entry)):
            return entry
    return None


def visible_text(text: str) -> str:
    return html_lib.unescape(text).replace("\u00a0", " ") if "&" in text or "\u00a0" in text else text


_LOWERED_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def lowered_body(post) -> str:
    """The body lowercased, for the rules' quick "is it named at all" tests (computed once per post:
    lowering a long non-ASCII body costs more than most rules)."""
    cached = _LOWERED_CACHE.get(post)
    if cached is None or cached[0] != len(post.text):
        cached = (len(post.text), post.text[post.body_start :].lower())
        _LOWERED_CACHE[post] = cached
    return cached[1]


# --- segments ----------------------------------------------------------------------------------

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def segments(post) -> list[Segment]:
    """The body's segments in order (computed once per post)."""
    cached = _CACHE.get(post)
    if cached is None or cached[0] != len(post.text):
        cached = (len(post.text), _Scanner(post).run())
        _CACHE[post] = cached
    return cached[1]


class _Scanner:
    def __init__(self, post):
        self.post = post
        self.text = post.text
        self.blocks = post.markdown
        self.result: list[Segment] = []
        self.current: Segment | None = None
        self.current_block = None
        self.parts: list[str] = []
        self.length = 0  # length of the current segment's visible text
        self.open_link: tuple[Tag, str, int, int] | None = None  # (start tag, attribute, visible start, part)
        self.open_link_image = False
        self.block_starts = [block.start for block in self.blocks.blocks]
        self.definitions = self._definitions()
        self.md_links = self._find_markdown_links()
        self.md_index = 0

    def _definitions(self) -> dict[str, str]:
        definitions: dict[str, str] = {}
        text = self.text
        for block in self.blocks.blocks:
            if block.kind != TEXT or "]:" not in text[block.start : block.end]:
                continue
            match = _MD_DEFINITION.match(text, block.start, block.end)
            if match:
                destination = match.group(2)
                if destination.startswith("<") and destination.endswith(">"):
                    destination = destination[1:-1]
                definitions.setdefault(_normalise_label(match.group(1)), destination)
        return definitions

    def run(self) -> list[Segment]:
        skip_depth = 0
        for token in self.post.html.tokens:
            kind = type(token)
            if kind is Tag:
                name = token.name
                if name in _SKIPPED and not token.self_closing:
                    if token.is_end:
                        skip_depth = max(0, skip_depth - 1)
                    else:
                        self._close()
                        skip_depth += 1
                    continue
                self._enter_block(token.start)
                if name in BOUNDARY_ELEMENTS and not token.glued:
                    self._close()
                    continue
                if skip_depth:
                    continue
                self._tag(token)
            elif kind is Text:
                if skip_depth:
                    continue
                self._text(token)
            elif kind is Autolink:
                if not skip_depth:
                    self._autolink(token)
            elif kind is Comment or kind is Declaration:
                continue
        self._close()
        return self.result

    # -- structure

    def _enter_block(self, offset: int) -> None:
        block = self.current_block
        if block is not None and block.start <= offset < block.end:
            return  # blocks are disjoint: no other block holds this offset
        block = self.blocks.block_at(offset)
        if block is not self.current_block:
            self._close()
            self.current_block = block

    def _segment(self, at: int) -> Segment:
        if self.current is None:
            block = self.current_block
            self.current = Segment(at, at, markdown=block is not None and block.kind == TEXT)
            self.parts = []
            self.length = 0
        return self.current

    def _close(self) -> None:
        segment = self.current
        if segment is None:
            return
        self._finish_link(segment.end)
        segment.text = "".join(self.parts)
        segment.links.sort(key=lambda link: link.vis_start)
        if segment.text.strip() or segment.links:
            self.result.append(segment)
        self.current = None
        self.parts = []
        self.length = 0

    def _append(self, src_start: int, src_end: int, chunk: str, exact: bool) -> None:
        if not chunk:
            return
        segment = self._segment(src_start)
        segment.pieces.append((self.length, src_start, src_end, exact))
        self.parts.append(chunk)
        self.length += len(chunk)
        segment.end = max(segment.end, src_end)

    # -- tokens

    def _tag(self, tag: Tag) -> None:
        name = tag.name
        segment = self._segment(tag.start)
        segment.end = max(segment.end, tag.end)
        if name == "img" and self.open_link is not None:
            self.open_link_image = True
            return
        attribute = _LINK_ATTRIBUTE.get(name)
        if attribute is None or tag.glued:
            return
        if name == "a":
            if tag.is_end:
                self._finish_link(tag.start, end_tag=tag)
                return
            self._finish_link(tag.start)
            self.open_link = (tag, attribute, self.length, len(self.parts))
            self.open_link_image = False
            return
        if tag.is_end:
            return
        href, href_start, href_end, templated = self._attribute(tag, attribute)
        segment.links.append(Link(name, tag.start, tag.end, href, href_start, href_end, "", False, templated, self.length, self.length))

    def _autolink(self, token: Autolink) -> None:
        segment = self._segment(token.start)
        segment.end = max(segment.end, token.end)
        url = self.text[token.url_start : token.url_end]
        vis_start = self.length
        self._append(token.url_start, token.url_end, url, True)
        segment.links.append(
            Link("autolink", token.start, token.end, url, token.url_start, token.url_end, url, False, False, vis_start, self.length)
        )

    def _attribute(self, tag: Tag, name: str) -> tuple[str | None, int, int, bool]:
        attribute = tag.attribute(name)
        if attribute is None:
            return None, tag.start, tag.end, not tag.terminated
        raw = attribute.value or ""
        templated = not tag.terminated or "{{" in raw or "{%" in raw
        if attribute.value is None:
            return "", attribute.name_start, attribute.name_end, templated
        return visible_text(raw).strip(), attribute.value_start, attribute.value_end, templated

    def _finish_link(self, at: int, end_tag: Tag | None = None) -> None:
        if self.open_link is None:
            return
        tag, attribute, vis_start, part = self.open_link
        self.open_link = None
        segment = self.current
        if segment is None:
            return
        href, href_start, href_end, templated = self._attribute(tag, attribute)
        link_text = "".join(self.parts[part:]).strip()
        end = end_tag.end if end_tag is not None else max(at, tag.end)
        segment.links.append(
            Link("a", tag.start, end, href, href_start, href_end, link_text, self.open_link_image, templated, vis_start, self.length)
        )
        self.open_link_image = False

    def _text(self, token: Text) -> None:
        position = token.start
        while position < token.end:
            self._enter_block(position)
            block = self.current_block
            if block is None:  # between blocks there are only blank lines
                index = bisect_right(self.block_starts, position)
                if index >= len(self.block_starts):
                    return
                position = self.block_starts[index]
                continue
            stop = min(token.end, block.end)
            if block.kind == CODE:
                position = stop
                continue
            if block.kind == TEXT:
                position = self._markdown_links(position, stop, token.code)
            self._piece(position, stop, token.code)
            position = stop

    def _piece(self, start: int, stop: int, code: bool) -> None:
        if start >= stop:
            return
        if code:  # inline code and Liquid: shown as written
            self._append(start, stop, self.text[start:stop], True)
        else:
            self._decoded(start, stop)

    def _decoded(self, start: int, stop: int) -> None:
        text = self.text
        if text.find("&", start, stop) == -1 and text.find("\u00a0", start, stop) == -1:
            self._append(start, stop, text[start:stop], True)
            return
        position = start
        for match in _ENTITY.finditer(text, start, stop):
            if match.start() > position:
                self._literal(position, match.start())
            decoded = html_lib.unescape(match.group()).replace("\u00a0", " ")
            self._append(match.start(), match.end(), decoded, decoded == match.group())
            position = match.end()
        if position < stop:
            self._literal(position, stop)

    def _literal(self, start: int, stop: int) -> None:
        chunk = self.text[start:stop]
        self._append(start, stop, chunk.replace("\u00a0", " "), True)

    def _markdown_links(self, start: int, stop: int, code: bool) -> int:
        """Record the Markdown links that begin in ``start:stop``; return how far text was added."""
        links = self.md_links
        while self.md_index < len(links) and links[self.md_index][0] < start:
            self.md_index += 1
        while self.md_index < len(links) and links[self.md_index][0] < stop:
            link_start, link_end, href, href_start, href_end, label = links[self.md_index]
            self.md_index += 1
            self._piece(start, link_start, code)
            start = link_start
            vis_start = self.length
            segment = self._segment(link_start)
            templated = "{{" in href or "{%" in href
            segment.links.append(
                Link(
                    "markdown",
                    link_start,
                    link_end,
                    visible_text(href).strip(),
                    href_start,
                    href_end,
                    visible_text(label).strip(" \t*_`\u00a0"),
                    False,
                    templated,
                    vis_start,
                    vis_start + (link_end - link_start),
                )
            )
        return start

    def _find_markdown_links(self) -> list[tuple[int, int, str, int, int, str]]:
        """``[text](url)`` and ``[text][ref]`` in Markdown text blocks, outside code spans."""
        text = self.text
        found = []
        code_spans = self.blocks.inline_code
        for block in self.blocks.blocks:
            if block.kind != TEXT or "](" not in text[block.start : block.end] and "][" not in text[block.start : block.end]:
                continue
            for match in _MD_LINK.finditer(text, block.start, block.end):
                if match.start() > 0 and text[match.start() - 1] == "!":
                    continue  # an image
                index = bisect_right(code_spans, (match.start(), float("inf"))) - 1
                if index >= 0 and code_spans[index][0] <= match.start() < code_spans[index][1]:
                    continue
                if match.group(2) is None:
                    destination = self.definitions.get(_normalise_label(match.group(3) or match.group(1)))
                    if destination is None:
                        continue
                    href_start = href_end = match.end()
                else:
                    destination = match.group(2)
                    href_start, href_end = match.span(2)
                    if destination.startswith("<") and destination.endswith(">"):
                        destination = destination[1:-1]
                        href_start, href_end = href_start + 1, href_end - 1
                found.append((match.start(), match.end(), destination, href_start, href_end, match.group(1)))
        return found


def _normalise_label(label: str) -> str:
    return " ".join(label.split()).casefold()


# --- attributions ------------------------------------------------------------------------------

_LABEL_CACHE: dict[tuple[str, ...], re.Pattern] = {}


def _label_pattern(labels: list[str]) -> re.Pattern | None:
    key = tuple(labels)
    pattern = _LABEL_CACHE.get(key)
    if pattern is None:
        names = [re.escape(label) for label in sorted({label.strip() for label in labels if label.strip()}, key=len, reverse=True)]
        if not names:
            return None
        pattern = re.compile(rf"(?:{'|'.join(names)})[ \t*_]*[:：]", re.IGNORECASE)
        _LABEL_CACHE[key] = pattern
    return pattern


def attributions(post, labels: list[str]) -> list[Attribution]:
    """Every attribution in the body, in order."""
    pattern = _label_pattern(labels)
    if pattern is None:
        return []
    body = lowered_body(post)
    if not any(label.strip().lower() in body for label in labels if label.strip()):
        return []  # no label anywhere in the body: there is no attribution to find
    found: list[Attribution] = []
    for segment in segments(post):
        text = segment.text
        if not text:
            continue
        seen: set[int] = set()
        labels_here: list[tuple[int, int]] = []
        # A label at the start of the segment or of one of its lines.
        line_start = 0
        while True:
            at = _DECORATION.match(text, line_start).end()
            match = pattern.match(text, at)
            if match and at not in seen:
                seen.add(at)
                labels_here.append((at, match.end()))
            newline = text.find("\n", line_start)
            if newline == -1:
                break
            line_start = newline + 1
        # A label anywhere, right before a link: "… 출처: <a href=…>기사</a>".
        for link in segment.links:
            if link.kind not in ("a", "markdown", "autolink"):
                continue
            window = max(0, link.vis_start - _LOOK_BEHIND)
            before = text[window : link.vis_start].rstrip()
            if not before.endswith((":", "：")):
                continue
            head = before[:-1].rstrip(" \t*_")
            for label in labels:
                label = label.strip()
                if not label or not head[len(head) - len(label) :].lower() == label.lower():
                    continue
                at = window + len(head) - len(label)
                if at > 0 and _WORD_CHAR.match(text[at - 1]):
                    continue
                if at not in seen:
                    seen.add(at)
                    match = pattern.match(text, at)
                    colon_end = match.end() if match else window + len(before)
                    labels_here.append((at, colon_end))
                break
        labels_here.sort()
        for index, (at, colon_end) in enumerate(labels_here):
            limit = labels_here[index + 1][0] if index + 1 < len(labels_here) else len(text)
            found.append(_attribution(segment, at, colon_end, limit))
    return found


def _attribution(segment: Segment, label_start: int, colon_end: int, limit: int) -> Attribution:
    """The attribution starting at ``label_start``: its links are those on the rest of its line
    (or on the next line when the label stands alone: ``출처:`` / ``<a …>``), before ``limit``
    (where the next attribution starts)."""
    text = segment.text
    line_end = text.find("\n", colon_end)
    line_end = len(text) if line_end == -1 else line_end
    if not text[colon_end:line_end].strip() and line_end < len(text):
        following = text.find("\n", line_end + 1)
        line_end = len(text) if following == -1 else following
    line_end = min(line_end, limit)
    starts = segment.link_starts()
    first, last = bisect_left(starts, colon_end), bisect_right(starts, line_end)
    # A link whose own text holds the label: <a href="…">출처: 연합뉴스</a>.
    enclosing = bisect_right(starts, label_start) - 1
    if enclosing >= 0 and segment.links[enclosing].vis_end > label_start:
        first = min(first, enclosing)
    links = tuple(link for link in segment.links[first:last] if link.kind in ("a", "area", "markdown", "autolink"))
    return Attribution(segment, label_start, colon_end, links)


def bare_url(text: str) -> str | None:
    match = _BARE_URL.search(text)
    return match.group() if match else None
