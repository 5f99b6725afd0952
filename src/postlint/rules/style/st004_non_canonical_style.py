"""ST004 non-canonical-style: a style attribute not written in the canonical form
``prop: value;`` separated by single spaces, lowercase properties and hex colours, a trailing
``;``, no duplicate properties."""

from __future__ import annotations

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.rule import FixAvailability, rule
from postlint.rules.style import _css as css


@rule(
    code="ST004",
    name="non-canonical-style",
    summary="a style attribute not in the canonical form `prop: value;` (single spaces, lowercase, trailing `;`, no duplicates)",
    fix=FixAvailability.ALWAYS,
    safety=Safety.SAFE,
    formatting=True,
)
def check(post, options):
    text = post.text
    for style in css.styles(post):
        if not style.declarations or style.comments or style.escapes:
            continue  # nothing to write, or CSS this rule will not rewrite
        if any(declaration.error is not None for declaration in style.declarations):
            continue  # ST001 reports it; rewriting around an unreadable part would fight its fix
        canonical, reasons = _canonical(style)
        attribute = style.attribute
        written = text[style.start : style.end]
        if canonical == written and attribute.quote:
            continue
        if attribute.quote:
            content = canonical
        elif '"' not in canonical:
            content = f'"{canonical}"'
        elif "'" not in canonical:
            content = f"'{canonical}'"
        else:
            continue  # no quote would hold it; leave it to the writer
        if not attribute.quote:
            reasons.insert(0, "unquoted")
        yield Problem(
            style.start,
            style.end,
            f"style is not in canonical form ({', '.join(reasons)}); write `{canonical}`",
            Fix.safe("rewrite the style canonically", Edit(style.start, style.end, content)),
        )


def _canonical(style) -> tuple[str, list[str]]:
    declarations = style.declarations
    winners: dict[str, css.Declaration] = {}
    for declaration in declarations:
        current = winners.get(declaration.name)
        # CSS: the last declaration wins, unless an earlier one is !important and it is not.
        if current is None or declaration.important or not current.important:
            winners[declaration.name] = declaration
    kept = [declaration for declaration in declarations if winners[declaration.name] is declaration]
    parts = [f"{declaration.name}: {css.serialize_value(style, declaration)};" for declaration in kept]
    canonical = " ".join(parts)
    return canonical, _reasons(style, declarations, kept, canonical)


def _reasons(style, declarations, kept, canonical) -> list[str]:
    reasons = []
    if len(kept) < len(declarations):
        dropped = [declaration.name for declaration in declarations if declaration not in kept]
        reasons.append("duplicate " + ", ".join(f"`{name}`" for name in dict.fromkeys(dropped)))
    names = [_slice(style, d.name_start, d.name_end) for d in declarations if not d.name.startswith("--")]
    if any(name != name.lower() for name in names):
        reasons.append("uppercase property")
    if any(token.type == "hash" and token.value != token.value.lower() for d in declarations for token in d.tokens):
        reasons.append("uppercase hex colour")
    if declarations[-1].semicolon < 0:
        reasons.append("no trailing `;`")
    if not reasons:
        reasons.append("spacing")
    return reasons


def _slice(style, start, end) -> str:
    return style.attribute.value[start - style.start : end - style.start]
