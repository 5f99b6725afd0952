"""SRC003 invalid-rel: ``rel`` tokens meant as link types that are none: ``dofollow``, a
misspelt ``noreferer``.

Other tokens are left alone: scripts read their own (``lightbox``, ``footnote``, WordPress's
``attachment wp-att-376``), and HTML allows such extension tokens.
"""

from __future__ import annotations

import difflib

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.rule import FixAvailability, Option, rule

# HTML's link types for <a>/<area>/<link>, plus the ones search engines define (sponsored, ugc).
LINK_TYPES = frozenset(
    "alternate author bookmark canonical dns-prefetch external help icon license manifest me "
    "modulepreload next nofollow noopener noreferrer opener pingback preconnect prefetch preload "
    "prev privacy-policy search stylesheet tag terms-of-service sponsored ugc "
    # "shortcut icon" is conforming HTML; the rest are registered on the microformats wiki and in use.
    "shortcut apple-touch-icon mask-icon shortlink amphtml webmention syndication in-reply-to edit "
    "home index up first last start archives feed enclosure expect".split()
)
# Search-engine folklore written as if it were a link type: no browser or crawler reads it.
DIRECTIVES = frozenset("dofollow follow do-follow noindex no-index".split())
# The link types a misspelling is taken for: the ones that change how a link is followed.
_MISSPELT = ("nofollow", "noopener", "noreferrer", "sponsored", "external")


def _misspelling(token: str) -> str | None:
    close = difflib.get_close_matches(token, _MISSPELT, n=1, cutoff=0.8)
    return close[0] if close else None


@rule(
    code="SRC003",
    name="invalid-rel",
    summary="`rel` holds a token meant as a link type that is none (`dofollow`, a misspelt `noreferer`)",
    fix=FixAvailability.ALWAYS,
    safety=Safety.SAFE,
    options={"extra-link-types": Option([], "rel tokens to accept besides HTML's link types")},
)
def check(post, options):
    allowed = LINK_TYPES | {token.lower() for token in options["extra-link-types"]}
    text = post.text
    for tag in post.html.tags():
        if tag.is_end or not tag.attributes:
            continue
        rel = tag.attribute("rel")
        if rel is None or rel.value is None:
            continue
        if rel.quote and not text.startswith(rel.quote, rel.value_end) or "{{" in rel.value or "{%" in rel.value:
            continue  # the value is cut short (end of file) or made by Liquid: its tokens are unknown
        tokens = rel.value.split()
        directives = [token for token in tokens if token.lower() in DIRECTIVES and token.lower() not in allowed]
        misspelt = {
            token: meant
            for token in tokens
            if token.lower() not in allowed and token.lower() not in DIRECTIVES and (meant := _misspelling(token.lower()))
        }
        position = 0
        for token, meant in misspelt.items():
            start = rel.value_start + rel.value.index(token, position)
            position = start - rel.value_start + len(token)
            yield Problem(
                start,
                start + len(token),
                f"rel `{token}` is not a link type, so it does nothing: did you mean `{meant}`?",
                Fix.unsafe(f"write `{meant}`", Edit(start, start + len(token), meant)),
            )
        if not directives:
            continue
        kept = [token for token in tokens if token not in directives]
        if kept:
            fix = Fix.safe("remove the invalid rel tokens", Edit(rel.value_start, rel.value_end, " ".join(kept)))
        else:
            attribute_end = rel.value_end + (1 if rel.quote else 0)
            start = rel.name_start
            while start > tag.name_end and text[start - 1] in " \t\r\n":
                start -= 1
            fix = Fix.safe("remove the rel attribute", Edit.delete(start, attribute_end))
        listed = ", ".join(f"`{token}`" for token in directives)
        plural = "is not a link type" if len(directives) == 1 else "are not link types"
        yield Problem(
            rel.value_start,
            rel.value_end,
            f"rel {listed} {plural}: browsers and search engines ignore it; remove it "
            "(links are followed unless marked `nofollow`)",
            fix,
        )
