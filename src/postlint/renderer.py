"""Which Markdown renderer a post goes through: set in the configuration, or found from the site.

A site's generator decides how a post's body becomes HTML: Jekyll renders Markdown with kramdown
(GFM input) unless its ``_config.yml`` says otherwise, Hugo with goldmark, and a ``.html`` post
gets no Markdown at all. The renderer is set with the top-level ``markdown`` key; when it is not,
it is found from each post upward: Jekyll's ``_config.yml``, Hugo's ``hugo.*`` / ``config.*``, or
zvc's ``config.yaml`` (Python-Markdown). With none, a post is read as CommonMark.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KRAMDOWN = "kramdown"
COMMONMARK = "commonmark"
GOLDMARK = "goldmark"
PYTHON_MARKDOWN = "python-markdown"
NONE = "none"
RENDERERS = (KRAMDOWN, COMMONMARK, GOLDMARK, PYTHON_MARKDOWN, NONE)

_JEKYLL_CONFIGS = ("_config.yml", "_config.yaml", "_config.toml")
_HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
_HUGO_OR_OTHER = ("config.toml", "config.yaml", "config.yml", "config.json")
# Top-level keys only Hugo's configuration has: a ``config.yaml`` without any of them belongs to
# another generator.
_HUGO_KEYS = frozenset(
    "baseurl languagecode defaultcontentlanguage markup params taxonomies permalinks publishdir "
    "contentdir menu menus pygmentscodefences pygmentsstyle summarylength enablerobotstxt enableemoji "
    "enablegitinfo paginate disablekinds outputs module metadataformat defaultcontentlanguageinsubdir "
    "languages buildfuture builddrafts".split()
)
# zvc's ``config.yaml``: its own top-level tables, which no Hugo configuration has.
_ZVC_KEYS = frozenset({"theme", "blog", "publication"})
# Jekyll's ``markdown:`` values that name a CommonMark converter (jekyll-commonmark and the GitHub
# Pages variant).
_JEKYLL_COMMONMARK = frozenset({"commonmark", "commonmarkghpages"})


@dataclass(frozen=True, slots=True)
class Renderer:
    """How a post's body is rendered, and where that was learned."""

    name: str  # one of RENDERERS
    source: str  # what decided it: a file, the configuration, the file's extension, the default
    parse_block_html: bool = False  # kramdown: Markdown inside HTML blocks is parsed
    gfm: bool = True  # kramdown: GFM input (Jekyll's default) rather than kramdown's own
    raw_html: bool = True  # goldmark: raw HTML is passed through (Hugo's ``unsafe = true``)
    note: str = ""  # what was read but is not modelled (another Jekyll converter, say)
    generator: str = ""  # "jekyll", "hugo", "zvc" or "" (unknown)

    @property
    def key(self) -> str:
        """Identifies what the settings change in a lint result (for the cache)."""
        return f"{self.name}:{int(self.parse_block_html)}{int(self.gfm)}{int(self.raw_html)}{self.generator}"

    @property
    def markdown(self) -> bool:
        """Whether the body is Markdown at all (a ``.html`` post is not)."""
        return self.name != NONE

    @property
    def yaml_front_matter(self) -> bool:
        """Whether the generator reads the front matter as YAML (zvc splits each line at its
        first colon instead, so what YAML rejects is no error there)."""
        return self.generator != "zvc"

    @property
    def liquid(self) -> bool:
        """Whether the body goes through Liquid first (Jekyll renders every post with it)."""
        return self.generator == "jekyll"

    def describe(self) -> str:
        details = []
        if self.name == KRAMDOWN:
            details.append("GFM input" if self.gfm else "kramdown input")
            details.append(f"parse_block_html: {str(self.parse_block_html).lower()}")
        elif self.name == GOLDMARK:
            details.append("raw HTML kept (unsafe = true)" if self.raw_html else "raw HTML dropped (unsafe = false)")
        text = self.name + (f" ({', '.join(details)})" if details else "")
        text += f", from {self.source}"
        if self.note:
            text += f"; {self.note}"
        return text


DEFAULT = Renderer(COMMONMARK, "the default (no site configuration found)")


class RendererResolver:
    """Finds each post's renderer; site configuration files are read once per directory."""

    def __init__(self, setting: str | None = None, setting_source: str = "the configuration"):
        self.setting = setting
        self.setting_source = setting_source
        self._by_directory: dict[Path, Renderer | None] = {}

    def for_path(self, path: Path | None) -> Renderer:
        suffix = path.suffix.lower() if path is not None else ""
        site = self._site(path.resolve().parent) if path is not None else None
        if suffix in (".html", ".htm"):
            generator = site.generator if site is not None else ("jekyll" if self.setting == KRAMDOWN else "")
            return Renderer(NONE, f"the file's extension ({suffix} posts get no Markdown)", generator=generator)
        if self.setting is not None:
            source = f"{self.setting_source} (markdown = {self.setting!r})"
            if site is not None and site.name == self.setting:
                return Renderer(site.name, f"{source}; options from {site.source}", site.parse_block_html, site.gfm,
                                site.raw_html, generator=site.generator)
            generator = "jekyll" if self.setting == KRAMDOWN else site.generator if site is not None else ""
            return Renderer(self.setting, source, generator=generator)
        return site if site is not None else DEFAULT

    def _site(self, directory: Path) -> Renderer | None:
        visited = []
        found = None
        for candidate in [directory, *directory.parents]:
            if candidate in self._by_directory:
                found = self._by_directory[candidate]
                break
            visited.append(candidate)
            found = _site_renderer(candidate)
            if found is not None or (candidate / ".git").exists():
                break
        for candidate in visited:
            self._by_directory[candidate] = found
        return found


def _site_renderer(directory: Path) -> Renderer | None:
    for name in _JEKYLL_CONFIGS:
        path = directory / name
        if path.is_file():
            return _jekyll(path, _load(path))
    for name in _HUGO_CONFIGS:
        path = directory / name
        if path.is_file():
            return _hugo(path, _load(path))
    for name in _HUGO_OR_OTHER:
        path = directory / name
        if path.is_file():
            data = _load(path)
            if isinstance(data, dict) and any(str(key).lower() in _HUGO_KEYS for key in data):
                return _hugo(path, data)
            if isinstance(data, dict) and _ZVC_KEYS <= {str(key).lower() for key in data}:
                return Renderer(PYTHON_MARKDOWN, f"{path} (zvc)", generator="zvc")
    return None


def _load(path: Path) -> Any:
    """A site configuration file's data; one that cannot be read gives an empty mapping (the
    generator's defaults), as postlint must not fail on a site's broken file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".toml":
            return tomllib.loads(text)
        if path.suffix == ".json":
            return json.loads(text)
        import yaml

        return yaml.safe_load(text)
    except (OSError, ValueError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    except Exception:  # yaml.YAMLError, loaded lazily
        return {}


def _jekyll(path: Path, data: Any) -> Renderer:
    data = data if isinstance(data, dict) else {}
    converter = str(data.get("markdown") or "kramdown")
    kramdown = data.get("kramdown") if isinstance(data.get("kramdown"), dict) else {}
    source = str(path)
    if converter.lower() in _JEKYLL_COMMONMARK:
        return Renderer(COMMONMARK, f"{source} (Jekyll, markdown: {converter})", generator="jekyll")
    if converter.lower() != "kramdown":
        return Renderer(
            COMMONMARK,
            f"{source} (Jekyll, markdown: {converter})",
            note=f"{converter} is not modelled: read as CommonMark",
            generator="jekyll",
        )
    parser = str(kramdown.get("input") or "GFM")
    return Renderer(
        KRAMDOWN,
        f"{source} (Jekyll, markdown: {converter})" if "markdown" in data else f"{source} (Jekyll's default, kramdown)",
        parse_block_html=kramdown.get("parse_block_html") is True,
        gfm=parser.lower() == "gfm",
        generator="jekyll",
    )


def _hugo(path: Path, data: Any) -> Renderer:
    data = data if isinstance(data, dict) else {}
    markup = _get(data, "markup") or {}
    handler = str(_get(markup, "defaultMarkdownHandler") or "goldmark")
    unsafe = _get(_get(_get(markup, "goldmark") or {}, "renderer") or {}, "unsafe")
    if handler.lower() != "goldmark":
        return Renderer(
            COMMONMARK,
            f"{path} (Hugo, defaultMarkdownHandler: {handler})",
            note=f"{handler} is not modelled: read as CommonMark",
            generator="hugo",
        )
    return Renderer(GOLDMARK, f"{path} (Hugo)", raw_html=unsafe is True, generator="hugo")


def _get(mapping: Any, key: str) -> Any:
    """A key of a Hugo configuration, whose keys are case-insensitive."""
    if not isinstance(mapping, dict):
        return None
    for name, value in mapping.items():
        if str(name).lower() == key.lower():
            return value
    return None
