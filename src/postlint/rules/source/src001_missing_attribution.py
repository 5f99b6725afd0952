"""SRC001 missing-attribution: a post in a category that needs one names no source."""

from __future__ import annotations

import html as html_lib

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.rule import FixAvailability, Option, rule
from postlint.rules.source._links import attributions, is_absolute_url


@rule(
    code="SRC001",
    name="missing-attribution",
    summary="a post in a category that needs a source attribution has none",
    fix=FixAvailability.SOMETIMES,
    safety=Safety.UNSAFE,
    options={
        "attribution-categories": Option(
            [], 'categories whose posts need an attribution; "*" for every post', house="attribution-categories"
        ),
        "attribution-labels": Option(
            ["출처", "Source", "원문"], "words that start an attribution, before a colon", house="attribution-labels"
        ),
        "source-key": Option("source_url", "front-matter key holding the source URL the fix links to", house="source-key"),
    },
    house=True,
)
def check(post, options):
    required = options["attribution-categories"]
    reason = _requirement(post, required)
    if reason is None:
        return
    labels = options["attribution-labels"]
    if attributions(post, labels):
        return  # present; SRC002 says when it is broken
    start, end, why = reason
    label = next((label.strip() for label in labels if label.strip()), "출처")
    example = f"`<p>{label}: <a href=\"https://…\">기사 제목</a> | 매체</p>`"
    key = options["source-key"]
    fix = _fix(post, key, label)
    if fix is not None:
        action = f"add one such as {example}; the fix links `{key}` from the front matter"
    else:
        action = f"add one near the top, such as {example} (or set `{key}` in the front matter for a fix)"
    yield Problem(start, end, f"{why} but no source attribution (`{label}:` and a link); {action}", fix)


def _requirement(post, required: list[str]) -> tuple[int, int, str] | None:
    """Where and why the post needs an attribution, or None when it does not."""
    wanted = {category.casefold() for category in required}
    everything = "*" in required
    front_matter = post.front_matter
    data = front_matter.data if front_matter is not None and front_matter.is_mapping else None
    if data is not None and wanted:
        for key in ("categories", "category"):
            entry = front_matter.last_entry(key)
            if entry is None:
                continue
            for category, start, end in _categories(entry):
                if category.casefold() in wanted:
                    return start, end, f"this post is in category `{category}`, which needs a source,"
    if not everything:
        return None
    start, end = _first_body_line(post)
    return start, end, "every post needs a source,"


def _categories(entry):
    """(category, start, end) for a ``categories`` value: a list, or a space-separated string."""
    node = entry.value_node
    base = entry.value_start - node.start_mark.index
    items = node.value if isinstance(node.value, list) else [node]
    for item in items:
        value = getattr(item, "value", None)
        if not isinstance(value, str):
            continue
        start, end = base + item.start_mark.index, base + item.end_mark.index
        words = value.split()
        if isinstance(node.value, list) or len(words) <= 1:
            if value.strip():
                yield value.strip(), start, end
        else:  # Jekyll splits a string of categories on spaces
            for word in words:
                yield word, start, end


def _first_body_line(post) -> tuple[int, int]:
    """The span of the first non-blank line of the body (empty at the body's start if none)."""
    lines = post.lines
    text = post.text
    body_start = post.body_start
    if body_start >= len(text):
        return body_start, body_start
    for line in range(lines.line_of(body_start), lines.line_count + 1):
        start, end = lines.line_span(line)
        if start >= body_start and text[start:end].strip():
            return start, end
    return body_start, body_start


def _fix(post, key: str, label: str) -> Fix | None:
    front_matter = post.front_matter
    if front_matter is None or not front_matter.is_mapping:
        return None
    url = front_matter.data.get(key)
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not is_absolute_url(url) or any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
        return None
    newline = _newline(post.text)
    escaped = html_lib.escape(url, quote=True)
    paragraph = f"<p>{html_lib.escape(label, quote=False)}: <a href=\"{escaped}\">{escaped}</a></p>"
    text = post.text
    at, _ = _first_body_line(post)
    if at >= len(text) or not text[at:].strip():  # an empty body
        at = len(text)
        prefix = newline if at > 0 and text[at - 1] not in "\r\n" else ""
        content = prefix + paragraph + newline
    else:
        content = paragraph + newline + newline
    return Fix.unsafe(f"insert an attribution linking `{key}`", Edit.insert(at, content), adds=f"{label}: {url}")


def _newline(text: str) -> str:
    index = text.find("\n")
    carriage = text.find("\r")
    if carriage != -1 and (index == -1 or carriage < index):
        return "\r\n" if text.startswith("\r\n", carriage) else "\r"
    return "\n"
