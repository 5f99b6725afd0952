"""What a rule is, and the registry of all of them.

A rule is one small module under ``postlint.rules.<family>`` holding one function decorated
with :func:`rule`. The function receives the post and its resolved options and yields
:class:`~postlint.diagnostics.Problem` s; it mutates nothing and knows nothing of the CLI.
"""

from __future__ import annotations

import enum
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from postlint.diagnostics import Problem, Safety, Severity

CODE_PATTERN = re.compile(r"(FM|MK|ST|SRC|PL)\d{3}")
FAMILIES = {
    "FM": "front matter",
    "MK": "markup",
    "ST": "inline style",
    "SRC": "attribution and links",
    "PL": "postlint itself",
}


class FixAvailability(str, enum.Enum):
    NONE = "none"
    SOMETIMES = "sometimes"
    ALWAYS = "always"


@dataclass(frozen=True, slots=True)
class Option:
    """An option's default and, optionally, the values it may take. An option set by the site's
    house profile names its key there (``house="text-colors"``): several rules may read one key,
    and it is set once, in ``[house]``, not per rule."""

    default: Any
    help: str
    choices: tuple[Any, ...] = ()
    minimum: int | float | None = None
    house: str | None = None

    def validate(self, value: Any) -> str | None:
        """Return why ``value`` is not acceptable, or None."""
        default = self.default
        if isinstance(default, bool):
            ok, expected = isinstance(value, bool), "true or false"
        elif isinstance(default, (int, float)):
            ok, expected = isinstance(value, (int, float)) and not isinstance(value, bool), "a number"
        elif isinstance(default, list):
            ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
            expected = "a list of strings"
        else:
            ok, expected = isinstance(value, type(default)), f"a {type(default).__name__}"
        if not ok:
            return f"expected {expected}, got {value!r}"
        if self.choices and value not in self.choices:
            return f"expected one of {', '.join(map(repr, self.choices))}, got {value!r}"
        if self.minimum is not None and value < self.minimum:
            return f"expected at least {self.minimum}, got {value!r}"
        return None


Check = Callable[[Any, dict[str, Any]], Iterable[Problem]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    summary: str
    check: Check = field(repr=False)
    severity: Severity = Severity.ERROR
    fix: FixAvailability = FixAvailability.NONE
    safety: Safety | None = None  # the safety of its fixes when it has any
    formatting: bool = False  # its fixes only change formatting: ``postlint format`` applies them
    options: dict[str, Option] = field(default_factory=dict)
    # A house rule enforces one site's choices (palette, required keys …) and runs only when the
    # house profile sets one of its house options; a defect rule is right on any site as it is.
    house: bool = False

    @property
    def family(self) -> str:
        return CODE_PATTERN.fullmatch(self.code).group(1)

    @property
    def kind(self) -> str:
        return "house" if self.house else "defect"

    def house_keys(self) -> list[str]:
        """The house profile keys this rule reads."""
        return [option.house for option in self.options.values() if option.house]

    def defaults(self) -> dict[str, Any]:
        return {name: option.default for name, option in self.options.items()}


_REGISTRY: dict[str, Rule] = {}


def rule(
    *,
    code: str,
    name: str,
    summary: str,
    severity: Severity = Severity.ERROR,
    fix: FixAvailability = FixAvailability.NONE,
    safety: Safety | None = None,
    formatting: bool = False,
    options: dict[str, Option] | None = None,
    house: bool = False,
) -> Callable[[Check], Rule]:
    """Declare a rule: ``@rule(code="MK001", name="stray-asterisk", …) def check(post, options)``."""
    if not CODE_PATTERN.fullmatch(code):
        raise ValueError(f"bad rule code {code!r}")
    if (fix is FixAvailability.NONE) != (safety is None):
        raise ValueError(f"{code}: a rule with fixes states their safety, and only such a rule")
    if house and not any(option.house for option in (options or {}).values()):
        raise ValueError(f"{code}: a house rule reads at least one house profile key")

    def register(check: Check) -> Rule:
        declared = Rule(code, name, summary, check, severity, fix, safety, formatting, dict(options or {}), house)
        if code in _REGISTRY and _REGISTRY[code].check is not check:
            raise ValueError(f"rule code {code} registered twice")
        _REGISTRY[code] = declared
        return declared

    return register


def all_rules() -> dict[str, Rule]:
    """Every rule, by code, importing the rule modules on first use."""
    if not _REGISTRY:
        import postlint.rules as package

        for family in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            family_package = importlib.import_module(family.name)
            for module in pkgutil.iter_modules(family_package.__path__, family.name + "."):
                importlib.import_module(module.name)
    return dict(sorted(_REGISTRY.items()))
