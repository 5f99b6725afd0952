"""The real renderers of the shared sites, for differential tests.

Jekyll (Liquid, then kramdown with Jekyll's options; Liquid alone for ``.html`` posts) runs in one
Ruby process for all posts of a site (``render/jekyll_render.rb``); Hugo (goldmark) builds one
temporary site holding all posts of a site; zvc's Python-Markdown runs in this process (the
``markdown`` package postlint depends on). Debian packages the others: ``jekyll``,
``ruby-kramdown``, ``ruby-kramdown-parser-gfm`` and ``hugo``; where one is missing, the tests that
need it skip, naming the package.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from conftest import SHARED

RUBY_SCRIPT = Path(__file__).resolve().parent / "render" / "jekyll_render.rb"


@dataclass(frozen=True)
class Site:
    """A shared site and how it renders: ``engine`` is jekyll, hugo or python-markdown."""

    name: str
    root: Path
    engine: str
    posts: tuple[Path, ...] = field(repr=False)
    config: Path | None = None

    @property
    def short(self) -> str:
        return self.name.split("+")[0]


_SITE_ENGINES = {
    "hannal+hannal.github.io": ("jekyll", "_config.yml", "_posts"),
    "AhnSeongHyun+ahnseonghyun.github.io": ("python-markdown", "config.yaml", "contents"),
    "t32k+mol": ("hugo", "config.toml", "content"),
    "hpc-social+personal-blog": ("jekyll", "_config.yml", "_posts"),
    "canerdianeh+blog": ("jekyll", "_config.yml", "_posts"),
    "TiuTalk+blog.thiagobelem.net": ("jekyll", "_config.yml", "_posts"),
}
_POST_SUFFIXES = (".md", ".markdown", ".html")


def shared_sites() -> list[Site]:
    """The six sites of ../shared/sites and the corpus (a Jekyll site with Jekyll's defaults)."""
    sites = []
    for name, (engine, config, folder) in _SITE_ENGINES.items():
        root = SHARED / "sites" / name
        if not root.is_dir():
            continue
        posts = tuple(sorted(path for path in (root / folder).rglob("*") if path.suffix in _POST_SUFFIXES))
        sites.append(Site(name, root, engine, posts, root / config if config else None))
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        sites.append(Site("corpus", corpus, "jekyll", tuple(sorted(corpus.iterdir()))))
    return sites


def missing_programs(engine: str) -> str | None:
    """Why ``engine`` cannot run here (naming the Debian packages), or None."""
    if engine == "python-markdown":
        return None  # the `markdown` package, a dependency of postlint
    needed = {
        "jekyll": [("ruby", "ruby"), ("jekyll", "jekyll ruby-kramdown ruby-kramdown-parser-gfm")],
        "hugo": [("hugo", "hugo")],
    }[engine]
    for program, package in needed:
        if shutil.which(program) is None:
            return f"`{program}` is not installed (Debian: apt-get install {package})"
    if engine == "jekyll":
        probe = subprocess.run(
            ["ruby", "-e", "require 'jekyll'; require 'kramdown-parser-gfm'"], capture_output=True, text=True
        )
        if probe.returncode != 0:
            return "Jekyll or kramdown's GFM parser is missing (Debian: apt-get install jekyll ruby-kramdown-parser-gfm)"
    return None


@dataclass
class Rendered:
    html: str
    error: str | None = None  # the generator refused the post (Liquid error, bad front matter)
    warnings: tuple[str, ...] = ()  # kramdown's warnings


def jekyll_settings(site: Site) -> dict:
    """The settings of the site's ``_config.yml`` that decide how a post renders."""
    if site.config is None or not site.config.is_file():
        return {}
    data = yaml.safe_load(site.config.read_text(encoding="utf-8")) or {}
    return {key: data[key] for key in ("markdown", "kramdown", "highlighter") if key in data}


def render_jekyll(texts: list[str], markdown: list[bool], settings: dict) -> list[Rendered]:
    """Render whole files (front matter included) as Jekyll does, in one Ruby process."""
    requests = "".join(json.dumps({"text": text, "markdown": md}) + "\n" for text, md in zip(texts, markdown))
    result = subprocess.run(
        ["ruby", str(RUBY_SCRIPT), json.dumps(settings)],
        input=requests,
        capture_output=True,
        text=True,
        check=True,
    )
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == len(texts), result.stderr[-2000:]
    return [Rendered(answer["html"], answer["liquid_error"], tuple(answer["warnings"])) for answer in answers]


def render_zvc(texts: list[str]) -> list[Rendered]:
    """As zvc renders a post: the lines up to the second ``---`` are its front matter, and the rest
    goes through Python-Markdown with zvc's extensions."""
    import markdown

    out = []
    for text in texts:
        lines = text.split("\n")
        body = text
        if lines and lines[0].strip() == "---":
            for index, line in enumerate(lines[1:], 1):
                if line.strip() == "---":
                    body = "\n".join(lines[index + 1 :])
                    break
        out.append(Rendered(markdown.markdown(body, extensions=["fenced_code", "tables", "nl2br"])))
    return out


_HUGO_LAYOUT = (
    '{{ range .Site.RegularPages }}<postlint-post path="{{ .File.Path }}"></postlint-post>{{ .Content }}'
    "<postlint-end></postlint-end>\n{{ end }}"
)
_HUGO_MARKER = re.compile(r'<postlint-post path="(.*?)"></postlint-post>(.*?)<postlint-end></postlint-end>', re.DOTALL)
_HUGO_BAD_FILE = re.compile(r'"(?:[^"]*/)?content/(p\d+\.\w+)(?::\d+(?::\d+)?)?"')


def render_hugo(texts: list[str], config: Path | None) -> list[Rendered]:
    """All posts as the pages of one temporary Hugo site with the site's Markdown settings; a
    post Hugo refuses is taken out and reported as such."""
    settings = "disableKinds = ['taxonomy', 'term', 'RSS', 'sitemap', 'robotsTXT', '404']\n"
    if config is not None and config.is_file():
        markup = re.search(r"(?ms)^\[markup.*", config.read_text(encoding="utf-8"))
        if markup:
            settings += markup.group()
    with tempfile.TemporaryDirectory(prefix="postlint-hugo") as directory:
        root = Path(directory)
        (root / "layouts").mkdir()
        (root / "layouts" / "index.html").write_text(_HUGO_LAYOUT, encoding="utf-8")
        (root / "hugo.toml").write_text(settings, encoding="utf-8")
        content = root / "content"
        content.mkdir()
        names = []
        for index, text in enumerate(texts):
            name = f"p{index:05d}.md"
            (content / name).write_text(text, encoding="utf-8", newline="")
            names.append(name)
        errors: dict[str, str] = {}
        for _ in range(50):
            build = subprocess.run(
                ["hugo", "--quiet", "--buildDrafts", "--buildFuture", "--buildExpired", "-d", str(root / "public")],
                cwd=root,
                capture_output=True,
                text=True,
            )
            if build.returncode == 0:
                break
            bad = _HUGO_BAD_FILE.search(build.stderr)
            if bad is None:
                raise RuntimeError(f"hugo failed: {build.stderr[-2000:]}")
            errors[bad.group(1)] = build.stderr.strip().splitlines()[-1]
            (content / bad.group(1)).unlink()
        page = (root / "public" / "index.html").read_text(encoding="utf-8")
    bodies = {Path(path).name: html for path, html in _HUGO_MARKER.findall(page)}
    return [Rendered(bodies.get(name, ""), errors.get(name)) for name in names]


def render_site(site: Site, texts: list[str] | None = None, paths: list[Path] | None = None) -> list[Rendered]:
    """The posts of ``site`` (or ``texts``, files of that site at ``paths``) as the site renders them."""
    paths = list(site.posts) if paths is None else paths
    if texts is None:
        texts = [path.read_bytes().decode("utf-8", errors="replace").removeprefix("\ufeff") for path in paths]
    if site.engine == "jekyll":
        return render_jekyll(texts, [path.suffix != ".html" for path in paths], jekyll_settings(site))
    if site.engine == "hugo":
        return render_hugo(texts, site.config)
    return render_zvc(texts)  # python-markdown


@cache
def rendered_site(name: str) -> tuple[Rendered, ...]:
    """Each post of a shared site as rendered (memoised for the test session)."""
    site = next(site for site in shared_sites() if site.name == name)
    return tuple(render_site(site))


def cpu_count() -> int:
    return max(1, len(os.sched_getaffinity(0)))
