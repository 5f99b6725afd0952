"""Hypothesis strategies: posts built from real building blocks, with the defects rules target.

The blocks in ``tests/fixtures/blocks/`` are verbatim copies of lines from the seeds and the
shared corpus (``ORIGIN.md`` says which). A generated post is a front matter (or none), a few
blocks joined the way the generator joins them (paragraphs, generated sentences around emphasis
spans, headings, runs of spacer paragraphs, lists, tables, attribution lines, images, code and
Liquid), each block perhaps mutated with a defect (stray `` * ``, ``**bold**`` in HTML, unclosed,
misnested or stray ``<b>``/``<span>``/``</p>``, ``</b고``, ``rel="dofollow"``, off-canon styles,
emphasis crossing tags, suppression comments; the front matter: duplicate keys, a title spilling
over lines, title artifacts, a missing key), then random noise (``<``, ``>``, ``*``, ``&``,
Hangul, any character), a line-ending style (LF, CRLF, CR; noise may mix them), a BOM and a final
newline or not.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import strategies as st

BLOCKS = Path(__file__).resolve().parent / "fixtures" / "blocks"
SEPARATOR = "\n%%%%\n"


def load(kind: str) -> list[str]:
    text = (BLOCKS / f"{kind}.txt").read_text(encoding="utf-8")
    return [block.strip("\n") for block in text.split(SEPARATOR)]


FRONT_MATTERS = load("front_matter")
PARAGRAPHS = load("paragraph")
HEADINGS = load("heading")
SPACERS = load("spacer")
LISTS = load("list")
TABLES = load("table")
ATTRIBUTIONS = load("attribution")
MISC = load("misc")

_ALL_BLOCKS = "\n".join(PARAGRAPHS + HEADINGS + LISTS + TABLES)
HANGUL_WORDS = sorted(set(re.findall(r"[가-힣]{2,}", _ALL_BLOCKS)))
LATIN_WORDS = ["AWS", "CSAP", "SW", "Wi-Fi", "IT", "news"]
PARTICLES = ["은", "는", "이", "가", "을", "를", "고", "와", "과", "의", "에", "로", "라는", "이라고"]

PALETTE_STYLES = [
    "color: #ee2323;",
    "color: #1a5490;",
    "background-color: #21538527;",
    "background-color: #ffe066;",
]
# Styles as the corpus and the rules' docs show them going wrong, by the rule they are for.
BAD_STYLES = {
    "ST004": [
        "color:#EE2323", "COLOR: #ee2323;", "color: #ee2323", "color:  #ee2323 ;", "color: #ee2323;color: #1a5490;"
    ],
    "ST001": ["ee2323;", "#1a5490", "color: #12345;", "color: ;", "color #ee2323;"],
    "ST002": [
        "color: #ff0000;", "color: red;", "color: #1a5590;", "background-color: #ffe070;", "color: rgb(238, 35, 35);"
    ],
    "ST003": ["color: #21538527;", "background-color: #ee2323;", "background-color: #1a5490;"],
    "ST006": ["font-family: 굴림; color: #ee2323;", "color: #1a5490; font-size: 18px;"],
    "other": ["color: #ee2323 !important;", "text-align: center; height: 17px;", "color: #ee2323; /* 강조 */", ""],
}
bad_style = st.sampled_from(list(BAD_STYLES.values())).flatmap(st.sampled_from)
any_style = st.one_of(st.sampled_from(PALETTE_STYLES), bad_style, bad_style)

# --- text pieces ---------------------------------------------------------------------------


def hangul_phrase(min_words: int = 1, max_words: int = 4) -> st.SearchStrategy[str]:
    word = st.one_of(st.sampled_from(HANGUL_WORDS), st.sampled_from(LATIN_WORDS))
    return st.lists(word, min_size=min_words, max_size=max_words).map(" ".join)


@st.composite
def emphasis_span(draw) -> str:
    """The house pattern ``<b><span style="color: #ee2323;">…</span></b>``, maybe with a bad style,
    or emphasis written another way (ST005: ``<span><b>``, ``<strong style>``, ``<font color>``)."""
    style = draw(any_style)
    inner = draw(hangul_phrase(1, 5))
    shape = draw(st.integers(0, 9))
    if shape == 7:
        return f'<span style="{style}"><b>{inner}</b></span>'
    if shape == 8:
        return f'<strong style="{style}">{inner}</strong>'
    if shape == 9:
        return f'<font color="#{draw(st.sampled_from(["ee2323", "1a5490", "EE2323"]))}">{inner}</font>'
    return f'<b><span style="{style}">{inner}</span></b>'


@st.composite
def generated_paragraph(draw) -> str:
    """A sentence around an emphasis span, as the generator writes them, in Markdown or in ``<p>``."""
    before = draw(hangul_phrase(0, 5))
    span = draw(emphasis_span())
    after = draw(st.sampled_from(["", " ", *PARTICLES, *[f"{p} " for p in PARTICLES]]))
    tail = draw(hangul_phrase(0, 5))
    sentence = f"{before} {span}{after}{tail}".strip(" ")
    wrapper = draw(st.sampled_from(["{}", "<p>{}</p>", '<p data-ke-size="size16">{}</p>', "<li>{}</li>"]))
    if wrapper == "<li>{}</li>":
        return f"<ul>\n  <li>{sentence}</li>\n</ul>"
    return wrapper.format(sentence)


@st.composite
def spacer_run(draw) -> str:
    spacer = draw(st.sampled_from(SPACERS))
    count = draw(st.integers(1, 7))
    joiner = draw(st.sampled_from(["\n\n", "\n", "\n \n"]))
    return joiner.join([spacer] * count)


# Code and Liquid, with the defects inside: rules must leave them alone.
CODE_BLOCKS = [
    "```html\n<b><span style=\"color:#EE2323\">강조</span></b> * 다음 문장\n<li>**굵게**</li>\n```",
    "~~~\n</b고 rel=\"dofollow\" <p>&nbsp;</p>\n\n<p>&nbsp;</p>\n~~~",
    "    <b>들여쓴</span> 코드 * 입니다",
    "<pre><b>미리</span> 서식 * **있는** 글</pre>",
    "<p>인라인 `**코드**` 와 `</b고` 그리고 <code>a * b</code></p>",
    "{% raw %}<b>**리퀴드**</b> * {% endraw %}",
    "{{ page.title | append: ' * ' }} 그리고 {% if x %}<b>{% endif %}",
    '{% include note.html text="가 <b>나</b></span> * 다" %}',
]


def block() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(PARAGRAPHS),
        generated_paragraph(),
        generated_paragraph(),
        st.sampled_from(HEADINGS),
        spacer_run(),
        st.sampled_from(LISTS),
        st.sampled_from(TABLES),
        st.sampled_from(ATTRIBUTIONS),
        st.sampled_from(MISC),
        st.sampled_from(CODE_BLOCKS),
    )


# --- defects -------------------------------------------------------------------------------


def _replace_nth(draw, text: str, pattern: str, replacement) -> str:
    """Replace one match of ``pattern`` (chosen by hypothesis) by ``replacement(match)``."""
    matches = list(re.finditer(pattern, text))
    if not matches:
        return text
    match = matches[draw(st.integers(0, len(matches) - 1))]
    new = replacement(match) if callable(replacement) else match.expand(replacement)
    return text[: match.start()] + new + text[match.end() :]


def stray_asterisk(draw, text: str) -> str:
    stars = draw(st.sampled_from([" * ", " ** ", " *** ", " *", "* "]))
    where = r"</b>(?= )|(?<=[가-힣.]) (?=[가-힣])|(?<=<p>)|(?<=<li>)"
    return _replace_nth(draw, text, where, lambda m: m.group() + stars)


def markdown_emphasis(draw, text: str) -> str:
    delimiter = draw(st.sampled_from(["**", "__", "*", "_"]))
    return _replace_nth(draw, text, r"[가-힣]+(?: [가-힣]+)?", lambda m: f"{delimiter}{m.group()}{delimiter}")


def drop_end_tag(draw, text: str) -> str:
    return _replace_nth(draw, text, r"</(?:b|span|strong|a|h[1-6]|ul|ol|table|blockquote)>", "")


def misnest(draw, text: str) -> str:
    return _replace_nth(draw, text, r"</span></b>", "</b></span>")


def glue_hangul(draw, text: str) -> str:
    """``</b>고`` → ``</b고``, or ``<b>`` → ``<b는>``."""
    if draw(st.booleans()):
        return _replace_nth(draw, text, r"</b>(?=[가-힣])", "</b")
    particle = draw(st.sampled_from(PARTICLES))
    return _replace_nth(draw, text, r"</?b(?=>)", lambda m: m.group() + particle)


def dofollow(draw, text: str) -> str:
    value = draw(st.sampled_from(["dofollow", "dofollow noopener", "nofollow dofollow", "DOFOLLOW", "follow"]))
    if 'rel="' in text and draw(st.booleans()):
        return _replace_nth(draw, text, r'rel="[^"]*"', f'rel="{value}"')
    return _replace_nth(draw, text, r"<a (?=href)", f'<a rel="{value}" ')


def restyle(draw, text: str) -> str:
    style = draw(bad_style)
    return _replace_nth(draw, text, r'(?<=style=")[^"]*(?=")', lambda m: style)


def insert_markup(draw, text: str) -> str:
    """An empty inline element, a stray end tag, an entity or a document tag between two words."""
    piece = draw(
        st.sampled_from(
            ["<b></b>", '<span style="color: #ee2323;"></span>', "</span>", "</b>", "</p>", "&nbsp;",
             "&amp;", "&lt;b&gt;", "<br>", "<body>", "</html>", "<!-- 메모 -->", "<em>", "<strong>"]
        )
    )
    return _replace_nth(draw, text, r"(?<=[가-힣]) (?=[가-힣])|(?<=>)(?=[가-힣])", lambda m: m.group() + piece)


def tangle(draw, text: str) -> str:
    """Emphasis that crosses or nests tags: ``**가 <b>나</b> 다**``, ``<b><span><i>…</b></span></i>``."""
    phrase = r"([가-힣]+) ([가-힣]+)"
    if draw(st.booleans()):
        stars = draw(st.sampled_from(["**", "***", "*"]))
        return _replace_nth(draw, text, phrase, rf"{stars}\1 <b>\2</b>{stars}")
    return _replace_nth(draw, text, phrase, r'<b><span style="color: #ee2323;"><i>\1 \2</b></span></i>')


def suppression(draw, text: str) -> str:
    """A suppression comment (``postlint-disable…``/``postlint-enable``) before the block."""
    comment = draw(
        st.sampled_from(
            ["<!-- postlint-disable-next-line MK001 -->", "<!-- postlint-disable MK002,MK005 -->",
             "<!-- postlint-disable -->", "<!-- postlint-enable -->", "<!-- postlint-disable-file ST004 -->",
             "<!-- postlint-disable-next-line -->"]
        )
    )
    return comment + draw(st.sampled_from(["\n", " ", "\n\n"])) + text


BODY_DEFECTS = [
    stray_asterisk, markdown_emphasis, drop_end_tag, misnest, glue_hangul, dofollow, restyle, insert_markup,
    tangle, suppression,
]


@st.composite
def defective_block(draw) -> str:
    text = draw(block())
    for defect in draw(st.lists(st.sampled_from(BODY_DEFECTS), max_size=3)):
        text = defect(draw, text)
    return text


# --- front matter --------------------------------------------------------------------------


def duplicate_key(draw, front: str) -> str:
    """Repeat an entry (identical: FM005's safe case; also multi-line ones such as ``categories:``
    with its list) or give a one-line key a second value."""
    lines = front.split("\n")
    starts = [i for i, line in enumerate(lines) if re.match(r"[a-z_]+:", line)]
    if not starts:
        return front
    index = starts[draw(st.integers(0, len(starts) - 1))]
    stop = index + 1
    while stop < len(lines) - 1 and (lines[stop].startswith(" ") or not lines[stop]):
        stop += 1
    entry = lines[index:stop]
    if len(entry) == 1 and draw(st.booleans()):
        entry = [entry[0].split(":")[0] + ": 다른 값"]
    where = draw(st.sampled_from([stop, len(lines) - 1]))  # right after it, or last
    return "\n".join(lines[:where] + entry + lines[where:])


def spill_title(draw, front: str) -> str:
    spill = draw(
        st.sampled_from(
            ["2. 다른 제목 후보", "여기서부터 우리의 10개 단어 이내의 기사 제목을 만들어볼까요? \n\n도둑이 경찰 검사 반발 확산…탄핵안에 대응?", "(150자)"]
        )
    )
    return re.sub(r"(?m)^(title: .*)$", lambda m: m.group(1) + "\n" + spill, front, count=1)


def title_artifact(draw, front: str) -> str:
    shape = draw(st.sampled_from(["1. {}", "\"'{}'\"", "{} (150자)", "'\"{}\"'"]))
    return re.sub(r"(?m)^title: (.*)$", lambda m: "title: " + shape.format(m.group(1)), front, count=1)


def drop_key(draw, front: str) -> str:
    key = draw(st.sampled_from(["image", "title", "categories"]))
    return re.sub(rf"(?m)^{key}:.*\n(?:  .*\n)*", "", front, count=1)


def add_source(draw, front: str) -> str:
    return front.replace("\n---", "\nsource_url: https://newsdao.kr/2615\n---", 1)


FRONT_DEFECTS = [duplicate_key, spill_title, title_artifact, drop_key, add_source]


@st.composite
def front_matter(draw) -> str:
    if draw(st.integers(0, 9)) == 0:
        return ""
    front = draw(st.sampled_from(FRONT_MATTERS))
    for defect in draw(st.lists(st.sampled_from(FRONT_DEFECTS), max_size=2)):
        front = defect(draw, front)
    return front + "\n"


# --- noise and encoding --------------------------------------------------------------------

NOISE_PIECES = [
    "<", ">", "*", "**", "&", "&nbsp;", "&#", ";", "/", '"', "'", "=", "_", "`", "```", "\n", "\r",
    "\r\n", "\t", " ", "\u00a0", "#", "- ", "{%", "%}", "{{", "<!--", "-->", "<b>", "</b>", "<span>",
    "</span>", "<p>", "</p>", "<li>", "---", "\ufeff", "😀",
]
noise_piece = st.one_of(
    st.sampled_from(NOISE_PIECES),
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=3),
)


@st.composite
def noisy(draw, text: str, max_insertions: int = 4) -> str:
    for _ in range(draw(st.integers(0, max_insertions))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(noise_piece) + text[at:]
    return text


@st.composite
def post_texts(draw, max_blocks: int = 6, max_noise: int = 4) -> tuple[str, bool]:
    """The text of a post (without BOM) and whether the file has a BOM."""
    front = draw(front_matter())
    blocks = draw(st.lists(defective_block(), min_size=1, max_size=max_blocks))
    joiner = draw(st.sampled_from(["\n\n", "\n", "\n\n\n"]))
    text = front + ("\n" if front and draw(st.booleans()) else "") + joiner.join(blocks)
    text += draw(st.sampled_from(["\n", "", "\n\n", " \n", '\n<b><span style="color: #ee2323;">끝']))
    ending = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    if ending != "\n":
        text = text.replace("\n", ending)
    text = draw(noisy(text, max_noise))  # after the endings: noise may mix them
    return text, draw(st.integers(0, 7)) == 0


@st.composite
def post_bytes(draw, max_blocks: int = 6, max_noise: int = 4) -> bytes:
    text, bom = draw(post_texts(max_blocks, max_noise))
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
