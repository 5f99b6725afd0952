"""Output formats: text, concise, json, github, sarif, junit. They know diagnostics, not rules."""

from __future__ import annotations

import functools
import json
import re
import unicodedata
import xml.etree.ElementTree as ElementTree
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import click

from postlint import __version__
from postlint.config import ENGINE_CODES
from postlint.diagnostics import Diagnostic, Safety
from postlint.engine import INTERNAL_ERROR, FileResult
from postlint.rule import Rule, all_rules
from postlint.ruledocs import doc_uri

FORMATS = ("text", "concise", "json", "github", "sarif", "junit")
# C0/C1 controls and the escape character: a post must not be able to drive the reader's terminal.
# Also what no output may carry: lone surrogates (a file name that is not UTF-8, kept by Python as
# \udc80-\udcff) cannot be encoded, and U+FFFE/U+FFFF are not allowed in XML.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTEXT = 40  # characters shown on each side of a long line's span


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return "?"


def sanitize(text: str) -> str:
    return _CONTROL.sub(_escape, text)


def _one_line(text: str) -> str:
    """``sanitize`` that also keeps ``text`` on one line (a file name or message with a line break
    must not start what looks like another diagnostic)."""
    return sanitize(text).replace("\n", "\\x0a").replace("\t", " ")


def _encodable(text: str) -> str:
    """``text`` with the undecodable bytes of a file name escaped, for the data formats (JSON escapes
    control characters itself)."""
    return _SURROGATE.sub(_escape, text)


@dataclass(frozen=True, slots=True)
class Located:
    """A diagnostic with 1-based line/column positions (end exclusive) in its file."""

    path: str
    diagnostic: Diagnostic
    line: int
    column: int
    end_line: int
    end_column: int


def locate(result: FileResult) -> list[Located]:
    located = []
    source = result.source
    for diagnostic in result.diagnostics:
        if source is None:
            located.append(Located(result.path, diagnostic, 1, 1, 1, 1))
            continue
        line, column = source.location(diagnostic.start)
        end_line, end_column = source.location(diagnostic.end)
        located.append(Located(result.path, diagnostic, line, column, end_line, end_column))
    return located


def _fix_hint(diagnostic: Diagnostic) -> str | None:
    fix = diagnostic.fix
    if fix is None:
        return None
    if fix.safety is Safety.SAFE:
        return f"fix: {fix.title} (safe: `postlint fix`)"
    return f"fix: {fix.title} (unsafe: `postlint fix --unsafe-fixes`)"


@functools.cache  # a post's characters repeat (a few hundred distinct in a Korean post)
def _char_width(char: str) -> int:
    """Terminal cells: 2 for wide (Hangul, CJK), 0 for combining marks, format characters and the
    conjoining vowels and final consonants of decomposed Hangul, 1 otherwise."""
    if unicodedata.category(char) in ("Mn", "Me", "Cf") or "\u1160" <= char <= "\u11ff" or "\ud7b0" <= char <= "\ud7ff":
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _display_width(text: str) -> int:
    if text.isascii():  # sanitized: no control characters left, one cell each
        return len(text)
    return sum(map(_char_width, text))


def _code_frame(result: FileResult, item: Located, color: bool) -> list[str]:
    if result.source is None:
        return []
    source = result.source.line_text(item.line)
    start = item.column - 1
    end = item.end_column - 1 if item.end_line == item.line else len(source)
    end = max(end, start + 1)
    window_start = max(0, start - _CONTEXT)
    window_end = min(len(source), max(end, start + 1) + _CONTEXT)
    prefix = "…" if window_start > 0 else ""
    suffix = "…" if window_end < len(source) else ""
    shown = sanitize(source[window_start:window_end].replace("\t", " "))
    before = sanitize(source[window_start:start].replace("\t", " "))
    marked = sanitize(source[start:min(end, len(source))].replace("\t", " ")) or " "
    gutter = str(item.line)
    pad = " " * len(gutter)
    carets = "^" * max(1, _display_width(marked))
    caret_line = " " * (_display_width(prefix) + _display_width(before)) + carets
    if color:
        caret_line = click.style(caret_line, fg="red", bold=True)
    return [
        f"{pad} |",
        f"{gutter} | {prefix}{shown}{suffix}",
        f"{pad} | {caret_line}",
    ]


def _header(item: Located, color: bool) -> str:
    location = f"{_one_line(item.path)}:{item.line}:{item.column}:"
    code = item.diagnostic.code
    if color:
        location = click.style(location, bold=True)
        code = click.style(code, fg="red", bold=True)
    return f"{location} {code} {_one_line(item.diagnostic.message)}"


def text_of(result: FileResult, color: bool = False, concise: bool = False) -> str:
    """One file's part of the text format ("" for a clean file); files' parts are joined by a
    blank line (concise: directly)."""
    blocks: list[str] = []
    for item in locate(result):
        lines = [_header(item, color)]
        if not concise:
            lines.extend(_code_frame(result, item, color))
            hint = _fix_hint(item.diagnostic)
            if hint:
                lines.append(f"{' ' * len(str(item.line))} = {hint}")
        blocks.append("\n".join(lines) + "\n")
    return ("" if concise else "\n").join(blocks)


def github_of(result: FileResult) -> str:
    """One file's workflow commands, one a line."""
    out = []
    for item in locate(result):
        diagnostic = item.diagnostic
        level = {"error": "error", "warning": "warning", "info": "notice"}[diagnostic.severity.value]
        properties = ",".join(
            [
                f"file={_github_escape(result.path, True)}",
                f"line={item.line}",
                f"col={item.column}",
                f"endLine={item.end_line}",
                f"endColumn={item.end_column}",
                f"title={_github_escape('postlint ' + diagnostic.code, True)}",
            ]
        )
        out.append(f"::{level} {properties}::{_github_escape(diagnostic.code + ' ' + diagnostic.message)}\n")
    return "".join(out)


@dataclass(frozen=True)
class LineFormat:
    """A format written file by file as results arrive, so a run need not hold them all:
    ``render`` gives one file's part ("" when it has nothing), ``separator`` goes between parts;
    a ``summarised`` format ends with the run's summary."""

    render: Callable[[FileResult], str]
    separator: str = ""
    summarised: bool = True

    def join(self, results: Iterable[FileResult]) -> str:
        return self.separator.join(part for part in map(self.render, results) if part)


def line_format(name: str, color: bool = False) -> LineFormat | None:
    """The format ``name`` when it can be written file by file (JSON, SARIF and JUnit are whole
    documents), else None."""
    if name == "text":
        return LineFormat(functools.partial(text_of, color=color), "\n")
    if name == "concise":
        return LineFormat(functools.partial(text_of, color=color, concise=True))
    if name == "github":
        return LineFormat(github_of, summarised=False)
    return None


def format_text(results: Iterable[FileResult], color: bool = False, concise: bool = False) -> str:
    return line_format("concise" if concise else "text", color).join(results)


@dataclass
class Tally:
    """What a run's summary, statistics and exit code need, counted as its results go by."""

    files: int = 0
    files_with_problems: int = 0
    problems: int = 0
    safe_fixes: int = 0
    unsafe_fixes: int = 0
    internal_error: bool = False
    by_code: Counter[str] = field(default_factory=Counter)
    fixable_codes: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, results: Iterable[FileResult]) -> Tally:
        tally = cls()
        for result in results:
            tally.add(result)
        return tally

    def add(self, result: FileResult) -> None:
        self.files += 1
        if not result.diagnostics:
            return
        self.files_with_problems += 1
        self.problems += len(result.diagnostics)
        for diagnostic in result.diagnostics:
            self.by_code[diagnostic.code] += 1
            if diagnostic.code == INTERNAL_ERROR:
                self.internal_error = True
            if diagnostic.fix is not None:
                self.fixable_codes.add(diagnostic.code)
                if diagnostic.fix.safety is Safety.SAFE:
                    self.safe_fixes += 1
                else:
                    self.unsafe_fixes += 1


def summary(tally: Tally, unsafe_fixes: bool = False) -> str:
    if not tally.problems:
        return f"All checks passed ({_files(tally.files)} checked)."
    safe, unsafe = tally.safe_fixes, tally.unsafe_fixes
    line = f"Found {_plural(tally.problems, 'problem')} in {_files(tally.files_with_problems)} ({_files(tally.files)} checked)."
    if safe or (unsafe and unsafe_fixes):
        fixable = safe + (unsafe if unsafe_fixes else 0)
        line += f"\n[*] {fixable} fixable with `postlint fix{' --unsafe-fixes' if unsafe_fixes else ''}`."
    if unsafe and not unsafe_fixes:
        line += f"\n{unsafe} more fixable with `postlint fix --unsafe-fixes`."
    return line


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _files(count: int) -> str:
    return _plural(count, "file")


def statistics(tally: Tally, as_json: bool = False) -> str:
    """Problems counted by rule, most frequent first, as a table or (``as_json``) a JSON list."""
    rules = all_rules()
    ordered = sorted(tally.by_code.items(), key=lambda item: (-item[1], item[0]))
    fixable = tally.fixable_codes
    if as_json:
        items = [
            {"code": code, "name": rules[code].name if code in rules else "postlint", "count": count, "fixable": code in fixable}
            for code, count in ordered
        ]
        return _indented_json(items)
    rows = []
    for code, count in ordered:
        name = rules[code].name if code in rules else "postlint"
        rows.append(f"{count:>6}  {code:<7} {'[*]' if code in fixable else '   '} {name}")
    return "\n".join(rows)


def _json_location(line: int, column: int) -> dict:
    return {"row": line, "column": column}


def _json_fix(result: FileResult, diagnostic: Diagnostic) -> dict | None:
    fix = diagnostic.fix
    lines = result.source
    if fix is None or lines is None:
        return None
    return {
        "applicability": fix.safety.value,
        "message": fix.title,
        "edits": [
            {
                "content": edit.content,
                "location": _json_location(*lines.location(edit.start)),
                "end_location": _json_location(*lines.location(edit.end)),
            }
            for edit in fix.edits
        ],
    }


def format_json(results: list[FileResult]) -> str:
    items = []
    for result in results:
        for item in locate(result):
            diagnostic = item.diagnostic
            items.append(
                {
                    "code": diagnostic.code,
                    "message": diagnostic.message,
                    "severity": diagnostic.severity.value,
                    "filename": _encodable(result.path),
                    "location": _json_location(item.line, item.column),
                    "end_location": _json_location(item.end_line, item.end_column),
                    "fix": _json_fix(result, diagnostic),
                    "url": doc_uri(diagnostic.code),
                }
            )
    return _indented_json(items, ensure_ascii=False) + "\n"


def _indented_json(value, ensure_ascii: bool = True) -> str:
    """``json.dumps(value, indent=2)``, character for character, at twice its speed: the standard
    library has no C encoder for indented output, and its Python one costs more than the rest of
    a warm run. Takes what the formats build: dicts with string keys, lists, strings, integers,
    booleans, floats and None."""
    encode = json.encoder.encode_basestring_ascii if ensure_ascii else json.encoder.encode_basestring
    pieces: list[str] = []
    append = pieces.append

    def emit(value, indent: str) -> None:
        kind = type(value)
        if kind is str:
            append(encode(value))
        elif kind is dict:
            if not value:
                append("{}")
                return
            inner = indent + "  "
            opening = "{\n"
            for key, item in value.items():
                append(opening + inner + encode(key) + ": ")
                opening = ",\n"
                emit(item, inner)
            append("\n" + indent + "}")
        elif kind is list or kind is tuple:
            if not value:
                append("[]")
                return
            inner = indent + "  "
            opening = "[\n"
            for item in value:
                append(opening + inner)
                opening = ",\n"
                emit(item, inner)
            append("\n" + indent + "]")
        elif value is None:
            append("null")
        elif value is True:
            append("true")
        elif value is False:
            append("false")
        elif kind is int:
            append(int.__repr__(value))
        else:
            append(json.dumps(value))  # a float, as the encoder writes it

    emit(value, "")
    return "".join(pieces)


def _github_escape(value: str, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return sanitize(value)


def format_github(results: Iterable[FileResult]) -> str:
    return line_format("github").join(results)


def _sarif_level(diagnostic: Diagnostic) -> str:
    return {"error": "error", "warning": "warning", "info": "note"}[diagnostic.severity.value]


def format_sarif(results: list[FileResult]) -> str:
    rules = all_rules()
    used = sorted({diagnostic.code for result in results for diagnostic in result.diagnostics})
    index = {code: position for position, code in enumerate(used)}
    descriptors = []
    for code in used:
        rule: Rule | None = rules.get(code)
        descriptor = {
            "id": code,
            "name": rule.name if rule else "postlint",
            "shortDescription": {"text": rule.summary if rule else ENGINE_CODES.get(code, code)},
            "defaultConfiguration": {"level": _sarif_level(Diagnostic(code, "", 0, 0, rule.severity)) if rule else "error"},
        }
        uri = doc_uri(code)
        if uri is not None:  # the engine's own codes (PL…) have no document; null is not a URI
            descriptor["helpUri"] = uri
        descriptors.append(descriptor)
    sarif_results = []
    for result in results:
        for item in locate(result):
            diagnostic = item.diagnostic
            entry = {
                "ruleId": diagnostic.code,
                "ruleIndex": index[diagnostic.code],
                "level": _sarif_level(diagnostic),
                "message": {"text": diagnostic.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(result.path)},
                            "region": {
                                "startLine": item.line,
                                "startColumn": item.column,
                                "endLine": item.end_line,
                                "endColumn": item.end_column,
                            },
                        }
                    }
                ],
            }
            fix = _sarif_fix(result, diagnostic)
            if fix is not None:
                entry["fixes"] = [fix]
            sarif_results.append(entry)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "postlint",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/postlint/",
                        "rules": descriptors,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }
    return _indented_json(document, ensure_ascii=False) + "\n"


def _uri(path: str) -> str:
    from urllib.parse import quote

    # Undecodable bytes of a file name (surrogateescape) become their own %XX escapes.
    return quote(path.replace("\\", "/").encode("utf-8", "surrogateescape"))


def _sarif_fix(result: FileResult, diagnostic: Diagnostic) -> dict | None:
    fix = diagnostic.fix
    lines = result.source
    if fix is None or lines is None:
        return None
    replacements = []
    for edit in fix.edits:
        line, column = lines.location(edit.start)
        end_line, end_column = lines.location(edit.end)
        replacement = {
            "deletedRegion": {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}
        }
        if edit.content:
            replacement["insertedContent"] = {"text": edit.content}
        replacements.append(replacement)
    return {
        "description": {"text": f"{fix.title} ({fix.safety.value})"},
        "artifactChanges": [{"artifactLocation": {"uri": _uri(result.path)}, "replacements": replacements}],
    }


def format_junit(results: list[FileResult]) -> str:
    suites = ElementTree.Element("testsuites", name="postlint")
    total = failures = 0
    for result in results:
        located = locate(result)
        suite = ElementTree.SubElement(
            suites, "testsuite", name=sanitize(result.path), tests=str(max(1, len(located))), failures=str(len(located))
        )
        total += max(1, len(located))
        failures += len(located)
        if not located:
            ElementTree.SubElement(suite, "testcase", name="postlint", classname=sanitize(result.path))
        for item in located:
            diagnostic = item.diagnostic
            case = ElementTree.SubElement(
                suite,
                "testcase",
                name=f"{diagnostic.code} {item.line}:{item.column}",
                classname=sanitize(result.path),
                line=str(item.line),
            )
            failure = ElementTree.SubElement(case, "failure", message=sanitize(diagnostic.message), type=diagnostic.code)
            failure.text = sanitize(f"{result.path}:{item.line}:{item.column}: {diagnostic.code} {diagnostic.message}")
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode") + "\n"


# Formats that are one document, written once every result is in (the others: ``line_format``).
DOCUMENT_FORMATTERS: dict[str, Callable[[list[FileResult]], str]] = {
    "json": format_json,
    "sarif": format_sarif,
    "junit": format_junit,
}
