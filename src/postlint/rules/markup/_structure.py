"""Tag-level facts shared by MK003–MK006 and MK009, computed once per post.

- which tags lie inside ``<pre>``/``<code>`` (never reported by MK rules);
- which tags and text spans are *malformed* (MK006 reports them): text glued to a tag name
  (``</b고``), unknown element names, a tag that swallows the markup after it because its ``>``
  or a quote is missing, a tag cut off by the end of the file, a tag whose ``<`` is escaped
  (``&lt;h2 …>``) or lost (``h2>``);
- the *phantom* tags such a defect hides or shows as text. A stray ``</h2>`` after ``&lt;h2 …>``,
  or after a ``<b>`` swallowed by ``</b는 … <b>``, is not a defect of its own: fixing the
  malformed tag fixes it. MK003 and MK005 skip what a phantom explains, so that each defect
  gets exactly one code.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from postlint.diagnostics import Edit, Fix, Problem
from postlint.document import start_of_line
from postlint.html import CODE_ELEMENTS, KNOWN_ELEMENTS, OPTIONAL_END, Element, Tag, Text
from postlint.markdown import TEXT
from postlint.visible import edit_changes, visible_between

# Elements the HTML parser knows although HTML no longer defines them: not "unknown".
LEGACY_ELEMENTS = frozenset(
    "acronym applet basefont bgsound blink frame frameset image isindex listing marquee menuitem "
    "multicol nextid nobr noembed noframes plaintext spacer".split()
)
# The document's own structure: MK009 reports these, MK003/MK004/MK005 leave them to it.
DOCUMENT_ELEMENTS = frozenset("html head body title".split())
# HTML's formatting elements: a browser re-opens them after a misnested end tag closed them.
FORMATTING_ELEMENTS = frozenset("a b big code em font i nobr s small strike strong tt u".split())

_AUTOLINK_URI = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>")
_AUTOLINK_EMAIL = re.compile(r"<[^\s<>@]+@[^\s<>@]+>")
_INNER_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_ESCAPED_TAG = re.compile(r"&lt;(/?)=?([A-Za-z][A-Za-z0-9]*)(?=[\s>/])[^<>&]*>")
_LOST_LT = re.compile(r"(/?)([A-Za-z][A-Za-z0-9]*)(?:[ \t][^<>\r\n]*)?>")
_ATTRIBUTE_NAME_OK = re.compile(r"[A-Za-z_:@][A-Za-z0-9_:.@-]*")


def is_hangul(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3" or "\u1100" <= char <= "\u11ff" or "\u3130" <= char <= "\u318f"


def is_known_element(name: str) -> bool:
    return name in KNOWN_ELEMENTS or name in LEGACY_ELEMENTS or "-" in name


def describe(tag: Tag) -> str:
    return f"</{tag.name}>" if tag.is_end else f"<{tag.name}>"


@dataclass(frozen=True, slots=True)
class Phantom:
    """A tag a malformed one hides or shows as text: ``is_end``, its name and where it is."""

    is_end: bool
    name: str
    offset: int


@dataclass(slots=True)
class Structure:
    code_tags: set[int] = field(default_factory=set)  # id() of tags inside <pre>/<code>
    malformed_tags: set[int] = field(default_factory=set)  # id() of tags MK006 reports
    findings: list[Problem] = field(default_factory=list)
    phantoms: list[Phantom] = field(default_factory=list)
    explained_strays: set[int] = field(default_factory=set)  # id() of stray end tags a phantom explains
    # kramdown: end tags it prints as text because they close nothing in its reading, that no
    # start tag printed as text explains (MK005 reports them).
    shown_strays: list[Tag] = field(default_factory=list)
    # Of those, the ones whose element is open after all, with the elements open inside it that
    # kramdown wants closed first (``<center><p>…</center>``): id(tag) -> (element, inner ones).
    blocked_strays: dict[int, tuple[Element, list[Element]]] = field(default_factory=dict)
    # Elements left open inside such an element: MK005's fix closes them, MK003 leaves them.
    closed_before_blocked: set[int] = field(default_factory=set)
    # An element Markdown closed at the end of its paragraph, and the stray end tag in a later
    # paragraph that was meant to close it: one defect, reported by MK003 (id(element) -> tag).
    block_strays: dict[int, Tag] = field(default_factory=dict)
    _end_phantoms: dict[str, list[int]] | None = None

    def skip(self, tag: Tag | None) -> bool:
        """Whether MK003–MK005 leave this tag alone: in code, or MK006's."""
        return tag is not None and (id(tag) in self.code_tags or id(tag) in self.malformed_tags)

    def explains_unclosed(self, name: str, start: int, end: int) -> bool:
        """A hidden or escaped ``</name>`` lies between ``start`` and ``end``."""
        if self._end_phantoms is None:
            self._end_phantoms = {}
            for phantom in sorted(self.phantoms, key=lambda p: p.offset):
                if phantom.is_end:
                    self._end_phantoms.setdefault(phantom.name, []).append(phantom.offset)
        offsets = self._end_phantoms.get(name)
        if not offsets:
            return False
        index = bisect_left(offsets, start)
        return index < len(offsets) and offsets[index] <= end


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def structure(post) -> Structure:
    cached = _CACHE.get(post)
    if cached is not None and cached[0] == len(post.text):
        return cached[1]
    result = _analyze(post)
    _CACHE[post] = (len(post.text), result)
    return result


def _analyze(post) -> Structure:
    text = post.text
    html = post.html
    blocks = post.markdown
    result = Structure()
    code_depth = 0
    foreign_depth = 0  # inside <svg>/<math>, where other element names are fine
    previous = None
    candidates: list[tuple[Phantom, Problem]] = []
    shown_in_code: set[int] = set()  # where tags the renderer prints as text lie inside <pre>/<code>
    # A code shortcode (`[code lang="html"]<head>…[/code]`) holds code its plugin showed as such:
    # the tags in it are the code's, printed or hidden as a whole (a shortcode's problem).
    shortcodes = blocks.code_text
    shortcode_starts = [start for start, _ in shortcodes]
    for token in html.tokens:
        kind = type(token)
        if kind is Tag:
            in_code = code_depth > 0
            if not in_code and shortcodes:
                index = bisect_right(shortcode_starts, token.start) - 1
                in_code = index >= 0 and token.start < shortcodes[index][1]
            if token.name in CODE_ELEMENTS and not token.self_closing:
                code_depth = max(0, code_depth + (-1 if token.is_end else 1))
            if in_code:
                result.code_tags.add(id(token))
            else:
                in_foreign = foreign_depth > 0
                if token.name in ("svg", "math") and not token.self_closing:
                    foreign_depth = max(0, foreign_depth + (-1 if token.is_end else 1))
                hidden: list[Phantom] = []
                finding = _check_tag(text, token, in_foreign, blocks, hidden)
                if finding is LITERAL:
                    result.malformed_tags.add(id(token))  # Markdown prints it as text: not a tag
                elif finding is not None:
                    result.findings.append(finding)
                    result.malformed_tags.add(id(token))
                    result.phantoms.extend(hidden)
        elif kind is Text and not token.code:
            if token.shown and code_depth > 0:
                shown_in_code.add(token.start)
            _check_text(text, token, previous, candidates)
        previous = token
    if html.shown:
        _check_shown(post, result, shown_in_code)
    _explain(text, html, candidates, result)
    _pair_block_strays(html, result)
    result.findings.sort(key=lambda item: (item.start, item.end))
    return result


# --- tags ------------------------------------------------------------------------------------

# What _check_tag returns for a "tag" that Markdown prints as text (it is not CommonMark raw HTML).
LITERAL = Problem(0, 0, "")
_UNQUOTED_OK = re.compile(r"[^\s\"'=<>`]+")


def _commonmark_tag(text: str, tag: Tag) -> bool:
    """Whether CommonMark reads the tag as raw HTML in a Markdown paragraph (else: as text)."""
    if not tag.terminated or tag.glued:
        return False
    if tag.is_end:
        return not text[tag.name_end : tag.end - 1].strip()
    for attribute in tag.attributes:
        if not _ATTRIBUTE_NAME_OK.fullmatch(text, attribute.name_start, attribute.name_end):
            return False
        if attribute.value is not None and not attribute.quote and not _UNQUOTED_OK.fullmatch(attribute.value):
            return False
    return True


def _check_tag(text: str, tag: Tag, in_foreign: bool, blocks, phantoms: list[Phantom]) -> Problem | None:
    swallowed = _swallowed_at(text, tag)
    if swallowed is None and not tag.glued and tag.terminated and is_known_element(tag.name) and not tag.attributes:
        if not tag.is_end or tag.end == tag.name_end + 1:
            return None  # "<b>", "</b>": the common case, nothing to look at
    written = text[tag.start : tag.name_end]
    ascii_end = tag.name_end - len(tag.glued)
    markdown = _in_text_block(blocks, tag.start)
    if swallowed is not None:
        for match in _INNER_TAG.finditer(text, swallowed, tag.end):
            phantoms.append(Phantom(bool(match.group(1)), match.group(2).lower(), match.start()))
    at_eof = not tag.terminated and tag.end == len(text)

    if tag.glued and tag.glued[0] != "<":
        first = tag.glued[0]
        if first == ":" or (first == "@" and not tag.is_end):
            pattern = _AUTOLINK_URI if first == ":" else _AUTOLINK_EMAIL
            link = pattern.match(text, tag.start)
            if link is not None and not tag.is_end:
                if markdown:
                    return None  # a Markdown autolink: <https://…>, <name@example.com>
                return Problem(
                    tag.start,
                    link.end(),
                    f"`{link.group()}` inside an HTML block is read as an unknown tag and not shown; "
                    "write the link as `<a href=\"…\">…</a>`",
                )
            if first == ":":
                return Problem(
                    tag.start,
                    tag.name_end,
                    f"`{written}` is not an HTML element (a namespaced tag, pasted from a word processor?): "
                    "browsers ignore it; remove it",
                )
        return _glued(text, tag, written, ascii_end, swallowed, at_eof)

    if not is_known_element(tag.name) and not in_foreign:
        if markdown and not _commonmark_tag(text, tag):
            return LITERAL  # "if x<y …" in a Markdown paragraph: not raw HTML, printed as written
        where = "a tag" if not tag.is_end else "an end tag"
        return Problem(
            tag.start,
            tag.name_end,
            f"`{written}` is not an HTML element: browsers read it as {where} and do not show it; "
            f"write `&lt;{text[tag.start + 1 : tag.name_end]}` if it is meant as text, or use a real element",
        )
    if at_eof:
        fix = None
        if tag.is_end and not text[tag.name_end :].strip():
            fix = Fix.safe(f"complete `{describe(tag)}`", Edit.insert(tag.name_end, ">"))
        return Problem(
            tag.start,
            tag.name_end,
            f"`{written}` is cut off by the end of the file: it has no `>`, so browsers drop it; "
            f"complete it as `{describe(tag)}`" if tag.is_end else
            f"`{written}` is cut off by the end of the file: it has no `>`, so browsers drop it; complete or remove it",
            fix,
        )
    if swallowed is not None:
        return Problem(tag.start, ascii_end, _swallow_message(text, tag, text[tag.start : ascii_end], swallowed))
    if tag.is_end:
        junk = text[tag.name_end : tag.end - 1] if tag.terminated else ""
        if any(char.isalnum() and not char.isascii() for char in junk):
            return Problem(
                tag.start,
                tag.name_end,
                f"`{written}` has text inside the end tag (`{junk.strip()}`), which browsers do not show; "
                f"end the tag right after its name: `{describe(tag)}`",
            )
    else:
        for attribute in tag.attributes:
            name = text[attribute.name_start : attribute.name_end]
            # Words the writer meant to show ("<span 안녕하세요>"); junk such as `9=""` on a
            # tracking pixel shows nothing either way.
            if not _ATTRIBUTE_NAME_OK.fullmatch(name) and any(char.isalnum() and not char.isascii() for char in name):
                return Problem(
                    tag.start,
                    tag.name_end,
                    f"`{written}` has text inside the tag (`{text[attribute.name_start:attribute.name_end]}`), "
                    "which browsers do not show; move the text out of the tag",
                )
    return None


def _in_text_block(blocks, offset: int) -> bool:
    block = blocks.block_at(offset)
    return block is not None and block.kind == TEXT


def _swallowed_at(text: str, tag: Tag) -> int | None:
    """Where a tag that lacks its ``>`` or a closing quote starts to swallow later markup."""
    position = text.find("<", tag.name_end - len(tag.glued), tag.end)
    while position != -1:
        if _INNER_TAG.match(text, position, tag.end):
            return position
        position = text.find("<", position + 1, tag.end)
    return None


def _swallow_message(text: str, tag: Tag, written: str, swallowed: int) -> str:
    quoted = next(
        (
            attribute
            for attribute in tag.attributes
            if attribute.quote and attribute.value_start <= swallowed < attribute.value_end
        ),
        None,
    )
    if quoted is not None:
        return (
            f"the value of `{quoted.name}` in `{written}` runs past the tag's end (a quote is missing): "
            "the text and tags up to the next quote are hidden; close the quote"
        )
    return (
        f"`{written}` has no `>` before the next tag: browsers read everything up to the next `>` "
        "as part of it and hide it; add the missing `>`"
    )


def _glued(text: str, tag: Tag, written: str, ascii_end: int, swallowed: int | None, at_eof: bool) -> Problem:
    glued = tag.glued.split("<", 1)[0]  # "</b고<li>": "고" is glued, "<li>" swallowed
    written = text[tag.start : ascii_end + len(glued)]
    intended = f"{describe(tag)}{glued}"
    fix = None
    if tag.is_end and is_hangul(glued[0]) and tag.name:
        if at_eof or swallowed is not None and _ends_with_tag(text, ascii_end, swallowed, tag.end):
            fix = Fix.safe(f"end `{describe(tag)}` before `{glued}`", Edit.insert(ascii_end, ">"), adds=_revealed(text, ascii_end, swallowed if swallowed is not None else tag.end))
        elif tag.terminated and tag.end == tag.name_end + 1 and "<" not in glued and not _word_at(text, tag.end):
            # "</b고>" 
            fix = Fix.safe(f"end `{describe(tag)}` before `{glued}`", Edit(ascii_end, tag.end, ">" + glued), adds=glued)
    hidden = "" if at_eof else " and hide everything up to the next `>`"
    return Problem(
        tag.start,
        ascii_end + len(glued),
        f"`{written}`: `{glued}` is glued to the tag name, so browsers read an unknown tag{hidden}; "
        f"write `{intended}`" if tag.is_end else
        f"`{written}`: `{glued}` is glued to the tag name, so browsers read an unknown tag{hidden}; "
        "separate the text from the tag name",
        fix,
    )


def _revealed(text: str, start: int, end: int) -> str:
    """The text a browser hid inside a broken tag and shows once the tag is ended early."""
    return text[start:end].split("<", 1)[0]


def _word_at(text: str, position: int) -> bool:
    return position < len(text) and (text[position].isalnum())


def _ends_with_tag(text: str, start: int, swallowed: int, end: int) -> bool:
    """The tag swallowed exactly one tag, which the tag's own ``>`` completes: once the ``>`` is
    back after the name, the rest reads as text and that tag."""
    last = text.rfind("<", swallowed, end)
    if last != swallowed or _INNER_TAG.match(text, last, end) is None:
        return False
    return all(text[position + 1 : position + 2] not in ("!", "?") for position in _positions(text, "<", start, swallowed))


def _positions(text: str, char: str, start: int, end: int):
    position = text.find(char, start, end)
    while position != -1:
        yield position
        position = text.find(char, position + 1, end)


# --- tags the renderer prints as text (kramdown) --------------------------------------------


def _check_shown(post, result: Structure, in_code: set[int]) -> None:
    """kramdown escapes the ``<`` of what it cannot read as a tag or place as an end tag, so the
    reader sees it. An end tag with a Hangul syllable glued to its name (``</b는``) was meant to
    end the element open around it; one that closes nothing and pairs with no start tag printed
    as text is a stray."""
    text = post.text
    html = post.html
    open_at = _open_spans(html)
    shown_starts: dict[str, int] = {}
    for tag in html.shown:
        if type(tag) is not Tag or tag.start in in_code or any(start <= tag.start < end for start, end in post.markdown.code_text):
            continue
        if not tag.is_end:
            shown_starts[tag.name] = shown_starts.get(tag.name, 0) + 1
            continue
        if shown_starts.get(tag.name):
            shown_starts[tag.name] -= 1  # "<span onclick=f('x')>…</span>": both printed, one defect
            continue
        if tag.glued and tag.name and is_hangul(tag.glued[0]):
            result.findings.append(_shown_glued(post, tag, open_at.get(tag.name, ())))
            result.phantoms.append(Phantom(True, tag.name, tag.start))
        elif not tag.glued and tag.terminated and is_known_element(tag.name):
            if not _mentioned(text, tag):
                result.shown_strays.append(tag)
                _find_blocking(html, post.markdown.closings, tag, result)


def _find_blocking(html, closings, tag: Tag, result: Structure) -> None:
    """An element of the end tag's name may be open where kramdown printed it: kramdown closes an
    element only when everything opened inside it is closed (browsers close a ``<p>`` or ``<li>``
    themselves, at the next block: kramdown keeps it open until it closes it itself)."""

    def open_here(child: Element) -> bool:
        if _open_at(child, tag.start):
            return True
        closing = closings.get(child.start_tag.start)
        return closing is not None and child.start_tag.end <= tag.start < closing[0]

    element = None
    for candidate in html.elements:
        if candidate.start_tag.start >= tag.start:
            break
        if candidate.name == tag.name and _open_at(candidate, tag.start):
            element = candidate
    if element is None:
        return
    inner: list[Element] = []
    current = element
    while True:
        child = next((child for child in reversed(current.children) if child.start_tag.start < tag.start and open_here(child)), None)
        if child is None:
            break
        inner.append(child)
        current = child
    result.blocked_strays[id(tag)] = (element, inner)
    if closable_before(inner):
        result.closed_before_blocked.update(id(child) for child in inner)


def closable_before(inner: list[Element]) -> bool:
    """Elements whose end tag can go right before the blocked end tag for certain: those whose end
    tag HTML lets one omit (``<p>``, ``<li>``, ``<td>`` …), which browsers close right there anyway.
    Where a ``<b>`` or a ``<div>`` was meant to end is a guess."""
    return bool(inner) and len(inner) <= 4 and all(child.name in OPTIONAL_END for child in inner)


def _open_at(element: Element, offset: int) -> bool:
    return element.start_tag.end <= offset and (element.close < 0 or offset < element.close)


def _open_spans(html) -> dict[str, list[tuple[int, int]]]:
    """Per element name, where an element the renderer closed itself was open."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for item in html.unclosed:
        spans.setdefault(item.element.name, []).append((item.element.start_tag.end, item.at))
    return spans


def _shown_glued(post, tag: Tag, open_spans) -> Problem:
    text = post.text
    ascii_end = tag.name_end - len(tag.glued)
    glued = tag.glued.split("<", 1)[0]
    written = text[tag.start : ascii_end + len(glued)]
    intended = f"{describe(tag)}{glued}"
    closes_at = next((at for start, at in open_spans if start <= tag.start < at), None)
    fix = None
    effect = ""
    if tag.terminated and tag.end == tag.name_end + 1 and "<" not in glued:
        edit = None if _word_at(text, tag.end) else Edit(ascii_end, tag.end, ">" + glued)  # "</b고>": "</b>고"
    else:
        edit = Edit.insert(ascii_end, ">")  # "</b는 언급을 …": "</b>는 언급을 …"
    if closes_at is not None and edit is not None:
        effect = f" and the `<{tag.name}>` it was meant to end runs on"
        # The reader stops seeing `</b`, and whatever else kramdown printed because the element
        # stayed open (a `</p>` it could not place then); the text after stops being formatted.
        removes, adds = edit_changes(post, [edit])
        fix = Fix.safe(
            f"end `{describe(tag)}` before `{glued}`",
            edit,
            removes=removes,
            adds=adds,
            restyles=visible_between(post, ascii_end, closes_at),
        )
    return Problem(
        tag.start,
        ascii_end + len(glued),
        f"`{written}`: `{glued}` is glued to the tag name, so kramdown prints `{written}` as text{effect}; write `{intended}`",
        fix,
    )


def _mentioned(text: str, tag: Tag) -> bool:
    """A tag named in prose (``put it before </body> and``): spaces on both sides, words beyond."""
    before = text[tag.start - 2 : tag.start] if tag.start >= 2 else ""
    after = text[tag.end : tag.end + 2]
    return len(before) == 2 and len(after) == 2 and before[1] == " " and after[0] == " " and before[0].isalnum() and after[1].isalnum()


# --- text ------------------------------------------------------------------------------------


def _check_text(text: str, token: Text, previous, candidates: list[tuple[Phantom, Problem]]) -> None:
    """Tags shown as text: ``&lt;h2 …>`` (``<`` escaped, ``>`` not) and ``h2>`` right after a tag."""
    position = text.find("&lt;", token.start, token.end)
    while position != -1:
        match = _ESCAPED_TAG.match(text, position, token.end)
        if match is not None and match.group(2).lower() in KNOWN_ELEMENTS:
            candidates.append(
                (
                    Phantom(bool(match.group(1)), match.group(2).lower(), match.start()),
                    Problem(match.start(), match.end(), _escaped_message(text, match, partner_printed=False)),
                )
            )
            position = text.find("&lt;", match.end(), token.end)
        else:
            position = text.find("&lt;", position + 4, token.end)
    if type(previous) is Tag and previous.end == token.start and previous.terminated:
        match = _LOST_LT.match(text, token.start, token.end)
        if match is not None and match.group(2).lower() in KNOWN_ELEMENTS:
            candidates.append(
                (
                    Phantom(bool(match.group(1)), match.group(2).lower(), match.start()),
                    Problem(
                        match.start(),
                        match.end(),
                        f"`{match.group()}` is shown as text: the tag lacks its `<`; write `<{match.group()}`",
                    ),
                )
            )


def _escaped_message(text: str, match: re.Match, partner_printed: bool) -> str:
    shown = "<" + text[match.start() + 4 : match.end()]
    intended = f"<{match.group(1)}{text[match.start(2) : match.end()]}"
    if partner_printed:  # kramdown printed the end tag as text too: the reader sees both
        partner = f"; kramdown prints its `</{match.group(2).lower()}>` as text too"
    else:
        partner = f", while its {'start' if match.group(1) else 'end'} tag is real markup"
    return f"`{shown}` is shown as text because its `<` is written `&lt;`{partner}: write the tag `{intended}`"


def _explain(text: str, html, candidates: list[tuple[Phantom, Problem]], result: Structure) -> None:
    """Pair stray end tags with hidden start tags, and keep the tags shown as text that pair with
    real markup (a stray end tag after ``&lt;h2 …>``, an open element before ``&lt;/b>``): alone,
    ``&lt;div>`` is a fine way to show a tag."""
    explaining: set[int] = set()
    starts = sorted(
        [(p, None) for p in result.phantoms if not p.is_end] + [(p, m) for p, m in candidates if not p.is_end],
        key=lambda pair: pair[0].offset,
    )
    # Each stray takes the nearest earlier phantom start tag of its name not taken yet.
    waiting: dict[str, list[tuple[Phantom, Problem | None]]] = {}
    position = 0
    shown = {id(tag) for tag in result.shown_strays}
    strays = sorted([*html.stray_end_tags, *result.shown_strays], key=lambda tag: tag.start) if shown else html.stray_end_tags
    for tag in strays:
        while position < len(starts) and starts[position][0].offset < tag.start:
            waiting.setdefault(starts[position][0].name, []).append(starts[position])
            position += 1
        stack = waiting.get(tag.name)
        if stack:
            _, finding = stack.pop()
            result.explained_strays.add(id(tag))
            if finding is not None:
                explaining.add(id(finding))
                escaped = _ESCAPED_TAG.match(text, finding.start) if id(tag) in shown else None
                if escaped is not None:
                    finding.message = _escaped_message(text, escaped, partner_printed=True)
    # An escaped or lost end tag explains an element left open around it.
    intervals: dict[str, list[tuple[int, int]]] = {}
    for item in html.unclosed:
        intervals.setdefault(item.element.name, []).append((item.element.start_tag.end, item.at))
    reach: dict[str, tuple[list[int], list[int]]] = {}
    for name, spans in intervals.items():
        spans.sort()
        furthest, running = [], -1
        for _, at in spans:
            running = max(running, at)
            furthest.append(running)
        reach[name] = ([start for start, _ in spans], furthest)
    for phantom, finding in candidates:
        if phantom.is_end and phantom.name in reach:
            opened, furthest = reach[phantom.name]
            count = bisect_right(opened, phantom.offset)
            if count and furthest[count - 1] >= phantom.offset:
                explaining.add(id(finding))
    for phantom, finding in candidates:
        if id(finding) in explaining:
            result.phantoms.append(phantom)
            result.findings.append(finding)


def _pair_block_strays(html, result: Structure) -> None:
    """``<b>one⏎⏎two</b>``: the paragraph's end closed ``<b>``; its ``</b>`` follows, stray."""
    pending = [item for item in html.unclosed if item.reason == "block"]
    if not pending:
        return
    strays = {id(tag) for tag in html.stray_end_tags if id(tag) not in result.explained_strays}
    by_name: dict[str, list[Tag]] = {}
    for token in html.tokens:
        if type(token) is Tag:
            by_name.setdefault(token.name, []).append(token)
    starts = {name: [tag.start for tag in tags] for name, tags in by_name.items()}
    taken: set[int] = set()
    for item in pending:
        name = item.element.name
        tags = by_name.get(name, [])
        index = bisect_left(starts.get(name, []), item.at)
        if index == len(tags):
            continue
        tag = tags[index]  # the next tag of that name: a new element opening first owns any stray
        if tag.is_end and id(tag) in strays and id(tag) not in taken:
            taken.add(id(tag))
            result.block_strays[id(item.element)] = tag


def line_or_tag(text: str, start: int, end: int) -> tuple[int, int]:
    """The span to delete to remove ``text[start:end]``: its whole line when nothing else is on it."""
    line_start = start_of_line(text, start)
    if text[line_start:start].strip(" \t"):
        return start, end
    line_end = end
    while line_end < len(text) and text[line_end] in " \t":
        line_end += 1
    if line_end < len(text) and text[line_end] not in "\r\n":
        return start, end
    if text.startswith("\r\n", line_end):
        return line_start, line_end + 2
    if line_end < len(text):
        return line_start, line_end + 1
    return start, end


def markdown_text_spans(post):
    """The parts of the body's text (not code, not tags) that lie in Markdown text blocks, where
    inline Markdown is rendered: each text token clipped to the text blocks it overlaps."""
    blocks = [block for block in post.markdown.blocks if block.kind == TEXT]
    if not blocks:
        return
    index = 0
    for token in post.html.tokens:
        if type(token) is not Text or token.code:
            continue
        while index < len(blocks) and blocks[index].end <= token.start:
            index += 1
        probe = index
        while probe < len(blocks) and blocks[probe].start < token.end:
            start = max(token.start, blocks[probe].start)
            end = min(token.end, blocks[probe].end)
            if start < end:
                yield start, end
            probe += 1


def joins_markup(text: str, start: int, end: int) -> bool:
    """Deleting ``text[start:end]`` would glue a ``<`` or ``&`` before it to the text after it,
    making a new tag or entity out of text (``<</i>h2>`` → ``<h2>``, ``&n</b>bsp;`` → ``&nbsp;``)."""
    if start > 0 and text[start - 1] in "<&" and end < len(text) and not text[end].isspace():
        return True
    entity_start = _ENTITY_HEAD.search(text, max(0, start - 32), start)
    return entity_start is not None and _ENTITY_TAIL.match(text, end) is not None


_ENTITY_HEAD = re.compile(r"&#?[A-Za-z0-9]*\Z")
_ENTITY_TAIL = re.compile(r"[A-Za-z0-9]*;")
