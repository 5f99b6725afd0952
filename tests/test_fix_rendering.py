"""Safe fixes change nothing a reader sees but what they declare, proved with the real renderers.

Every post of ../shared/sites and ../shared/corpus is fixed with the safe fixes, as its site
renders it; each post the fixes changed is rendered before and after with the site's own renderer
(tests/renderers.py) and parsed as a browser parses it (html5lib). What the reader sees, character
by character with its formatting (bold, italic, struck through, underlined, code, link, colour,
background, hidden), must be identical except what the applied fixes declare: the characters
they remove or add, and the text they restyle. Skipped where the renderers are not installed.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

import html5lib
import pytest

from conftest import example_config
from postlint.document import DecodeError, Post
from postlint.engine import Linter
from postlint.fixer import fix_post
from renderers import Site, missing_programs, render_site, rendered_site, shared_sites

SITES = shared_sites()
# Posts whose safe fixes change what the reader sees beyond what they declare, by site: why.
EXCEPTIONS: dict[str, dict[str, str]] = {}
# Text a reader does not see: scripts, styles, titles, and the fallback content of embedded frames.
_SKIPPED = frozenset("script style template title head iframe noembed noframes noscript".split())
_BOLD = frozenset("b strong h1 h2 h3 h4 h5 h6 th".split())
_ITALIC = frozenset("i em cite dfn var address".split())
_STRUCK = frozenset("s strike del".split())
_UNDERLINED = frozenset("u ins".split())
_CODE = frozenset("code pre kbd samp tt".split())
_DECLARATION = re.compile(r"\s*([\w-]+)\s*:\s*([^;]*)")


def _style(element, inherited: tuple) -> tuple:
    """The formatting of ``element``'s text: (bold, italic, struck, underlined, code, link, colour,
    background, hidden)."""
    bold, italic, struck, underlined, code, link, colour, background, hidden = inherited
    tag = element.tag
    bold = bold or tag in _BOLD
    italic = italic or tag in _ITALIC
    struck = struck or tag in _STRUCK
    underlined = underlined or tag in _UNDERLINED
    code = code or tag in _CODE
    link = link or (tag == "a" and element.get("href") is not None)
    if tag == "font" and element.get("color"):
        colour = element.get("color").strip().lower()
    hidden = hidden or element.get("hidden") is not None
    for name, value in _DECLARATION.findall(element.get("style") or ""):
        name, value = name.lower(), "".join(value.lower().split())
        if name == "color":
            colour = value
        elif name in ("background", "background-color"):
            background = value
        elif name == "font-weight":
            bold = value in ("bold", "bolder") or value[:1] in "6789" and value.isdigit()
        elif name == "font-style":
            italic = value in ("italic", "oblique")
        elif name in ("text-decoration", "text-decoration-line"):
            struck = struck or "line-through" in value
            underlined = underlined or "underline" in value
        elif name == "display" and value == "none" or name == "visibility" and value == "hidden":
            hidden = True
    return bold, italic, struck, underlined, code, link, colour, background, hidden


def page_text(markup: str) -> list[tuple[str, tuple]]:
    """The page's words (white space left out), each with its formatting."""
    out: list[tuple[str, tuple]] = []
    plain = (False, False, False, False, False, False, "", "", False)

    def walk(element, style: tuple) -> None:
        tag = element.tag if isinstance(element.tag, str) else None
        if tag is None or tag in _SKIPPED:
            return
        own = _style(element, style)
        out.extend((word, own) for word in (element.text or "").split())
        for child in element:
            walk(child, own)
            out.extend((word, own) for word in (child.tail or "").split())

    walk(html5lib.parse(markup, treebuilder="etree", namespaceHTMLElements=False), plain)
    return out


def undeclared_changes(before: list[tuple[str, tuple]], after: list[tuple[str, tuple]], fixes) -> list[str]:
    """How ``after`` differs from ``before`` beyond what ``fixes`` declare. Words are aligned
    first (a page has thousands of characters), then the characters of the words that differ."""
    removes = Counter("".join("".join(fix.removes.split()) for _, fix in fixes))
    adds = Counter("".join("".join(fix.adds.split()) for _, fix in fixes))
    restyles = Counter("".join("".join(fix.restyles.split()) for _, fix in fixes))
    removed, added, restyled = Counter(), Counter(), Counter()
    problems = []
    for i1, i2, j1, j2 in _changed_stretches(before, after):
        old = [(char, style) for word, style in before[i1:i2] for char in word]
        new = [(char, style) for word, style in after[j1:j2] for char in word]
        context = " ".join(word for word, _ in before[max(0, i1 - 3) : i2 + 3])
        # Characters with their formatting: identical characters are told apart by it (which of
        # "****" lost its colour); a character on both sides with another formatting is restyled.
        gone, came = Counter(), Counter()
        for kind, a1, a2, b1, b2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
            if kind != "equal":
                gone.update(old[a1:a2])
                came.update(new[b1:b2])
        moved = gone & came  # the same character with the same formatting, aligned elsewhere
        gone = Counter(char for char, _ in (gone - moved).elements())
        came = Counter(char for char, _ in (came - moved).elements())
        kept = gone & came
        restyled.update(kept)
        removed.update(gone - kept)
        added.update(came - kept)
        if restyled - restyles:
            problems.append(f"restyled {''.join((restyled - restyles).elements())!r} near {context[:200]!r}")
            restyled = restyled & restyles
        if removed - removes:
            problems.append(f"removed {''.join((removed - removes).elements())!r} near {context[:200]!r}")
            removed = removed & removes
        if added - adds:
            problems.append(f"added {''.join((added - adds).elements())!r} near {context[:200]!r}")
            added = added & adds
    return problems


def _changed_stretches(before, after, gap: int = 12):
    """The stretches of words that differ, near changes merged (a word moved past a few others
    is one change, not a loss and a gain)."""
    stretch = None
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            if stretch is not None and i2 - i1 > gap:
                yield stretch
                stretch = None
            continue
        stretch = (i1, i2, j1, j2) if stretch is None else (stretch[0], i2, stretch[2], j2)
    if stretch is not None:
        yield stretch


def _linter(site: Site) -> Linter:
    # The example profile everywhere, so that the house rules' safe fixes are proved on every site.
    return Linter(example_config(markdown="kramdown" if site.name == "corpus" else None))


@pytest.mark.parametrize("site", SITES, ids=lambda site: site.short)
def test_safe_fixes_change_only_what_they_declare(site: Site, capsys):
    missing = missing_programs(site.engine)
    if missing:
        pytest.skip(f"{site.engine} is needed to render {site.short}: {missing}")
    linter = _linter(site)
    fixed_paths, fixed_texts, outcomes = [], [], []
    for path, page in zip(site.posts, rendered_site(site.name)):
        if page.error is not None:
            continue
        try:
            post = Post.from_bytes(path.read_bytes(), str(path), linter.renderer_for(path))
        except DecodeError:
            continue
        outcome = fix_post(post, linter)
        if outcome.changed:
            fixed_paths.append(path)
            fixed_texts.append(outcome.post.text)
            outcomes.append((page, outcome))
    after_pages = render_site(site, fixed_texts, fixed_paths) if fixed_texts else []
    failures = []
    applied = Counter()
    for path, (before, outcome), after in zip(fixed_paths, outcomes, after_pages):
        applied.update(outcome.applied)
        problems = undeclared_changes(page_text(before.html), page_text(after.html), outcome.fixes)
        if after.error is not None:
            problems.append(f"the generator refuses the fixed post: {after.error}")
        if problems and path.name not in EXCEPTIONS.get(site.name, {}):
            failures.append(f"{path.name}: {problems[:3]}")
    with capsys.disabled():
        fixes = ", ".join(f"{code} {count}" for code, count in sorted(applied.items()))
        print(f"\n{site.short}: {len(fixed_paths)} posts fixed ({fixes}); {len(failures)} change what the reader sees beyond what they declare", end="")
        for line in failures[:8]:
            print(f"\n    {line[:400]}", end="")
    assert not failures, failures[:10]
