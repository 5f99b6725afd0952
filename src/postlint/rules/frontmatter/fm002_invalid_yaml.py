"""FM002 invalid-yaml: front matter that does not load as a YAML mapping.

The common real case is a title that spills over several unindented lines (a generator's
numbered title suggestions, or its chatter); the fix keeps the first line as the title. A
one-line value that YAML misreads (`title: [속보] …`) is fixed by quoting it.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.rule import FixAvailability, rule

from ._common import KEY_LINE, LIST_NUMBER, load, minimal_edit, quote, reparse, shorten

# What a value's first character makes YAML read, for a message saying why it needs quotes.
_INDICATORS = {
    "[": "`[` starts a list",
    "{": "`{` starts a mapping",
    "*": "`*` starts an alias",
    "&": "`&` starts an anchor",
    "!": "`!` starts a tag",
    "@": "`@` cannot start a plain value",
    "`": "a backtick cannot start a plain value",
    "%": "`%` cannot start a plain value",
    "'": "a quoted value must end at its closing quote",
    '"': "a quoted value must end at its closing quote",
    "|": "`|` starts a block of text",
    ">": "`>` starts a block of text",
}


@dataclass(frozen=True, slots=True)
class _KeyLine:
    line: int  # 1-based line number in the post
    key: str
    colon_end: int  # offset just past the key's colon
    value_start: int  # first non-blank character after the colon (== line end when none)
    line_end: int  # end of the line, line break excluded


@rule(
    code="FM002",
    name="invalid-yaml",
    summary="the front matter is not valid YAML, or not a mapping of keys",
    fix=FixAvailability.SOMETIMES,
    safety=Safety.UNSAFE,
)
def check(post, options):
    front_matter = post.front_matter
    if front_matter is None or not front_matter.terminated or not post.renderer.yaml_front_matter:
        return
    text = post.text
    if front_matter.error is None:
        if front_matter.data is not None and not front_matter.is_mapping:
            kind = "a list" if isinstance(front_matter.data, list) else "a single value"
            start, end = post.lines.line_span(post.lines.line_of(front_matter.content_start))
            yield Problem(
                start,
                end,
                f"the front matter is {kind}, not `key: value` lines, so the site reads no title or "
                "categories from it; write one `key: value` per line (`title: …`)",
            )
        elif front_matter.is_mapping:
            yield from _numbered_keys(post, front_matter)
        return
    error = front_matter.error
    start = min(error.offset, front_matter.content_end)
    end = post.lines.line_span(post.lines.line_of(start))[1]
    while end > start and text[end - 1] in " \t":
        end -= 1
    if start == front_matter.content_end:  # the error shows only at the closing fence
        end = start
    where = f"front matter is not valid YAML ({error.message})"
    found = _spill_fix(post, front_matter, error.offset)
    if found is not None:
        message, fix = found
        yield Problem(start, end, f"{where}: {message}", fix)
        return
    found = _quote_fix(post, front_matter, error.offset)
    if found is None and "quoted scalar" in error.message:
        found = _close_quote_fix(post, front_matter, error.offset)
    if found is not None:
        message, fix = found
        yield Problem(start, end, f"{where}: {message}", fix)
        return
    if text[start : start + 1] == "\t":
        yield Problem(start, start + 1, f"{where}: YAML does not allow tabs for indentation; indent with spaces")
        return
    yield Problem(
        start,
        end,
        f"{where}; correct the YAML here (quote a value that contains `: ` or starts with `[`, `{{`, `*`, "
        "`&`, `!`, `@`, `'` or `\"`; indent lines that continue a value)",
    )


def _numbered_keys(post, front_matter):
    """Valid YAML that still holds a spill-over: `2. 속보: …` under the title is read as a key."""
    for position, entry in enumerate(front_matter.entries):
        if position == 0 or entry.entry_start != entry.key_start or not LIST_NUMBER.match(entry.key):
            continue
        line = post.lines.line_of(entry.key_start)
        found = _spill_fix(post, front_matter, entry.key_start)
        message, fix = found if found is not None else ("delete it, or indent it if it continues the value above", None)
        yield Problem(
            entry.key_start,
            entry.key_end,
            f"YAML reads `{shorten(entry.key, 30)}` on line {line} as a key, because of the `: ` after it, but it looks "
            f"like a numbered suggestion spilt from the value above: {message}",
            fix,
        )
        return  # one report per front matter: the fix removes the whole spill-over


def _content_lines(post, front_matter) -> range:
    lines = post.lines
    first = lines.line_of(front_matter.content_start)
    last = lines.line_of(front_matter.content_end) - 1  # content_end starts the closing fence's line
    return range(first, last + 1)


def _key_line(post, line: int) -> _KeyLine | None:
    start, end = post.lines.line_span(line)
    match = KEY_LINE.match(post.text, start, end)
    if match is None:
        return None
    value_start = match.end()
    while value_start < end and post.text[value_start] in " \t":
        value_start += 1
    return _KeyLine(line, match.group("key"), match.end(), value_start, end)


def _spill_fix(post, front_matter, offset: int) -> tuple[str, Fix | None] | None:
    """A value continued on unindented lines around the error: keep its first line, drop the rest."""
    lines = post.lines
    text = post.text
    content = _content_lines(post, front_matter)
    error_line = lines.line_of(offset)
    key = None
    spill: list[int] = []
    for line in content:
        found = _key_line(post, line)
        if found is not None:
            if key is not None and spill and key.line <= error_line <= spill[-1] + 1:
                break
            key, spill = found, []
            continue
        if key is None:
            continue
        line_text = lines.line_text(line)
        if line_text.strip() == "":
            continue
        if line_text[0] in " \t#" or line_text.startswith("- "):
            key, spill = None, []  # an indented continuation, a comment or a list: not spill-over
            continue
        spill.append(line)
    if key is None or not spill or not key.line <= error_line <= spill[-1] + 1:
        return None
    if text[key.value_start : key.line_end].startswith(("|", ">")):
        return None
    raw = text[key.value_start : key.line_end].rstrip(" \t")
    edits = []
    if raw:
        first = raw
    else:  # `title:` alone, the value on the next line
        first = lines.line_text(spill[0]).strip()
    number = LIST_NUMBER.match(first)
    if number is not None:
        first = first[number.end() :]
    first = first.rstrip(" \t")
    delete_from = lines.starts[key.line]  # the line after the key's line
    delete_to = lines.starts[spill[-1]] if spill[-1] < lines.line_count else len(text)
    if len(spill) == 1:
        span = f"line {spill[0]}, which is not indented and so is not part of it"
    else:
        span = f"lines {spill[0]}–{spill[-1]}, which are not indented and so are not part of it"
    message = (
        f"the `{key.key}` value spills over {span}; "
        f"keep one {key.key} on the `{key.key}:` line and delete the other lines"
    )
    if not first:
        return message, None
    rendered = first if _loads_as_text(first) else quote(first)
    if raw:
        edits.append(minimal_edit(text, key.value_start, key.value_start + len(raw), rendered))
    else:
        edits.append(Edit(key.colon_end, key.line_end, " " + rendered))
    edits.append(Edit.delete(delete_from, delete_to))
    parsed = reparse(text, front_matter, edits)
    if parsed is None or not isinstance(parsed.data, dict) or not isinstance(parsed.data.get(key.key), str):
        return message, None
    title = f"keep `{shorten(parsed.data[key.key], 40)}` as the {key.key} and delete the spill-over lines"
    return message, Fix.unsafe(title, *edits)


def _quote_fix(post, front_matter, offset: int) -> tuple[str, Fix] | None:
    """A one-line value YAML misreads (`title: [속보] …`, `title: 속보: …`): quote it."""
    lines = post.lines
    text = post.text
    key = _key_line(post, lines.line_of(offset))
    if key is None or lines.line_of(offset) not in _content_lines(post, front_matter):
        return None
    raw = text[key.value_start : key.line_end].rstrip(" \t")
    if not raw or raw.startswith(("|", ">")):
        return None
    # `'SBS 스페셜 '출세만세'에 대한 감상기'`: the outer quotes are the writer's quoting, the inner
    # ones text; quoting the whole again would leave the outer ones in the value.
    wrapped = len(raw) > 2 and raw[0] in "'\"" and raw[-1] == raw[0]
    value = raw[1:-1] if wrapped else raw
    edits = [Edit(key.value_start, key.value_start + len(raw), quote(value, force=True))]
    parsed = reparse(text, front_matter, edits)
    if parsed is None or not isinstance(parsed.data, dict) or parsed.data.get(key.key) != value:
        return None
    reason = f"the `{raw[0]}` inside it ends the quoted value early" if wrapped else _INDICATORS.get(raw[0])
    if reason is None and ": " in raw:
        reason = "`: ` inside it starts a nested key"
    why = f" ({reason})" if reason else ""
    message = f"YAML cannot read the `{key.key}` value as written{why}; put it in quotes"
    return message, Fix.unsafe(f"quote the {key.key} value", *edits)


def _loads_as_text(value: str) -> bool:
    """Whether ``key: value`` loads as text (a value already quoted stays as written)."""
    try:
        data = load("k: " + value)
    except yaml.YAMLError:
        return False
    return isinstance(data, dict) and isinstance(data.get("k"), str) and data["k"].strip() != ""


def _close_quote_fix(post, front_matter, offset: int) -> tuple[str, Fix] | None:
    """A value that opens a quote and never closes it (`title: "…` to the end of the line): close it."""
    text = post.text
    tries = 3  # each try re-parses the front matter: a hostile file must not make this quadratic
    for line in _content_lines(post, front_matter):
        if line > post.lines.line_of(offset) or tries == 0:
            break
        key = _key_line(post, line)
        if key is None:
            continue
        raw = text[key.value_start : key.line_end].rstrip(" \t")
        if len(raw) < 2 or raw[0] not in "'\"" or _loads_as_text(raw):
            continue
        mark = raw[0]
        tries -= 1
        edit = Edit.insert(key.value_start + len(raw), mark)
        parsed = reparse(text, front_matter, [edit])
        if parsed is None or not isinstance(parsed.data, dict) or not isinstance(parsed.data.get(key.key), str):
            continue
        message = (
            f"the `{key.key}` value on line {line} opens a quote `{mark}` that is never closed, so YAML reads "
            f"on to the end of the front matter; close the quote at the end of line {line}"
        )
        return message, Fix.unsafe(f"close the quote of the {key.key} value", edit)
    return None
