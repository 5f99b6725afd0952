#!/usr/bin/env python3
"""Benchmark postlint against an lxml baseline and its peers, on a corpus of posts.

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench.py [CORPUS] [--runs 5] [--scale] [--node-bin DIR]

The corpus (default: ``../shared/corpus`` next to the repository) is copied into a temporary
directory, replicated (``copy-NN-<name>``) until it holds about ``--target`` posts. Every
measurement runs in a fresh process, from that directory (so postlint's ``.postlint_cache/``
lands there), with its output discarded; after one warm-up round, ``--runs`` rounds each run
every measurement once, side by side, and the table shows medians, min–max, the ratio to the
baseline ("read + lxml-parse every body" in one Python process) and the peak RSS of the
largest process of the run's process tree (``os.wait4``; the commands are started by a small
launcher process, so that none inherits the benchmark's own memory in that figure).

Only the standard library (plus lxml, in the baseline's interpreter) is used.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"
POST_SUFFIXES = (".md", ".markdown", ".html")
CACHE_DIRECTORY = ".postlint_cache"
CONCISE = ["--output-format", "concise", "-q"]

# The baseline: read every post, split off the front matter, lxml-parse the body. Arguments are
# files or directories (searched recursively, skipping dot-directories such as the cache).
BASELINE = r"""
import os, re, sys
import lxml.html
from lxml.etree import ParserError
FRONT = re.compile(r'\A\ufeff?---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)', re.S | re.M)
def paths(args):
    for arg in args:
        if os.path.isfile(arg):
            yield arg
            continue
        for root, dirs, files in os.walk(arg):
            dirs[:] = [d for d in dirs if not d.startswith('.')]
            for name in files:
                if name.endswith(('.md', '.markdown', '.html', '.txt')):
                    yield os.path.join(root, name)
count = failed = 0
for path in paths(sys.argv[1:]):
    with open(path, 'rb') as handle:
        text = handle.read().decode('utf-8', 'replace')
    match = FRONT.match(text)
    body = text[match.end():] if match else text
    count += 1
    if body.strip():
        try:
            lxml.html.fragments_fromstring(body)
        except (ParserError, ValueError):
            failed += 1
if count == 0:
    sys.exit('baseline: no posts found')
"""


# --------------------------------------------------------------------------- measuring


@dataclass
class Measurement:
    label: str
    argv: list[str]
    cwd: Path
    ok_codes: tuple[int, ...] = (0, 1)
    setup: Callable[[], None] | None = None
    group: str = "main"  # "main", "peer" or "scale"
    runs: int | None = None  # timed runs; None: --runs
    warm_up: bool = True
    times: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    error: str | None = None


def peak_mb(max_rss: int) -> float:
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    return max_rss / (1024 * 1024 if sys.platform == "darwin" else 1024)


# Runs the commands for the benchmark, which may hold a large corpus in memory by then: a child's
# ru_maxrss starts from the memory of the process that started it (Linux records the parent's
# peak when a vforked child calls exec), so commands are started by this small process instead.
# wait4 reports the child's own usage merged with that of the descendants it waited for:
# ru_maxrss is then the peak RSS of the largest process of the tree.
_LAUNCHER = r"""
import json, os, subprocess, sys, tempfile, time
for line in sys.stdin:
    request = json.loads(line)
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            process = subprocess.Popen(request["argv"], cwd=request["cwd"], env=request["env"],
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        except OSError as error:
            print(json.dumps([0.0, 0, 127, str(error)]), flush=True)
            continue
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        err.seek(0)
        tail = err.read()[-2000:].decode("utf-8", "replace").strip()
    print(json.dumps([elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status), tail]), flush=True)
"""


class Launcher:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def run(self, argv: list[str], cwd: Path) -> tuple[float, float, int, str]:
        """Run argv, output discarded; return (seconds, peak MB of the tree's largest process, exit code, stderr tail)."""
        env = dict(os.environ, NO_COLOR="1")
        env.pop("FORCE_COLOR", None)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"argv": argv, "cwd": str(cwd), "env": env}) + "\n")
        self.process.stdin.flush()
        elapsed, max_rss, code, tail = json.loads(self.process.stdout.readline())
        return elapsed, peak_mb(max_rss), code, tail


_launcher: Launcher | None = None


def run_once(argv: list[str], cwd: Path) -> tuple[float, float, int, str]:
    global _launcher
    if _launcher is None:
        _launcher = Launcher()
    return _launcher.run(argv, cwd)


def measure(measurement: Measurement, timed: bool, progress: str) -> None:
    if measurement.error:
        return
    if measurement.setup:
        measurement.setup()
    elapsed, peak, code, tail = run_once(measurement.argv, measurement.cwd)
    if code not in measurement.ok_codes:
        last = tail.splitlines()[-1] if tail else ""
        measurement.error = f"failed (exit {code}){': ' + last if last else ''}"
        log(f"{progress} {measurement.label}: {measurement.error}")
        return
    if timed:
        measurement.times.append(elapsed)
        measurement.peaks.append(peak)
    log(f"{progress} {measurement.label}: {elapsed:.2f} s, {peak:.0f} MB{'' if timed else ' (warm-up)'}")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- corpus


def is_post(path: Path) -> bool:
    if path.suffix.lower() in POST_SUFFIXES:
        return True
    if path.suffix.lower() == ".txt":
        with path.open("rb") as handle:
            return handle.read(3) == b"---"
    return False


def find_posts(corpus: Path) -> list[Path]:
    posts = []
    for root, dirs, files in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        posts.extend(Path(root, name) for name in sorted(files) if is_post(Path(root, name)))
    return posts


def flat_name(post: Path, corpus: Path) -> str:
    return "__".join(post.relative_to(corpus).parts)


def replicate(posts: list[Path], corpus: Path, destination: Path, copies: int) -> list[Path]:
    destination.mkdir(parents=True)
    written = []
    for number in range(copies):
        for post in posts:
            target = destination / f"copy-{number:02d}-{flat_name(post, corpus)}"
            shutil.copyfile(post, target)
            written.append(target)
    return written


def link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def scale_up(files: list[Path], destination: Path, factor: int) -> int:
    """``factor`` copies of the replicated set (hard links when possible), distinct names."""
    destination.mkdir(parents=True)
    for number in range(factor):
        for path in files:
            link_or_copy(path, destination / f"rep-{number:02d}-{path.name}")
    return factor * len(files)


def split_front_matter(text: str) -> tuple[str, str]:
    lines = text.splitlines(keepends=True)
    if lines and lines[0].lstrip("\ufeff").rstrip() == "---":
        for index in range(1, len(lines)):
            if lines[index].rstrip() in ("---", "..."):
                return "".join(lines[: index + 1]), "".join(lines[index + 1 :])
    return "", text


def make_big_post(posts: list[Path], destination: Path, megabytes: float) -> tuple[Path, int]:
    """One post of about ``megabytes`` MB: the first post's front matter, then every post's body, repeated."""
    destination.mkdir(parents=True)
    texts = [post.read_text(encoding="utf-8", errors="replace") for post in posts]
    front = next((split_front_matter(text)[0] for text in texts if split_front_matter(text)[0]), "---\ntitle: big\n---\n")
    bodies = [split_front_matter(text)[1].strip("\n") + "\n\n" for text in texts]
    goal = int(megabytes * 1e6)
    parts, size, index = [front, "\n"], 0, 0
    while size < goal:
        body = bodies[index % len(bodies)]
        parts.append(body)
        size += len(body.encode("utf-8"))
        index += 1
    path = destination / "big-post.md"
    path.write_text("".join(parts), encoding="utf-8")
    return path, path.stat().st_size


def total_size(paths: list[Path]) -> int:
    return sum(path.stat().st_size for path in paths)


# --------------------------------------------------------------------------- tools


def find_postlint(explicit: str | None) -> list[str]:
    if explicit:
        return [explicit]
    beside = Path(sys.executable).parent / "postlint"
    if beside.exists():
        return [str(beside)]
    for candidate in (REPO_ROOT / ".venv" / "bin" / "postlint", shutil.which("postlint")):
        if candidate and Path(candidate).exists():
            return [str(candidate)]
    sys.exit("bench: postlint not found (install it, or give --postlint)")


def find_python(explicit: str | None, postlint: list[str]) -> str:
    """An interpreter that has lxml: the given one, postlint's, or this one."""
    candidates = [explicit] if explicit else [sys.executable, str(Path(postlint[0]).resolve().parent / "python")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            if subprocess.run([candidate, "-c", "import lxml.html"], capture_output=True).returncode == 0:
                return candidate
    sys.exit("bench: no Python with lxml found for the baseline (give --python)")


def help_text(argv: list[str]) -> str:
    result = subprocess.run(argv, capture_output=True, text=True)
    return result.stdout + result.stderr


def find_tool(name: str, node_bin: str | None) -> str | None:
    if node_bin:
        candidate = Path(node_bin) / name
        if candidate.exists():
            return str(candidate)
    return shutil.which(name)


def tool_version(argv: list[str]) -> str:
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    text = (result.stdout or result.stderr).strip().splitlines()
    return text[0].strip() if text else "?"


def stage_costs(python: str, corpus: Path) -> dict[str, float] | None:
    """Per-post milliseconds of postlint's stages on the original posts (``stages.py``), or None
    when that Python cannot import postlint."""
    script = Path(__file__).resolve().parent / "stages.py"
    log("bench: timing postlint's stages in one process")
    result = subprocess.run([python, str(script), str(corpus), "--json", "--rounds", "3"], capture_output=True, text=True)
    if result.returncode != 0:
        return None
    return json.loads(result.stdout)


# --------------------------------------------------------------------------- report


def diagnostics_by_rule(postlint: list[str], site: Path, home: Path) -> Counter | None:
    """What ``postlint check`` reports on ``site`` with no configuration of its own, by rule (None:
    it could not say). Run from an empty directory so no configuration is found there."""
    completed = subprocess.run(
        postlint + ["check", "--no-cache", "--output-format", "json", str(site)], cwd=home, capture_output=True, text=True
    )
    try:
        return Counter(item["code"] for item in json.loads(completed.stdout))
    except (ValueError, KeyError, TypeError):
        return None


def site_table(sites: list[Path], postlint: list[str], other: list[str] | None, work: Path) -> str:
    """Diagnostics per post on each site, with no configuration: this postlint and the other."""
    home = work / "no-configuration"
    home.mkdir(exist_ok=True)
    header = "| site | posts | diagnostics | per post |"
    rule = "|---|---:|---:|---:|"
    if other is not None:
        header += " other postlint | per post |"
        rule += "---:|---:|"
    rows = [header, rule]
    for site in sites:
        site = site.resolve()
        count = len(find_posts(site))
        cells = [site.name, f"{count:,}"]
        for command in [postlint] + ([other] if other is not None else []):
            found = diagnostics_by_rule(command, site, home)
            if found is None:
                cells += ["error", "–"]
            else:
                total = sum(found.values())
                cells += [f"{total:,}", f"{total / max(count, 1):.2f}"]
        rows.append("| " + " | ".join(cells) + " |")
    return "Diagnostics with no configuration (`postlint check` run outside the site):\n\n" + "\n".join(rows)


def seconds(value: float) -> str:
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def table(measurements: list[Measurement], baseline: Measurement) -> str:
    base = statistics.median(baseline.times) if baseline.times else None
    rows = [
        "| measurement | median s | min–max s | × baseline | peak MB |",
        "|---|---:|---:|---:|---:|",
    ]
    for measurement in measurements:
        if measurement.error or not measurement.times:
            rows.append(f"| {measurement.label} | {measurement.error or 'not run'} | | | |")
            continue
        median = statistics.median(measurement.times)
        ratio = f"{median / base:.2f}×" if base else "—"
        spread = f"{seconds(min(measurement.times))}–{seconds(max(measurement.times))}"
        rows.append(f"| {measurement.label} | {seconds(median)} | {spread} | {ratio} | {max(measurement.peaks):.0f} |")
    return "\n".join(rows)


def median_of(measurement: Measurement | None) -> float | None:
    if measurement is None or measurement.error or not measurement.times:
        return None
    return statistics.median(measurement.times)


def paired_median(numerator: Measurement | None, denominator: Measurement | None) -> float | None:
    """The median of per-round ratios (the first rounds of both, as many as both have)."""
    if numerator is None or denominator is None or numerator.error or denominator.error:
        return None
    pairs = [a / b for a, b in zip(numerator.times, denominator.times) if b]
    return statistics.median(pairs) if pairs else None


def ratio_line(text: str, numerator: float | None, denominator: float | None, target: str) -> str | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return f"- {text}: {numerator / denominator:.2f} ({target})"


# --------------------------------------------------------------------------- main


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help=f"directory of posts (default: {DEFAULT_CORPUS})")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement, after one warm-up (default: 5)")
    parser.add_argument("--target", type=int, default=7500, help="replicate a smaller corpus to about this many posts (default: 7500)")
    parser.add_argument("--scale", action="store_true", help="also time postlint on 10× the corpus and on one large post")
    parser.add_argument("--scale-runs", type=int, help="timed runs of the --scale measurements, without a warm-up (default: --runs, with one)")
    parser.add_argument("--big-mb", type=float, default=20.0, help="size of the large post for --scale, in MB (default: 20)")
    parser.add_argument("--node-bin", help="a node_modules/.bin directory holding htmlhint and markdownlint-cli2")
    parser.add_argument("--djlint", help="the djlint executable (default: djlint on PATH)")
    parser.add_argument("--no-peers", action="store_true", help="skip htmlhint, markdownlint-cli2 and djlint")
    parser.add_argument("--postlint", help="the postlint executable (default: the one beside this Python, or on PATH)")
    parser.add_argument("--python", help="the Python (with lxml) for the baseline (default: this one, or postlint's)")
    parser.add_argument("--workdir", type=Path, help="where to make the temporary corpus (default: the system's temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary corpus")
    parser.add_argument(
        "--markdown",
        help="read the posts with this renderer (postlint's `markdown` setting, given in a configuration file); default: what postlint finds",
    )
    parser.add_argument(
        "--compare",
        help="another postlint executable (an earlier version, say) to time cold beside this one, as it is configured by default",
    )
    parser.add_argument(
        "--sites",
        nargs="+",
        type=Path,
        metavar="DIR",
        help="also print what `postlint check` reports per post on each of these sites with no configuration "
        "(and what the --compare postlint reports)",
    )
    arguments = parser.parse_args()
    if arguments.runs < 1:
        parser.error("--runs must be at least 1")
    return arguments


def main() -> int:
    if not hasattr(os, "wait4"):
        sys.exit("bench: needs a POSIX system (os.wait4)")
    arguments = parse_arguments()
    run_once([sys.executable, "-c", "pass"], Path.cwd())  # the launcher starts while the benchmark is small
    corpus = arguments.corpus.resolve()
    posts = find_posts(corpus) if corpus.is_dir() else []
    if not posts:
        sys.exit(f"bench: no posts in {corpus}")

    postlint = find_postlint(arguments.postlint)
    python = find_python(arguments.python, postlint)
    check_help = help_text(postlint + ["check", "--help"])
    has_no_cache = "--no-cache" in check_help
    has_jobs = "--jobs" in check_help
    notes: list[str] = []
    no_cache = ["--no-cache"] if has_no_cache else []
    fix_no_cache = ["--no-cache"] if "--no-cache" in help_text(postlint + ["fix", "--help"]) else []
    if has_no_cache and not fix_no_cache:
        notes.append("`postlint fix` has no `--no-cache`: the fix runs omit it.")
    if not has_no_cache:
        notes.append("`postlint check` has no `--no-cache`: cold runs omit it and delete `.postlint_cache/` first.")
    if not has_jobs:
        notes.append("`postlint check` has no `--jobs`: the `--jobs 1` measurement is skipped.")

    work = Path(tempfile.mkdtemp(prefix="postlint-bench-", dir=arguments.workdir))
    try:
        copies = max(1, round(arguments.target / len(posts)))
        log(f"bench: copying {len(posts)} posts ×{copies} into {work}")
        files = replicate(posts, corpus, work / "corpus", copies)
        here = work / "corpus"
        megabytes = total_size(files) / 1e6

        baseline = Measurement("baseline: read + lxml-parse every body, 1 process", [python, "-c", BASELINE, "."], here)
        if arguments.markdown:
            settings = work / "settings" / "postlint.toml"  # outside the corpus: found only by --config
            settings.parent.mkdir()
            settings.write_text(f'markdown = "{arguments.markdown}"\n', encoding="utf-8")
            configured = ["--config", str(settings)]
            cache_home = settings.parent  # postlint keeps its cache beside the configuration it read
            notes.append(f"postlint reads the posts as `{arguments.markdown}` (`--config` {settings.name} with `markdown = \"{arguments.markdown}\"`).")
        else:
            configured = []
            cache_home = here
        cold = Measurement("postlint check, cold (`--no-cache`, default jobs)", postlint + ["check", *configured, *no_cache, *CONCISE, "."], here)
        warm_argv = postlint + ["check", *configured, *CONCISE, "."]
        warm = Measurement("postlint check, warm (cache from a previous run)", warm_argv, here)
        jobs1 = Measurement("postlint check `--jobs 1 --no-cache`", postlint + ["check", *configured, "--jobs", "1", *no_cache, *CONCISE, "."], here)
        fix = Measurement("postlint fix `--diff --no-cache` (writes nothing)", postlint + ["fix", *configured, "--diff", *fix_no_cache, *CONCISE, "."], here)
        if not has_no_cache:
            cold.label = "postlint check, cold (cache deleted first)"
            jobs1.label = "postlint check `--jobs 1`"
        if not fix_no_cache:
            fix.label = "postlint fix `--diff` (writes nothing)"

        cache_state = {"primed": False, "works": True}

        def drop_cache() -> None:
            shutil.rmtree(cache_home / CACHE_DIRECTORY, ignore_errors=True)

        def prime_cache() -> None:
            # A warm run needs the cache a previous run left; make one (untimed) when it is missing.
            if not cache_state["works"] or (cache_home / CACHE_DIRECTORY).exists():
                return
            run_once(warm_argv, here)
            if not (cache_home / CACHE_DIRECTORY).exists():
                cache_state["works"] = False
                notes.append("postlint wrote no `.postlint_cache/`: the warm runs had no cache to use.")

        if not has_no_cache:
            cold.setup = drop_cache
            jobs1.setup = drop_cache
        if not fix_no_cache:
            fix.setup = drop_cache
        warm.setup = prime_cache

        measurements = [baseline, cold, warm]
        if has_jobs:
            measurements.append(jobs1)
        measurements.append(fix)
        compared = None
        if arguments.compare:
            other = [arguments.compare]
            other_version = tool_version(other + ["--version"]).split()[-1]
            compared = Measurement(f"other postlint ({other_version}) check, cold", other + ["check", "--no-cache", *CONCISE, "."], here, group="compare")
            measurements.append(compared)

        versions = [f"postlint {tool_version(postlint + ['--version']).split()[-1]}"]
        versions.append("lxml " + subprocess.run([python, "-c", "import lxml; print(lxml.__version__)"], capture_output=True, text=True).stdout.strip())

        if not arguments.no_peers:
            present = sorted({path.suffix.lower() for path in files}, key=lambda suffix: -sum(p.suffix.lower() == suffix for p in files))
            globs = [f"**/*{suffix}" for suffix in present]
            htmlhint = find_tool("htmlhint", arguments.node_bin)
            if htmlhint:
                measurements.append(Measurement("htmlhint", [htmlhint, *globs], here, group="peer"))
                versions.append(f"htmlhint {tool_version([htmlhint, '--version'])}")
            else:
                notes.append("htmlhint: not installed, skipped (npm install htmlhint; give its node_modules/.bin with --node-bin).")
            markdownlint = find_tool("markdownlint-cli2", arguments.node_bin)
            markdown_globs = [glob for glob in globs if glob.endswith((".md", ".markdown", ".txt"))]
            if markdownlint and markdown_globs:
                measurements.append(Measurement("markdownlint-cli2", [markdownlint, *markdown_globs], here, group="peer"))
                version = tool_version([markdownlint, "--help"])
                versions.append(version if version.startswith("markdownlint") else "markdownlint-cli2")
            elif not markdownlint:
                notes.append("markdownlint-cli2: not installed, skipped (npm install markdownlint-cli2; give --node-bin).")
            djlint = arguments.djlint or shutil.which("djlint")
            if djlint and (Path(djlint).exists() or shutil.which(djlint)):
                # djlint takes one extension; lint the most common one.
                argv = [djlint, "--lint", ".", "--quiet", "--extension", present[0].lstrip(".")]
                measurements.append(Measurement("djlint `--lint`", argv, here, group="peer"))
                versions.append(tool_version([djlint, "--version"]))
                if len(present) > 1:
                    notes.append(f"djlint lints only the `{present[0]}` files (one --extension); the others: {', '.join(present[1:])}.")
            else:
                notes.append("djlint: not installed, skipped (pip install djlint; give it with --djlint).")

        scaled = big = big_baseline = None
        if arguments.scale:
            factor = 10
            scale_dir = work / "scale10"
            count = scale_up(files, scale_dir, factor)
            scaled = Measurement(f"postlint check, cold, {factor}× corpus ({count:,} posts)", postlint + ["check", *no_cache, *CONCISE, "."], scale_dir, group="scale")
            if not has_no_cache:
                scaled.setup = lambda: shutil.rmtree(scale_dir / CACHE_DIRECTORY, ignore_errors=True)
            measurements.append(scaled)
            big_path, big_size = make_big_post(posts, work / "big", arguments.big_mb)
            big_mb = f"{big_size / 1e6:.0f}" if big_size >= 10e6 else f"{big_size / 1e6:.1f}"
            jobs_one = ["--jobs", "1"] if has_jobs else []
            big = Measurement(f"postlint check `--jobs 1`, one {big_mb} MB post", postlint + ["check", *jobs_one, *no_cache, *CONCISE, big_path.name], big_path.parent, group="scale")
            if not has_no_cache:
                big.setup = lambda: shutil.rmtree(big_path.parent / CACHE_DIRECTORY, ignore_errors=True)
            big_baseline = Measurement(f"baseline on the one {big_mb} MB post", [python, "-c", BASELINE, big_path.name], big_path.parent, group="scale")
            measurements += [big, big_baseline]
            if arguments.scale_runs is not None:
                for measurement in (scaled, big, big_baseline):
                    measurement.runs = max(1, min(arguments.scale_runs, arguments.runs))
                    measurement.warm_up = False

        rounds = arguments.runs + 1
        for number in range(rounds):
            progress = "[warm-up]" if number == 0 else f"[{number}/{arguments.runs}]"
            for measurement in measurements:
                if number == 0 and not measurement.warm_up:
                    continue
                if number > 0 and measurement.runs is not None and len(measurement.times) >= measurement.runs:
                    continue
                measure(measurement, timed=number > 0, progress=progress)
        if not cache_state["works"]:
            warm.label += " (none was written)"

        # ------------------------------------------------------------ report
        cpu = platform.processor() or platform.machine()
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        command = " ".join(["python", "benchmarks/bench.py", *sys.argv[1:]])
        print(f"Command: `{command}`  ")
        print(
            f"Corpus: {len(files):,} posts, {megabytes:.1f} MB ({copies} cop{'y' if copies == 1 else 'ies'} of the "
            f"{len(posts)} posts in {corpus}); {os.cpu_count()} cores ({cpu}); Python {platform.python_version()}; "
            f"{'; '.join(versions)}.  "
        )
        scale_note = f" ({arguments.scale_runs} for the scale rows, no warm-up)" if arguments.scale and arguments.scale_runs is not None else ""
        print(f"Medians of {arguments.runs} runs after one warm-up{scale_note}; peak MB = largest process of the run's process tree.")
        print()
        print(table(measurements, baseline))
        print()
        lines = [
            ratio_line("cold / baseline", median_of(cold), median_of(baseline), "target ≤ 2"),
            ratio_line("`--jobs 1` / cold (default jobs)", median_of(jobs1) if has_jobs else None, median_of(cold), f"target ≥ 1.7 on 2 cores; {os.cpu_count()} here"),
            ratio_line("cold / warm", median_of(cold), median_of(warm), "target ≥ 10"),
            ratio_line("fix / cold check", median_of(fix), median_of(cold), "target ≤ 2"),
        ]
        if compared is not None:
            ratio = paired_median(cold, compared)
            if ratio is not None:
                lines.append(f"- cold / the other postlint's cold (same rounds): {ratio:.2f}")
        for measurement in measurements:
            if measurement.group == "peer":
                lines.append(ratio_line(f"cold / {measurement.label}", median_of(cold), median_of(measurement), "< 1: postlint faster"))
        if cold.peaks:
            lines.append(f"- peak memory, cold: {max(cold.peaks):.0f} MB (target < 150)")
        if arguments.scale:
            # Compare with the 1× run of the same round: the load of a shared machine drifts.
            ratio = paired_median(scaled, cold)
            if ratio is not None:
                lines.append(f"- 10× corpus / 1× corpus (cold, same rounds): {ratio:.2f} (linear: ≤ ~10)")
            reference = jobs1 if has_jobs else cold
            ratio = paired_median(big, reference)
            if ratio is not None:
                ratio *= megabytes / (big_size / 1e6)
                lines.append(
                    f"- one {big_mb} MB post, cost per MB / the corpus's at `--jobs 1` (same rounds): {ratio:.2f} (proportional: ~1)"
                )
        stages = stage_costs(python, corpus)
        if stages is None:
            notes.append("benchmarks/stages.py could not import postlint with the baseline's Python: no stage costs.")
        else:
            listed = ", ".join(f"{stage} {value:.3f}" for stage, value in stages.items() if stage != "total")
            lines.append(f"- one core's ms per post, by stage (benchmarks/stages.py, {len(posts)} posts): {listed}; total {stages['total']:.3f}")
            base = median_of(baseline)
            if base is not None:
                budget = 1000 * 2 * base * (os.cpu_count() or 1) / len(files)
                lines.append(
                    f"- cold ≤ 2× baseline leaves at most {budget:.3f} ms of one core per post on {os.cpu_count()} cores "
                    "(2 × baseline × cores / posts, with nothing for start-up)"
                )
        lines = [line for line in lines if line]
        if lines:
            print("\n".join(lines))
        if arguments.sites:
            print()
            print(site_table(arguments.sites, postlint, [arguments.compare] if arguments.compare else None, work))
        if notes:
            print()
            print("\n".join(f"Note: {note}" for note in notes))
        return 1 if any(measurement.error for measurement in measurements) else 0
    finally:
        if arguments.keep:
            log(f"bench: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
