"""Fix safety as properties: posts built from real blocks, with defects and noise.

For every generated post (see ``strategies.py``), with safe fixes and with unsafe fixes:

- linting and fixing never raise, and no rule fails (no PL001); the result encodes and decodes
  back, keeps its BOM, its line-ending style (when the post had one) and a front matter that
  parsed still parses;
- fixing the result again changes nothing, and no fixable diagnostic remains except those the
  fixer refused with a PL003 note;
- safe fixes keep every visible word (Hangul syllable runs and Latin words of the body's text,
  tags, comments and attribute values removed, and the ``*`` and ``_`` that MK001/MK002 document
  as removed left out), in order; text glued to a tag name (``</b고``) counts as text, as MK006
  documents;
- code and Liquid (as the post model finds them) come out unchanged;
- every line that a fix changes was covered by a diagnostic or a fix edit reported on the
  text the fixer's pass started from (the original post for the first pass).

The example count comes from the hypothesis profile (conftest.py): "ci" by default,
``--hypothesis-profile=long`` for a long run. The bugs the properties found stay as regression
tests (``FOUND_BUGS``), each with its minimal reproducer.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

import strategies
from conftest import example_config
from postlint.diagnostics import Diagnostic
from postlint.document import Post
from postlint.engine import INTERNAL_ERROR, Linter
from postlint.fixer import FIX_NOT_APPLIED, fix_post, fixable
from postlint.html import Text
from postlint.renderer import Renderer

LINTER = Linter(example_config(markdown=None))

# --- what a reader sees ------------------------------------------------------------------------

_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_SPACE = frozenset(" \t\n\r\f")
_GLUED = re.compile(r"(</?[A-Za-z][A-Za-z0-9]*)([가-힣][^\s<>/]*)>")
_WORD = re.compile(r"[가-힣]+|[A-Za-z]+")
# Tags that break the line of text (everything else — b, span, a, unknown names — is inline:
# "가<b>나</b>" reads as one word, "가<br>나" as two).
_BREAKING = frozenset(
    "address article aside blockquote body br dd details div dl dt figcaption figure footer h1 h2 h3 "
    "h4 h5 h6 head header hr html img li main nav ol p pre section table tbody td tfoot th thead "
    "title tr ul".split()
)


def visible_words(post: Post) -> list[str]:
    """Hangul and Latin words of the body's text, entities decoded, markup removed as a browser
    tokenizes it: comments, ``<!…>``/``<?…>``, and tags with their attributes (a tag ends at the
    first ``>`` outside a quoted value). Block tags separate words; inline and unknown ones do
    not, nor do end tags that close nothing (browsers ignore them). One exception, after MK006:
    Hangul glued to a tag name is text (``</b은>`` and ``<b는>`` read as ``</b>은`` and
    ``<b>는``; in ``</b고 …`` everything after ``</b`` is text), as the writer meant it —
    browsers would hide it, and MK006's fix reveals it."""
    text = post.text[post.body_start :]
    if "<" in text:
        text = _GLUED.sub(r"\1>\2", text)  # "</b은>" is "</b>은" ("</sp가n>" "</sp>가n"), as MK006 fixes it
    position, end = 0, len(text)
    pieces = []
    open_elements: dict[str, int] = {}  # breaking elements opened and not yet closed, by name
    while position < end:
        lt = text.find("<", position)
        if lt == -1:
            pieces.append(html.unescape(text[position:]))
            break
        pieces.append(html.unescape(text[position:lt]))  # entities do not run across tags
        position, name = _markup_end(text, lt)
        if position == lt:
            pieces.append("<")
            position += 1
        elif name in _BREAKING:
            if text.startswith("</", lt):
                # An end tag with nothing of its name open is ignored by browsers ("가</li>나"
                # reads 가나), except `</p>` (an empty paragraph) and `</br>` (a line break).
                if not open_elements.get(name) and name not in ("p", "br"):
                    continue
                open_elements[name] = max(0, open_elements.get(name, 0) - 1)
            else:
                open_elements[name] = open_elements.get(name, 0) + 1
            pieces.append(" ")
    # Rules remove `*` and `_` (MK001, MK002) and nothing else: they are dropped before the
    # words are taken, so "**가격**은" and "가격은" both read as one word.
    return _WORD.findall("".join(pieces).replace("*", "").replace("_", ""))


def _markup_end(text: str, lt: int) -> tuple[int, str]:
    """Where the markup starting at ``text[lt] == "<"`` ends (``lt`` when it is text), and the
    tag's lowercased name ("" for comments and declarations)."""
    end = len(text)
    following = text[lt + 1 : lt + 2]
    if text.startswith("<!--", lt):
        close = text.find("-->", lt + 4)
        return (end if close == -1 else close + 3), ""
    if following in ("!", "?"):
        close = text.find(">", lt)
        return (end if close == -1 else close + 1), ""
    is_end = following == "/"
    name_start = lt + 2 if is_end else lt + 1
    if text[name_start : name_start + 1] not in _ASCII_LETTERS:
        return lt, ""
    position = name_start
    while position < end and text[position] not in _SPACE and text[position] not in "/>":
        if is_end and "가" <= text[position] <= "힣":
            return position, text[name_start:position].lower()  # "</b고 …": text from 고 on
        position += 1
    name = text[name_start:position].lower()
    state = "between"  # between attributes, in a name, after a name, before a value, in a value
    while position < end:
        char = text[position]
        if state == "before-value":
            if char in "\"'":
                close = text.find(char, position + 1)
                if close == -1:
                    return end, name
                position, state = close + 1, "between"
                continue
            if char == ">":
                return position + 1, name
            if char not in _SPACE:
                state = "value"
        elif char == ">":
            return position + 1, name
        elif state == "value":
            if char in _SPACE:
                state = "between"
        elif char == "=" and state in ("name", "after-name"):
            state = "before-value"
        elif char in _SPACE:
            state = "after-name" if state == "name" else state
        elif char == "/":
            state = "between"
        elif state != "name":
            state = "name"
        position += 1
    return end, name  # the file ends inside the tag: browsers drop it


# --- lines -------------------------------------------------------------------------------------

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def split_lines(text: str) -> list[str]:
    return _LINE.findall(text)


def line_starts(lines: list[str]) -> list[int]:
    starts, position = [], 0
    for line in lines:
        starts.append(position)
        position += len(line)
    return starts


def touched_lines(text: str, diagnostics: list[Diagnostic]) -> set[int]:
    """0-based lines covered by a diagnostic's span or one of its fix's edits."""
    starts = line_starts(split_lines(text)) or [0]

    def line(offset: int) -> int:
        return max(0, bisect_right(starts, offset) - 1)

    touched: set[int] = set()
    spans = [(d.start, d.end) for d in diagnostics]
    spans += [(edit.start, edit.end) for d in diagnostics if d.fix is not None for edit in d.fix.edits]
    for start, end in spans:
        first, last = line(start), line(end)
        touched.update(range(first - (start == end), last + 1))
    return touched


def untouched_changes(before: str, after: str, diagnostics: list[Diagnostic]) -> list[str]:
    """Runs of ``before``'s lines that no reported span covers and that ``after`` lacks.

    Each run of untouched lines must appear in ``after`` byte for byte, in order, starting at a
    line start (leftmost match decides). A line diff (difflib) would do, but it pairs
    interchangeable blank lines arbitrarily and then blames a blank line nobody touched; and a
    lone CR kept as it was may end up followed by an LF that a fix freed.
    """
    old = split_lines(before)
    touched = touched_lines(before, diagnostics)
    runs: list[list[int]] = []
    for index in range(len(old)):
        if index in touched:
            continue
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    position = 0
    for run in runs:
        wanted = "".join(old[run[0] : run[-1] + 1])
        found = after.find(wanted, position)
        while found > 0 and after[found - 1] not in "\r\n":
            found = after.find(wanted, found + 1)
        if found == -1:
            shown = [line[:80] for line in old[run[0] : run[-1] + 1][:3]]
            return [f"untouched lines {run[0] + 1}-{run[-1] + 1} changed or moved: {shown!r}"]
        position = found + len(wanted)
    return []


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def line_endings(text: str) -> set[str]:
    return set(re.findall(r"\r\n|\r|\n", text))


# --- the properties ----------------------------------------------------------------------------


class RecordingLinter:
    """The linter, remembering the text and diagnostics of every pass the fixer makes."""

    def __init__(self, linter: Linter):
        self.linter = linter
        self.passes: list[tuple[str, list[Diagnostic]]] = []

    def lint(self, post: Post, path=None) -> list[Diagnostic]:
        diagnostics = self.linter.lint(post, path)
        self.passes.append((post.text, diagnostics))
        return diagnostics


def example_each(texts: list[str]):
    def decorate(test):
        for text in texts:
            test = example(text.encode("utf-8"))(test)
        return test

    return decorate


# --- bugs these properties found ------------------------------------------------------------
# Each minimal reproducer stays as a regression test.


@dataclass(frozen=True)
class FoundBug:
    name: str
    reason: str
    reproducer: str
    unsafe: bool
    open: bool = False  # not fixed yet: the reproducer runs as a strict xfail (drop the flag once fixed)
    renderer: Renderer | None = None  # read as CommonMark unless given


FOUND_BUGS = [
    FoundBug(
        "liquid-markup",
        "markup inside a Liquid tag was tokenized as HTML, so MK005 edited "
        "`{% include note.html text=\"</b>\" %}`",
        '{% include note.html text="</b>" %}\n',
        False,
    ),
    FoundBug(
        "MK001-unknown-tag",
        "MK001 removed `* ` after a tag it did not know as a block (`가격<o:p>* 할인`), joining the words",
        "<p>가격<o:p>* 할인</p>\n",
        False,
    ),
    FoundBug(
        "MK005-stray-p",
        "MK005 removed a stray `</p>` between two words (`일</p>정`): browsers show an empty "
        "paragraph there, and the fix joined the words",
        "일</p>정\n",
        False,
    ),
    FoundBug(
        "MK007-glued",
        "MK007 took `<p><b고></p>` for an empty paragraph and deleted `고` with it",
        "<p><b고></p>\n",
        False,
    ),
    FoundBug(
        "fixer-rejected-key",
        "a fix the fixer refused (PL003) was remembered by its code and text only, so an identical "
        "fix elsewhere in a later pass was skipped too and `fix` did not converge",
        "-</b>--\n<p>**드**</b고>\n",
        False,
    ),
    FoundBug(
        "liquid-in-tag",
        "Liquid between the attributes of a start tag is read as attributes, so SRC003 (and ST004 on "
        "`style=`) edit the Liquid tag: `{% include attrs.html rel=\"dofollow\" %}` loses its parameter",
        '<p><a href="https://x.kr" {% include attrs.html rel="dofollow" %}>가</a></p>\n',
        False,
    ),
    FoundBug(
        "MK005-entity-split",
        "MK005 removed a stray `</b>` inside `&n</b>bsp;`, joining the halves into `&nbsp;`: the text "
        "the reader saw became a space",
        '<p data-ke-size="size16">&n</b>bsp;</p>\n',
        False,
    ),
    FoundBug(
        "MK009-glued-mention",
        "MK009 took `</html>` between `</b>` and `은` for a tag named in prose and escaped it, so "
        "the reader saw `가격</html>은` where the browser had shown `가격은`",
        '<b><span style="color: #ee2323;">가격 AWS 가격</span></b></html>은\n',
        False,
    ),
    FoundBug(
        "fixer-refused-inside-repaired",
        "a fix refused because of a broken tag inside it (`***…</b은>…***`) was still refused after "
        "MK006 repaired that tag, because the fixer knew it by the text around it only; a second "
        "`fix` then applied it",
        "<p>***북한에 <b>대한</b은>*** 트럼프 중요하다. 그는 <b>“김정은”</b는 언급을. <b>그는</b> 비판했다. </p>\n",
        True,
        renderer=Renderer("kramdown", "the tests", generator="jekyll"),
    ),
]


KRAMDOWN = Renderer("kramdown", "the tests", generator="jekyll")


def check_fix(data: bytes, unsafe: bool, renderer: Renderer | None = None) -> None:
    """Every property of fixing ``data`` (read as ``renderer`` renders it: CommonMark unless
    given)."""
    post = Post.from_bytes(data, "post.md", renderer)
    recorder = RecordingLinter(LINTER)
    before = recorder.lint(post)
    assert not [d.message for d in before if d.code == INTERNAL_ERROR]

    outcome = fix_post(post, recorder, unsafe=unsafe, diagnostics=before)
    fixed = outcome.post
    assert not [d.message for d in outcome.diagnostics if d.code == INTERNAL_ERROR]
    if currently_in_test_context():
        for code in sorted(outcome.applied):  # `pytest --hypothesis-show-statistics`: what got exercised
            event(f"fixed {code}")

    # The result is a post postlint can read again, with the BOM, endings and front matter kept.
    assert fixed.bom == post.bom
    reread = Post.from_bytes(fixed.encode(), "post.md", renderer)
    assert reread.text == fixed.text
    endings = line_endings(post.text)
    if len(endings) == 1:
        assert line_endings(fixed.text) <= endings, "a fix introduced another line-ending style"
    front = post.front_matter
    if front is not None and front.terminated and front.error is None:
        after = fixed.front_matter
        assert after is not None and after.terminated and after.error is None, "front matter broken by a fix"

    # Converged: nothing fixable is left except what the fixer refused (PL003 notes).
    notes = [d.message for d in outcome.diagnostics if d.code == FIX_NOT_APPLIED]
    assert not [note for note in notes if "did not converge" in note], notes
    refused = {match for note in notes for match in re.findall(r"fix not applied for (\w+)", note)}
    left = [
        (d.code, d.message)
        for d in outcome.diagnostics
        if d.code not in refused and fixable(d, unsafe)
    ]
    assert not left, f"fixable diagnostics remain after fixing: {left}"

    # Idempotent.
    again = fix_post(fixed, LINTER, unsafe=unsafe)
    assert again.post.text == fixed.text, "fixing the fixed post changed it again"
    assert not again.changed

    # Code (Markdown code, <pre>, <code>), raw-text elements and Liquid are never touched: each
    # such region of the original is still there, as it was and in order.
    position = 0
    code = [(token.start, token.end) for token in post.html.tokens if type(token) is Text and token.code]
    for start, end in _merge(code + post.markdown.opaque):
        found = fixed.text.find(post.text[start:end], position)
        assert found != -1, f"code or Liquid changed by a fix: {post.text[start:end][:200]!r}"
        position = found + (end - start)

    # Safe fixes keep every word, but for the words they declare they add or remove (MK009 shows a
    # tag name written in prose, `&lt;/body&gt;`; MK005 removes an end tag kramdown prints).
    if not unsafe:
        before, after = Counter(visible_words(post)), Counter(visible_words(fixed))
        declared_adds = Counter(_WORD.findall(" ".join(fix.adds for _, fix in outcome.fixes)))
        declared_removes = Counter(_WORD.findall(" ".join(fix.removes for _, fix in outcome.fixes)))
        assert not after - before - declared_adds, "safe fixes added words they do not declare"
        assert not before - after - declared_removes, "safe fixes removed words they do not declare"
        if not declared_adds and not declared_removes:
            assert visible_words(fixed) == visible_words(post), "safe fixes changed the visible words"

    # Nothing changes where nothing was reported: each pass of the fixer changes only lines that
    # the diagnostics of the text it started from cover (a fix may reveal the next one: removing
    # the `*` of `<p> * </p>` leaves an empty paragraph that MK007 then removes).
    assert recorder.passes[-1][0] == fixed.text
    for number, ((start, diagnostics), (end, _)) in enumerate(zip(recorder.passes, recorder.passes[1:]), 1):
        problems = untouched_changes(start, end, diagnostics)
        assert not problems, (f"pass {number}", problems)


# Explicit examples for the generated tests: two more bugs found (and fixed) while these tests
# were written, and inputs that once fooled the checks themselves (interchangeable blank lines,
# a lone CR before a freed LF).
FIXED_BUGS = [
    "<p>최근 <b></b지방행정 전산. 그러나 <b>주무</b> 이</p>\n",  # MK008 deleted up to the `>` of `<b>`
    '<p style="text-align:[ center; height: 17px;">가</p>\n',  # ST004 appended `;` every pass
    '<p data-ke-size="size16">&nbsp;</p> \n\n<p data-ke-size="size16">&nbsp;</p> \n\n'
    "가 <b>나</b> * 다\n\n가 <b>나</b> * 다\n",
    '<b><span e=""><b></b></b>\n\r</span>\n',
]


@given(strategies.post_bytes())
@example_each(FIXED_BUGS)
def test_safe_fixes_are_safe(data):
    check_fix(data, unsafe=False)


@given(strategies.post_bytes())
@example_each(FIXED_BUGS)
def test_unsafe_fixes_converge_and_stay_local(data):
    check_fix(data, unsafe=True)


@given(strategies.post_bytes(max_blocks=3, max_noise=12), st.booleans())
def test_noise_does_not_break_fixing(data, unsafe):
    check_fix(data, unsafe=unsafe)


@given(strategies.post_bytes())
@example_each(FIXED_BUGS)
def test_safe_fixes_are_safe_under_kramdown(data):
    """The same properties with the body read as kramdown reads it (Jekyll's renderer)."""
    check_fix(data, unsafe=False, renderer=KRAMDOWN)


@given(strategies.post_bytes())
def test_unsafe_fixes_converge_under_kramdown(data):
    check_fix(data, unsafe=True, renderer=KRAMDOWN)


@pytest.mark.parametrize(
    "bug",
    [
        pytest.param(bug, marks=pytest.mark.xfail(raises=AssertionError, strict=True, reason=bug.reason))
        if bug.open
        else bug
        for bug in FOUND_BUGS
    ],
    ids=lambda bug: bug.name,
)
def test_found_bug_stays_fixed(bug):
    check_fix(bug.reproducer.encode(), unsafe=bug.unsafe, renderer=bug.renderer)
