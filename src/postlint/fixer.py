"""Applies fixes: non-overlapping fixes whole, then re-parse and re-lint, until nothing applies.

A pass whose result breaks the front matter or changes what the reader sees beyond what its fixes
declare is not kept: its fixes are tried one by one and those that do harm are dropped (and
reported as PL003).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from postlint.diagnostics import Diagnostic, Edit, Fix, Safety, Severity, apply_edits
from postlint.document import Post
from postlint.engine import Linter
from postlint.visible import visible_changes

MAX_PASSES = 10
_CONTEXT = 24  # characters on each side that identify a refused fix in later passes
FIX_NOT_APPLIED = "PL003"


@dataclass(slots=True)
class FixOutcome:
    post: Post  # the fixed post
    diagnostics: list[Diagnostic]  # what remains on the fixed post, PL003 notes included
    applied: Counter = field(default_factory=Counter)  # fixes applied, by code
    fixes: list[tuple[str, Fix]] = field(default_factory=list)  # the fixes applied, in order

    @property
    def changed(self) -> bool:
        return sum(self.applied.values()) > 0


def fixable(diagnostic: Diagnostic, unsafe: bool, codes: set[str] | None = None) -> bool:
    fix = diagnostic.fix
    if fix is None or (fix.safety is Safety.UNSAFE and not unsafe):
        return False
    return codes is None or diagnostic.code in codes


def select_fixes(fixes: list[tuple[str, Fix]]) -> list[tuple[str, Fix]]:
    """The fixes, in order, that touch nothing an earlier chosen fix touches."""
    taken: list[tuple[int, int]] = []  # sorted, disjoint spans of the chosen edits
    chosen = []
    for code, fix in sorted(fixes, key=lambda item: (item[1].start, item[1].end)):
        if any(_overlaps(taken, edit) for edit in fix.edits) or _self_overlapping(fix):
            continue
        for edit in fix.edits:
            taken.insert(bisect_left(taken, (edit.start, edit.end)), (edit.start, edit.end))
        chosen.append((code, fix))
    return chosen


def _overlaps(taken: list[tuple[int, int]], edit: Edit) -> bool:
    index = bisect_left(taken, (edit.start, edit.end))
    for neighbour in taken[max(0, index - 1) : index + 1]:
        start, end = neighbour
        if start < edit.end and edit.start < end:
            return True
        if start == end == edit.start == edit.end:  # two insertions at one place: order unknown
            return True
        if edit.start == edit.end and start < edit.start < end or start == end and edit.start < start < edit.end:
            return True
    return False


def _self_overlapping(fix: Fix) -> bool:
    return any(later.start < earlier.end for earlier, later in zip(fix.edits, fix.edits[1:]))


def keeps_content(before: Post, after: Post, chosen: list[tuple[str, Fix]]) -> str | None:
    """Why ``after`` is not an acceptable result of applying ``chosen`` to ``before``, or None: the
    front matter must still parse, and what the reader sees (as the site's renderer shows it) may
    change only inside the fixes' edits and only as they declare."""
    old_front, new_front = before.front_matter, after.front_matter
    if old_front is not None and old_front.terminated and old_front.error is None:
        if new_front is None or not new_front.terminated or new_front.error is not None:
            return "the front matter would no longer parse"
    edits = sorted((edit for _, fix in chosen for edit in fix.edits), key=lambda edit: (edit.start, edit.end))
    removed, added = visible_changes(before, after, edits)
    undeclared_removed = _undeclared(removed, "".join(fix.removes for _, fix in chosen))
    undeclared_added = _undeclared(added, "".join(fix.adds for _, fix in chosen))
    if undeclared_removed:
        return f"visible text would be lost ({_shown(undeclared_removed)})"
    if undeclared_added:
        return f"text would appear that the reader does not see now ({_shown(undeclared_added)})"
    return None


def _undeclared(changed: str, declared: str) -> str:
    """The characters of ``changed`` the fixes did not declare, in their order (whitespace aside)."""
    allowance = Counter("".join(declared.split()))
    left = []
    for character in changed:
        if character.isspace():
            continue
        if allowance[character] > 0:
            allowance[character] -= 1
        else:
            left.append(character)
    return "".join(left)


def _shown(text: str) -> str:
    return f"`{text[:40]}…`" if len(text) > 40 else f"`{text}`"


def fix_post(
    post: Post,
    linter: Linter,
    *,
    unsafe: bool = False,
    path: Path | None = None,
    codes: set[str] | None = None,
    diagnostics: list[Diagnostic] | None = None,
) -> FixOutcome:
    """Fix ``post`` until no fix applies; ``codes`` limits the fixes to those rules."""
    applied: Counter = Counter()
    fixes: list[tuple[str, Fix]] = []
    notes: list[tuple[str, str, Diagnostic]] = []  # refused fixes: code, fix title, PL003 note
    rejected: set[tuple] = set()
    current = post
    current_diagnostics = diagnostics if diagnostics is not None else linter.lint(post, path)
    for _ in range(MAX_PASSES):
        candidates = [
            (diagnostic.code, diagnostic.fix)
            for diagnostic in current_diagnostics
            if fixable(diagnostic, unsafe, codes) and _key(current.text, diagnostic.code, diagnostic.fix) not in rejected
        ]
        chosen = select_fixes(candidates)
        if not chosen:
            break
        result = _apply(current, chosen)
        problem = keeps_content(current, result, chosen)
        if problem is not None:
            kept = []
            for code, fix, reason in _harmless(current, chosen):
                if reason is None:
                    kept.append((code, fix))
                else:
                    rejected.add(_key(current.text, code, fix))
                    _note(notes, code, fix, _not_applied(current, code, fix, reason))
            result = _apply(current, kept)
            if len(kept) > 1 and keeps_content(current, result, kept) is not None:
                # Harmless apart, harmful together (each fixes what another one's text depends
                # on): take the first alone; the next pass lints again and offers the rest anew.
                kept = kept[:1]
                result = _apply(current, kept)
            if kept and keeps_content(current, result, kept) is not None:
                for code, fix in kept:
                    rejected.add(_key(current.text, code, fix))
                    _note(notes, code, fix, _not_applied(current, code, fix, "together with other fixes, " + problem))
                continue
            chosen = kept
        applied.update(code for code, _ in chosen)
        fixes.extend(chosen)
        current = result
        current_diagnostics = linter.lint(current, path)
    else:
        if any(fixable(diagnostic, unsafe, codes) for diagnostic in current_diagnostics):
            notes.append((
                "",
                "",
                Diagnostic(
                    FIX_NOT_APPLIED,
                    f"fixes did not converge after {MAX_PASSES} passes; some fixes were left out. Please report this",
                    0,
                    0,
                    Severity.WARNING,
                ),
            ))
    # A refused fix that a later pass applied after all (another fix repaired what it broke) is
    # no longer worth a note: keep the notes of fixes the fixed post still offers.
    offered = {(diagnostic.code, diagnostic.fix.title) for diagnostic in current_diagnostics if diagnostic.fix}
    notes = _within([note for code, title, note in notes if not code or (code, title) in offered], current)
    return FixOutcome(current, sorted(current_diagnostics + notes, key=lambda item: item.sort_key), applied, fixes)


def _harmless(post: Post, chosen: list[tuple[str, Fix]]):
    """Each fix of a pass that does harm as a whole, with why it does harm alone (None: it does
    not). Halves that keep the content are accepted whole, so a pass of hundreds of fixes with
    one bad one costs a few dozen checks, not hundreds."""
    if len(chosen) == 1:
        code, fix = chosen[0]
        yield code, fix, keeps_content(post, _apply(post, chosen), chosen)
        return
    middle = len(chosen) // 2
    for half in (chosen[:middle], chosen[middle:]):
        if keeps_content(post, _apply(post, half), half) is None:
            yield from ((code, fix, None) for code, fix in half)
        else:
            yield from _harmless(post, half)


def _apply(post: Post, chosen: list[tuple[str, Fix]]) -> Post:
    edits = sorted((edit for _, fix in chosen for edit in fix.edits), key=lambda edit: (edit.start, edit.end))
    if not edits:
        return post
    return post.edited(apply_edits(post.text, edits), edits[0].start)


def _key(text: str, code: str, fix: Fix) -> tuple:
    """Identifies a fix across passes, where offsets move: its code, what it replaces with what,
    and the text it spans with some around it (so that the same edit somewhere else is not taken
    for it, and a refused fix whose inside another fix has since repaired is tried again)."""
    edits = tuple((text[edit.start : edit.end], edit.content) for edit in fix.edits)
    return (code, fix.title, edits, text[max(0, fix.start - _CONTEXT) : fix.end + _CONTEXT])


def _note(notes: list[tuple[str, str, Diagnostic]], code: str, fix: Fix, note: Diagnostic) -> None:
    """Report a refused fix once, though it may be offered again in later passes."""
    if all(existing.message != note.message for _, _, existing in notes):
        notes.append((code, fix.title, note))


def _not_applied(post: Post, code: str, fix: Fix, reason: str) -> Diagnostic:
    return Diagnostic(
        FIX_NOT_APPLIED,
        f"fix not applied for {code} ({fix.title}): {reason}; fix it by hand",
        fix.start,
        fix.end,
        Severity.WARNING,
    )


def _within(notes: list[Diagnostic], final: Post) -> list[Diagnostic]:
    """Notes point into the text of the pass that made them; keep them inside the final text."""
    limit = len(final.text)
    return [
        Diagnostic(note.code, note.message, min(note.start, limit), min(note.end, limit), note.severity)
        for note in notes
    ]
