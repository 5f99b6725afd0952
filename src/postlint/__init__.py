"""postlint: a linter and fixer for blog posts written as Markdown with raw HTML and YAML front matter."""

__version__ = "0.1.0"
