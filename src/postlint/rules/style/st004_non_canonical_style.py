"""ST004 non-canonical-style: a style attribute not written in the canonical form
``prop: value;`` separated by single spaces, lowercase properties and hex colours, a trailing
``;``, no duplicate properties."""

from __future__ import annotations

from functools import lru_cache

from postlint.diagnostics import Edit, Fix, Problem, Safety
from postlint.rule import FixAvailability, Option, rule
from postlint.rules.style import _css as css


@rule(
    code="ST004",
    name="non-canonical-style",
    summary="a style attribute not in the canonical form `prop: value;` (single spaces, lowercase, trailing `;`, no duplicates)",
    fix=FixAvailability.ALWAYS,
    safety=Safety.SAFE,
    formatting=True,
    options={
        "canonical-style": Option(
            False, "write every style attribute in the canonical form", house="canonical-style"
        )
    },
    house=True,
)
def check(post, options):
    if not options["canonical-style"]:
        return
    for style in css.styles(post):
        rewrite = _rewrite(style.parsed, style.attribute.quote)
        if rewrite is not None:
            message, content = rewrite
            yield Problem(
                style.start, style.end, message, Fix.safe("rewrite the style canonically", Edit(style.start, style.end, content))
            )


@lru_cache(maxsize=4096)
def _rewrite(parsed, quote) -> tuple[str, str] | None:
    """The message and the new attribute value for a style value written with ``quote``, or None."""
    if not parsed.declarations or parsed.comments or parsed.escapes:
        return None  # nothing to write, or CSS this rule will not rewrite
    if any(declaration.error is not None for declaration in parsed.declarations):
        return None  # ST001 reports it; rewriting around an unreadable part would fight its fix
    canonical, reasons = _canonical(parsed)
    if canonical == parsed.text and quote:
        return None
    if quote:
        content = canonical
    elif '"' not in canonical:
        content = f'"{canonical}"'
    elif "'" not in canonical:
        content = f"'{canonical}'"
    else:
        return None  # no quote would hold it; leave it to the writer
    if not quote:
        reasons.insert(0, "unquoted")
    return f"style is not in canonical form ({', '.join(reasons)}); write `{canonical}`", content


def _canonical(parsed) -> tuple[str, list[str]]:
    declarations = parsed.declarations
    winners: dict[str, css.Declaration] = {}
    for declaration in declarations:
        current = winners.get(declaration.name)
        # CSS: the last declaration wins, unless an earlier one is !important and it is not.
        if current is None or declaration.important or not current.important:
            winners[declaration.name] = declaration
    kept = [declaration for declaration in declarations if winners[declaration.name] is declaration]
    parts = [f"{declaration.name}: {css.serialize_value(parsed, declaration)};" for declaration in kept]
    canonical = " ".join(parts)
    return canonical, _reasons(parsed, declarations, kept, canonical)


def _reasons(parsed, declarations, kept, canonical) -> list[str]:
    reasons = []
    if len(kept) < len(declarations):
        dropped = [declaration.name for declaration in declarations if declaration not in kept]
        reasons.append("duplicate " + ", ".join(f"`{name}`" for name in dict.fromkeys(dropped)))
    names = [parsed.text[d.name_start : d.name_end] for d in declarations if not d.name.startswith("--")]
    if any(name != name.lower() for name in names):
        reasons.append("uppercase property")
    if any(token.type == "hash" and token.value != token.value.lower() for d in declarations for token in d.tokens):
        reasons.append("uppercase hex colour")
    if declarations[-1].semicolon < 0:
        reasons.append("no trailing `;`")
    if not reasons:
        reasons.append("spacing")
    return reasons
