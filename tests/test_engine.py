"""The engine and fixer with stand-in rules: edit application, overlaps, convergence, safety,
suppressions and internal errors."""

from __future__ import annotations

from pathlib import Path

from postlint.config import Config
from postlint.diagnostics import Edit, Fix, Problem, Safety, apply_edits
from postlint.document import Post
from postlint.engine import Linter
from postlint.fixer import MAX_PASSES, fix_post, select_fixes
from postlint.rule import FixAvailability, Rule

from conftest import spans


def make_rule(code, check, fix=FixAvailability.ALWAYS, safety=Safety.SAFE):
    return Rule(code, f"test-{code.lower()}", "a stand-in rule", check, fix=fix, safety=safety)


def linter_with(*rules):
    linter = Linter(Config(select=["PL"]))
    linter.rules = [(rule, {}) for rule in rules]
    linter.enabled_codes |= {rule.code for rule in rules}
    return linter


def delete_each(char, safety=Safety.SAFE):
    """Reports every ``char`` and deletes it."""

    def check(post, options):
        for index, found in enumerate(post.text):
            if found == char:
                yield Problem(index, index + 1, f"a {char!r}", Fix((Edit.delete(index, index + 1),), safety, "delete", removes=char))

    return check


def test_apply_edits_in_one_pass():
    text = "abcdef"
    assert apply_edits(text, [Edit(0, 1, "A"), Edit(3, 3, "-"), Edit(4, 6, "")]) == "Abc-d"


def test_overlapping_fixes_wait_for_the_next_pass():
    first = Fix.safe("one", Edit(0, 3, "x"))
    overlapping = Fix.safe("two", Edit(2, 4, "y"))
    touching = Fix.safe("three", Edit(3, 5, "z"))
    insert_a = Fix.safe("four", Edit.insert(7, "a"))
    insert_b = Fix.safe("five", Edit.insert(7, "b"))
    chosen = select_fixes([("A", first), ("B", overlapping), ("C", touching), ("D", insert_a), ("E", insert_b)])
    assert [code for code, _ in chosen] == ["A", "C", "D"]


def test_a_fix_with_several_edits_is_applied_whole_or_not_at_all():
    spread = Fix.safe("spread", Edit(0, 1, "X"), Edit(10, 11, "Y"))
    blocker = Fix.safe("blocker", Edit(10, 12, ""))
    chosen = select_fixes([("B", blocker), ("A", spread)])
    assert [code for code, _ in chosen] == ["A"]


def test_fixer_converges_and_counts_fixes():
    linter = linter_with(make_rule("MK901", delete_each("*")))
    outcome = fix_post(Post("a * b ** c"), linter)
    assert outcome.post.text == "a  b  c"
    assert outcome.applied["MK901"] == 3
    assert outcome.diagnostics == []


def test_unsafe_fixes_need_permission():
    linter = linter_with(make_rule("MK901", delete_each("*", Safety.UNSAFE), safety=Safety.UNSAFE))
    assert fix_post(Post("a * b"), linter).post.text == "a * b"
    assert fix_post(Post("a * b"), linter, unsafe=True).post.text == "a  b"


def test_a_fix_that_loses_words_is_thrown_away_and_reported():
    def eat_words(post, options):
        start = post.text.index("word")
        yield Problem(start, start + 4, "eats a word", Fix.safe("eat", Edit.delete(start, start + 4)))

    linter = linter_with(make_rule("MK902", eat_words), make_rule("MK901", delete_each("*")))
    outcome = fix_post(Post("x * a word"), linter)
    assert outcome.post.text == "x  a word"
    notes = [d for d in outcome.diagnostics if d.code == "PL003"]
    assert len(notes) == 1 and "visible text would be lost" in notes[0].message


def test_a_fix_that_changes_what_it_does_not_declare_is_thrown_away():
    def undeclared(post, options):
        start = post.text.index("*")
        yield Problem(start, start + 1, "takes a star", Fix.safe("take", Edit.delete(start, start + 1)))

    def renders_elsewhere(post, options):
        # Removing the space after the list marker makes "*a* b" render "a" in italics: a `*` is lost.
        start = post.text.index("* ")
        yield Problem(start + 1, start + 2, "a space", Fix.safe("glue", Edit.delete(start + 1, start + 2)))

    outcome = fix_post(Post("x * y"), linter_with(make_rule("MK905", undeclared)))
    assert outcome.post.text == "x * y" and "visible text would be lost (`*`)" in outcome.diagnostics[-1].message
    outcome = fix_post(Post("* a* b\n"), linter_with(make_rule("MK906", renders_elsewhere)))
    assert outcome.post.text == "* a* b\n" and "visible text would be lost (`*`)" in outcome.diagnostics[-1].message


def test_a_fix_that_breaks_the_front_matter_is_thrown_away():
    def break_yaml(post, options):
        yield Problem(4, 5, "x", Fix.safe("break", Edit(4, 5, "[")))

    outcome = fix_post(Post("---\na: 1\n---\n"), linter_with(make_rule("FM901", break_yaml)))
    assert outcome.post.text == "---\na: 1\n---\n"
    assert "front matter would no longer parse" in outcome.diagnostics[-1].message


def test_a_fix_that_never_converges_is_capped_and_reported():
    def grow(post, options):
        yield Problem(0, 0, "grow", Fix.safe("grow", Edit.insert(len(post.text), "!"), adds="!"))

    outcome = fix_post(Post("a"), linter_with(make_rule("MK903", grow)))
    assert outcome.post.text == "a" + "!" * MAX_PASSES
    assert "did not converge" in outcome.diagnostics[-1].message


def test_a_rule_that_raises_is_pl001_and_the_others_still_run():
    def broken(post, options):
        yield Problem(0, 1, "first")
        raise ValueError("boom")

    linter = linter_with(make_rule("MK904", broken, FixAvailability.NONE, None), make_rule("MK901", delete_each("*")))
    diagnostics = linter.lint(Post("*"))
    assert [d.code for d in diagnostics] == ["PL001", "MK901"]
    assert "internal error in MK904" in diagnostics[0].message and "ValueError: boom" in diagnostics[0].message


def test_text_outside_edits_is_byte_identical():
    text = "\ufeff---\r\ntitle: x  \r\n---\r\n{% raw %}*{% endraw %} a * b\r\nlast"
    linter = linter_with(make_rule("MK901", delete_each("*")))
    post = Post(text[1:], bom=True)
    fixed = fix_post(post, linter).post
    assert post.encode(fixed.text) == "\ufeff---\r\ntitle: x  \r\n---\r\n{% raw %}{% endraw %} a  b\r\nlast".encode()


class TestSuppressions:
    rule = make_rule("MK901", delete_each("*"))

    def lint(self, text):
        post = Post(text)
        linter = linter_with(self.rule)
        linter.enabled_codes.add("PL100")
        return spans(post, linter.lint(post))

    def test_disable_and_enable_a_range(self):
        text = "*\n<!-- postlint-disable MK901 -->\n*\n<!-- postlint-enable -->\n*\n"
        assert self.lint(text) == ["MK901 1:1-1:2", "MK901 5:1-5:2"]

    def test_disable_next_line(self):
        text = "<!-- postlint-disable-next-line MK901 -->\n* *\n*\n"
        assert self.lint(text) == ["MK901 3:1-3:2"]

    def test_disable_file_without_codes_silences_everything(self):
        assert self.lint("*\n<!-- postlint-disable-file -->\n*\n") == []

    def test_prefixes_work(self):
        assert self.lint("<!-- postlint-disable-file MK -->\n*\n") == []

    def test_an_unused_suppression_is_pl100(self):
        assert self.lint("<!-- postlint-disable-next-line MK901 -->\nclean\n") == ["PL100 1:1-1:42"]

    def test_a_suppression_of_rules_not_selected_is_not_unused(self):
        assert self.lint("<!-- postlint-disable-file FM003 -->\n") == []

    def test_suppressions_inside_code_do_nothing(self):
        assert self.lint("`<!-- postlint-disable-file -->`\n*\n") == ["MK901 2:1-2:2"]


def test_per_file_ignores(tmp_path: Path):
    config = Config(root=tmp_path, select=["SRC003"], per_file_ignores={"drafts/*.md": ["SRC"]})
    linter = Linter(config)
    post = Post('<a rel="dofollow">x</a>')
    assert linter.lint(post, tmp_path / "drafts" / "a.md") == []
    assert [d.code for d in linter.lint(post, tmp_path / "posts" / "a.md")] == ["SRC003"]
