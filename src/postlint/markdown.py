"""The body as the site's renderer reads it: one model, shared by every rule.

Which parts are code, raw HTML or Markdown text (where inline Markdown is rendered) depends on the
renderer (``renderer.py``): kramdown (``kramdown.py``), CommonMark and goldmark
(``commonmark.py``), or none (a ``.html`` post: all of it is HTML). The model also says what the
renderer does to the markup: which ``<`` it passes on as markup (kramdown prints the rest as
text), which elements it closes because their end tag never came, and, for kramdown, which
characters the reader sees. Liquid tags are found whatever the renderer; rules leave them alone.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from postlint.liquid import liquid_spans
from postlint.renderer import DEFAULT, KRAMDOWN, NONE, PYTHON_MARKDOWN, Renderer

CODE = "code"
HTML = "html"
TEXT = "text"


@dataclass(slots=True, unsafe_hash=True)  # not frozen: cheaper to build, and a post has hundreds
class Block:
    kind: str  # CODE, HTML or TEXT
    start: int
    end: int  # just past the block's last line break
    list_item: bool = False  # a TEXT block that starts with a list marker


@dataclass(slots=True)
class Blocks:
    """The body's blocks in order, the spans inside them that are code or Liquid, and what the
    renderer does with the markup."""

    body_start: int
    renderer: Renderer = DEFAULT
    blocks: list[Block] = field(default_factory=list)
    inline_code: list[tuple[int, int]] = field(default_factory=list)
    liquid: list[tuple[int, int]] = field(default_factory=list)  # Liquid tags and raw regions
    liquid_raw: list[tuple[int, int]] = field(default_factory=list)  # ``{% raw %}…{% endraw %}``
    # The "<" the renderer passes on as markup (tags, comments); None: every tag a browser reads.
    markup: set[int] | None = None
    # Regions passed to the browser as written (kramdown: processing instructions): every tag in
    # them is markup.
    passthrough: list[tuple[int, int]] = field(default_factory=list)
    # Elements the renderer closes itself: start tag offset -> (where, whether it warns).
    closings: dict[int, tuple[int, bool]] = field(default_factory=dict)
    # kramdown: the characters the reader sees, as (start, end, kind) runs.
    visible: list[tuple[int, int, str]] | None = None
    # Not prose whatever the renderer: code a template tag highlights ({% highlight %}, Hugo's
    # {{< highlight >}}), opaque like code blocks; and the text of a code shortcode ([code]…
    # [/code]), whose tags stay tags.
    template_code: list[tuple[int, int]] = field(default_factory=list)
    code_text: list[tuple[int, int]] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    _opaque: list[tuple[int, int]] | None = None
    _code: list[tuple[int, int]] | None = None

    def block_at(self, offset: int) -> Block | None:
        index = bisect_right(self._starts, offset) - 1
        if index >= 0 and offset < self.blocks[index].end:
            return self.blocks[index]
        return None

    @property
    def opaque(self) -> list[tuple[int, int]]:
        """Sorted, disjoint spans whose characters are not HTML or Markdown: code and Liquid."""
        if self._opaque is None:
            self._opaque = merge([*self.code_spans, *self.liquid])
        return self._opaque

    @property
    def code_spans(self) -> list[tuple[int, int]]:
        """Sorted, disjoint spans of code: code blocks, inline code, ``{% raw %}`` regions."""
        if self._code is None:
            blocks = [(block.start, block.end) for block in self.blocks if block.kind == CODE]
            self._code = merge([*blocks, *self.inline_code, *self.liquid_raw, *self.template_code])
        return self._code

    def is_markup(self, offset: int) -> bool:
        """Whether the renderer passes the tag or comment starting at ``offset`` on as markup."""
        if self.markup is None or offset in self.markup:
            return True
        return any(start <= offset < end for start, end in self.passthrough)


_TEMPLATE_CODE_OPEN = re.compile(r"\{%-?\s*(highlight|codeblock)\b[^%]{0,200}%\}|\{\{[<%]\s*(highlight|code)\b[^}]{0,200}[>%]\}\}")
_SHORTCODE_OPEN = re.compile(
    r"\[(code|sourcecode|php|html|css|js|javascript|python|ruby|java|sql|xml|bash|shell|plain|text)(?:[ =][^\]\n]{0,200})?\]",
    re.IGNORECASE,
)


def template_code_spans(text: str, start: int) -> list[tuple[int, int]]:
    """``{% highlight %}…{% endhighlight %}``, ``{% codeblock %}…``, Hugo's ``{{< highlight >}}…``:
    code the site's templates turn into highlighted code, whatever the Markdown around it."""
    if "{%" not in text and "{{" not in text:
        return []
    spans = []
    position = start
    while (opening := _TEMPLATE_CODE_OPEN.search(text, position)) is not None:
        name = opening.group(1) or opening.group(2)
        closing = re.compile(rf"\{{%-?\s*end{name}\s*-?%\}}" if opening.group(1) else rf"\{{\{{[<%]\s*/{name}\s*[>%]\}}\}}")
        found = closing.search(text, opening.end())
        end = found.end() if found else opening.end()
        spans.append((opening.start(), end))
        position = end
    return spans


def shortcode_code_spans(text: str, start: int) -> list[tuple[int, int]]:
    """WordPress code shortcodes left by an export, ``[code language="php"]…[/code]``: what a
    reader sees there is code (the plugin that highlighted it is gone)."""
    if "[" not in text:
        return []
    lowered = None
    spans = []
    position = start
    while (opening := _SHORTCODE_OPEN.search(text, position)) is not None:
        lowered = lowered if lowered is not None else text.lower()
        close = lowered.find(f"[/{opening.group(1).lower()}]", opening.end())
        if close == -1:
            position = opening.end()
            continue
        spans.append((opening.start(), close + len(opening.group(1)) + 3))
        position = close + 1
    return spans


def merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def scan_blocks(text: str, body_start: int, renderer: Renderer = DEFAULT) -> Blocks:
    result = Blocks(body_start, renderer)
    result.liquid, result.liquid_raw = liquid_spans(text, body_start)
    result.template_code = template_code_spans(text, body_start)
    result.code_text = shortcode_code_spans(text, body_start)
    if renderer.name == NONE:
        if body_start < len(text):
            result.blocks.append(Block(HTML, body_start, len(text)))
    elif renderer.name == KRAMDOWN:
        _kramdown_blocks(text, body_start, renderer, result)
    elif renderer.name == PYTHON_MARKDOWN:
        from postlint.pymarkdown import scan

        scan(text, body_start, result)
    else:
        from postlint.commonmark import scan

        scan(text, body_start, result)
    result._starts = [block.start for block in result.blocks]
    return result


def _kramdown_blocks(text: str, body_start: int, renderer: Renderer, result: Blocks) -> None:
    from postlint.kramdown import parse

    facts = parse(text, body_start, renderer.gfm, renderer.parse_block_html, renderer.liquid)
    end = len(text)  # kramdown reads the body with a line break added at its end: never past it

    def clip(spans):
        return [(min(start, end), min(stop, end)) for start, stop in spans]

    facts.code_blocks, facts.markdown, facts.raw_html = clip(facts.code_blocks), clip(facts.markdown), clip(facts.raw_html)
    facts.closings = [(start, min(at, end), warned) for start, at, warned in facts.closings]
    facts.visible = sorted((start, min(stop, end), kind) for start, stop, kind in facts.visible if start < end)
    regions = (
        [(start, end, 2, CODE) for start, end in facts.code_blocks]
        + [(start, end, 1, TEXT) for start, end in facts.markdown]
        + [(start, end, 0, HTML) for start, end in facts.raw_html]
    )
    result.blocks = [Block(kind, start, end) for start, end, kind in _flatten(regions) if start < end]
    result.inline_code = merge(facts.code_spans)
    result.markup = facts.markup
    result.passthrough = facts.passthrough
    result.closings = {start: (at, warned) for start, at, warned in facts.closings}
    result.visible = facts.visible


def _flatten(regions: list[tuple[int, int, int, str]]) -> list[tuple[int, int, str]]:
    """Nested regions as disjoint pieces in order, the innermost winning: a paragraph inside a
    ``markdown="1"`` element splits the element's region around it. Of regions with the same
    extent, the one of highest rank (the third item) is innermost."""
    out: list[tuple[int, int, str]] = []
    stack: list[tuple[int, str]] = []  # (end, kind) of the regions open at ``position``
    position = 0

    def emit(until: int) -> None:
        nonlocal position
        while stack:
            end, kind = stack[-1]
            stop = min(end, until)
            if stop > position:
                out.append((position, stop, kind))
                position = stop
            if end > until:
                break
            stack.pop()
        position = max(position, until)

    for start, end, _, kind in sorted(regions, key=lambda region: (region[0], -region[1], region[2])):
        emit(start)
        stack.append((min(end, stack[-1][0]) if stack else end, kind))
    if stack:
        emit(stack[0][0])
    return out
