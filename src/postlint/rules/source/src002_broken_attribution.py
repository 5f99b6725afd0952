"""SRC002 broken-attribution: an attribution with no usable link to its source."""

from __future__ import annotations

from postlint.diagnostics import Problem
from postlint.rule import Option, rule
from postlint.rules.source._links import attributions, bare_url, is_absolute_url

_MAX_QUOTE = 40


@rule(
    code="SRC002",
    name="broken-attribution",
    summary="an attribution has no link, an empty or relative href, or empty link text",
    options={
        "attribution-labels": Option(
            ["출처", "Source", "원문"], "words that start an attribution, before a colon", house="attribution-labels"
        )
    },
    house=True,
)
def check(post, options):
    text = post.text
    for attribution in attributions(post, options["attribution-labels"]):
        label_start, label_end = attribution.source_span
        written = text[label_start:label_end]
        if not attribution.links:
            yield Problem(label_start, label_end, _no_link_message(attribution, written))
            continue
        for link in attribution.links:
            if link.templated:
                continue  # a Liquid value: known only when the site is built
            yield from _check_link(text, link, written)


def _no_link_message(attribution, written: str) -> str:
    rest = attribution.rest
    quoted = rest if len(rest) <= _MAX_QUOTE else rest[: _MAX_QUOTE - 1] + "…"
    shown = f"`{written} {quoted}`" if quoted else f"`{written}`"
    if "](" in rest and not attribution.segment.markdown:
        return (
            f"attribution {shown} uses Markdown link syntax inside HTML, where it is not rendered; "
            "write `<a href=\"https://…\">기사 제목</a>`"
        )
    url = bare_url(rest)
    if url is not None:
        if attribution.segment.markdown:
            fix = f"make it a link: `[기사 제목]({url})` or `<{url}>`"
        else:
            fix = f"make it a link: `<a href=\"{url}\">기사 제목</a>`"
        return f"attribution {shown} shows its URL as plain text, not as a link; {fix}"
    return f"attribution {shown} has no link to the source; link the original article: `<a href=\"https://…\">기사 제목</a>`"


def _check_link(text: str, link, written: str):
    href = link.href
    if href is None:
        yield Problem(
            link.href_start,
            link.href_end,
            f"the `{written}` link has no href, so it leads nowhere; add `href=\"https://…\"` with the source's URL",
        )
    elif not href:
        start, end = link.href_start, link.href_end
        if start == end and link.kind == "a":  # href="": point at the attribute
            start = text.rfind("href", link.start, start)
            end = link.href_end + (1 if link.href_end < len(text) and text[link.href_end] in "\"'" else 0)
            if start == -1:
                start, end = link.start, link.href_end
        yield Problem(start, end, f"the `{written}` link has an empty href, so it leads nowhere; put the source's full URL in it")
    elif not is_absolute_url(href):
        shown = href if len(href) <= _MAX_QUOTE else href[: _MAX_QUOTE - 1] + "…"
        yield Problem(
            link.href_start,
            link.href_end,
            f"the `{written}` link `{shown}` is not an absolute http(s) URL, so it breaks in feeds, copies and "
            "on other pages; use the full URL, `https://` included",
        )
    if link.kind in ("a", "markdown") and not link.text and not link.has_image:
        yield Problem(
            link.start,
            link.end,
            f"the `{written}` link has no text, so readers cannot see or click it; "
            "put the article's title (or the site's name) between the tags",
        )
