"""The command line: ``postlint check|fix|format|rules|explain``."""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import click

from postlint import __version__
from postlint.cache import Cache
from postlint.config import ENGINE_CODES, Config, ConfigError, load_config
from postlint.discovery import discover
from postlint.engine import FileResult, Linter
from postlint.output import (
    DOCUMENT_FORMATTERS,
    FORMATS,
    Tally,
    line_format,
    sanitize,
    statistics,
    summary,
)
from postlint.renderer import DEFAULT
from postlint.rule import all_rules
from postlint.ruledocs import doc_text
from postlint.runner import (
    FixMode,
    FixResult,
    check_bytes,
    check_files,
    fix_file,
    fix_files,
)

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2


def _codes(values: tuple[str, ...]) -> list[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def selection_options(command):
    @click.option("--select", multiple=True, help="Rule codes or prefixes to enable (replaces the configured set).")
    @click.option("--extend-select", multiple=True, help="Rule codes or prefixes to enable in addition.")
    @click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
    @click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        help="Configuration file (default: the nearest .postlint.toml, postlint.toml or pyproject.toml).",
    )
    @click.option("--stdin-filename", help="The file name of a post read from stdin (`-`).")
    @click.argument("paths", nargs=-1)
    @functools.wraps(command)
    def wrapper(select, extend_select, ignore, config_path, **kwargs):
        try:
            config = load_config(config_path)
            config = _override(config, _codes(select), _codes(extend_select), _codes(ignore))
        except ConfigError as error:
            _fail(str(error))
        return command(config=config, **kwargs)

    return wrapper


jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="the number of cores",
    help="Processes to use when there are many files.",
)


def _override(config: Config, select: list[str], extend_select: list[str], ignore: list[str]) -> Config:
    if not (select or extend_select or ignore):
        return config
    return dataclasses.replace(
        config,
        select=select or config.select,
        extend_select=[*config.extend_select, *extend_select],
        ignore=[*config.ignore, *ignore],
    )


def _fail(message: str) -> None:
    click.echo(f"postlint: error: {sanitize(message)}", err=True)
    sys.exit(EXIT_ERROR)


def _use_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _targets(paths: tuple[str, ...], config: Config, stdin_alone: bool = False) -> tuple[list[Path], bool, list[str]]:
    """The files to process, whether stdin is one of them, and path errors."""
    paths = paths or (".",)
    stdin = "-" in paths
    if stdin and stdin_alone and len(paths) > 1:
        _fail("`-` (stdin) cannot be combined with other paths here: the fixed post goes to stdout")
    found = discover([path for path in paths if path != "-"], config)
    return found.files, stdin, found.errors


def _report_path_errors(errors: list[str]) -> None:
    for error in errors:
        click.echo(f"postlint: error: {sanitize(error)}", err=True)


def _stdin_display(stdin_filename: str | None) -> tuple[str, Path | None]:
    if stdin_filename:
        return stdin_filename, Path(stdin_filename)
    return "-", None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="postlint")
def main() -> None:
    """Lint and fix blog posts: Markdown with raw HTML and YAML front matter."""
    # SIGTERM unwinds like Ctrl-C, so a write in progress removes its temporary file.
    signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt  # click reports it ("Aborted!") and exits 1


@main.command()
@selection_options
@click.option("--output-format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--statistics", "show_statistics", is_flag=True, help="Count the problems by rule.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("-q", "--quiet", is_flag=True, help="Print the problems only, no summary.")
@jobs_option
@click.option("--no-cache", is_flag=True, help="Check every file afresh; neither read nor write .postlint_cache/.")
@click.option(
    "--show-settings",
    is_flag=True,
    help="Print the settings each post is checked with (configuration file, Markdown renderer and where it was found); check nothing.",
)
@click.option("-v", "--verbose", is_flag=True, help="Say on stderr which Markdown renderer the posts are read with, and why.")
def check(config: Config, paths, stdin_filename, output_format, show_statistics, exit_zero, quiet, jobs, no_cache, show_settings, verbose):
    """Report problems in posts (files or directories; `-` for stdin)."""
    linter = Linter(config)
    files, stdin, errors = _targets(paths, config)
    _report_path_errors(errors)
    if show_settings:
        _show_settings(linter, files, stdin_filename if stdin else None)
        sys.exit(EXIT_ERROR if errors else EXIT_CLEAN)
    if verbose:
        _say_renderers(linter, files)
    cache = None if no_cache else Cache(config.root, config.fingerprint())
    checking = check_files(linter, files, jobs, cache)
    results: Iterable[FileResult] = checking
    progress = _progress_shown(len(files), output_format)
    if progress:
        results = _with_progress(results, len(files))
    if stdin:
        display, path = _stdin_display(stdin_filename)
        results = itertools.chain([check_bytes(linter, sys.stdin.buffer.read(), display, path)], results)
    with closing(checking):  # a report stopped early (its pipe closed, Ctrl-C) stops the checking
        tally = _emit(results, output_format, show_statistics, quiet, hold=progress and sys.stdout.isatty())
    if not tally.files and not errors and not quiet:
        click.echo("No posts found (looked for *.md, *.markdown, *.html).", err=True)
    sys.exit(_exit_code(tally, errors, exit_zero))


def _show_settings(linter: Linter, files: list[Path], stdin_filename: str | None) -> None:
    config = linter.config
    source = str(config.source) if config.source is not None else "none (postlint's defaults)"
    rules = sorted(code for code in linter.enabled_codes)
    click.echo(f"configuration: {sanitize(source)}")
    click.echo(f"rules: {len(rules)} enabled: {', '.join(rules)}")
    if config.house:
        for key, value in config.house.items():
            click.echo(f"house: {key} = {sanitize(json.dumps(value, ensure_ascii=False))}")
    else:
        click.echo("house: no profile (house rules are off; see `postlint rules`)")
    idle = [rule.code for rule in all_rules().values() if rule.house and not config.enforces(rule)]
    if config.house and idle:
        click.echo(f"house rules with nothing to enforce in this profile: {', '.join(idle)}")
    targets = [*files, *([Path(stdin_filename)] if stdin_filename else [])]
    for path in targets:
        click.echo(f"{sanitize(str(path))}: markdown: {sanitize(linter.renderer_for(path).describe())}")


def _say_renderers(linter: Linter, files: list[Path]) -> None:
    """One line on stderr for each way the posts are read: the renderer, where it was found, and
    how many posts it applies to (a post with no site configuration is read as CommonMark)."""
    counts: dict[str, int] = {}
    for path in files:
        description = linter.renderer_for(path).describe()
        counts[description] = counts.get(description, 0) + 1
    for description, count in counts.items():
        click.echo(f"postlint: {count} post{'s' * (count != 1)}: markdown: {sanitize(description)}", err=True)
    if any(linter.renderer_for(path) is DEFAULT for path in files):
        click.echo(
            "postlint: no Jekyll or Hugo configuration was found for some posts: they are read as CommonMark "
            "(set `markdown` in postlint.toml to say how your site renders them)",
            err=True,
        )


# Below this many files a run is too short for a progress bar to help.
PROGRESS_THRESHOLD = 200


def _progress_shown(total: int, output_format: str) -> bool:
    """A progress bar on stderr, only for long runs on a terminal, never in CI or piped."""
    return (
        total >= PROGRESS_THRESHOLD
        and sys.stderr.isatty()
        and not os.environ.get("CI")
        and output_format in ("text", "concise")
    )


def _with_progress(results: Iterable[FileResult], total: int) -> Iterator[FileResult]:
    with click.progressbar(length=total, file=sys.stderr, label="Checking", show_pos=True) as bar:
        for result in results:
            bar.update(1)
            yield result


def _emit(
    results: Iterable[FileResult], output_format: str, show_statistics: bool, quiet: bool, unsafe: bool = False, hold: bool = False
) -> Tally:
    """Print the report of ``results`` and return their tally. Line formats are written file by
    file as the results arrive, so a run keeps none of them (``hold``: not while a progress bar
    draws on the same terminal); JSON, SARIF and JUnit are documents written once all are in."""
    tally = Tally()
    color = _use_color()
    lines = None if show_statistics else line_format(output_format, color)
    kept: list[FileResult] = []  # for a whole document
    held: list[str] = []
    started = False
    for result in results:
        tally.add(result)
        if lines is None:
            if not show_statistics:
                kept.append(result)
            continue
        part = lines.render(result)
        if not part:
            continue
        if started:
            part = lines.separator + part
        started = True
        if hold:
            held.append(part)
        else:
            click.echo(part, nl=False, color=color)
    if held:
        click.echo("".join(held), nl=False, color=color)
    if show_statistics:
        table = statistics(tally, as_json=output_format == "json")
        if table:
            click.echo(table)
    elif lines is None:
        click.echo(DOCUMENT_FORMATTERS[output_format](kept), nl=False)
    elif lines.summarised and not quiet and tally.files:
        click.echo(summary(tally, unsafe_fixes=unsafe))
    return tally


def _exit_code(tally: Tally, errors: list[str], exit_zero: bool) -> int:
    if errors or tally.internal_error:
        return EXIT_ERROR
    if exit_zero:
        return EXIT_CLEAN
    return EXIT_PROBLEMS if tally.problems else EXIT_CLEAN


def _fix_command(config, paths, stdin_filename, output_format, quiet, diff, mode: FixMode, verb: str, jobs: int, no_cache: bool) -> None:
    linter = Linter(config)
    cache = None if no_cache else Cache(config.root, config.fingerprint())
    files, stdin, errors = _targets(paths, config, stdin_alone=not diff)
    _report_path_errors(errors)
    fixing = fix_files(linter, files, jobs, mode, cache)
    outcomes: Iterable[FixResult] = fixing
    if stdin:
        display, path = _stdin_display(stdin_filename)
        outcome = fix_file(linter, path, display, FixMode(mode.unsafe, False, mode.codes), sys.stdin.buffer.read())
        if not diff:
            sys.stdout.buffer.write(outcome.fixed if outcome.fixed is not None else outcome.original or b"")
            sys.stdout.flush()
        outcomes = itertools.chain([outcome], outcomes)
    changes = _Changes()

    def results() -> Iterator[FileResult]:
        """Each outcome's result, once its refusal and (with ``diff``) its diff are printed."""
        for outcome in outcomes:
            if outcome.message:
                click.echo(f"postlint: {sanitize(outcome.message)}", err=True)
            changes.add(outcome)
            if diff and outcome.fixed is not None:
                click.echo(sanitize_diff(outcome.diff()), nl=False)
            yield outcome.result

    if diff:
        with closing(fixing):
            tally = Tally.of(results())
        if not quiet:
            count, files_changed = changes.fixes, changes.files
            click.echo(f"Would fix {count} problem{'s' * (count != 1)} in {files_changed} file{'s' * (files_changed != 1)}.", err=True)
        internal = errors or tally.internal_error
        sys.exit(EXIT_ERROR if internal else EXIT_PROBLEMS if changes.files else EXIT_CLEAN)
    with closing(fixing):
        tally = Tally.of(results()) if stdin else _emit(results(), output_format, False, quiet, unsafe=mode.unsafe)
    if not quiet:
        fixed, written = changes.written_fixes, changes.written
        click.echo(f"{verb} {fixed} problem{'s' * (fixed != 1)} in {written} file{'s' * (written != 1)}.", err=True)
    code = _exit_code(tally, errors, False)
    sys.exit(max(code, EXIT_PROBLEMS) if changes.refused else code)


@dataclass
class _Changes:
    """What a fix run changed (or, with ``--diff``, would change), counted as outcomes go by."""

    files: int = 0  # with a fixed text
    fixes: int = 0  # applied in those files
    written: int = 0
    written_fixes: int = 0
    refused: int = 0  # files not written, with a message saying why

    def add(self, outcome: FixResult) -> None:
        if outcome.fixed is not None:
            self.files += 1
            self.fixes += outcome.result.fixed
        if outcome.result.written:
            self.written += 1
            self.written_fixes += outcome.result.fixed
        if outcome.message:
            self.refused += 1


def sanitize_diff(text: str) -> str:
    """The diff with control characters escaped, except the line endings it must keep."""
    return "\n".join(sanitize(line[:-1]) + "\r" if line.endswith("\r") else sanitize(line) for line in text.split("\n"))


@main.command()
@selection_options
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes that guess (unsafe).")
@click.option("--diff", is_flag=True, help="Print the changes as a unified diff; write nothing.")
@click.option("--output-format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Print the remaining problems only, no summary.")
@jobs_option
@click.option("--no-cache", is_flag=True, help="Fix every file afresh; neither read nor write .postlint_cache/.")
def fix(config: Config, paths, stdin_filename, unsafe_fixes, diff, output_format, quiet, jobs, no_cache):
    """Fix what can be fixed, in place, and report what remains."""
    mode = FixMode(unsafe=unsafe_fixes, write=not diff)
    _fix_command(config, paths, stdin_filename, output_format, quiet, diff, mode, "Fixed", jobs, no_cache)


@main.command(name="format")
@selection_options
@click.option("--check", "check_only", is_flag=True, help="Exit 1 if a file would change; write nothing.")
@click.option("--diff", is_flag=True, help="Print the changes as a unified diff; write nothing.")
@jobs_option
def format_command(config: Config, paths, stdin_filename, check_only, diff, jobs):
    """Apply only the safe formatting fixes (canonical styles, spacer paragraphs, empty tags)."""
    codes = frozenset(rule.code for rule in all_rules().values() if rule.formatting)
    linter = Linter(config, only=set(codes))
    files, stdin, errors = _targets(paths, config, stdin_alone=not (check_only or diff))
    _report_path_errors(errors)
    mode = FixMode(unsafe=False, write=not (check_only or diff), codes=codes)
    fixing = fix_files(linter, files, jobs, mode)
    outcomes: Iterable[FixResult] = fixing
    if stdin:
        display, path = _stdin_display(stdin_filename)
        outcome = fix_file(linter, path, display, FixMode(False, False, codes), sys.stdin.buffer.read())
        if not (check_only or diff):
            sys.stdout.buffer.write(outcome.fixed if outcome.fixed is not None else outcome.original or b"")
        outcomes = itertools.chain([outcome], outcomes)
    changes = _Changes()
    files_seen = unreadable = 0
    with closing(fixing):
        for outcome in outcomes:  # reported as they arrive: a run keeps none of them
            files_seen += 1
            changes.add(outcome)
            if outcome.message:
                click.echo(f"postlint: {sanitize(outcome.message)}", err=True)
            if outcome.fixed is not None and diff:
                click.echo(sanitize_diff(outcome.diff()), nl=False)
            elif outcome.fixed is not None and check_only:
                click.echo(f"Would reformat: {sanitize(outcome.result.path)}")
            if outcome.result.error is not None:
                unreadable += 1
                click.echo(f"postlint: {sanitize(outcome.result.path)}: {sanitize(outcome.result.error)}", err=True)
    if not stdin:
        verb = "would be reformatted" if (check_only or diff) else "reformatted"
        count = changes.files if (check_only or diff) else changes.written
        click.echo(f"{count} file{'s' * (count != 1)} {verb}, {files_seen - count} left unchanged.", err=True)
    if errors or unreadable:
        sys.exit(EXIT_ERROR)
    if (check_only or diff) and changes.files or changes.refused:
        sys.exit(EXIT_PROBLEMS)
    sys.exit(EXIT_CLEAN)


@main.command(name="rules")
@click.option("--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(output_format):
    """List every rule: code, name, fix availability and safety."""
    rules = all_rules()
    if output_format == "json":
        import json

        items = [
            {
                "code": rule.code,
                "name": rule.name,
                "summary": rule.summary,
                "severity": rule.severity.value,
                "fix": rule.fix.value,
                "safety": rule.safety.value if rule.safety else None,
                "kind": rule.kind,
                "house-keys": rule.house_keys(),
                "options": rule.defaults(),
            }
            for rule in rules.values()
        ]
        click.echo(json.dumps(items, ensure_ascii=False, indent=2))
        return
    # House rules run only when the site's house profile gives them something to enforce.
    for rule in rules.values():
        fix = f"fix: {rule.fix.value} ({rule.safety.value})" if rule.safety else "fix: none"
        click.echo(f"{rule.code:<7} {rule.name:<30} {rule.kind:<7} {fix:<24} {rule.summary}")
    for code, summary_text in ENGINE_CODES.items():
        click.echo(f"{code:<7} {'(postlint)':<30} {'engine':<7} {'fix: none':<24} {summary_text}")


@main.command()
@click.argument("code")
def explain(code):
    """Print a rule's documentation."""
    rules = all_rules()
    code = code.upper()
    if code not in rules:
        matches = [rule for rule in rules.values() if rule.name == code.lower()]
        if not matches:
            _fail(f"unknown rule {code!r} (see `postlint rules`)")
        code = matches[0].code
    text = doc_text(code)
    if text is None:
        rule = rules[code]
        text = f"{rule.code} {rule.name}\n\n{rule.summary}\n"
    click.echo(text, nl=not text.endswith("\n"))


if __name__ == "__main__":  # pragma: no cover
    main()
