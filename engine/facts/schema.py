"""The type system of facts: field kinds, fact types and the schema of every type rules may name.

Rules are checked against this schema, so a misspelt field or a string compared with a number
is a located error at validation time, never a silent non-match in the engine
(durable-rules compares strings and numbers lexicographically).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from engine.facts.fact import Scalar, show_value

_PLACEHOLDER = re.compile(r"\{([a-z_0-9]+)\}")
_MISSING_WITH_WORD = re.compile(r"(,\s*)?(\b[A-Za-z_]+\s+)?\0")
_EMPTY_BRACKETS = re.compile(r"\(\s*,?\s*\)")
_SPACE_BEFORE_BRACKET = re.compile(r"\s+\)")
_SPACES = re.compile(r"\s+")


class FieldKind(str, Enum):
    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"

    def accepts(self, value: object) -> bool:
        if self is FieldKind.BOOLEAN:
            return isinstance(value, bool)
        if isinstance(value, bool):
            return False
        if self is FieldKind.TEXT:
            return isinstance(value, str)
        if self is FieldKind.INTEGER:
            return isinstance(value, int)
        return isinstance(value, (int, float))


@dataclass(frozen=True)
class FieldDomain:
    """What a field may hold, as its declaration says (``engine.facts.fields``): the words of a
    one-of field, the inclusive range and unit of a measure. Empty where nothing is declared."""

    kind: FieldKind
    values: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    unit: str = ""
    closed: bool = True  # another word is an error; False for the names of a per-field type (a warning)


# A per-field fact type (``lab``): the key field, the value field, and per key the value's domain.
Keyed = tuple[str, str, dict[str, FieldDomain]]


@dataclass(frozen=True)
class FactType:
    name: str
    fields: dict[str, FieldKind]
    label: str
    derived: bool
    description: str = ""
    domains: dict[str, FieldDomain] = field(default_factory=dict)
    keyed: Keyed | None = None

    def describe(self, values: dict[str, Scalar]) -> str:
        """A short human label for a fact, e.g. ``genotype CYP2C19 *2/*2``."""
        def fill(match: re.Match[str]) -> str:
            value = values.get(match.group(1))
            return "\0" if value is None else show_value(value)

        text = _PLACEHOLDER.sub(fill, self.label)
        # drop the words that introduce a missing value ("activity {x}", "of {y}"), then empty brackets
        text = _MISSING_WITH_WORD.sub("", text)
        text = _EMPTY_BRACKETS.sub("", text)
        text = _SPACE_BEFORE_BRACKET.sub(")", text)
        return _SPACES.sub(" ", text).strip()


@dataclass
class FactSchema:
    """Every fact type a pack may use: the input types plus the pack's derived types."""

    types: dict[str, FactType]

    def get(self, name: str) -> FactType | None:
        return self.types.get(name)

    def names(self) -> list[str]:
        return sorted(self.types)
