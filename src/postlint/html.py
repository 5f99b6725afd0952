"""HTML in the post body as tokens and elements with exact source spans.

Browsers (and lxml, html5lib) repair broken markup silently; postlint must see it as written. The
tokenizer follows the HTML tokenizer's rules for where tags, attributes and comments begin and
end; the tree builder keeps a stack of open elements and records every place where markup is not
closed as written: elements left open, end tags closing the wrong element, end tags with nothing
to close. Code blocks, inline code and Liquid tags (from the Markdown scan) are opaque.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from heapq import heappop, heappush
from operator import attrgetter

from postlint.markdown import TEXT, Blocks

VOID_ELEMENTS = frozenset(
    "area base br col embed hr img input keygen link meta param source track wbr".split()
)
# Elements whose content browsers read as text, not markup (HTML's raw text and RCDATA elements,
# and those the parser reads as raw text: an <iframe>'s fallback content is never markup).
RAW_TEXT_ELEMENTS = frozenset("script style textarea title xmp iframe noembed noframes noscript".split())
CODE_ELEMENTS = frozenset("pre code kbd samp".split())
# Elements whose end tag may be omitted: they close implicitly and are never "unclosed".
OPTIONAL_END = frozenset("p li dt dd tr td th option optgroup thead tbody tfoot colgroup caption rb rt rtc rp".split())
PHRASING_ELEMENTS = frozenset(
    "a abbr b bdi bdo big cite code del dfn em font i ins kbd label mark q s samp small span strike "
    "strong sub sup time tt u var".split()
)
# A start tag of one of these closes an open <p> (HTML's "close a p element").
_CLOSES_P = frozenset(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section summary table ul".split()
)
# For an opening tag, the open elements it closes implicitly (stopping at the given boundaries).
_IMPLIED_BY_START = {
    "li": ({"li"}, {"ul", "ol", "menu"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "tr": ({"tr", "td", "th"}, {"table", "thead", "tbody", "tfoot"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "thead": ({"thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup"}, {"table"}),
    "tbody": ({"thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup"}, {"table"}),
    "tfoot": ({"thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup"}, {"table"}),
    "option": ({"option"}, {"select", "datalist", "optgroup"}),
    "optgroup": ({"option", "optgroup"}, {"select"}),
}
KNOWN_ELEMENTS = frozenset(
    (
        "a abbr address area article aside audio b base bdi bdo big blockquote body br button canvas "
        "caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em "
        "embed fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i "
        "iframe img input ins kbd label legend li link main map mark menu meta meter nav noscript object ol "
        "optgroup option output p param picture pre progress q rb rp rt rtc ruby s samp script search "
        "section select slot small source span strike strong style sub summary sup svg table tbody td "
        "template textarea tfoot th thead time title tr track tt u ul var video wbr xmp math"
    ).split()
)

_TAG_NAME = re.compile(r"[^\s/>]*")
_ASCII_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_SPACE = re.compile(r"[\s/]*")
_ATTRIBUTE_NAME = re.compile(r"[^\s/>][^\s/>=]*")
_EQUALS = re.compile(r"\s*=\s*")
_UNQUOTED_VALUE = re.compile(r"[^\s>]*")
_START_TAG_BODY = r"""([A-Za-z][A-Za-z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*(/?)>"""
_END_TAG_BODY = r"/([A-Za-z][A-Za-z0-9-]*)\s*>"
# Every "<" with what follows when it is a well-formed tag, the common case: a start tag (groups
# 1-3) or an end tag (group 4); a bare "<" takes the careful path. Attributes are separated by
# required white space and no part can contain it, so a failed tag gives up in time linear in
# its length.
_MARKUP = re.compile(f"<(?:{_START_TAG_BODY}|{_END_TAG_BODY})?")
_FAST_ATTRIBUTE = re.compile(r"""(?<!\s)\s+([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_QUOTES = (None, None, '"', "'", "")  # by the attribute match's last group
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>")


@dataclass(slots=True, unsafe_hash=True)
class Attribute:
    name: str  # lowercased
    name_start: int
    name_end: int
    value: str | None  # as written (entities not decoded); None when the attribute has no value
    value_start: int  # inside the quotes
    value_end: int
    quote: str  # '"', "'" or "" (unquoted / no value)


@dataclass(slots=True)
class Tag:
    """A start or end tag as written, ``<`` to ``>`` inclusive."""

    is_end: bool
    name: str  # lowercased ASCII name; for ``</b고`` this is "b"
    start: int
    end: int
    name_end: int
    attributes: tuple[Attribute, ...] = ()
    self_closing: bool = False
    glued: str = ""  # characters glued to the name: "고" in ``</b고``
    terminated: bool = True  # False when the file ends inside the tag

    def attribute(self, name: str) -> Attribute | None:
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        return None


@dataclass(slots=True, unsafe_hash=True)
class Text:
    start: int
    end: int
    code: bool = False  # inside code (Markdown code, <pre>, <code>) or a raw-text element
    markdown: bool = False  # in a Markdown text block, where inline Markdown is rendered
    shown: bool = False  # a tag or comment the renderer prints as text (kramdown: ``</div>`` it cannot place)
    # Code the renderer shows as ordinary text (a code shortcode, a highlighter's markup): not
    # prose for the rules, but no <pre> or <code> either.
    plain: bool = False


@dataclass(slots=True, unsafe_hash=True)
class Comment:
    start: int
    end: int
    body_start: int
    body_end: int
    terminated: bool = True


@dataclass(slots=True, unsafe_hash=True)
class Declaration:
    """``<!DOCTYPE …>``, ``<![CDATA[…]]>``, ``<?…>``."""

    start: int
    end: int
    kind: str  # "doctype", "cdata", "processing-instruction", "bogus"


@dataclass(slots=True, unsafe_hash=True)
class Autolink:
    """``<https://…>`` or ``<name@example.com>`` in Markdown text: a link, not a tag."""

    start: int
    end: int

    @property
    def url_start(self) -> int:
        return self.start + 1

    @property
    def url_end(self) -> int:
        return self.end - 1


Token = Tag | Text | Comment | Declaration | Autolink
# The key to bisect tokens (sorted by start) with: no list of starts to build for each post.
token_start = attrgetter("start")


@dataclass(slots=True, eq=False)
class Element:
    name: str
    start_tag: Tag
    parent: Element | None
    end_tag: Tag | None = None
    close: int = -1  # offset where the element ends (after its end tag, or where it was closed)
    closed_by: str = ""  # "end-tag", "implied", "parent", "block", "eof"
    children: list[Element] = field(default_factory=list)

    @property
    def content_start(self) -> int:
        return self.start_tag.end

    @property
    def content_end(self) -> int:
        return self.end_tag.start if self.end_tag is not None else self.close


@dataclass(frozen=True, slots=True)
class Unclosed:
    """An element that needs an end tag and has none: closed at ``at`` by ``reason``."""

    element: Element
    at: int
    reason: str  # "parent" (an ancestor's end tag), "block" (end of a Markdown block), "eof", "renderer" (kramdown)


@dataclass(frozen=True, slots=True)
class Misnested:
    """``<b><span>…</b></span>``: ``outer_end`` closed ``outer`` while ``inner`` was open."""

    outer: Element
    inner: Element
    outer_end: Tag
    inner_end: Tag


@dataclass(frozen=True, slots=True)
class Mismatched:
    """``<h3>…</h2>``: an end tag with nothing of its name open, while ``element`` is open."""

    element: Element
    end_tag: Tag


@dataclass(slots=True)
class Html:
    tokens: list[Token]
    root: list[Element]  # top-level elements
    elements: list[Element]  # every element, in document order
    unclosed: list[Unclosed]
    misnested: list[Misnested]
    mismatched: list[Mismatched]
    stray_end_tags: list[Tag]
    # Tags and comments the renderer prints as text (in ``tokens`` they are Text, ``shown``).
    shown: list[Tag | Comment | Declaration] = field(default_factory=list)

    def tags(self) -> list[Tag]:
        return [token for token in self.tokens if type(token) is Tag]

    def texts(self) -> list[Text]:
        return [token for token in self.tokens if type(token) is Text]


def parse_html(text: str, blocks: Blocks) -> Html:
    tokens = tokenize(text, blocks)
    shown: list[Tag | Comment | Declaration] = []
    if blocks.markup is not None:
        tokens = _shown_as_text(tokens, blocks, shown)
    html = _build(tokens, text, blocks)
    html.shown = shown
    return html


def _shown_as_text(tokens: list[Token], blocks: Blocks, shown: list) -> list[Token]:
    """Tags and comments the renderer does not pass on as markup become text a reader sees."""
    out: list[Token] = []
    for token in tokens:
        kind = type(token)
        if (kind is Tag or kind is Comment or kind is Declaration) and not blocks.is_markup(token.start):
            shown.append(token)
            markdown = blocks.block_at(token.start)
            out.append(Text(token.start, token.end, markdown=markdown is not None and markdown.kind == TEXT, shown=True))
        else:
            out.append(token)
    return out


# --- tokenizer -------------------------------------------------------------------------------


def tokenize(text: str, blocks: Blocks) -> list[Token]:
    tokens: list[Token] = []
    position = blocks.body_start
    shown = _Shown(blocks) if blocks.markup is not None else None
    for code_start, code_end in blocks.code_spans:
        if code_start > position:
            _tokenize_segment(text, position, code_start, tokens, blocks.liquid, shown)
        start = max(code_start, position)
        if code_end > start:
            tokens.append(Text(start, code_end, code=True))
        position = max(position, code_end)
    if position < len(text):
        _tokenize_segment(text, position, len(text), tokens, blocks.liquid, shown)
    if blocks.liquid:
        tokens = _carve_liquid(tokens, blocks.liquid)
    return _mark_text_context(tokens, text, blocks)


def _carve_liquid(tokens: list[Token], liquid: list[tuple[int, int]]) -> list[Token]:
    """Liquid tags in text become opaque text of their own; inside a tag they are just part of
    an attribute value (Jekyll renders them before any browser sees the HTML)."""
    carved: list[Token] = []
    index = 0
    for token in tokens:
        if type(token) is not Text or token.code:
            carved.append(token)
            continue
        while index < len(liquid) and liquid[index][1] <= token.start:
            index += 1
        position = token.start
        probe = index
        while probe < len(liquid) and liquid[probe][0] < token.end:
            start, end = max(liquid[probe][0], token.start), min(liquid[probe][1], token.end)
            if start > position:
                carved.append(Text(position, start))
            carved.append(Text(start, end, code=True))
            position = end
            probe += 1
        if position < token.end:
            carved.append(Text(position, token.end))
    return carved


class _Shown:
    """Where the renderer prints a "tag" as text (kramdown escapes its ``<``): the browser reads
    that "tag" as text, so it cannot run past the next ``<`` the renderer passes on as markup."""

    __slots__ = ("blocks", "offsets")

    def __init__(self, blocks: Blocks):
        self.blocks = blocks
        self.offsets = sorted(blocks.markup)

    def limit(self, lt: int, stop: int) -> int | None:
        """None for markup at ``lt``; else where the text the renderer prints ends at the latest."""
        if self.blocks.is_markup(lt):
            return None
        index = bisect_right(self.offsets, lt)
        return min(stop, self.offsets[index]) if index < len(self.offsets) else stop


def _tokenize_segment(
    text: str, start: int, stop: int, tokens: list[Token], liquid: list[tuple[int, int]] = (), shown: _Shown | None = None
) -> None:
    append = tokens.append
    search = _MARKUP.search
    position = text_start = start
    liquid_starts = [span[0] for span in liquid]
    while True:
        match = search(text, position, stop)
        if match is None:
            break
        lt = match.start()
        if lt + 1 >= stop:
            break
        if liquid:  # markup inside a Liquid tag ({% include x text="</b>" %}) is Liquid's, not HTML
            index = bisect_right(liquid_starts, lt) - 1
            if index >= 0 and lt < liquid[index][1]:
                position = liquid[index][1]
                continue
        limit = shown.limit(lt, stop) if shown is not None else None
        name = match.group(1)
        if limit is not None and match.end() > limit:
            token = _tag_at(text, lt, limit) if lt + 1 < limit else None
            if token is None:
                position = lt + 1
                continue
        elif name is not None:
            token = Tag(False, name.lower(), lt, match.end(), match.end(1), _fast_attributes(match), match.group(3) == "/")
        elif (name := match.group(4)) is not None:
            token = Tag(True, name.lower(), lt, match.end(), match.end(4))
        else:
            token = _tag_at(text, lt, stop if limit is None else limit)
            if token is None:
                position = lt + 1
                continue
        if lt > text_start:
            append(Text(text_start, lt))
        append(token)
        position = text_start = token.end
        if type(token) is Tag:
            if liquid and token.attributes:
                token.attributes = _outside_liquid(token.attributes, liquid, liquid_starts)
            if not token.is_end and token.name in RAW_TEXT_ELEMENTS and not token.self_closing and limit is None:
                close = _find_raw_text_end(text, token.name, position, stop)
                if close > position:
                    append(Text(position, close, code=True))
                position = text_start = close
    if text_start < stop:
        append(Text(text_start, stop))


def _fast_attributes(match: re.Match) -> tuple[Attribute, ...]:
    start, end = match.span(2)
    if start == end:
        return ()
    attributes = []
    for attribute in _FAST_ATTRIBUTE.finditer(match.string, start, end):
        name_start, name_end = attribute.span(1)
        group = attribute.lastindex
        if group == 1:
            attributes.append(Attribute(attribute.group(1).lower(), name_start, name_end, None, name_end, name_end, ""))
        else:
            value_start, value_end = attribute.span(group)
            attributes.append(
                Attribute(
                    attribute.group(1).lower(), name_start, name_end, attribute.group(group), value_start, value_end, _QUOTES[group]
                )
            )
    return tuple(attributes)


def _outside_liquid(attributes: tuple[Attribute, ...], liquid, liquid_starts: list[int]) -> tuple[Attribute, ...]:
    """Drop what only looks like attributes inside a Liquid tag (``<a {% include x rel="y" %}>``);
    Liquid inside a value (``href="{{ url }}"``) stays part of that value."""

    def in_liquid(offset: int) -> bool:
        index = bisect_right(liquid_starts, offset) - 1
        return index >= 0 and offset < liquid[index][1]

    return tuple(attribute for attribute in attributes if not in_liquid(attribute.name_start))


def _find_raw_text_end(text: str, name: str, start: int, stop: int) -> int:
    closing = re.compile(rf"</{name}(?=[\s/>])", re.IGNORECASE)
    match = closing.search(text, start, stop)
    return match.start() if match else stop


def _tag_at(text: str, lt: int, stop: int) -> Token | None:
    """The careful path, for what is not a well-formed tag: comments, declarations, and tags that
    are cut off, glued to text or have odd attributes."""
    following = text[lt + 1]
    if following == "!":
        if text.startswith("<!--", lt):
            close = text.find("-->", lt + 4, stop)
            if close == -1:
                return Comment(lt, stop, lt + 4, stop, terminated=False)
            return Comment(lt, close + 3, lt + 4, close)
        if text.startswith("<![CDATA[", lt):
            close = text.find("]]>", lt, stop)
            return Declaration(lt, stop if close == -1 else close + 3, "cdata")
        close = text.find(">", lt, stop)
        kind = "doctype" if text[lt + 2 : lt + 9].lower() == "doctype" else "bogus"
        return Declaration(lt, stop if close == -1 else close + 1, kind)
    if following == "?":
        close = text.find(">", lt, stop)
        return Declaration(lt, stop if close == -1 else close + 1, "processing-instruction")
    is_end = following == "/"
    name_start = lt + 2 if is_end else lt + 1
    if name_start >= stop or not ("a" <= text[name_start].lower() <= "z"):
        return None  # "<" followed by anything else is text, as in HTML
    raw_name = _TAG_NAME.match(text, name_start, stop).group()
    ascii_name = _ASCII_NAME.match(raw_name).group()
    name_end = name_start + len(raw_name)
    if is_end:
        close = text.find(">", name_end, stop)
        end, terminated = (close + 1, True) if close != -1 else (stop, False)
        return Tag(True, ascii_name.lower(), lt, end, name_end, glued=raw_name[len(ascii_name) :], terminated=terminated)
    attributes, end, self_closing, terminated = _attributes(text, name_end, stop)
    return Tag(
        False,
        ascii_name.lower(),
        lt,
        end,
        name_end,
        attributes,
        self_closing,
        glued=raw_name[len(ascii_name) :],
        terminated=terminated,
    )


def _attributes(text: str, position: int, stop: int) -> tuple[tuple[Attribute, ...], int, bool, bool]:
    attributes: list[Attribute] = []
    while True:
        position = _SPACE.match(text, position, stop).end()
        if position >= stop:
            return tuple(attributes), stop, False, False
        if text[position] == ">":
            self_closing = text[position - 1] == "/"
            return tuple(attributes), position + 1, self_closing, True
        name_match = _ATTRIBUTE_NAME.match(text, position, stop)
        name_end = name_match.end()
        equals = _EQUALS.match(text, name_end, stop)
        if equals is None:
            attributes.append(Attribute(name_match.group().lower(), position, name_end, None, name_end, name_end, ""))
            position = name_end
            continue
        value_start = equals.end()
        quote = text[value_start] if value_start < stop else ""
        if quote in ('"', "'"):
            close = text.find(quote, value_start + 1, stop)
            if close == -1:
                attributes.append(
                    Attribute(name_match.group().lower(), position, name_end, text[value_start + 1 : stop], value_start + 1, stop, quote)
                )
                return tuple(attributes), stop, False, False
            attributes.append(
                Attribute(name_match.group().lower(), position, name_end, text[value_start + 1 : close], value_start + 1, close, quote)
            )
            position = close + 1
        else:
            value_end = _UNQUOTED_VALUE.match(text, value_start, stop).end()
            attributes.append(
                Attribute(name_match.group().lower(), position, name_end, text[value_start:value_end], value_start, value_end, "")
            )
            position = value_end


def _mark_text_context(tokens: list[Token], text: str, blocks: Blocks) -> list[Token]:
    """Flag text as code where a reader sees code — inside <pre>/<code> and raw-text elements,
    inside an element a syntax highlighter wrote (``class="highlight"``, a colorscripter table, a
    monospace block) and inside a code shortcode (``[code]…[/code]``) — and Markdown text as such
    (text is split where a Markdown text block or a shortcode begins or ends); in Markdown text,
    ``<https://…>`` is an autolink, not a tag."""
    text_blocks = [block for block in blocks.blocks if block.kind == TEXT]
    block_starts = [block.start for block in text_blocks]
    code_text = blocks.code_text
    code_text_starts = [span[0] for span in code_text]
    edges = sorted(
        {edge for block in text_blocks for edge in (block.start, block.end)} | {edge for span in code_text for edge in span}
    )

    def in_text_block(offset: int) -> bool:
        index = bisect_right(block_starts, offset) - 1
        return index >= 0 and offset < text_blocks[index].end

    def in_code_text(offset: int) -> bool:
        index = bisect_right(code_text_starts, offset) - 1
        return index >= 0 and offset < code_text[index][1]

    marked: list[Token] = []
    block_index = 0
    edge_index = 0
    code_depth = 0
    highlighted: list[list] = []  # [name, depth] of the code containers open, innermost last
    for token in tokens:
        kind = type(token)
        if kind is not Tag and kind is not Text:
            marked.append(token)
            continue
        while block_index < len(text_blocks) and text_blocks[block_index].end <= token.start:
            block_index += 1
        markdown = block_index < len(text_blocks) and text_blocks[block_index].start <= token.start
        if kind is Tag:
            if markdown and not token.is_end and (token.glued.startswith(":") or "@" in token.glued):
                autolink = _AUTOLINK.match(text, token.start, token.end)
                if autolink is not None and autolink.end() == token.end:
                    marked.append(Autolink(token.start, token.end))
                    continue
            if token.name in CODE_ELEMENTS and not token.self_closing:
                code_depth = max(0, code_depth + (-1 if token.is_end else 1))
            if not token.self_closing and token.name not in VOID_ELEMENTS:
                _track_highlighted(highlighted, token)
            marked.append(token)
            continue
        code = token.code or code_depth > 0
        plain_code = not code and bool(highlighted)
        while edge_index < len(edges) and edges[edge_index] <= token.start:
            edge_index += 1
        start = token.start
        probe = edge_index
        while probe < len(edges) and edges[probe] < token.end:  # split where a text block or shortcode begins or ends
            plain = plain_code or (not code and in_code_text(start))
            marked.append(Text(start, edges[probe], code=code or plain, markdown=in_text_block(start), plain=plain))
            start = edges[probe]
            probe += 1
        plain = plain_code or (not code and bool(code_text) and in_code_text(start))
        if start == token.start and not plain and code == token.code and not markdown:
            marked.append(token)
        else:
            marked.append(
                Text(start, token.end, code=code or plain, markdown=in_text_block(start) if start != token.start else markdown, plain=plain)
            )
    return marked


# Classes and fonts of the HTML syntax highlighters write: what is inside is code.
_CODE_CLASS = re.compile(
    r"\b(?:highlight|colorscripter|syntaxhighlighter|codehilite|hljs|prettyprint|crayon-|sourceCode|brush:|gist)",
    re.IGNORECASE,
)
_MONOSPACE = re.compile(r"font-family\s*:[^;]*\b(?:monospace|Consolas|Courier|Monaco|Menlo|D2Coding|Lucida Console)", re.IGNORECASE)


def _track_highlighted(open_containers: list[list], tag: Tag) -> None:
    """Keep ``open_containers`` (the code containers open, as [name, depth]) up to date."""
    if open_containers and open_containers[-1][0] == tag.name:
        open_containers[-1][1] += -1 if tag.is_end else 1
        if open_containers[-1][1] == 0:
            open_containers.pop()
        return
    if tag.is_end or not tag.attributes:
        return
    for attribute in tag.attributes:
        value = attribute.value or ""
        if (attribute.name == "class" and _CODE_CLASS.search(value)) or (attribute.name == "style" and _MONOSPACE.search(value)):
            open_containers.append([tag.name, 1])
            return


# --- tree builder ----------------------------------------------------------------------------


def _build(tokens: list[Token], text: str, blocks: Blocks) -> Html:
    root: list[Element] = []
    elements: list[Element] = []
    stack: list[Element] = []
    unclosed: list[Unclosed] = []
    misnested: list[Misnested] = []
    mismatched: list[Mismatched] = []
    stray: list[Tag] = []
    # Elements an ancestor's end tag closed, by name, waiting for their own end tag to show up.
    closed_early: dict[str, list[tuple[Element, Element, Tag]]] = {}
    # A stray end tag seen while ``element`` was the innermost open one: "<h3>…</h2>".
    pending_mismatch: dict[int, Tag] = {}

    # CommonMark: leaving a Markdown text block closes the phrasing elements opened inside it.
    # kramdown closes elements itself (``blocks.closings``), where it says.
    closings = blocks.closings
    text_blocks = [block for block in blocks.blocks if block.kind == TEXT] if not closings and blocks.markup is None else []
    block_index = 0
    block_floor: int | None = None  # stack depth when the current Markdown text block began
    scheduled: list[tuple[int, int, Element]] = []  # heap: (where, -start, element) the renderer closes

    def close_implicitly(element: Element, at: int, reason: str) -> None:
        element.close = at
        element.closed_by = reason
        if element.name in OPTIONAL_END or element.name in VOID_ELEMENTS or id(element) in renderer_closed:
            return
        mismatch = pending_mismatch.pop(id(element), None)
        if mismatch is not None:
            mismatched.append(Mismatched(element, mismatch))
            return
        unclosed.append(Unclosed(element, at, reason))

    def pop_to(depth: int, at: int, reason: str) -> None:
        while len(stack) > depth:
            close_implicitly(stack.pop(), at, reason)

    renderer_closed: set[int] = set()

    def close_scheduled(until: int) -> None:
        while scheduled and scheduled[0][0] <= until:
            at, _, element = heappop(scheduled)
            depth = _find_element(stack, element)
            if depth is not None:
                pop_to(depth + 1, at, "renderer")
                stack.pop()
                element.close = at
                element.closed_by = "renderer"

    for token in tokens:
        if type(token) is not Tag:
            continue
        if scheduled:
            close_scheduled(token.start)
        # Leaving a Markdown text block closes the phrasing elements opened inside it.
        while block_index < len(text_blocks) and text_blocks[block_index].end <= token.start:
            if block_floor is not None:
                _close_block(stack, block_floor, _content_end(text, text_blocks[block_index]), close_implicitly)
                block_floor = None
            block_index += 1
        if block_index < len(text_blocks) and text_blocks[block_index].start <= token.start and block_floor is None:
            block_floor = len(stack)

        name = token.name
        if not token.is_end:
            implied = _IMPLIED_BY_START.get(name)
            if implied is not None:
                closes, boundaries = implied
                for depth in range(len(stack) - 1, -1, -1):
                    open_name = stack[depth].name
                    if open_name in closes:
                        pop_to(depth, token.start, "implied")
                        break
                    if open_name in boundaries:
                        break
            if name in _CLOSES_P:
                for depth in range(len(stack) - 1, -1, -1):
                    if stack[depth].name == "p":
                        _close_p(stack, depth, token.start, close_implicitly)
                        break
                    if stack[depth].name not in PHRASING_ELEMENTS:
                        break
            parent = stack[-1] if stack else None
            element = Element(name, token, parent)
            elements.append(element)
            (parent.children if parent is not None else root).append(element)
            if name in VOID_ELEMENTS or (token.self_closing and name in ("svg", "math")):
                element.close = token.end
                element.closed_by = "end-tag"
            else:
                stack.append(element)
                closing = closings.get(token.start) if closings else None
                if closing is not None:
                    at, warned = closing
                    heappush(scheduled, (at, -token.start, element))
                    renderer_closed.add(id(element))
                    if warned:
                        unclosed.append(Unclosed(element, at, "renderer"))
            continue

        depth = _find_open(stack, name)
        if depth is None:
            early = closed_early.get(name)
            if early:
                outer, inner, outer_end = early.pop()
                misnested.append(Misnested(outer, inner, outer_end, token))
                inner.end_tag = token
                unclosed[:] = [item for item in unclosed if item.element is not inner]
                continue
            if name in VOID_ELEMENTS:
                continue  # "</br>" is read as "<br>"; nothing is left open
            stray.append(token)
            if stack and id(stack[-1]) not in pending_mismatch:
                pending_mismatch[id(stack[-1])] = token
            continue
        element = stack[depth]
        for inner in stack[depth + 1 :]:
            if inner.name not in OPTIONAL_END:
                closed_early.setdefault(inner.name, []).append((element, inner, token))
        pop_to(depth + 1, token.start, "parent")
        stack.pop()
        element.end_tag = token
        element.close = token.end
        element.closed_by = "end-tag"
        pending_mismatch.pop(id(element), None)

    if scheduled:
        close_scheduled(len(text))
    if block_floor is not None and block_index < len(text_blocks):
        _close_block(stack, block_floor, _content_end(text, text_blocks[block_index]), close_implicitly)
    pop_to(0, len(text.rstrip()), "eof")

    matched_strays = {id(item.end_tag) for item in mismatched}
    stray = [tag for tag in stray if id(tag) not in matched_strays]
    unclosed.sort(key=lambda item: item.element.start_tag.start)
    return Html(tokens, root, elements, unclosed, misnested, mismatched, stray)


def _find_element(stack: list[Element], element: Element) -> int | None:
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth] is element:
            return depth
    return None


def _find_open(stack: list[Element], name: str) -> int | None:
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth].name == name:
            return depth
    return None


def _close_p(stack: list[Element], depth: int, at: int, close_implicitly) -> None:
    while len(stack) > depth:
        close_implicitly(stack.pop(), at, "implied" if len(stack) == depth else "parent")


def _content_end(text: str, block) -> int:
    """Where a block's text ends: before its trailing white space and line breaks."""
    end = block.end
    while end > block.start and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _close_block(stack: list[Element], floor: int, at: int, close_implicitly) -> None:
    while len(stack) > floor and stack[-1].name in PHRASING_ELEMENTS:
        close_implicitly(stack.pop(), at, "block")
