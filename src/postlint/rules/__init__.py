"""The rules, one module each, in a package per family: frontmatter (FM), markup (MK), style (ST),
source (SRC). Every module under these packages is imported by :func:`postlint.rule.all_rules`."""
