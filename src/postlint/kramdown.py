"""The body as kramdown reads it: Jekyll's renderer (kramdown 2.4 with its GFM parser).

kramdown does not follow CommonMark, and the differences decide what a reader of a Jekyll site
sees: a block-level HTML element opens raw HTML that lasts until its own end tag, through blank
and indented lines, and nothing in it is Markdown (unless ``markdown="1"`` or
``parse_block_html``); inside it every element needs its end tag, and an end tag that closes
anything else is printed as text (``</div>`` shown on the page) while the element left open
swallows the rest of the post; a tag kramdown cannot read (``<a href=http://x>``) is printed as
text; emphasis follows kramdown's own rules, not CommonMark's flanking rules; paragraphs, lists,
tables and code blocks begin and end where kramdown says.

This module follows kramdown's block and span parsers step by step (the same regular
expressions, tried in the same order) and records, in offsets of the post: the characters a
reader sees as text and as code, where Markdown is rendered and where raw HTML is, which ``<``
start markup (tags and comments kramdown passes on), and which elements kramdown closes because
their end tag never came. It renders nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from postlint.liquid import Piece, jekyll_pass

# --- Ruby's regular expressions, in Python -----------------------------------------------------
# Ruby's \s and \w are ASCII; [[:alpha:]], [[:alnum:]] and \p{Word} are Unicode. A pattern is
# always tried at the scanner's position (Ruby's StringScanner: ^ and \A match there).
_S = r"[ \t\n\r\f\v]"
_NS = r"[^ \t\n\r\f\v]"
_ALPHA = r"[^\W\d_]"
_ALNUM = r"[^\W_]"
_NAME = r"[^\W\d][\w.-]*"  # [[:alpha:]_][-[:alnum:]._]*
UNAME = rf"(?:{_NAME}:)?{_NAME}"
_M = re.MULTILINE
_DM = re.MULTILINE | re.DOTALL

HTML_TAG = re.compile(
    rf"<((?>{UNAME})){_S}*((?>{_S}+{UNAME}(?:{_S}*={_S}*(?:\w+|([\"']).*?\3))?)*){_S}*(/)?>", _DM
)
HTML_TAG_CLOSE = re.compile(rf"</({UNAME}){_S}*>", _DM)
HTML_COMMENT = re.compile(r"<!--(.*?)-->", _DM)
HTML_INSTRUCTION = re.compile(r"<\?(.*?)\?>", _DM)
HTML_ATTRIBUTE = re.compile(rf"(?<![ \t\n\r\f\v]){_S}*+({UNAME})(?:{_S}*={_S}*(?:(\w+)|([\"'])(.*?)\3))?", _DM)
HTML_RAW_START = re.compile(rf"<(?:{UNAME}|/|!--|\?)")
# What parse_raw_html tries at each HTML_RAW_START, in kramdown's order, as one pattern: a
# comment, a processing instruction, a start tag, an end tag, or a "<" that is text.
RAW_TOKEN = re.compile(
    rf"(?P<comment><!--.*?-->)|(?P<pi><\?.*?\?>)"
    rf"|<(?P<name>(?>{UNAME})){_S}*(?P<attrs>(?>{_S}+{UNAME}(?:{_S}*={_S}*(?:\w+|(?P<q>[\"']).*?(?P=q)))?)*){_S}*(?P<slash>/)?>"
    rf"|</(?P<end>{UNAME}){_S}*>|(?P<text><)(?=(?:{UNAME}|/|!--|\?))",
    _DM,
)

CONTENT_MODEL_BLOCK = frozenset(
    "address applet article aside blockquote body dd details div dl fieldset figure figcaption footer "
    "form header hgroup iframe li main map menu nav noscript object section summary td".split()
)
CONTENT_MODEL_SPAN = frozenset(
    "a abbr acronym b bdo big button cite caption del dfn dt em h1 h2 h3 h4 h5 h6 i ins label legend "
    "optgroup p q rb rbc rp rt rtc ruby select small span strong sub sup th tt".split()
)
SPAN_ELEMENTS = frozenset(
    "a abbr acronym b big bdo br button cite code del dfn em i img input ins kbd label mark option q rb "
    "rbc rp rt rtc ruby samp select small span strong sub sup tt u var".split()
)
BLOCK_ELEMENTS = frozenset(
    "address article aside applet body blockquote caption col colgroup dd div dl dt fieldset figcaption "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr html head iframe legend menu li main map nav ol "
    "optgroup p pre section summary table tbody td th thead tfoot tr ul".split()
)
WITHOUT_BODY = frozenset("area base br col command embed hr img input keygen link meta param source track wbr".split())
_RAW_MODEL = frozenset("script style math option textarea pre code kbd samp var".split())
KNOWN = SPAN_ELEMENTS | BLOCK_ELEMENTS | WITHOUT_BODY | CONTENT_MODEL_BLOCK | CONTENT_MODEL_SPAN | _RAW_MODEL


def content_model(name: str) -> str:
    if name in CONTENT_MODEL_BLOCK:
        return "block"
    if name in CONTENT_MODEL_SPAN:
        return "span"
    return "raw"


_MARKDOWN_ATTRIBUTE = {"0": "raw", "1": "default", "span": "span", "block": "block"}

_OPT = " {0,3}"
BLANK_LINE = re.compile(rf"(?>{_S}*\n)+")
_EOB_MARKER = r"\^" + _S + r"*?\n"
EOB_MARKER = re.compile(_EOB_MARKER)
_ALD_ANY = r"(?:\\\}|[^\}])"
_ALD_ID = r"[A-Za-z0-9_][A-Za-z0-9_-]*"
_IAL_BLOCK = rf"\{{:(?!:|/)({_ALD_ANY}+)\}}{_S}*?\n"
IAL_BLOCK_START = re.compile(_OPT + _IAL_BLOCK)
_LAZY_SPAN = "|".join(sorted(SPAN_ELEMENTS | {"script"}, key=len, reverse=True))
_LAZY_END_HTML_START = rf"<(?>(?!(?:{_LAZY_SPAN})\b){UNAME})"
_LAZY_END_HTML_STOP = rf"</(?!(?:{_LAZY_SPAN})\b){UNAME}{_S}*>"
_LAZY_END = (
    rf"(?>{_S}*\n)+|{_OPT}{_IAL_BLOCK}|{_EOB_MARKER}|{_OPT}{_LAZY_END_HTML_STOP}|{_OPT}{_LAZY_END_HTML_START}|\Z"
)
LAZY_END = re.compile(_LAZY_END, re.DOTALL)
_PATTERN_TAIL = r"[\t| ][^\n]*?\n"
_LIST_START_UL = rf"({_OPT}[+*-])({_PATTERN_TAIL})"
_LIST_START_OL = rf"({_OPT}\d+\.)({_PATTERN_TAIL})"
LIST_START_UL = re.compile(_LIST_START_UL)
LIST_START_OL = re.compile(_LIST_START_OL)
LIST_START = re.compile(f"{_LIST_START_UL}|{_LIST_START_OL}")
_DEFINITION_LIST_START = rf"({_OPT}:)({_PATTERN_TAIL})"
DEFINITION_LIST_START = re.compile(_DEFINITION_LIST_START)
_ATX_GFM = r"(?P<level>#{1,6})[\t ]+(?P<contents>[^\n]*)\n"
ATX_GFM = re.compile(_ATX_GFM)
ATX_KRAMDOWN = re.compile(r"(?P<level>#{1,6})[\t ]*(?P<contents>[^ \t\n][^\n]*)\n")
_BLOCKQUOTE_START = rf"{_OPT}> ?"
BLOCKQUOTE_START = re.compile(_BLOCKQUOTE_START)
BLOCKQUOTE_PREFIX = re.compile(rf"^{_OPT}> ?", _M)
_FENCED_GFM_START = r"[ ]{0,3}[~`]{3,}"
FENCED_GFM_START = re.compile(_FENCED_GFM_START)
# kramdown's fence patterns, with the fence at most 200 characters long: Python backtracks over a
# longer run as slowly as Ruby does, and no post fences code with one.
FENCED_GFM = re.compile(
    rf"[ ]{{0,3}}(([~`]){{3,200}}){_S}*?(({_NS}+?)(?:\?{_NS}*)?)?{_S}*?\n(.*?)^[ ]{{0,3}}\1\2*{_S}*?\n", _DM
)
FENCED_KRAMDOWN_START = re.compile(r"~{3,}")
FENCED_KRAMDOWN = re.compile(rf"((~){{3,200}}){_S}*?(({_NS}+?)(?:\?{_NS}*)?)?{_S}*?\n(.*?)^\1\2*{_S}*?\n", _DM)
PARAGRAPH_END_GFM = re.compile(
    f"{_LAZY_END}|{_LIST_START_UL}|{_LIST_START_OL}|{_ATX_GFM}|{_DEFINITION_LIST_START}|{_BLOCKQUOTE_START}|{_FENCED_GFM_START}",
    re.DOTALL,
)
PARAGRAPH_END_KRAMDOWN = re.compile(f"{_LAZY_END}|{_DEFINITION_LIST_START}", re.DOTALL)
PARAGRAPH_START = re.compile(rf"{_OPT}[^ \t][^\n]*?\n")
LINE = re.compile(r"[^\n]*\n")
INDENT = re.compile(r"\t| {4}")
_CODEBLOCK_LINE = rf"(?:\t| {{4}})[ \t]*{_NS}[^\n]*\n"
CODEBLOCK = re.compile(
    rf"(?:(?:(?>{_S}*\n)+)?(?:{_CODEBLOCK_LINE})+"
    rf"(?:(?!{_OPT}{_IAL_BLOCK}|{_EOB_MARKER}|{_OPT}{_LAZY_END_HTML_STOP}|{_OPT}{_LAZY_END_HTML_START})"
    rf"(?<=\n)[ \t]*{_NS}[^\n]*\n)*)*",
)
HR_START = re.compile(rf"{_OPT}(\*|-|_)[ \t]*\1[ \t]*\1(\1|[ \t])*\n")
SETEXT = re.compile(rf"{_OPT}(?P<contents>[^ \t\n][^\n]*)\n(?P<level>[-=])[-=]*[ \t\r\f\v]*\n")
HEADER_ID = re.compile(r"[\t ]\{#(?P<id>[A-Za-z_:][\w.:-]*)\}\Z")
BLOCK_MATH = re.compile(rf"{_OPT}(\\)?\$\$(.*?)\$\$({_S}*?\n)?", re.DOTALL)
_TABLE_PIPE_CHECK = r"(?:\||[^\n]*?[^\\\n]\|)"
TABLE_LINE = re.compile(rf"{_TABLE_PIPE_CHECK}[^\n]*?\n")
TABLE_START = re.compile(rf"{_OPT}(?={_NS}){_TABLE_PIPE_CHECK}[^\n]*?\n")
TABLE_SEP_LINE = re.compile(r"([+|: \t-]*?-[+|: \t-]*?)[ \t]*\n")
TABLE_FSEP_LINE = re.compile(r"[+|: \t=]*?=[+|: \t=]*?[ \t]*\n")
FOOTNOTE_DEFINITION_START = re.compile(rf"{_OPT}\[\^({_ALD_ID})\]:{_S}*?([^\n]*?\n{CODEBLOCK.pattern})", re.DOTALL)
LINK_DEFINITION_START = re.compile(
    rf"{_OPT}\[([^\n\]]+)\]:[ \t]*(?:<([^\n]*?)>|([^\n]*?\S[^\n]*?))(?:(?:[ \t]*?\n|[ \t]+?)[ \t]*?([\"'])([^\n]+?)\4)?[ \t]*?\n"
)
ABBREV_DEFINITION_START = re.compile(rf"{_OPT}\*\[([^\n]+?)\]:([^\n]*?)\n")
BLOCK_EXTENSIONS_START = re.compile(rf"{_OPT}\{{:")
ALD_START = re.compile(rf"{_OPT}\{{:({_ALD_ID}):({_ALD_ANY}+)\}}{_S}*?\n")
_EXT_START = rf"\{{::(\w+)(?:{_S}({_ALD_ANY}*?)|)(/)?\}}"
EXT_BLOCK_START = re.compile(rf"{_OPT}(?:{_EXT_START}|\{{:/({_ALD_ID})?\}}){_S}*?\n")
EXT_SPAN_START = re.compile(rf"{_EXT_START}|\{{:/({_ALD_ID})?\}}")
IAL_SPAN_START = re.compile(rf"\{{:({_ALD_ANY}+)\}}")
TRAILING_WHITESPACE = re.compile(r"[ \t]*\n")
HTML_BLOCK_START = re.compile(rf"{_OPT}<(?:{UNAME}|!--|/)")
HTML_TAG_AT_LINE = re.compile(_OPT + HTML_TAG.pattern, _DM)
HTML_TAG_CLOSE_AT_LINE = re.compile(_OPT + HTML_TAG_CLOSE.pattern, _DM)
LIST_ITEM_IAL = re.compile(rf"\{{:(?!(?:{_ALD_ID})?:|/)({_ALD_ANY}+)\}}")

# Span level.
EMPHASIS_START = re.compile(r"\*\*?|__?")
CODESPAN = re.compile(r"`+")
AUTOLINK = re.compile(r"<((mailto|https?|ftps?):[^\n]+?|[\w.-]+?@[\w.-]+?)>")
HTML_SPAN_START = re.compile(rf"<(?:{UNAME}|!--|/)")
FOOTNOTE_MARKER = re.compile(rf"\[\^({_ALD_ID})\]")
LINK_START = re.compile(r"!?\[(?=[^^])")
SMART_QUOTES = re.compile(r"[^\\]?[\"']")
INLINE_MATH = re.compile(r"\$\$(.*?)\$\$", re.DOTALL)
HTML_ENTITY = re.compile(r"&([A-Za-z0-9_:][\-A-Za-z0-9_.:]*);|&#([0-9]+);|&#x([0-9a-fA-F]+);")
TYPOGRAPHIC = re.compile(r"---|--|\.\.\.|\\<<|\\>>|<< | >>|<<|>>")
LINE_BREAK = re.compile(r"(  |\\\\)(?=\n)")
ESCAPED_CHARS = re.compile(r"\\([\\.*_+`<>()\[\]{}#!:|\"'$=-])")
ESCAPED_CHARS_GFM = re.compile(r"\\([\\.*_+`<>()\[\]{}#!:|\"'$=\-~])")
STRIKETHROUGH = re.compile(r"~~(?![ \t\n\r\f\v~]).*?[^ \t\n\r\f\v~]~~", re.DOTALL)
LINK_BRACKET_STOP = re.compile(r"(\])|!?\[")
LINK_PAREN_STOP = re.compile(r"(\()|(\))|\s(?=['\"])")
LINK_INLINE_ID = re.compile(r"\s*?\[([^\]]+)?\]")
LINK_INLINE_TITLE = re.compile(r"\s*?([\"'])(.+?)\1\s*?\)", re.DOTALL)
_SQ_PUNCT = r"""[!"#$%'()*+,\-./:;<=>?@\[\\\]^_`{|}~]"""
_SQ_CLOSE = r"[^ \\\t\r\n\[{(-]"
# kramdown's smart-quote rules, in order: (pattern, how many characters before the quote it keeps).
SMART_QUOTE_RULES = (
    (re.compile(r"(\"|')(?=[_*]{1,2}\S)"), 0),
    (re.compile(rf"(\"|')(?={_SQ_PUNCT}(?!\.\.)\B)"), 0),
    (re.compile(r"(\s?)\"'(?=\w)"), 1),
    (re.compile(r"(\s?)'\"(?=\w)"), 1),
    (re.compile(r"(\s?)'(?=\d\ds)"), 1),
    (re.compile(r"(\s)('|\")(?=\w)"), 1),
    (re.compile(rf"({_SQ_CLOSE})('|\")"), 1),
    (re.compile(r"(\"|')(?=\s|s\b|$)", _M), 0),
    (re.compile(r"(.?)'", re.DOTALL), 1),
    (re.compile(r"(.?)\"", re.DOTALL), 1),
)


def normalize_link_id(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()


# --- the source ------------------------------------------------------------------------------


class Src:
    """A string kramdown parses, and for each of its characters the offset it has in the post
    (kramdown parses derived strings: a list item without its indentation, a block quote
    without its ``>``)."""

    __slots__ = ("s", "base", "origins")

    def __init__(self, s: str, base: int = 0, origins: list[int] | None = None):
        self.s = s
        self.base = base
        self.origins = origins

    def at(self, index: int) -> int:
        if self.origins is None:
            return self.base + index
        if index < len(self.origins):
            return self.origins[index]
        return self.origins[-1] + 1 if self.origins else self.base

    def runs(self, start: int, end: int) -> list[tuple[int, int]]:
        """The post's spans that ``s[start:end]`` comes from."""
        if start >= end:
            return []
        if self.origins is None:
            return [(self.base + start, self.base + end)]
        out: list[tuple[int, int]] = []
        origins = self.origins
        run_start = previous = origins[start]
        for index in range(start + 1, end):
            offset = origins[index]
            if offset != previous + 1:
                out.append((run_start, previous + 1))
                run_start = offset
            previous = offset
        out.append((run_start, previous + 1))
        return out

    def slice(self, start: int, end: int) -> Src:
        if self.origins is None:
            return Src(self.s[start:end], self.base + start)
        return Src(self.s[start:end], 0, self.origins[start:end])


class Builder:
    """Builds a derived Src from pieces of other sources and inserted text."""

    __slots__ = ("parts", "origins")

    def __init__(self):
        self.parts: list[str] = []
        self.origins: list[int] = []

    def add(self, src: Src, start: int, end: int) -> None:
        if start >= end:
            return
        self.parts.append(src.s[start:end])
        if src.origins is None:
            self.origins.extend(range(src.base + start, src.base + end))
        else:
            self.origins.extend(src.origins[start:end])

    def insert(self, text: str, origin: int) -> None:
        self.parts.append(text)
        self.origins.extend([origin] * len(text))

    def build(self) -> Src:
        return Src("".join(self.parts), 0, self.origins)


# --- what the parse records ------------------------------------------------------------------

TEXT_RUN = "t"
CODE_RUN = "c"


@dataclass(slots=True)
class Facts:
    """What kramdown makes of the body, in offsets of the post."""

    visible: list[tuple[int, int, str]] = field(default_factory=list)  # text the reader sees: TEXT_RUN, CODE_RUN
    markdown: list[tuple[int, int]] = field(default_factory=list)  # text parsed as Markdown (span level)
    raw_html: list[tuple[int, int]] = field(default_factory=list)  # raw HTML elements (Markdown not rendered)
    code_blocks: list[tuple[int, int]] = field(default_factory=list)
    code_spans: list[tuple[int, int]] = field(default_factory=list)
    markup: set[int] = field(default_factory=set)  # "<" of the tags and comments passed on as markup
    closings: list[tuple[int, int, bool]] = field(default_factory=list)  # (start tag, where closed, warned)
    passthrough: list[tuple[int, int]] = field(default_factory=list)  # passed on as written (``<?…?>``)


class Node:
    """An element of kramdown's tree, as far as postlint needs it."""

    __slots__ = ("type", "value", "children", "model", "start", "stop", "end_tag", "close", "warned")

    def __init__(self, type_: str, value=None, start: int = -1):
        self.type = type_
        # text: its runs (kind in ``model``); raw_text: a Src; html_element: its name; codeblock,
        # codespan, math, nomarkdown: their runs; blank: its text; footnote(_def): its name
        self.value = value
        self.children: list[Node] = []
        self.model = ""  # html_element: "raw", "span" or "block"; text: TEXT_RUN or CODE_RUN
        self.start = start  # the post offset where it starts (an html_element: its "<")
        self.stop = -1  # the post offset just past it, where known
        self.end_tag = -1  # html_element: its end tag's "<" (-1: kramdown closed it)
        self.close = -1  # html_element kramdown closed: where
        self.warned = False  # ... and whether kramdown warns that the end tag is missing


class _StopBlockParsing(Exception):
    """kramdown's ``throw :stop_block_parsing``: the end tag of the HTML element being parsed."""


class _Scanner:
    """Ruby's StringScanner, as far as kramdown uses it."""

    __slots__ = ("src", "s", "pos")

    def __init__(self, src: Src):
        self.src = src
        self.s = src.s
        self.pos = 0

    def eos(self) -> bool:
        return self.pos >= len(self.s)

    def scan(self, pattern: re.Pattern) -> re.Match | None:
        match = pattern.match(self.s, self.pos)
        if match is not None:
            self.pos = match.end()
        return match


def _concat(first: Src, second: Src) -> Src:
    builder = Builder()
    builder.add(first, 0, len(first.s))
    builder.add(second, 0, len(second.s))
    return builder.build()


def _strip_lines(src: Src, start: int, end: int, prefix: re.Pattern) -> Src:
    """``src[start:end]`` without what ``prefix`` matches at the start of each line."""
    builder = Builder()
    s = src.s
    position = start
    while position < end:
        newline = s.find("\n", position, end)
        line_end = end if newline == -1 else newline + 1
        found = prefix.match(s, position, line_end)
        builder.add(src, found.end() if found else position, line_end)
        position = line_end
    return builder.build()


def _markdown_attribute(attributes: str) -> str | None:
    """The content model a ``markdown="…"`` attribute asks for, or None."""
    if "markdown" not in attributes:
        return None
    value = None
    for match in HTML_ATTRIBUTE.finditer(attributes):
        if match.group(1).lower() == "markdown":
            value = match.group(2) if match.group(2) is not None else (match.group(4) or "")
    return _MARKDOWN_ATTRIBUTE.get(value) if value is not None else None


_LIST_PATTERNS: dict[tuple[str, int], re.Pattern] = {}
_LIST_LINE_PATTERNS: dict[int, tuple[re.Pattern, re.Pattern, re.Pattern]] = {}


def _list_pattern(kind: str, indentation: int) -> re.Pattern:
    """kramdown's ``fetch_pattern``: the next item's marker, indented less than the content."""
    pattern = _LIST_PATTERNS.get((kind, indentation))
    if pattern is None:
        spaces = {1: " {0}", 2: " {0,1}", 3: " {0,2}"}.get(indentation, " {0,3}")
        marker = {"ul": "[+*-]", "ol": r"\d+\.", "dl": ":"}[kind]
        pattern = _LIST_PATTERNS[(kind, indentation)] = re.compile(rf"({spaces}{marker})({_PATTERN_TAIL})")
    return pattern


def _list_line_patterns(indentation: int) -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    patterns = _LIST_LINE_PATTERNS.get(indentation)
    if patterns is None:
        quotient, remainder = divmod(indentation, 4)
        content = re.compile(
            rf"(?:(?:\t| {{4}}){{{quotient}}} {{{remainder}}}|(?:\t| {{4}}){{{quotient + 1}}})[^\n]*{_NS}[^\n]*\n"
        )
        lazy = re.compile(
            rf"(?! {{0,{min(indentation, 3)}}}(?:{_IAL_BLOCK}|{_LAZY_END_HTML_STOP}|{_LAZY_END_HTML_START}))[^\n]*{_NS}[^\n]*\n"
        )
        indent = re.compile(rf" {{{indentation}}}")
        patterns = _LIST_LINE_PATTERNS[indentation] = (content, lazy, indent)
    return patterns


def _codespan_pieces(text: str) -> list[tuple[str, bool]]:
    """Text cut into kramdown code spans (True) and the rest (False), for the table check."""
    pieces: list[tuple[str, bool]] = []
    position = last = 0
    while True:
        found = text.find("`", position)
        if found == -1:
            break
        run = CODESPAN.match(text, found).group()
        close = text.find(run, found + len(run))
        if close == -1:
            position = found + len(run)
            continue
        if found > last:
            pieces.append((text[last:found], False))
        pieces.append((text[found + len(run) : close], True))
        position = last = close + len(run)
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


class Parser:
    """kramdown's parser (GFM input unless ``gfm`` is False), recording offsets in the post."""

    def __init__(self, gfm: bool = True, parse_block_html: bool = False):
        self.gfm = gfm
        self.parse_block_html = parse_block_html
        self.link_defs: set[str] = set()
        self.footnotes: set[str] = set()
        self.paragraph_end = PARAGRAPH_END_GFM if gfm else PARAGRAPH_END_KRAMDOWN
        self.escaped_chars = ESCAPED_CHARS_GFM if gfm else ESCAPED_CHARS
        self.span_parsers = _GFM_SPAN_PARSERS if gfm else _KRAMDOWN_SPAN_PARSERS
        self.tree: Node | None = None
        self.stack: list = []
        self.scanner: _Scanner | None = None
        self.block_ial = False
        self.span_source: _Scanner | None = None
        self.span_tree: Node | None = None
        self.span_stack: list[Node] = []
        self._span_patterns: dict = {}
        self.facts = Facts()  # what raw HTML holds is recorded here as it is read
        self.block_parsers = (
            (BLANK_LINE, self.parse_blank_line),
            (INDENT, self.parse_codeblock),
            (FENCED_GFM_START if gfm else FENCED_KRAMDOWN_START, self.parse_codeblock_fenced),
            (BLOCKQUOTE_START, self.parse_blockquote),
            (ATX_GFM if gfm else ATX_KRAMDOWN, self.parse_atx_header),
            (HR_START, self.parse_horizontal_rule),
            (LIST_START, self.parse_list),
            (DEFINITION_LIST_START, self.parse_definition_list),
            (HTML_BLOCK_START, self.parse_block_html_),
            (SETEXT, self.parse_setext_header),
            (BLOCK_MATH, self.parse_block_math),
            (TABLE_START, self.parse_table),
            (FOOTNOTE_DEFINITION_START, self.parse_footnote_definition),
            (LINK_DEFINITION_START, self.parse_link_definition),
            (ABBREV_DEFINITION_START, self.parse_abbrev_definition),
            (BLOCK_EXTENSIONS_START, self.parse_block_extensions),
            (EOB_MARKER, self.parse_eob_marker),
            (PARAGRAPH_START, self.parse_paragraph),
        )
        self._from_block_html = next(index for index, (_, method) in enumerate(self.block_parsers) if method == self.parse_block_html_)

    def parse(self, src: Src) -> Node:
        root = Node("root")
        self.parse_blocks(root, src)
        self.update_tree(root)
        return root

    # --- block level ---------------------------------------------------------------------

    def parse_blocks(self, element: Node, src: Src | None = None) -> bool:
        """Parse blocks into ``element``, from ``src`` or on from the current scanner; True when
        the end tag of the HTML element being parsed (``element``) stopped it."""
        self.stack.append((self.tree, self.scanner, self.block_ial))
        self.tree, self.block_ial = element, False
        if src is not None:
            self.scanner = _Scanner(src)
        scanner = self.scanner
        found = False
        try:
            s = scanner.s
            parsers = self.block_parsers
            from_html = self._from_block_html
            while scanner.pos < len(s):
                # No parser before block_html takes a line that starts with "<".
                for start, method in parsers[from_html:] if s[scanner.pos] == "<" else parsers:
                    if start.match(s, scanner.pos) is not None and method():
                        break
                else:  # kramdown warns "this should not occur" and takes the line as text
                    end = LINE.match(scanner.s, scanner.pos).end()
                    self.add_raw_text(scanner.src.slice(scanner.pos, end))
                    scanner.pos = end
        except _StopBlockParsing:
            found = True
        self.tree, outer_scanner, self.block_ial = self.stack.pop()
        if src is not None:
            self.scanner = outer_scanner
        return found

    def add_raw_text(self, src: Src, tree: Node | None = None) -> None:
        tree = tree or self.tree
        last = tree.children[-1] if tree.children else None
        if last is not None and last.type == "raw_text":
            last.value = _concat(last.value, src)
        elif src.s:
            tree.children.append(Node("raw_text", src, src.at(0)))

    def last_child(self) -> Node | None:
        children = self.tree.children
        return children[-1] if children else None

    def after_block_boundary(self) -> bool:
        last = self.last_child()
        return last is None or last.type == "blank" or (last.type == "eob" and last.value is None) or self.block_ial

    def before_block_boundary(self) -> bool:
        s, pos = self.scanner.s, self.scanner.pos
        return (
            BLANK_LINE.match(s, pos) is not None
            or EOB_MARKER.match(s, pos) is not None
            or IAL_BLOCK_START.match(s, pos) is not None
            or _AT_END.match(s, pos) is not None
        )

    def new_block(self, type_: str, value=None, start: int = -1) -> Node:
        if self.block_ial:
            self.block_ial = False
        return Node(type_, value, start)

    def parse_blank_line(self) -> bool:
        match = self.scanner.scan(BLANK_LINE)
        last = self.last_child()
        if last is not None and last.type == "blank":
            last.value += match.group()
        else:
            self.tree.children.append(self.new_block("blank", match.group()))
        return True

    def parse_eob_marker(self) -> bool:
        self.scanner.scan(EOB_MARKER)
        self.tree.children.append(self.new_block("eob"))
        return True

    def parse_paragraph(self) -> bool:
        scanner = self.scanner
        s = scanner.s
        first = scanner.pos
        scanner.pos = end = LINE.match(s, first).end()
        while self.paragraph_end.match(s, scanner.pos) is None:
            line = LINE.match(s, scanner.pos)
            if line is None:
                break
            scanner.pos = end = line.end()
        while end > first and s[end - 1] in _RUBY_SPACE:
            end -= 1
        last = self.last_child()
        if last is not None and last.type == "p":
            text = last.children[-1] if last.children else None
            if text is not None and text.type == "raw_text":
                builder = Builder()
                builder.add(text.value, 0, len(text.value.s))
                builder.insert("  \n" if s[max(0, first - 3) : first] == "  \n" else "\n", scanner.src.at(first))
                builder.add(scanner.src, first, end)
                text.value = builder.build()
            else:
                last.children.append(Node("raw_text", scanner.src.slice(first, end), scanner.src.at(first)))
            return True
        start = first
        while start < end and s[start] in _RUBY_SPACE:
            start += 1
        paragraph = self.new_block("p", start=scanner.src.at(start))
        self.tree.children.append(paragraph)
        if start < end:
            paragraph.children.append(Node("raw_text", scanner.src.slice(start, end), scanner.src.at(start)))
        return True

    def parse_codeblock(self) -> bool:
        scanner = self.scanner
        match = scanner.scan(CODEBLOCK)
        if match is None or match.end() == match.start():
            return False
        node = self.new_block("codeblock", scanner.src.runs(match.start(), match.end()), scanner.src.at(match.start()))
        node.stop = scanner.src.at(match.end() - 1) + 1
        self.tree.children.append(node)
        return True

    def parse_codeblock_fenced(self) -> bool:
        scanner = self.scanner
        match = (FENCED_GFM if self.gfm else FENCED_KRAMDOWN).match(scanner.s, scanner.pos)
        if match is None:
            return False
        scanner.pos = match.end()
        node = self.new_block("codeblock", scanner.src.runs(match.start(5), match.end(5)), scanner.src.at(match.start()))
        node.stop = scanner.src.at(match.end() - 1) + 1
        self.tree.children.append(node)
        return True

    def parse_blockquote(self) -> bool:
        scanner = self.scanner
        s = scanner.s
        start = scanner.pos
        scanner.pos = LINE.match(s, start).end()
        while LAZY_END.match(s, scanner.pos) is None:
            line = LINE.match(s, scanner.pos)
            if line is None:
                break
            scanner.pos = line.end()
        node = self.new_block("blockquote", start=scanner.src.at(start))
        self.tree.children.append(node)
        self.parse_blocks(node, _strip_lines(scanner.src, start, scanner.pos, BLOCKQUOTE_PREFIX))
        return True

    def parse_atx_header(self) -> bool:
        if not self.gfm and not self.after_block_boundary():
            return False
        scanner = self.scanner
        s = scanner.s
        match = (ATX_GFM if self.gfm else ATX_KRAMDOWN).match(s, scanner.pos)
        start, end = self._header_contents(match.start("contents"), match.end("contents"))
        trail = (_ATX_TRAIL_GFM if self.gfm else _ATX_TRAIL).search(s, start, end)
        if trail is not None and trail.end() == end:
            end = trail.start()
            while end > start and s[end - 1] in _RUBY_SPACE:
                end -= 1
        if start >= end:
            return False
        self._add_header(match, start, end)
        return True

    def _header_contents(self, start: int, end: int) -> tuple[int, int]:
        s = self.scanner.s
        while end > start and s[end - 1] in _RUBY_SPACE:
            end -= 1
        header_id = HEADER_ID.search(s, start, end)
        if header_id is not None:
            end = header_id.start()
            while end > start and s[end - 1] in _RUBY_SPACE:
                end -= 1
        return start, end

    def _add_header(self, match: re.Match, start: int, end: int) -> None:
        scanner = self.scanner
        scanner.pos = match.end()
        node = self.new_block("header", start=scanner.src.at(match.start()))
        node.children.append(Node("raw_text", scanner.src.slice(start, end), scanner.src.at(start)))
        self.tree.children.append(node)

    def parse_setext_header(self) -> bool:
        if not self.after_block_boundary():
            return False
        match = SETEXT.match(self.scanner.s, self.scanner.pos)
        start, end = self._header_contents(match.start("contents"), match.end("contents"))
        if start >= end:
            return False
        self._add_header(match, start, end)
        return True

    def parse_horizontal_rule(self) -> bool:
        match = self.scanner.scan(HR_START)
        self.tree.children.append(self.new_block("hr", start=self.scanner.src.at(match.start())))
        return True

    def parse_block_math(self) -> bool:
        scanner = self.scanner
        match = BLOCK_MATH.match(scanner.s, scanner.pos)
        if not self.after_block_boundary():
            return False
        if match.group(1):
            if match.group(3):
                scanner.scan(_ESCAPED_MATH)
            return False
        saved = scanner.pos
        scanner.pos = match.end()
        if self.before_block_boundary():
            self.tree.children.append(self.new_block("math", scanner.src.runs(match.start(2), match.end(2)), scanner.src.at(saved)))
            return True
        scanner.pos = saved
        return False

    def parse_footnote_definition(self) -> bool:
        scanner = self.scanner
        match = scanner.scan(FOOTNOTE_DEFINITION_START)
        node = Node("footnote_def", match.group(1), scanner.src.at(match.start()))
        self.parse_blocks(node, _strip_lines(scanner.src, match.start(2), match.end(2), INDENT))
        self.footnotes.add(match.group(1))
        self.tree.children.append(self.new_block("eob", "footnote_def"))
        self.tree.children.append(node)
        return True

    def parse_link_definition(self) -> bool:
        scanner = self.scanner
        match = LINK_DEFINITION_START.match(scanner.s, scanner.pos)
        if match.group(3) and re.search(r"[ \t]+[\"']", match.group(3)):
            return False
        scanner.pos = match.end()
        self.link_defs.add(normalize_link_id(match.group(1)))
        self.tree.children.append(self.new_block("eob", "link_def"))
        return True

    def parse_abbrev_definition(self) -> bool:
        self.scanner.scan(ABBREV_DEFINITION_START)
        self.tree.children.append(self.new_block("eob", "abbrev_def"))
        return True

    def parse_block_extensions(self) -> bool:
        scanner = self.scanner
        if scanner.scan(ALD_START):
            self.tree.children.append(self.new_block("eob", "ald"))
            return True
        match = EXT_BLOCK_START.match(scanner.s, scanner.pos)
        if match is not None:
            return self._extension(match, block=True)
        if scanner.scan(IAL_BLOCK_START):
            last = self.last_child()
            if last is not None and last.type != "blank" and (last.type != "eob" or last.value in ("link_def", "abbrev_def", "footnote_def")):
                if IAL_BLOCK_START.match(scanner.s, scanner.pos) is None:
                    self.tree.children.append(self.new_block("eob", "ial"))
            else:
                self.block_ial = True
            return True
        return False

    def _extension(self, match: re.Match, block: bool) -> bool:
        """``{::comment}…{:/comment}``, ``{::nomarkdown}…{:/}``, ``{::options … /}``."""
        scanner = self.scanner
        saved = scanner.pos
        if match.group(4) is not None or match.group(1) is None:
            return False  # a stray stop tag: kramdown warns and ignores it
        scanner.pos = match.end()
        name = match.group(1)
        body = None
        if not match.group(3):
            stop = _extension_stop(name, block)
            found = stop.search(scanner.s, scanner.pos)
            if found is None:
                scanner.pos = saved
                return False
            body = (scanner.pos, found.start())
            scanner.pos = found.end()
        if name in ("comment", "options"):
            if name == "options" and block:
                self.tree.children.append(self.new_block("eob", "extension"))
            return True
        if name == "nomarkdown":
            if body is not None:
                self.tree.children.append(Node("nomarkdown", scanner.src.runs(*body), scanner.src.at(body[0])))
            return True
        scanner.pos = saved
        return False

    def parse_table(self) -> bool:
        if not self.after_block_boundary():
            return False
        scanner = self.scanner
        s = scanner.s
        saved = scanner.pos
        leading_pipe = _LEADING_PIPE.match(TABLE_LINE.match(s, saved).group()) is not None
        scanner.scan(TABLE_SEP_LINE)
        rows: list[list[tuple[int, int]]] = []
        pending = 0
        aligned = has_footer = has_body = False

        def container(body: bool, force: bool) -> None:
            nonlocal pending, has_body
            if not has_footer or not body or force:
                pending = 0
                has_body = has_body or body

        while scanner.pos < len(s):
            if TABLE_LINE.match(s, scanner.pos) is None:
                break
            if scanner.scan(TABLE_SEP_LINE):
                if not pending:
                    pass
                elif not aligned and not has_footer:
                    container(False, False)
                    aligned = True
                else:
                    container(True, False)
            elif scanner.scan(TABLE_FSEP_LINE):
                if pending:
                    container(True, True)
                has_footer = True
            elif (row := scanner.scan(LINE)) is not None:
                end = row.end() - 1  # kramdown's TABLE_ROW_LINE: the line without its trailing blanks
                while end > row.start() and s[end - 1] in " \t":
                    end -= 1
                rows.append(self._table_cells(row.start(), end, leading_pipe))
                pending += 1
            else:
                break
        if not self.before_block_boundary():
            scanner.pos = saved
            return False
        if not self._table_has_pipes(saved, scanner.pos):
            scanner.pos = saved
            return False
        if pending:
            container(not has_footer, False)
        if not has_body:
            scanner.pos = saved
            return False
        table = self.new_block("table", start=scanner.src.at(saved))
        for row in rows:
            for start, end in row:
                cell = Node("td", start=scanner.src.at(start))
                if start < end:
                    cell.children.append(Node("raw_text", scanner.src.slice(start, end), scanner.src.at(start)))
                table.children.append(cell)
        self.tree.children.append(table)
        return True

    def _table_cells(self, start: int, end: int, leading_pipe: bool) -> list[tuple[int, int]]:
        """A row's cells: split at ``|`` outside code spans and ``<code>`` elements."""
        s = self.scanner.s
        protected = [(m.start() + start, m.end() + start) for m in _CODE_ELEMENT.finditer(s[start:end])]
        cells = [[start, start]]
        position = start
        while position < end:
            inside = next((stop for first, stop in protected if first <= position < stop), None)
            if inside is not None:
                position = cells[-1][1] = inside
                continue
            char = s[position]
            if char == "`":
                run = CODESPAN.match(s, position).group()
                close = s.find(run, position + len(run), end)
                if close != -1:
                    position = cells[-1][1] = close + len(run)
                    continue
            if char == "\\" and s.startswith("|", position + 1):
                position = cells[-1][1] = position + 2
                continue
            if char == "|":
                position += 1
                cells.append([position, position])
                continue
            position = cells[-1][1] = position + 1
        if leading_pipe and cells and not s[cells[0][0] : cells[0][1]].strip():
            cells.pop(0)
        if cells and not s[cells[-1][0] : cells[-1][1]].strip():
            cells.pop()
        out = []
        for cell_start, cell_end in cells:
            while cell_start < cell_end and s[cell_start] in _RUBY_SPACE:
                cell_start += 1
            while cell_end > cell_start and s[cell_end - 1] in _RUBY_SPACE:
                cell_end -= 1
            out.append((cell_start, cell_end))
        return out

    def _table_has_pipes(self, start: int, end: int) -> bool:
        """kramdown's check that the lines hold their pipes outside code spans."""
        text = self.scanner.s[start : max(start, end - 1)]
        pipe_on_line = False
        for piece, is_code in _codespan_pieces(text):
            lines = piece.split("\n")
            if is_code:
                if len(lines) > 2 or (len(lines) == 2 and not pipe_on_line):
                    break
                if len(lines) == 2 and pipe_on_line:
                    pipe_on_line = False
            else:
                if len(lines) > 1 and not pipe_on_line and _TABLE_PIPE.match(lines[0]) is None:
                    break
                pipe_on_line = (False if len(lines) > 1 else pipe_on_line) or _TABLE_PIPE.match(lines[-1]) is not None
        return pipe_on_line

    def parse_block_html_(self) -> bool:
        scanner = self.scanner
        s = scanner.s
        comment = HTML_COMMENT.match(s, scanner.pos)
        if comment is not None:
            self.tree.children.append(Node("xml_comment", None, scanner.src.at(comment.start())))
            scanner.pos = comment.end()
            scanner.scan(TRAILING_WHITESPACE)
            return True
        tag = HTML_TAG_AT_LINE.match(s, scanner.pos)
        if tag is not None and tag.group(1).lower() not in SPAN_ELEMENTS:
            scanner.pos = tag.end()
            self.handle_html_start_tag(tag, tag.start(1) - 1)
            return True
        close = HTML_TAG_CLOSE_AT_LINE.match(s, scanner.pos)
        if close is not None and close.group(1).lower() not in SPAN_ELEMENTS:
            if self.tree.type == "html_element" and self.tree.value == close.group(1).lower():
                self.tree.end_tag = scanner.src.at(close.start(1) - 2)
                scanner.pos = close.end()
                self.tree.stop = scanner.src.at(close.end() - 1) + 1
                raise _StopBlockParsing
        return False

    def handle_html_start_tag(self, tag: re.Match, lt: int) -> None:
        scanner = self.scanner
        name = tag.group(1)
        if name.lower() in KNOWN:
            name = name.lower()
        closed = tag.group(4) is not None or name in WITHOUT_BODY
        node = Node("html_element", name, scanner.src.at(lt))
        self.tree.children.append(node)
        if name in ("script", "style"):
            end = re.compile(rf"</{name}{_S}*>", re.IGNORECASE).search(scanner.s, scanner.pos)
            node.model = "raw"
            if end is None:
                node.close = node.stop = scanner.src.at(len(scanner.s))
                node.warned = True
                scanner.pos = len(scanner.s)
            else:
                node.end_tag = scanner.src.at(end.start())
                node.stop = scanner.src.at(end.end() - 1) + 1
                scanner.pos = end.end()
            return
        self.handle_kramdown_html_tag(node, tag.group(2), closed, tag.end())

    def handle_kramdown_html_tag(self, node: Node, attributes: str, closed: bool, tag_end: int) -> None:
        scanner = self.scanner
        parent = self.tree
        if parent.type != "html_element" or parent.model != "raw":
            model = content_model(node.value) if self.parse_block_html else "raw"
        else:
            model = "raw"
        asked = _markdown_attribute(attributes)
        if asked is not None:
            model = content_model(node.value) if asked == "default" else asked
        node.model = model
        if model == "block":
            scanner.scan(TRAILING_WHITESPACE)
        if closed:
            node.stop = scanner.src.at(tag_end - 1) + 1
            return
        if model == "block":
            if not self.parse_blocks(node):
                node.close = node.stop = scanner.src.at(scanner.pos)
                node.warned = True
        elif model == "span":
            end = re.compile(rf"</{re.escape(node.value)}{_S}*>", re.IGNORECASE).search(scanner.s, scanner.pos)
            stop = end.start() if end is not None else len(scanner.s)
            if stop > scanner.pos:
                self.add_raw_text(scanner.src.slice(scanner.pos, stop), node)
            if end is not None:
                node.end_tag = scanner.src.at(stop)
                node.stop = scanner.src.at(end.end() - 1) + 1
                scanner.pos = end.end()
            else:
                node.close = node.stop = scanner.src.at(len(scanner.s))
                node.warned = True
                scanner.pos = len(scanner.s)
        else:
            self.parse_raw_html(node)
        if not (self.tree.type == "html_element" and self.tree.model == "raw"):
            scanner.scan(TRAILING_WHITESPACE)

    def parse_raw_html(self, element: Node) -> None:
        """Raw HTML up to ``element``'s end tag: every element inside needs its own end tag; an
        end tag of anything else is text, and an element never closed runs to the end. What is
        inside is recorded in the facts at once (kramdown's recursion, as a loop over a stack)."""
        scanner = self.scanner
        src = scanner.src
        s = scanner.s
        facts = self.facts
        markup = facts.markup
        at = src.at
        self.stack.append(self.tree)
        self.tree = element
        names = [element.value]  # the elements open, innermost last
        starts = [element.start]
        code_depth = 1 if element.value in _CODE_ELEMENTS else 0
        warned = False
        length = len(s)
        position = scanner.pos
        search = RAW_TOKEN.search
        while position < length:
            token = search(s, position)
            if token is None:
                self._raw_text(position, length, code_depth)
                position = length
                warned = True  # kramdown: "Found no end tag for …" (the innermost element)
                break
            lt = token.start()
            if lt > position:
                self._raw_text(position, lt, code_depth)
            position = token.end()
            kind = token.lastgroup
            if kind == "text":  # a "<" that starts nothing kramdown reads: text
                self._raw_text(lt, position, code_depth)
            elif kind == "end":
                name = token.group("end")
                current = names[-1]
                if current == (name.lower() if current in KNOWN else name):
                    if len(names) == 1:
                        element.end_tag = at(lt)
                        element.stop = at(position - 1) + 1
                        scanner.pos = position
                        self.tree = self.stack.pop()
                        return
                    markup.add(at(lt))
                    names.pop()
                    starts.pop()
                    if current in _CODE_ELEMENTS:
                        code_depth -= 1
                else:  # kramdown: "invalidly used HTML closing tag": printed as text
                    self._raw_text(lt, position, code_depth)
            elif kind == "comment":
                markup.add(at(lt))
            elif kind == "pi":
                markup.add(at(lt))
                facts.passthrough.append((at(lt), at(position - 1) + 1))  # browsers end it at the first ">"
            else:  # a start tag
                name = token.group("name")
                if name.lower() in KNOWN:
                    name = name.lower()
                markup.add(at(lt))
                if name == "script" or name == "style":
                    end = _raw_text_end(name).search(s, position)
                    if end is None:
                        facts.closings.append((at(lt), at(length), True))
                        position = length
                    else:
                        markup.add(at(end.start()))
                        position = end.end()
                    continue
                attributes = token.group("attrs")
                closed = token.group("slash") is not None or name in WITHOUT_BODY
                if "markdown" in attributes:
                    asked = _markdown_attribute(attributes)
                    if asked is not None and asked != "raw":  # Markdown asked for inside raw HTML
                        node = Node("html_element", name, at(lt))
                        element.children.append(node)
                        scanner.pos = position
                        self.handle_kramdown_html_tag(node, attributes, closed, position)
                        position = scanner.pos
                        continue
                if closed:
                    continue
                names.append(name)
                starts.append(at(lt))
                if name in _CODE_ELEMENTS:
                    code_depth += 1
        scanner.pos = position
        end = at(length)
        for depth in range(len(names) - 1, 0, -1):  # kramdown closes them all where the text ends
            facts.closings.append((starts[depth], end, warned and depth == len(names) - 1))
        element.close = element.stop = end
        element.warned = warned and len(names) == 1
        self.tree = self.stack.pop()

    def _raw_text(self, start: int, end: int, code_depth: int) -> None:
        kind = CODE_RUN if code_depth else TEXT_RUN
        self.facts.visible.extend((first, last, kind) for first, last in self.scanner.src.runs(start, end))

    def parse_list(self) -> bool:
        scanner = self.scanner
        s = scanner.s
        src = scanner.src
        kind = "ul" if LIST_START_UL.match(s, scanner.pos) is not None else "ol"
        list_start = LIST_START_UL if kind == "ul" else LIST_START_OL
        list_node = self.new_block(kind, start=src.at(scanner.pos))
        items: list[tuple[Node, list[Builder]]] = []
        content_re = lazy_re = indent_re = None
        indentation = 0
        eob_found = nested_list_found = last_is_blank = False
        while scanner.pos < len(s):
            if last_is_blank and HR_START.match(s, scanner.pos):
                break
            if scanner.scan(EOB_MARKER):
                eob_found = True
                break
            match = scanner.scan(list_start)
            if match is not None:
                item = Node("li", start=src.at(match.start()))
                first, indentation, content_re, lazy_re, indent_re = self._first_list_line(
                    src, len(match.group(1)), match.start(2), match.end(2)
                )
                items.append((item, [first]))
                list_start = _list_pattern(kind, indentation)
                nested_list_found = LIST_START.match(first.build().s) is not None
                last_is_blank = False
                continue
            result = content_re.match(s, scanner.pos)
            if result is None and not last_is_blank:
                result = lazy_re.match(s, scanner.pos)
            if result is not None:
                scanner.pos = result.end()
                line = _expand_leading_tabs(src, result.start(), result.end())
                indent_found = indent_re.match(line.s)
                if indent_found:
                    line = line.slice(indent_found.end(), len(line.s))
                pieces = items[-1][1]
                if not nested_list_found and indent_found and LIST_START.match(line.s):
                    pieces.append(Builder())
                    nested_list_found = True
                elif nested_list_found and not indent_found and LIST_START.match(line.s):
                    padded = Builder()
                    padded.insert(" " * (indentation + 4), line.at(0))
                    padded.add(line, 0, len(line.s))
                    line = padded.build()
                pieces[-1].add(line, 0, len(line.s))
                last_is_blank = False
                continue
            blank = scanner.scan(BLANK_LINE)
            if blank is not None:
                nested_list_found = last_is_blank = True
                items[-1][1][-1].add(src, blank.start(), blank.end())
                continue
            break
        self.tree.children.append(list_node)
        last = None
        for item, pieces in items:
            holder = Node("temp")
            self.stack.append((self.tree, self.scanner, self.block_ial))
            for piece in pieces:
                self.parse_blocks(holder, piece.build())
            self.tree, self.scanner, self.block_ial = self.stack.pop()
            item.children = holder.children
            list_node.children.append(item)
            if item.children:
                last = item.children.pop() if item.children[-1].type == "blank" else None
        if last is not None and not eob_found:
            self.tree.children.append(last)
        return True

    def _first_list_line(self, src: Src, indentation: int, start: int, end: int):
        """An item's first line without its marker, its content's indentation, and the patterns
        for its later lines (kramdown's ``parse_first_list_line``)."""
        line = src.slice(start, end)
        if _only_ial(line.s):
            indentation = 4
        else:
            while (tabs := _SPACES_THEN_TABS.match(line.s)) is not None:
                spaces = len(tabs.group(1))
                width = indentation + spaces
                builder = Builder()
                builder.add(line, 0, spaces)
                builder.insert(" " * (4 - (width % 4) + (len(tabs.group(2)) - 1) * 4), line.at(spaces))
                builder.add(line, tabs.end(), len(line.s))
                line = builder.build()
            indentation += len(_LEADING_SPACES.match(line.s).group())
        builder = Builder()
        builder.add(line, _LEADING_WHITESPACE.match(line.s).end(), len(line.s))
        return (builder, indentation, *_list_line_patterns(indentation))

    def parse_definition_list(self) -> bool:
        children = self.tree.children
        if (
            not children
            or (len(children) == 1 and children[-1].type != "p")
            or (
                len(children) >= 2
                and children[-1].type != "p"
                and (children[-1].type != "blank" or children[-1].value != "\n" or children[-2].type != "p")
            )
        ):
            return False
        scanner = self.scanner
        s = scanner.s
        src = scanner.src
        paragraph = children.pop()
        if paragraph.type == "blank":
            paragraph = children.pop()
        deflist = self.new_block("dl", start=paragraph.start)
        for child in paragraph.children:
            if child.type != "raw_text":
                continue
            text = child.value
            position = 0
            for line in text.s.split("\n"):
                term = Node("dt", start=text.at(position))
                if line:
                    term.children.append(Node("raw_text", text.slice(position, position + len(line)), text.at(position)))
                deflist.children.append(term)
                position += len(line) + 1
        items: list[tuple[Node, Builder]] = []
        start_re = DEFINITION_LIST_START
        content_re = lazy_re = indent_re = None
        last_is_blank = False
        while scanner.pos < len(s):
            match = scanner.scan(start_re)
            if match is not None:
                item = Node("dd", start=src.at(match.start()))
                first, indentation, content_re, lazy_re, indent_re = self._first_list_line(
                    src, len(match.group(1)), match.start(2), match.end(2)
                )
                items.append((item, first))
                start_re = _list_pattern("dl", indentation)
                last_is_blank = False
                continue
            if EOB_MARKER.match(s, scanner.pos):
                break
            result = content_re.match(s, scanner.pos)
            if result is None and not last_is_blank:
                result = lazy_re.match(s, scanner.pos)
            if result is not None:
                scanner.pos = result.end()
                line = _expand_leading_tabs(src, result.start(), result.end())
                indent_found = indent_re.match(line.s)
                if indent_found:
                    line = line.slice(indent_found.end(), len(line.s))
                items[-1][1].add(line, 0, len(line.s))
                last_is_blank = False
                continue
            blank = scanner.scan(BLANK_LINE)
            if blank is not None:
                items[-1][1].add(src, blank.start(), blank.end())
                last_is_blank = True
                continue
            break
        last = None
        for item, builder in items:
            self.stack.append((self.tree, self.scanner, self.block_ial))
            self.parse_blocks(item, builder.build())
            self.tree, self.scanner, self.block_ial = self.stack.pop()
            if item.children and item.children[-1].type == "blank":
                last = item.children.pop()
            else:
                last = None
            deflist.children.append(item)
        if children and children[-1].type == "dl":
            children[-1].children.extend(deflist.children)
        elif len(children) >= 2 and children[-1].type == "blank" and children[-2].type == "dl":
            children.pop()
            children[-1].children.extend(deflist.children)
        else:
            children.append(deflist)
        if last is not None:
            children.append(last)
        return True

    # --- span level ----------------------------------------------------------------------

    def update_tree(self, element: Node) -> None:
        """Parse each raw text at span level (kramdown's ``update_tree``)."""
        replaced: list[Node] = []
        for child in element.children:
            if child.type == "raw_text":
                holder = Node("markdown", child.value, child.start)
                self.span_source = _Scanner(child.value)
                self.span_tree = None
                self.span_stack = []
                self.parse_spans(holder)
                replaced.append(holder)
            else:
                self.update_tree(child)
                replaced.append(child)
        element.children = replaced

    def _span_pattern(self, stop: re.Pattern | None, parsers: tuple[str, ...] | None) -> re.Pattern:
        key = (stop.pattern if stop is not None else None, stop.flags if stop is not None else 0, parsers)
        pattern = self._span_patterns.get(key)
        if pattern is None:
            union = "|".join(_SPAN_STARTS[name] for name in (parsers or self.span_parsers))
            if stop is not None:
                stop_pattern = stop.pattern if not stop.flags & re.IGNORECASE else f"(?i:{stop.pattern})"
                union = f"{stop_pattern}|{union}"
            pattern = self._span_patterns[key] = re.compile(f"(?={union})", re.DOTALL)
        return pattern

    def span_text(self, start: int, end: int, tree: Node | None = None) -> None:
        """``add_text`` at span level: text a reader sees, from the span source."""
        if start >= end:
            return
        tree = tree or self.span_tree
        runs = self.span_source.src.runs(start, end)
        last = tree.children[-1] if tree.children else None
        if last is not None and last.type == "text" and last.model == TEXT_RUN:
            last.value.extend(runs)
        else:
            node = Node("text", runs)
            node.model = TEXT_RUN
            tree.children.append(node)

    def parse_spans(self, element: Node, stop: re.Pattern | None = None, parsers: tuple[str, ...] | None = None, condition=None) -> bool:
        if self.span_tree is not None:
            self.span_stack.append(self.span_tree)
        self.span_tree = element
        scanner = self.span_source
        s = scanner.s
        length = len(s)
        names = parsers or self.span_parsers
        used = self._span_pattern(stop, parsers)
        found = False
        while scanner.pos < length:
            match = used.search(s, scanner.pos)
            if match is None:
                if stop is None:
                    self.span_text(scanner.pos, length)
                    scanner.pos = length
                break
            self.span_text(scanner.pos, match.start())
            scanner.pos = match.start()
            if stop is not None and stop.match(s, scanner.pos) is not None:
                found = condition() if condition is not None else True
                if found:
                    break
            for name in names:
                if self.span_starts[name].match(s, scanner.pos) is not None:
                    getattr(self, _SPAN_METHODS[name])()
                    break
            else:
                self.span_text(scanner.pos, scanner.pos + 1)
                scanner.pos += 1
        self.span_tree = self.span_stack.pop() if self.span_stack else None
        return found

    @property
    def span_starts(self) -> dict[str, re.Pattern]:
        return _SPAN_PATTERNS_GFM if self.gfm else _SPAN_PATTERNS

    def _inside(self, type_: str) -> bool:
        if self.span_tree is not None and self.span_tree.type == type_:
            return True
        return any(node.type == type_ for node in self.span_stack)

    def parse_emphasis(self) -> None:
        scanner = self.span_source
        s = scanner.s
        saved = scanner.pos
        result = EMPHASIS_START.match(s, saved).group()
        scanner.pos += len(result)
        element = "strong" if len(result) == 2 else "em"
        kind = result[0]
        if (
            (kind == "_" and _after_letter(s, saved))
            or (scanner.pos < len(s) and s[scanner.pos] in _RUBY_SPACE)
            or self._inside(element)
        ):
            self.span_text(saved, scanner.pos)
            return

        def attempt(delimiter: str, elem: str) -> tuple[bool, Node, re.Pattern]:
            node = Node(elem, start=scanner.src.at(scanner.pos - len(delimiter)))
            stop = _DELIMITER[delimiter]
            twice = _DOUBLE_DELIMITER[delimiter]
            glued = _DELIMITER_ALNUM[delimiter]

            def condition() -> bool:
                position = scanner.pos
                return (
                    (position == 0 or s[position - 1] not in _RUBY_SPACE)
                    and (elem != "em" or twice.match(s, position) is None)
                    and (kind != "_" or glued.match(s, position) is None)
                    and bool(node.children)
                )

            return self.parse_spans(node, stop, None, condition), node, stop

        found, node, stop = attempt(result, element)
        if not found and element == "strong" and self.span_tree.type != "em":
            scanner.pos = saved + 1
            found, node, stop = attempt(kind, "em")
        if found:
            closer = stop.match(s, scanner.pos)
            node.end_tag = scanner.src.at(scanner.pos)
            scanner.pos = closer.end()
            node.stop = scanner.src.at(scanner.pos - 1) + 1
            self.span_tree.children.append(node)
        else:
            scanner.pos = saved + len(result)
            self.span_text(saved, scanner.pos)

    def parse_codespan(self) -> None:
        scanner = self.span_source
        s = scanner.s
        start = scanner.pos
        run = CODESPAN.match(s, start).group()
        scanner.pos += len(run)
        if (
            len(run) == 1
            and (start == 0 or s[start - 1] in _RUBY_SPACE)
            and scanner.pos < len(s)
            and s[scanner.pos] in _RUBY_SPACE
        ):
            self.span_text(start, scanner.pos)
            return
        close = s.find(run, scanner.pos)
        if close == -1:
            self.span_text(start, scanner.pos)
            return
        node = Node("codespan", scanner.src.runs(scanner.pos, close), scanner.src.at(start))
        scanner.pos = close + len(run)
        node.stop = scanner.src.at(scanner.pos - 1) + 1
        self.span_tree.children.append(node)

    def parse_autolink(self) -> None:
        scanner = self.span_source
        match = AUTOLINK.match(scanner.s, scanner.pos)
        scanner.pos = match.end()
        node = Node("a", start=scanner.src.at(match.start()))
        start = match.start(1) + (len("mailto:") if match.group(1).startswith("mailto:") else 0)
        self.span_tree.children.append(node)
        self.span_text(start, match.end(1), node)

    def parse_span_html(self) -> None:
        scanner = self.span_source
        s = scanner.s
        src = scanner.src
        start = scanner.pos
        if (match := HTML_COMMENT.match(s, start)) is not None:
            self.span_tree.children.append(Node("xml_comment", None, src.at(start)))
            scanner.pos = match.end()
            return
        if (match := HTML_TAG_CLOSE.match(s, start)) is not None:
            scanner.pos = match.end()
            self.span_text(start, match.end())  # an end tag with nothing to close: printed as text
            return
        if (match := HTML_TAG.match(s, start)) is None:
            self.span_text(start, start + 1)
            scanner.pos = start + 1
            return
        name = match.group(1)
        if name.lower() in KNOWN:
            name = name.lower()
        scanner.pos = match.end()
        if name in BLOCK_ELEMENTS:
            self.span_text(start, match.end())  # a block tag inside a paragraph: printed as text
            return
        parsing = content_model(name) != "raw" and self.span_tree.model != "raw"
        asked = _markdown_attribute(match.group(2))
        if asked == "span":
            parsing = True
        elif asked == "default":
            parsing = content_model(name) != "raw"
        elif asked == "raw":
            parsing = False
        node = Node("html_element", name, src.at(start))
        node.model = "span" if parsing else "raw"
        self.span_tree.children.append(node)
        if match.group(4) is not None or name in WITHOUT_BODY:
            node.stop = src.at(match.end() - 1) + 1
            if name not in WITHOUT_BODY:  # "<span/>" in a paragraph: kramdown writes "<span></span>"
                node.close = node.stop
            return
        stop = _span_stop(name)
        if self.parse_spans(node, stop, None if parsing else ("span_html",)):
            end = stop.match(s, scanner.pos)
            node.end_tag = src.at(scanner.pos)
            scanner.pos = end.end()
            node.stop = src.at(scanner.pos - 1) + 1
        else:  # kramdown: "found no end tag - auto-closing it"; the rest is its text, unparsed
            self.span_text(scanner.pos, len(s), node)
            node.close = node.stop = src.at(len(s) - 1) + 1 if s else src.at(0)
            node.warned = True
            scanner.pos = len(s)

    def parse_footnote_marker(self) -> None:
        scanner = self.span_source
        match = FOOTNOTE_MARKER.match(scanner.s, scanner.pos)
        scanner.pos = match.end()
        if match.group(1) in self.footnotes:
            self.span_tree.children.append(Node("footnote", match.group(1), scanner.src.at(match.start())))
        else:
            self.span_text(match.start(), match.end())

    def parse_link(self) -> None:
        scanner = self.span_source
        s = scanner.s
        src = scanner.src
        saved = scanner.pos
        result = LINK_START.match(s, saved).group()
        scanner.pos += len(result)
        inner_start = scanner.pos
        link_type = "img" if result.startswith("!") else "a"
        if link_type == "a" and (self._inside("a") or self._inside("img")):
            self.span_text(saved, scanner.pos)
            return
        node = Node(link_type, start=src.at(saved))
        count = 1

        def condition() -> bool:
            nonlocal count
            count += -1 if s[scanner.pos] == "]" else 1
            return count - sum(1 for child in node.children if child.type == "img") == 0

        if not self.parse_spans(node, LINK_BRACKET_STOP, None, condition):
            scanner.pos = inner_start
            self.span_text(saved, inner_start)
            return
        alt_text = ESCAPED_CHARS.sub(r"\1", s[inner_start : scanner.pos])
        scanner.pos = LINK_BRACKET_STOP.match(s, scanner.pos).end()
        inline_id = LINK_INLINE_ID.match(s, scanner.pos)
        if inline_id is not None or not s.startswith("(", scanner.pos):
            if inline_id is not None:
                scanner.pos = inline_id.end()
            link_id = normalize_link_id((inline_id.group(1) if inline_id is not None else None) or alt_text)
            if link_id in self.link_defs:
                self._add_link(node)
            else:
                scanner.pos = inner_start
                self.span_text(saved, inner_start)
            return
        if (match := _LINK_ANGLE_URL.match(s, scanner.pos)) is not None:
            scanner.pos = match.end()
            if s.startswith(")", scanner.pos):
                scanner.pos += 1
                self._add_link(node)
                return
        else:
            brackets = 0
            while (match := LINK_PAREN_STOP.search(s, scanner.pos)) is not None:
                scanner.pos = match.end()
                if match.group(2):
                    brackets -= 1
                    if brackets == 0:
                        break
                elif match.group(1):
                    brackets += 1
                else:
                    break
            if brackets == 0:
                self._add_link(node)
                return
        title = LINK_INLINE_TITLE.match(s, scanner.pos)
        if title is not None:
            scanner.pos = title.end()
            self._add_link(node)
        else:
            scanner.pos = inner_start
            self.span_text(saved, inner_start)

    def _add_link(self, node: Node) -> None:
        if node.type == "img":
            node.children = []  # the bracketed text becomes the alt attribute: not shown as text
        self.span_tree.children.append(node)

    def parse_smart_quotes(self) -> None:
        scanner = self.span_source
        s = scanner.s
        for pattern, kept in SMART_QUOTE_RULES:
            match = pattern.match(s, scanner.pos)
            if match is None:
                continue
            scanner.pos = match.end()
            quotes = match.start()
            if kept:
                self.span_text(match.start(1), match.end(1))
                quotes = match.end(1)
            for index in range(quotes, match.end()):
                self.span_tree.children.append(Node("smart_quote", s[index], scanner.src.at(index)))
            return
        self.span_text(scanner.pos, scanner.pos + 1)  # not reached: the last rule matches any quote
        scanner.pos += 1

    def parse_inline_math(self) -> None:
        scanner = self.span_source
        match = INLINE_MATH.match(scanner.s, scanner.pos)
        scanner.pos = match.end()
        self.span_tree.children.append(Node("math", scanner.src.runs(match.start(1), match.end(1)), scanner.src.at(match.start())))

    def parse_span_extensions(self) -> None:
        scanner = self.span_source
        s = scanner.s
        saved = scanner.pos
        match = EXT_SPAN_START.match(s, saved)
        if match is not None:
            if match.group(4) is not None or match.group(1) is None:
                self.span_text(saved, saved + 1)
                scanner.pos = saved + 1
                return
            name = match.group(1)
            scanner.pos = match.end()
            body = None
            if not match.group(3):
                found = _extension_stop(name, False).search(s, scanner.pos)
                if found is None:
                    self.span_text(saved, saved + 1)
                    scanner.pos = saved + 1
                    return
                body = (scanner.pos, found.start())
                scanner.pos = found.end()
            if name == "nomarkdown" and body is not None:
                self.span_tree.children.append(Node("nomarkdown", scanner.src.runs(*body), scanner.src.at(body[0])))
            elif name not in ("comment", "options", "nomarkdown"):
                self.span_text(saved, saved + 1)
                scanner.pos = saved + 1
            return
        match = IAL_SPAN_START.match(s, saved)
        if match is not None:
            last = self.span_tree.children[-1] if self.span_tree.children else None
            if last is not None and last.type != "text":
                scanner.pos = match.end()
                return
        self.span_text(saved, saved + 1)
        scanner.pos = saved + 1

    def parse_html_entity(self) -> None:
        scanner = self.span_source
        match = HTML_ENTITY.match(scanner.s, scanner.pos)
        scanner.pos = match.end()
        self.span_text(match.start(), match.end())  # shown as the character it names

    def parse_typographic_syms(self) -> None:
        scanner = self.span_source
        match = TYPOGRAPHIC.match(scanner.s, scanner.pos)
        scanner.pos = match.end()
        self.span_tree.children.append(Node("typographic_sym", match.group(), scanner.src.at(match.start())))

    def parse_line_break(self) -> None:
        scanner = self.span_source
        match = LINE_BREAK.match(scanner.s, scanner.pos)
        scanner.pos = match.end()
        self.span_tree.children.append(Node("br", None, scanner.src.at(match.start())))

    def parse_escaped_chars(self) -> None:
        scanner = self.span_source
        match = self.escaped_chars.match(scanner.s, scanner.pos)
        scanner.pos = match.end()
        self.span_text(match.start(1), match.end(1))

    def parse_strikethrough_gfm(self) -> None:
        scanner = self.span_source
        match = STRIKETHROUGH.match(scanner.s, scanner.pos)
        scanner.pos = match.end()
        node = Node("html_element", "del", scanner.src.at(match.start()))
        node.model = "span"
        node.end_tag = scanner.src.at(match.end() - 2)
        saved = (self.span_source, self.span_tree, self.span_stack)
        self.span_source, self.span_tree, self.span_stack = _Scanner(scanner.src.slice(match.start() + 2, match.end() - 2)), None, []
        self.parse_spans(node)
        self.span_source, self.span_tree, self.span_stack = saved
        self.span_tree.children.append(node)


_RUBY_SPACE = " \t\n\r\f\v"
_AT_END = re.compile(r"\n?\Z")
_ESCAPED_MATH = re.compile(_OPT + r"\\")
_ATX_TRAIL_GFM = re.compile(r"[\t ]#+\Z")
_ATX_TRAIL = re.compile(r"(?<!\\)#+\Z")
_LEADING_PIPE = re.compile(r"[ \t\n\r\f\v]*\|")
_CODE_ELEMENT = re.compile(r"<code.*?>.*?</code>")
_TABLE_PIPE = re.compile(_TABLE_PIPE_CHECK)
_SPACES_THEN_TABS = re.compile(r"( *)(\t+)")
_LEADING_SPACES = re.compile(r" *")
_LEADING_WHITESPACE = re.compile(r"[ \t\n\r\f\v]*")
_LINK_ANGLE_URL = re.compile(r"\(<(.*?)>")


def _after_letter(s: str, position: int) -> bool:
    """kramdown's ``pre_match =~ /[[:alpha:]]-?[[:alpha:]]*\\z/``: a letter, or a letter and a
    hyphen, right before ``position``."""
    before = s[position - 1] if position else ""
    return before.isalpha() or (before == "-" and position >= 2 and s[position - 2].isalpha())


def _only_ial(line: str) -> bool:
    """kramdown's LIST_ITEM_IAL_CHECK: the line holds nothing but an optional IAL and blanks."""
    rest = line.lstrip(_RUBY_SPACE)
    ial = LIST_ITEM_IAL.match(rest)
    if ial is not None:
        rest = rest[ial.end() :]
    return "\n" in line and not rest.strip(_RUBY_SPACE)


def _expand_leading_tabs(src: Src, start: int, end: int) -> Src:
    """A list line with its leading tabs as four spaces each (kramdown's ``sub!(/^(\\t+)/)``)."""
    tabs = 0
    while start + tabs < end and src.s[start + tabs] == "\t":
        tabs += 1
    if not tabs:
        return src.slice(start, end)
    builder = Builder()
    builder.insert(" " * 4 * tabs, src.at(start))
    builder.add(src, start + tabs, end)
    return builder.build()


_EXTENSION_STOPS: dict[tuple[str, bool], re.Pattern] = {}


def _extension_stop(name: str, block: bool) -> re.Pattern:
    pattern = _EXTENSION_STOPS.get((name, block))
    if pattern is None:
        stop = rf"\{{:/(?:{re.escape(name)})?\}}"
        pattern = re.compile(rf"^{_OPT}{stop}{_S}*?\n" if block else stop, _M)
        _EXTENSION_STOPS[(name, block)] = pattern
    return pattern


_RAW_TEXT_ENDS: dict[str, re.Pattern] = {}


def _raw_text_end(name: str) -> re.Pattern:
    pattern = _RAW_TEXT_ENDS.get(name)
    if pattern is None:
        pattern = _RAW_TEXT_ENDS[name] = re.compile(rf"</{name}{_S}*>", re.IGNORECASE)
    return pattern


_SPAN_STOPS: dict[str, re.Pattern] = {}


def _span_stop(name: str) -> re.Pattern:
    pattern = _SPAN_STOPS.get(name)
    if pattern is None:
        pattern = _SPAN_STOPS[name] = re.compile(rf"</{re.escape(name)}{_S}*>", re.IGNORECASE if name in KNOWN else 0)
    return pattern


_SPAN_STARTS = {
    "emphasis": r"\*|_",
    "codespan": "`",
    "autolink": "<",
    "span_html": "<",
    "footnote_marker": r"\[",
    "link": r"!?\[",
    "smart_quotes": r"[^\\]?[\"']",
    "inline_math": r"\$",
    "span_extensions": r"\{:",
    "html_entity": "&",
    "typographic_syms": r"--|\.\.\.|(?:\\| )?(?:<<|>>)",
    "line_break": r"(?:  |\\\\)(?=\n)",
    "escaped_chars": r"\\",
    "strikethrough_gfm": "~~",
}
_SPAN_METHODS = {name: "parse_" + name for name in _SPAN_STARTS}
_SPAN_PATTERNS = {
    "emphasis": EMPHASIS_START,
    "codespan": CODESPAN,
    "autolink": AUTOLINK,
    "span_html": HTML_SPAN_START,
    "footnote_marker": FOOTNOTE_MARKER,
    "link": LINK_START,
    "smart_quotes": SMART_QUOTES,
    "inline_math": INLINE_MATH,
    "span_extensions": re.compile(r"\{:"),
    "html_entity": HTML_ENTITY,
    "typographic_syms": TYPOGRAPHIC,
    "line_break": LINE_BREAK,
    "escaped_chars": ESCAPED_CHARS,
}
_SPAN_PATTERNS_GFM = {**_SPAN_PATTERNS, "escaped_chars": ESCAPED_CHARS_GFM, "strikethrough_gfm": STRIKETHROUGH}
_KRAMDOWN_SPAN_PARSERS = (
    "emphasis", "codespan", "autolink", "span_html", "footnote_marker", "link", "smart_quotes",
    "inline_math", "span_extensions", "html_entity", "typographic_syms", "line_break", "escaped_chars",
)
_GFM_SPAN_PARSERS = (*_KRAMDOWN_SPAN_PARSERS, "strikethrough_gfm")
_DELIMITER = {d: re.compile(re.escape(d)) for d in ("*", "**", "_", "__")}
_DOUBLE_DELIMITER = {d: re.compile(rf"{re.escape(d * 2)}(?!{re.escape(d)})") for d in ("*", "**", "_", "__")}
_DELIMITER_ALNUM = {d: re.compile(rf"{re.escape(d)}{_ALNUM}") for d in ("*", "**", "_", "__")}


# --- the facts -------------------------------------------------------------------------------


def facts_of(root: Node, facts: Facts) -> Facts:
    """Walk kramdown's tree and record, in post offsets, what the reader gets."""
    referenced: set[str] = set()
    _footnote_references(root, referenced)
    _collect(root, facts, referenced, block=True, code=False)
    return facts


def _footnote_references(node: Node, referenced: set[str]) -> None:
    for child in node.children:
        if child.type == "footnote":
            referenced.add(child.value)
        elif child.children:
            _footnote_references(child, referenced)


# Raw HTML elements whose text a reader sees as code.
_CODE_ELEMENTS = frozenset("pre code kbd samp textarea".split())


def _collect(node: Node, facts: Facts, referenced: set[str], block: bool, code: bool) -> None:
    for child in node.children:
        kind = child.type
        if kind == "text":
            facts.visible.extend((start, end, CODE_RUN if code else child.model) for start, end in child.value)
        elif kind == "markdown":
            src = child.value
            if src.s:
                facts.markdown.append((src.at(0), src.at(len(src.s) - 1) + 1))
            _collect(child, facts, referenced, block=False, code=code)
        elif kind in ("smart_quote", "typographic_sym"):
            facts.visible.append((child.start, child.start + len(child.value), QUOTE_RUN))
        elif kind == "codeblock":
            facts.visible.extend((start, end, CODE_RUN) for start, end in child.value)
            facts.code_blocks.append((child.start, child.stop))
        elif kind == "codespan":
            facts.visible.extend((start, end, CODE_RUN) for start, end in child.value)
            facts.code_spans.append((child.start, child.stop))
        elif kind in ("math", "nomarkdown"):
            facts.visible.extend((start, end, TEXT_RUN) for start, end in child.value)
        elif kind == "html_element":
            facts.markup.add(child.start)
            if child.end_tag >= 0:
                facts.markup.add(child.end_tag)
            if child.close >= 0:
                facts.closings.append((child.start, child.close, child.warned))
            if block and child.model == "raw" and child.stop > child.start:
                facts.raw_html.append((child.start, child.stop))
            if child.value not in ("script", "style"):
                inner_code = code or child.value in _CODE_ELEMENTS
                _collect(child, facts, referenced, block=block and child.model == "block", code=inner_code)
        elif kind == "xml_comment":
            facts.markup.add(child.start)
        elif kind == "xml_pi":  # browsers end it at the first ">": what follows is HTML again
            facts.markup.add(child.start)
            facts.passthrough.append((child.start, child.stop))
        elif kind == "footnote_def":
            if child.value in referenced:  # kramdown drops a footnote nothing refers to
                _collect(child, facts, referenced, block=block, code=code)
        else:
            _collect(child, facts, referenced, block=block, code=code)


QUOTE_RUN = "q"  # a quote or dash kramdown turns into a typographic character


def parse(text: str, start: int, gfm: bool = True, parse_block_html: bool = False, liquid: bool = True) -> Facts:
    """kramdown's reading of ``text[start:]`` (the body) as Jekyll feeds it: after Liquid, with
    line breaks made ``\\n`` and one at the end."""
    src = _source(text, start, jekyll_pass(text, start) if liquid else None)
    parser = Parser(gfm, parse_block_html)
    return facts_of(parser.parse(src), parser.facts)


def _source(text: str, start: int, pieces: list[Piece] | None) -> Src:
    if pieces is None and "\r" not in text[start:]:
        body = text[start:]
        return Src(body if body.endswith("\n") else body + "\n", start)
    post = Src(text, 0)
    builder = Builder()
    for piece in pieces if pieces is not None else [(start, len(text))]:
        first, second = piece
        if isinstance(first, str):
            builder.insert(first.replace("\r", ""), second)
            continue
        position = first
        for match in _CARRIAGE_RETURN.finditer(text, first, second):
            builder.add(post, position, match.start())
            builder.insert("\n", match.start())
            position = match.end()
        builder.add(post, position, second)
    src = builder.build()
    if not src.s.endswith("\n"):
        src.s += "\n"
        src.origins.append(len(text))
    return src


_CARRIAGE_RETURN = re.compile(r"\r\n?")
