"""Configuration: found from the current directory upward, validated strictly, resolved once."""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pathspec

from postlint.rule import Option, Rule, all_rules

CONFIG_FILES = (".postlint.toml", "postlint.toml", "pyproject.toml")
ENGINE_CODES = {
    "PL001": "internal error in a rule",
    "PL002": "file unreadable, undecodable or binary",
    "PL003": "a fix was not applied: it did not converge or it would have lost text",
    "PL100": "unused suppression comment",
}
_KEYS = {"select", "ignore", "extend-select", "exclude", "per-file-ignores", "rules", "markdown", "house"}


class ConfigError(Exception):
    pass


@dataclass
class Config:
    root: Path = field(default_factory=Path.cwd)
    source: Path | None = None
    select: list[str] = field(default_factory=lambda: ["ALL"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    markdown: str | None = None  # the renderer, when set; else found from the site (renderer.py)
    # The site's house profile: its choices (palette, required keys …), read by the house rules.
    house: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for selector in [*self.select, *self.extend_select, *self.ignore]:
            _check_selector(selector, "selection")
        for pattern, codes in self.per_file_ignores.items():
            for code in codes:
                _check_selector(code, f"per-file-ignores {pattern!r}")
        self._exclude = pathspec.GitIgnoreSpec.from_lines(self.exclude)
        self._per_file = [
            (pathspec.GitIgnoreSpec.from_lines([pattern]), codes)
            for pattern, codes in self.per_file_ignores.items()
        ]

    def enabled_codes(self) -> list[str]:
        codes = [*all_rules(), *ENGINE_CODES]
        return sorted(code for code in codes if self._is_enabled(code))

    def enabled_rules(self) -> list[Rule]:
        rules = all_rules()
        return [rules[code] for code in self.enabled_codes() if code in rules]

    def _is_enabled(self, code: str) -> bool:
        chosen = _specificity(code, [*self.select, *self.extend_select])
        dropped = _specificity(code, self.ignore)
        if chosen <= dropped:
            return False
        rule = all_rules().get(code)
        return rule is None or not rule.house or self.enforces(rule)

    def enforces(self, rule: Rule) -> bool:
        """Whether the house profile gives the house rule something to enforce."""
        return any(key in self.house for key in rule.house_keys())

    def options_for(self, rule: Rule) -> dict[str, Any]:
        options = rule.defaults()
        for name, option in rule.options.items():
            if option.house and option.house in self.house:
                options[name] = self.house[option.house]
        options.update(self.rule_options.get(rule.code, {}))
        return options

    def is_excluded(self, path: Path) -> bool:
        if not self.exclude:
            return False
        relative = _relative(path, self.root)
        return relative is not None and self._exclude.match_file(relative)

    def ignored_codes(self, path: Path) -> list[str]:
        if not self._per_file:
            return []
        relative = _relative(path, self.root) or path.as_posix()
        return [code for spec, codes in self._per_file if spec.match_file(relative) for code in codes]

    def fingerprint(self) -> str:
        """Identifies the resolved configuration (for the cache), without loading the rules: the
        settings given resolve to the same rules and options as long as the version, which names
        the cache file too, is the same."""
        settings = {
            "select": self.select,
            "extend-select": self.extend_select,
            "ignore": self.ignore,
            "per-file-ignores": self.per_file_ignores,
            "rules": self.rule_options,
            "markdown": self.markdown,
            "house": self.house,
        }
        return hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _specificity(code: str, selectors: list[str]) -> int:
    best = -1
    for selector in selectors:
        if selector == "ALL":
            best = max(best, 0)
        elif code.startswith(selector):
            best = max(best, len(selector))
    return best


def _check_selector(selector: Any, where: str) -> None:
    if not isinstance(selector, str):
        raise ConfigError(f"{where}: rule selector {selector!r} is not a string")
    if selector == "ALL":
        return
    if not any(code.startswith(selector) for code in [*all_rules(), *ENGINE_CODES]):
        raise ConfigError(f"{where}: unknown rule code or prefix {selector!r} (see `postlint rules`)")


def find_config_file(start: Path) -> Path | None:
    for directory in [start, *start.parents]:
        for name in CONFIG_FILES:
            candidate = directory / name
            if not candidate.is_file():
                continue
            if name != "pyproject.toml" or "postlint" in _read_toml(candidate).get("tool", {}):
                return candidate
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None


def load_config(explicit: Path | None = None, cwd: Path | None = None) -> Config:
    """The configuration from ``explicit``, else the nearest config file, else the defaults."""
    cwd = cwd or Path.cwd()
    path = explicit if explicit is not None else find_config_file(cwd)
    if path is None:
        return Config(root=cwd)
    if explicit is not None and not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("postlint", {})
    return config_from_mapping(data, root=path.parent.resolve(), source=path)


def config_from_mapping(data: dict[str, Any], root: Path, source: Path | None = None) -> Config:
    where = str(source) if source else "configuration"
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known keys: {', '.join(sorted(_KEYS))})")
    try:
        return Config(
            root=root,
            source=source,
            select=_string_list(data, "select", ["ALL"], where),
            extend_select=_string_list(data, "extend-select", [], where),
            ignore=_string_list(data, "ignore", [], where),
            exclude=_string_list(data, "exclude", [], where),
            per_file_ignores=_per_file_ignores(data.get("per-file-ignores", {}), where),
            rule_options=_rule_options(data.get("rules", {}), where),
            markdown=_markdown(data.get("markdown"), where),
            house=_house(data.get("house", {}), where),
        )
    except ConfigError as error:
        message = str(error)
        raise ConfigError(message if message.startswith(where) else f"{where}: {message}") from None


def _string_list(data: dict[str, Any], key: str, default: list[str], where: str) -> list[str]:
    value = data.get(key, default)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where}: {key!r} must be a list of strings, got {value!r}")
    return list(value)


def _markdown(value: Any, where: str) -> str | None:
    from postlint.renderer import RENDERERS

    if value is None:
        return None
    if value not in RENDERERS:
        raise ConfigError(f"{where}: 'markdown' must be one of {', '.join(map(repr, RENDERERS))}, got {value!r}")
    return value


def _per_file_ignores(value: Any, where: str) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'per-file-ignores' must be a table of glob = [codes]")
    for pattern, codes in value.items():
        if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
            raise ConfigError(f"{where}: per-file-ignores {pattern!r} must be a list of codes, got {codes!r}")
    return {pattern: list(codes) for pattern, codes in value.items()}


def house_options() -> dict[str, Option]:
    """Every house profile key, with the option (of the first rule reading it) that validates it."""
    keys: dict[str, Option] = {}
    for rule in all_rules().values():
        for option in rule.options.values():
            if option.house:
                keys.setdefault(option.house, option)
    return keys


def _house(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'house' must be a table of the site's choices")
    known = house_options()
    for key, item in value.items():
        option = known.get(key)
        if option is None:
            raise ConfigError(f"{where}: house: unknown key {key!r} (keys: {', '.join(sorted(known))})")
        problem = option.validate(item)
        if problem:
            raise ConfigError(f"{where}: house.{key}: {problem}")
    return dict(value)


def _rule_options(value: Any, where: str) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'rules' must be a table of rule codes")
    rules = all_rules()
    resolved: dict[str, dict[str, Any]] = {}
    for code, options in value.items():
        rule = rules.get(code)
        if rule is None:
            raise ConfigError(f"{where}: unknown rule {code!r} in [rules] (see `postlint rules`)")
        if not isinstance(options, dict):
            raise ConfigError(f"{where}: rules.{code} must be a table of options")
        for option_name, option_value in options.items():
            option = rule.options.get(option_name)
            if option is None:
                known = ", ".join(name for name, option in rule.options.items() if not option.house) or "none"
                raise ConfigError(f"{where}: rules.{code}: unknown option {option_name!r} (options: {known})")
            if option.house:
                raise ConfigError(
                    f"{where}: rules.{code}.{option_name}: a house choice; set `{option.house}` in [house]"
                )
            problem = option.validate(option_value)
            if problem:
                raise ConfigError(f"{where}: rules.{code}.{option_name}: {problem}")
        resolved[code] = dict(options)
    return resolved
