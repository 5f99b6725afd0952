"""SRC004 undisclosed-affiliate: affiliate links in a post that does not say it earns from them."""

from __future__ import annotations

from postlint.diagnostics import Problem
from postlint.rule import Option, rule
from postlint.rules.source._links import host_matches, lowered_body, segments

_DISCLOSURE_EXAMPLE = "이 포스팅은 제휴마케팅이 포함된 광고로 일정 커미션을 지급 받을 수 있습니다."


@rule(
    code="SRC004",
    name="undisclosed-affiliate",
    summary="a post links to affiliate hosts but has no disclosure sentence",
    options={
        "affiliate-hosts": Option([], "hosts (and their subdomains) of affiliate links", house="affiliate-hosts"),
        "disclosure-patterns": Option(
            [],
            "text that marks a disclosure (case-insensitive, matched in the body's visible text)",
            house="disclosure-patterns",
        ),
    },
    house=True,
)
def check(post, options):
    hosts = options["affiliate-hosts"]
    body_text = lowered_body(post)
    if not any(host.lower() in body_text for host in hosts):
        return  # no affiliate host is named anywhere: no link can point to one
    patterns = [pattern.casefold() for pattern in options["disclosure-patterns"] if pattern.strip()]
    affiliate = []  # (link, host)
    prose = []  # visible text outside affiliate links
    for segment in segments(post):
        position = 0
        for link in segment.links:
            host = host_matches(link.host, hosts) if link.href else None
            if host is None:
                continue
            affiliate.append((link, host))
            if link.vis_start >= position:
                prose.append(segment.text[position : link.vis_start])
                position = link.vis_end
        prose.append(segment.text[position:])
    if not affiliate:
        return
    body = "\n".join(prose).casefold()
    if any(pattern in body for pattern in patterns):
        return
    first = affiliate[0][0]
    names = sorted({name for _, name in affiliate})
    listed = ", ".join(f"`{name}`" for name in names)
    count = len(affiliate)
    if count == 1:
        links = f"a link to the affiliate host {listed}"
    else:
        kind = f"the affiliate host {listed}" if len(names) == 1 else f"affiliate hosts ({listed})"
        links = f"{count} links to {kind}"
    yield Problem(
        first.href_start,
        first.href_end,
        f"the post has {links} but no disclosure; readers must be told "
        f"the post earns from them: add a sentence such as `{_DISCLOSURE_EXAMPLE}`",
    )
