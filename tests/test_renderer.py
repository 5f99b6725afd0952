"""Which renderer a post is read with: the `markdown` setting, or the site's configuration found
from the post upward, or the file's extension; shown by `check --show-settings` and `-v`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from postlint.config import ConfigError, config_from_mapping
from postlint.renderer import COMMONMARK, GOLDMARK, KRAMDOWN, NONE, PYTHON_MARKDOWN, RendererResolver


def _site(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    "config, name, gfm, block_html, note",
    [
        ("title: x\n", KRAMDOWN, True, False, ""),  # Jekyll's default
        ("markdown: kramdown\nkramdown:\n  input: kramdown\n  parse_block_html: true\n", KRAMDOWN, False, True, ""),
        ("markdown: CommonMarkGhPages\n", COMMONMARK, True, False, ""),
        ("markdown: redcarpet\n", COMMONMARK, True, False, "redcarpet is not modelled: read as CommonMark"),
        ("{{ not yaml\n", KRAMDOWN, True, False, ""),  # a broken _config.yml: Jekyll's defaults
    ],
)
def test_jekyll_config_decides(tmp_path, config, name, gfm, block_html, note):
    site = _site(tmp_path, {"_config.yml": config, "_posts/2020-01-01-a.md": "---\n---\n"})
    renderer = RendererResolver().for_path(site / "_posts" / "2020-01-01-a.md")
    assert (renderer.name, renderer.gfm, renderer.parse_block_html, renderer.note) == (name, gfm, block_html, note)
    assert renderer.generator == "jekyll" and renderer.liquid
    assert str(site / "_config.yml") in renderer.source


@pytest.mark.parametrize(
    "file, config, raw_html",
    [
        ("hugo.toml", "[markup.goldmark.renderer]\nunsafe = true\n", True),
        ("config.toml", 'baseURL = "https://x/"\n', False),
        ("config.yaml", "baseURL: https://x/\nmarkup:\n  goldmark:\n    renderer:\n      unsafe: true\n", True),
    ],
)
def test_hugo_config_decides(tmp_path, file, config, raw_html):
    site = _site(tmp_path, {file: config, "content/post/a.md": "---\n---\n"})
    renderer = RendererResolver().for_path(site / "content" / "post" / "a.md")
    assert (renderer.name, renderer.raw_html, renderer.generator) == (GOLDMARK, raw_html, "hugo")


def test_a_config_yaml_that_is_not_hugos_is_not_taken_for_it(tmp_path):
    site = _site(tmp_path, {"config.yaml": "theme:\n  name: chronicle\nblog:\n  title: x\n", "contents/a.md": "x\n"})
    renderer = RendererResolver().for_path(site / "contents" / "a.md")
    assert renderer.name == COMMONMARK and "default" in renderer.source


def test_zvcs_config_yaml_means_python_markdown_and_no_yaml_front_matter(tmp_path):
    # zvc's own configuration (../shared/sites/AhnSeongHyun+ahnseonghyun.github.io/config.yaml).
    config = "theme:\n  name: chronicle\nblog:\n  title: Ash84\npublication:\n  path: ./docs\n"
    site = _site(tmp_path, {"config.yaml": config, "contents/a/a.md": "---\ntitle: 'It's'\n---\n"})
    renderer = RendererResolver().for_path(site / "contents" / "a" / "a.md")
    assert (renderer.name, renderer.generator, renderer.yaml_front_matter) == (PYTHON_MARKDOWN, "zvc", False)
    assert "zvc" in renderer.source


def test_html_posts_get_no_markdown_and_the_setting_wins_for_the_rest(tmp_path):
    site = _site(tmp_path, {"_config.yml": "markdown: kramdown\n", "_posts/a.html": "", "_posts/b.md": ""})
    resolver = RendererResolver("commonmark", "postlint.toml")
    assert resolver.for_path(site / "_posts" / "a.html").name == NONE
    assert resolver.for_path(site / "_posts" / "a.html").liquid  # Jekyll still runs Liquid on it
    chosen = resolver.for_path(site / "_posts" / "b.md")
    assert chosen.name == COMMONMARK and "postlint.toml (markdown = 'commonmark')" in chosen.source


def test_the_setting_is_validated(tmp_path):
    with pytest.raises(ConfigError, match="'markdown' must be one of 'kramdown', 'commonmark', 'goldmark', 'python-markdown', 'none'"):
        config_from_mapping({"markdown": "kramdwon"}, tmp_path)


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "postlint.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_show_settings_and_verbose_say_how_each_post_is_read(tmp_path):
    site = _site(
        tmp_path,
        {
            "blog/_config.yml": "title: x\n",
            "blog/_posts/2020-01-01-a.md": "---\ntitle: a\n---\n<div><b>x</div>\n",
            "notes/b.md": "---\ntitle: b\n---\ntext\n",
        },
    )
    shown = _run(site, "check", "--show-settings", "blog", "notes")
    assert shown.returncode == 0, shown.stderr
    assert "configuration: none (postlint's defaults)" in shown.stdout
    assert f"blog/_posts/2020-01-01-a.md: markdown: kramdown (GFM input, parse_block_html: false), from {site / 'blog' / '_config.yml'}" in shown.stdout
    assert "notes/b.md: markdown: commonmark, from the default (no site configuration found)" in shown.stdout
    verbose = _run(site, "check", "-v", "--no-cache", "blog", "notes")
    assert "postlint: 1 post: markdown: kramdown" in verbose.stderr
    assert "they are read as CommonMark (set `markdown` in postlint.toml" in verbose.stderr
    # The kramdown post's <b> swallows the rest of the post: kramdown prints </div> as text.
    assert "MK003" in verbose.stdout


def test_the_cache_follows_a_renderer_change(tmp_path):
    """A post's result depends on its site's _config.yml: a change there is a new result."""
    site = _site(tmp_path, {"_config.yml": "markdown: kramdown\n", "_posts/2020-01-01-a.md": "---\ntitle: a\n---\n**상태 머신(State Machine)**이라고\n"})
    first = _run(site, "check", "--select", "MK002", ".")
    assert first.returncode == 0, first.stdout  # kramdown renders it bold
    (site / "_config.yml").write_text("markdown: CommonMark\n", encoding="utf-8")
    second = _run(site, "check", "--select", "MK002", ".")
    assert second.returncode == 1 and "MK002" in second.stdout  # CommonMark prints the asterisks


def _codes(text: str, markdown: str) -> list[tuple[str, int]]:
    from conftest import lint

    post, diagnostics = lint(text, "MK001", "MK002", "MK003", markdown=markdown)
    return [(d.code, post.lines.line_of(d.start)) for d in diagnostics]


def test_python_markdown_reads_raw_html_and_paragraphs_as_it_does():
    # Checked with Python-Markdown 3.8.2 and 3.11 (zvc's call: fenced_code, tables, nl2br).
    # A <div> at a line's start holds raw HTML through the blank line: its ** print.
    raw = "<div>\n\n**그대로**\n\n</div>\n"
    assert _codes(raw, "python-markdown") == [("MK002", 3)]
    # A <span> line is a paragraph: Markdown renders inside it, even across a line break that
    # CommonMark reads as the end of an HTML block.
    span = '<span style="font-size: 11pt;">\n**굵게** 글</span>\n'
    assert _codes(span, "python-markdown") == []
    assert _codes(span, "commonmark") == [("MK002", 2)]
    # `**` closed after a space is emphasis to Python-Markdown (not to CommonMark).
    assert _codes("<span>**기타 **</span> 글\n", "python-markdown") == []
    # A list item right under text does not start a list: the <span> runs on to the line's end.
    listed = "<span>글\n 1. 항목</span>\n"
    assert _codes(listed, "python-markdown") == []
