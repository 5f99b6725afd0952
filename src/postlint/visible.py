"""What a reader sees of a post's body: its characters as text or as code, in the post's offsets.

The renderer decides. kramdown's model says it directly, except in what kramdown passes to the
browser as written (a processing instruction). Otherwise the reader sees the text the browser
shows (the HTML tokens' text, entities decoded) less the Markdown syntax the renderer consumes:
the emphasis delimiters it renders, list, heading and block-quote markers, link destinations,
image descriptions (they become ``alt``), reference definitions and backslashes that escape.
Under Jekyll, Liquid tags give nothing (their output is the site's), and ``{% raw %}`` gives its
text as written.
"""

from __future__ import annotations

import html as html_lib
import weakref
from bisect import bisect_right
from difflib import SequenceMatcher

from postlint.diagnostics import Edit, apply_edits
from postlint.html import Autolink, Text

TEXT_RUN = "t"
CODE_RUN = "c"
TYPOGRAPHIC_RUN = "q"  # a quote or dash the renderer turns into a typographic character

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def visible_runs(post) -> list[tuple[int, int, str]]:
    """The body's characters a reader sees, as sorted (start, end, kind) runs."""
    cached = _CACHE.get(post)
    if cached is not None and cached[0] == len(post.text):
        return cached[1]
    blocks = post.markdown
    if blocks.visible is not None:
        runs = list(blocks.visible)
        for start, end in blocks.passthrough:
            runs.extend(_token_runs(post, start, end, hidden=()))
        runs.sort()
    else:
        hidden = ()
        if post.renderer.markdown:
            from postlint.commonmark import hidden_syntax

            hidden = hidden_syntax(post)
        runs = _token_runs(post, blocks.body_start, len(post.text), hidden)
    _CACHE[post] = (len(post.text), runs)
    return runs


def _token_runs(post, start: int, end: int, hidden) -> list[tuple[int, int, str]]:
    """Runs from the HTML tokens' text in [start, end), less the ``hidden`` spans (sorted)."""
    blocks = post.markdown
    generator = post.renderer.generator
    liquid = blocks.liquid
    liquid_starts = [span[0] for span in liquid]
    raw = set(blocks.liquid_raw)
    runs: list[tuple[int, int, str]] = []
    tokens = post.html.tokens
    for token in tokens:
        if token.end <= start:
            continue
        if token.start >= end:
            break
        kind = type(token)
        if kind is Autolink:
            runs.append((token.url_start, token.url_end, TEXT_RUN))
            continue
        if kind is not Text:
            continue
        token_start, token_end = max(token.start, start), min(token.end, end)
        if token.code and liquid:
            index = bisect_right(liquid_starts, token_start) - 1
            if index >= 0 and token_start < liquid[index][1]:
                span = liquid[index]
                if generator == "hugo" and post.text.startswith(("{{<", "{{%"), span[0]):
                    pass  # a shortcode: its output is the site's
                elif generator != "jekyll":
                    runs.append((token_start, token_end, TEXT_RUN))  # not a template here: text
                elif span in raw:
                    inner = _raw_inner(post.text, span)
                    if inner is not None and inner[0] < inner[1]:
                        runs.append((max(inner[0], token_start), min(inner[1], token_end), TEXT_RUN))
                continue
        runs.append((token_start, token_end, CODE_RUN if token.code and not token.plain else TEXT_RUN))
    return _subtract(runs, hidden) if hidden else runs


def _raw_inner(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """The text between ``{% raw %}`` and ``{% endraw %}``."""
    open_end = text.find("%}", span[0]) + 2
    close = text.rfind("{%", open_end, span[1])
    if close == -1 or not text.startswith("endraw", text.find("end", close), span[1]):
        return open_end, span[1]
    return open_end, close


def _subtract(runs: list[tuple[int, int, str]], hidden) -> list[tuple[int, int, str]]:
    """``runs`` less the sorted, disjoint ``hidden`` spans."""
    out: list[tuple[int, int, str]] = []
    starts = [span[0] for span in hidden]
    for start, end, kind in runs:
        index = max(0, bisect_right(starts, start) - 1)
        position = start
        while index < len(hidden) and hidden[index][0] < end:
            hidden_start, hidden_end = hidden[index]
            if hidden_end > position:
                if hidden_start > position:
                    out.append((position, hidden_start, kind))
                position = max(position, hidden_end)
            index += 1
        if position < end:
            out.append((position, end, kind))
    return out


def visible_text(post, code: bool = True) -> str:
    """The characters a reader sees, in order, entities decoded (code included unless ``code``
    is False); runs are joined with a separator that no entity spans."""
    text = post.text
    pieces = [text[start:end] for start, end, kind in visible_runs(post) if code or kind != CODE_RUN]
    joined = "\x00".join(pieces)
    return html_lib.unescape(joined).replace("\x00", "") if "&" in joined else joined.replace("\x00", "")


def visible_changes(before, after, edits) -> tuple[str, str]:
    """What applying ``edits`` (sorted, disjoint) to ``before`` changes of what the reader sees,
    ``after`` being the result: the visible characters removed and added (white space left out).
    Both texts are cut at the edits and compared piece by piece, so that a change far from the
    edits (a delimiter that now renders, text a broken tag no longer hides) counts too."""
    before_spans = [(edit.start, edit.end) for edit in edits]
    after_spans = []
    shift = 0
    for edit in edits:
        after_spans.append((edit.start + shift, edit.start + shift + len(edit.content)))
        shift += len(edit.content) - (edit.end - edit.start)
    removed: list[str] = []
    added: list[str] = []
    for old, new in zip(_pieces(before.text, visible_runs(before), before_spans), _pieces(after.text, visible_runs(after), after_spans)):
        if old != new:
            gone, came = _difference(old, new)
            removed.append(gone)
            added.append(came)
    return "".join(removed), "".join(added)


def edit_changes(post, edits: list[Edit]) -> tuple[str, str]:
    """What the reader would see change if ``edits`` (sorted, disjoint) were applied to ``post``:
    the visible characters removed and added. For a fix whose effect reaches past its edits
    (removing a tag that opened an HTML block lets the renderer read the Markdown after it)."""
    after = post.edited(apply_edits(post.text, edits), edits[0].start)
    return visible_changes(post, after, edits)


def _pieces(text: str, runs, spans: list[tuple[int, int]]) -> list[str]:
    """The visible characters (without white space) before the first span, in it, between it and
    the next, and so on: ``2 * len(spans) + 1`` pieces."""
    pieces: list[list[str]] = [[] for _ in range(2 * len(spans) + 1)]
    starts = [span[0] for span in spans]
    for start, end, _ in runs:
        position = start
        index = max(0, bisect_right(starts, position) - 1)
        while position < end:
            while index < len(spans) and spans[index][1] <= position and not (spans[index][0] == spans[index][1] == position):
                index += 1
            if index < len(spans) and spans[index][0] <= position < spans[index][1]:
                stop = min(end, spans[index][1])
                pieces[2 * index + 1].append(text[position:stop])
            else:
                while index < len(spans) and spans[index][0] < position:
                    index += 1
                stop = min(end, spans[index][0]) if index < len(spans) else end
                if stop == position:  # an insertion point: the text after it is the next piece
                    index += 1
                    continue
                pieces[2 * index].append(text[position:stop])
            position = stop
    return [_letters(piece) for piece in pieces]


def _difference(old: str, new: str) -> tuple[str, str]:
    """The characters only ``old`` has and those only ``new`` has, aligned as a diff aligns them."""
    head = 0
    limit = min(len(old), len(new))
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    old, new = old[head : len(old) - tail], new[head : len(new) - tail]
    if not old or not new:
        return old, new
    gone: list[str] = []
    came: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            gone.append(old[i1:i2])
        if tag in ("insert", "replace"):
            came.append(new[j1:j2])
    return "".join(gone), "".join(came)


def _letters(pieces: list[str]) -> str:
    """The pieces' characters as a reader gets them (entities decoded), without white space."""
    joined = "\x00".join(pieces)
    if "&" in joined:
        joined = html_lib.unescape(joined)
    return "".join(joined.replace("\x00", "").split())


def visible_between(post, start: int, end: int) -> str:
    """The characters a reader sees in ``post.text[start:end]`` (entities decoded)."""
    runs = visible_runs(post)
    index = max(0, bisect_right(runs, (start,)) - 1)
    pieces = []
    for run_start, run_end, _ in runs[index:]:
        if run_start >= end:
            break
        if run_end > start:
            pieces.append(post.text[max(start, run_start) : min(end, run_end)])
    return html_lib.unescape("".join(pieces))
