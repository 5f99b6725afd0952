"""The post model: decoding, line index, front matter spans, Markdown blocks, HTML structure."""

from __future__ import annotations

import pytest

from postlint.document import DecodeError, LineIndex, Post, decode, start_of_line
from postlint.renderer import Renderer
from postlint.visible import visible_text


def test_decode_keeps_bom_out_of_the_text_and_remembers_it():
    text, bom = decode("\ufeff---\n".encode("utf-8"))
    assert (text, bom) == ("---\n", True)
    post = Post(text, bom=bom)
    assert post.encode() == b"\xef\xbb\xbf---\n"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"ok \xff\xfe", "not valid UTF-8: byte 0xff at byte offset 3"),
        (b"\xef\xbb\xbfab\xc3", "not valid UTF-8: byte 0xc3 at byte offset 5"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file (a PNG image)"),
        (b"abc\x00def", "binary file: NUL byte at byte offset 3"),
        ("\ufeffhi".encode("utf-16"), "UTF-16"),
    ],
)
def test_decode_refuses_what_is_not_a_utf8_post(data, message):
    with pytest.raises(DecodeError) as raised:
        decode(data)
    assert message in raised.value.message


def test_line_index_counts_crlf_and_lone_cr_and_characters_not_bytes():
    index = LineIndex("가나\r\nb\rc\nd")
    assert index.location(0) == (1, 1)
    assert index.location(1) == (1, 2)  # the second Hangul syllable: column 2, not byte 4
    assert index.location(4) == (2, 1)
    assert index.location(6) == (3, 1)
    assert index.location(8) == (4, 1)
    assert index.line_text(1) == "가나"
    assert index.line_count == 4


FRONT = "---\ntitle: 안녕\ncategories:\n  - News\ntitle: again\n---\nbody\n"


def test_front_matter_spans_every_entry_duplicates_included():
    post = Post(FRONT)
    front = post.front_matter
    assert front.terminated and front.error is None
    assert post.body_start == FRONT.index("body")
    assert [entry.key for entry in front.entries] == ["title", "categories", "title"]
    title = front.entries[0]
    assert FRONT[title.key_start : title.key_end] == "title"
    assert FRONT[title.value_start : title.value_end] == "안녕"
    assert FRONT[title.entry_start : title.entry_end] == "title: 안녕\n"
    categories = front.entries[1]
    assert FRONT[categories.entry_start : categories.entry_end] == "categories:\n  - News\n"
    assert front.data == {"title": "again", "categories": ["News"]}


def test_broken_yaml_is_located_in_the_file():
    text = "---\ntitle: a\nbad: [1\n---\n"
    front = Post(text).front_matter
    assert front.error is not None
    line, column = Post(text).lines.location(front.error.offset)
    assert (line, column) == (4, 1)


def test_unterminated_and_missing_front_matter():
    assert Post("---\ntitle: x\n").front_matter.terminated is False
    assert Post("title: x\n").front_matter is None
    assert Post("").front_matter is None


def test_alias_bomb_is_refused_without_expanding_it():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        previous = chr(ord("a") + level - 1)
        name = chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + previous] * 10)}]")
    text = "---\n" + "\n".join(lines) + "\n---\n"
    front = Post(text).front_matter
    assert front.error is not None and "refusing" in front.error.message


def test_markdown_blocks_know_code_html_and_text():
    text = "---\nt: 1\n---\npara *x*\n\n```\n<b>code\n```\n\n<div>\n**html**\n</div>\n\n    indented\n\n`<i>` span\n"
    blocks = Post(text).markdown
    kinds = [(block.kind, text[block.start : block.end].splitlines()[0]) for block in blocks.blocks]
    assert kinds == [
        ("text", "para *x*"),
        ("code", "```"),
        ("html", "<div>"),
        ("code", "    indented"),
        ("text", "`<i>` span"),
    ]
    assert [text[start:end] for start, end in blocks.inline_code] == ["`<i>`"]


@pytest.mark.parametrize(
    "body, expected",
    [
        ("<div>\nline\n\nafter\n", ["<div>\nline\n", "after\n"]),
        ("<div>\r\nline\r\n  \r\nafter\r\n", ["<div>\r\nline\r\n", "after\r\n"]),
        ("<div>\rline\r\rafter\r", ["<div>\rline\r", "after\r"]),
        ("<div>\r\n\r\nafter", ["<div>\r\n", "after"]),
        # A line of U+00A0 is not blank to CommonMark (checked with cmark): the block goes on.
        ("<div>\nline\n\u00a0\t\nafter\n", ["<div>\nline\n\u00a0\t\nafter\n"]),
        ("<div>\nline", ["<div>\nline"]),
        ("<div>\nline\n   ", ["<div>\nline\n"]),
        ("<p>a</p>\n\n\r\n \n<p>b</p>\n", ["<p>a</p>\n", "<p>b</p>\n"]),
    ],
)
def test_html_blocks_end_at_the_first_blank_line_whatever_the_line_breaks(body, expected):
    text = "---\nt: 1\n---\n" + body
    blocks = Post(text).markdown.blocks
    assert [text[block.start : block.end] for block in blocks] == expected


def test_liquid_tags_and_raw_regions_are_opaque():
    text = "{% raw %}<b>{% endraw %} {{ page.title }} {% if x %}<i>{% endif %}\n"
    blocks = Post(text).markdown
    assert [text[start:end] for start, end in blocks.liquid] == [
        "{% raw %}<b>{% endraw %}",
        "{{ page.title }}",
        "{% if x %}",
        "{% endif %}",
    ]


def test_html_sees_misnesting_unclosed_and_stray_tags_as_written():
    text = "<p><b><span>x</b></span></p>\n\n<h3>a</h2>\n\ntext <b>bold\n\n</i>\n"
    html = Post(text).html
    assert [(item.outer.name, item.inner.name) for item in html.misnested] == [("b", "span")]
    assert [(item.element.name, item.end_tag.name) for item in html.mismatched] == [("h3", "h2")]
    assert [(item.element.name, item.reason, text[: item.at].splitlines()[-1]) for item in html.unclosed] == [
        ("b", "block", "text <b>bold")
    ]
    assert [tag.name for tag in html.stray_end_tags] == ["i"]


def test_html_attributes_have_exact_value_spans():
    text = "<a href='x y' rel=dofollow data-x = \"1\" hidden>"
    tag = Post(text).html.tags()[0]
    spans = {attribute.name: text[attribute.value_start : attribute.value_end] for attribute in tag.attributes}
    assert spans == {"href": "x y", "rel": "dofollow", "data-x": "1", "hidden": ""}
    assert tag.attribute("hidden").value is None


def test_glued_hangul_and_unterminated_tags_are_visible():
    html = Post("<b>x</b고 y\n").html
    tag = html.tags()[1]
    assert (tag.name, tag.glued, tag.terminated) == ("b", "고", False)


def test_deep_nesting_does_not_recurse():
    text = "<span>" * 100_000 + "x" + "</span>" * 100_000
    html = Post(text).html
    assert len(html.elements) == 100_000 and not html.unclosed and not html.stray_end_tags


def test_script_text_is_not_parsed_for_tags():
    html = Post("<script>if (a </b> b) {}</script>\n").html
    assert [tag.name for tag in html.tags()] == ["script", "script"]
    assert not html.stray_end_tags


def test_visible_text_leaves_out_tags_and_decodes_entities():
    post = Post("<p>안녕&nbsp;<b>세상</b> hello_world 3&amp;4</p>")
    assert visible_text(post) == "안녕\u00a0세상 hello_world 3&4"


@pytest.mark.parametrize(
    "renderer, body, seen",
    [
        # kramdown renders emphasis glued to Hangul; CommonMark's flanking rules do not.
        ("kramdown", "**상태 머신**이라고\n", "상태 머신이라고"),
        ("commonmark", "**상태 머신(State)**이라고\n", "**상태 머신(State)**이라고"),
        # kramdown: an end tag that closes nothing open is printed; Markdown in raw HTML is not rendered.
        ("kramdown", "<div><b>x</div>\n\n**y**\n", "x</div>**y**"),
        ("none", "<p>*x*</p>", "*x*"),
        # Link destinations, image descriptions and list markers are not text.
        ("commonmark", "* [a_b](http://x/y_z) ![alt_text](i.png)\n", "a_b"),
    ],
)
def test_visible_text_follows_the_renderer(renderer, body, seen):
    post = Post(body, "post.md", renderer=Renderer(renderer, "test", generator="jekyll" if renderer == "kramdown" else ""))
    assert "".join(visible_text(post).split()) == "".join(seen.split())


def test_an_edited_post_keeps_its_front_matter_only_when_the_edits_leave_it_alone():
    post = Post("---\ntitle: a\n---\nbody\n")
    assert post.edited("---\ntitle: a\n---\nbody!\n", 17).front_matter is post.front_matter
    retitled = post.edited("---\ntitle: b\n---\nbody\n", 11)
    assert retitled.front_matter is not post.front_matter and retitled.front_matter.data == {"title": "b"}
    unterminated = Post("---\ntitle: a\n")
    closed = unterminated.edited("---\ntitle: a\n---\n", len(unterminated.text))
    assert closed.front_matter.terminated


@pytest.mark.parametrize(
    "text, offset, expected",
    [("abc", 2, 0), ("a\nbc", 3, 2), ("a\r\nbc", 4, 3), ("a\rbc", 3, 2), ("a\rb\nc", 5, 4), ("a\nb\rc", 5, 4), ("a\n", 2, 2)],
)
def test_start_of_line_knows_every_line_break(text, offset, expected):
    assert start_of_line(text, offset) == expected
