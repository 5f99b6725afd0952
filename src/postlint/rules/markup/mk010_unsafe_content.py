"""MK010 unsafe-content: scripts, embeds from unknown hosts, event-handler attributes and
``javascript:`` URLs — markup that runs code or loads a third party's page in readers' browsers."""

from __future__ import annotations

import html as html_lib
from urllib.parse import urlsplit

from postlint.diagnostics import Problem
from postlint.rule import Option, rule
from postlint.rules.markup._structure import markdown_text_spans, structure

_EMBED_SOURCE = {"iframe": "src", "embed": "src", "object": "data", "frame": "src"}
_URL_ATTRIBUTES = frozenset("href src action formaction data poster background cite xlink:href".split())
_SCRIPT_SCHEMES = ("javascript:", "vbscript:")
_CONTROL = "".join(chr(code) for code in range(0x21))  # browsers drop these inside and around a URL's scheme
_SQUEEZE = dict.fromkeys(map(ord, _CONTROL))


@rule(
    code="MK010",
    name="unsafe-content",
    summary="`<script>`, embeds from hosts not allowed, `on*=` event attributes, `javascript:` URLs",
    options={
        "embed-hosts": Option(
            [],
            "hosts <iframe>/<object>/<embed> may load from (a host matches itself and its subdomains)",
            house="embed-hosts",
        )
    },
    house=True,
)
def check(post, options):
    allowed = [host.lower().strip(".") for host in options["embed-hosts"]]
    problems = []
    for tag in post.html.tags():
        if tag.is_end or not tag.attributes and tag.name != "script":
            continue  # half the tags: without attributes, only a script is a problem
        found = _tag_problems(tag, allowed)
        if found and not structure(post).skip(tag):  # the structure only for a post with something to report
            problems.extend(found)
    if "](" in post.text:
        problems.extend(_markdown_links(post))
    problems.sort(key=lambda problem: (problem.start, problem.end))
    yield from problems


def _tag_problems(tag, allowed: list[str]) -> list[Problem]:
    problems = []
    name = tag.name
    if name == "script":
        source = tag.attribute("src")
        where = f" from `{source.value}`" if source is not None and source.value else ""
        problems.append(
            Problem(
                tag.start,
                tag.name_end,
                f"`<script>`{where} runs code in every reader's browser; posts must not carry scripts. Remove it",
            )
        )
    elif name in _EMBED_SOURCE:
        problem = _embed(tag, name, allowed)
        if problem is not None:
            problems.append(problem)
    for attribute in tag.attributes:
        if attribute.name.startswith("on") and len(attribute.name) > 2 and attribute.name[2:].isalpha():
            problems.append(
                Problem(
                    attribute.name_start,
                    attribute.name_end,
                    f"event attribute `{attribute.name}` on `<{name}>` runs script in readers' browsers; remove it",
                )
            )
        elif attribute.name in _URL_ATTRIBUTES and attribute.value and _is_script_url(attribute.value):
            problems.append(
                Problem(
                    attribute.value_start,
                    attribute.value_end,
                    f"`{attribute.name}` of `<{name}>` is a script URL (`{attribute.value[:40]}`), which runs "
                    "code when followed; link to a page instead",
                )
            )
    return problems


def _is_script_url(value: str) -> bool:
    decoded = html_lib.unescape(value) if "&" in value else value
    head = decoded[:64].lstrip(_CONTROL)
    # Only "J", "j", "V" and "v" lowercase to a string starting with "j" or "v": this settles
    # nearly every URL before the character-by-character squeeze.
    if head[:1].lower() not in ("j", "v"):
        return False
    return head.translate(_SQUEEZE).lower().startswith(_SCRIPT_SCHEMES)


def _host_allowed(host: str, allowed: list[str]) -> bool:
    return any(host == entry or host.endswith("." + entry) for entry in allowed)


def _embed(tag, name: str, allowed: list[str]) -> Problem | None:
    if name == "iframe" and tag.attribute("srcdoc") is not None:
        attribute = tag.attribute("srcdoc")
        return Problem(
            attribute.name_start,
            attribute.name_end,
            "`<iframe srcdoc>` embeds a page written inline, which can run scripts; embed from an allowed host instead",
        )
    attribute = tag.attribute(_EMBED_SOURCE[name])
    if attribute is None or not attribute.value or not attribute.value.strip():
        return None
    value = html_lib.unescape(attribute.value.strip())
    if _is_script_url(value):
        return None  # reported as a script URL
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        host, parts = "", None
    if parts is not None and not parts.scheme and not host:
        return None  # a path on the site itself
    if parts is not None and parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return Problem(
            attribute.value_start,
            attribute.value_end,
            f"`<{name}>` loads a `{parts.scheme}:` URL; embed only http(s) pages from an allowed host",
        )
    if host and _host_allowed(host, allowed):
        return None
    shown = host or value[:40]
    return Problem(
        attribute.value_start,
        attribute.value_end,
        f"`<{name}>` embeds content from `{shown}`, which is not in the house `embed-hosts`: an embedded page "
        "can run scripts and track readers. Remove it, or add the host to the option if it is trusted",
    )


def _markdown_links(post):
    """``[text](javascript:…)`` in Markdown text: the renderer turns it into a script link."""
    text = post.text
    for floor, limit in markdown_text_spans(post):
        position = text.find("](", floor, limit)
        while position != -1:
            start = position + 2
            while start < limit and text[start] in " \t<":
                start += 1
            end, depth = start, 0
            while end < limit and text[end] not in " \t\r\n>":
                if text[end] == "(":
                    depth += 1
                elif text[end] == ")":
                    if depth == 0:
                        break
                    depth -= 1
                end += 1
            if _is_script_url(text[start:end]):
                yield Problem(
                    start,
                    end,
                    f"link target `{text[start:end][:40]}` is a script URL, which runs code when followed; "
                    "link to a page instead",
                )
            position = text.find("](", position + 2, limit)


