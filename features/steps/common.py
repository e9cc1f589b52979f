"""Shared helpers of the step library: the step-text parser and datatable readers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import pytest_bdd
from pytest_bdd import parsers

#: A patient facts file (docs/contract.md, section 2) under construction, as plain data.
PatientFacts = dict[str, Any]

#: The instant every plan in the features is generated at, so plans are reproducible.
GENERATED_AT = "2026-01-01T00:00:00Z"


class _Quoted:
    """A parse type for the text between a pair of double quotes (anything but a quote).

    With it, `the plan recommends "{action:q}" for "{drug:q}"` can never swallow the text of a
    longer step such as `... for "clopidogrel" with alternatives "prasugrel, ticagrelor"`.
    """

    pattern = r'[^"]*'

    def __call__(self, text: str) -> str:
        return text


def phrase(pattern: str) -> parsers.parse:
    """A `parsers.parse` step pattern that also knows the `:q` (quoted text) type."""
    return parsers.parse(pattern, extra_types={"q": _Quoted()})


def cell(text: str) -> int | float | str:
    """A datatable cell as a number when it reads as one (the patient model is strict), else text."""
    stripped = text.strip()
    try:
        return int(stripped)
    except ValueError:
        pass
    try:
        return float(stripped)
    except ValueError:
        return stripped


def records(datatable: list[list[str]]) -> list[dict[str, int | float | str]]:
    """Rows of a datatable with a header row, as dicts; blank cells are left out."""
    header = [name.strip() for name in datatable[0]]
    return [
        {name: cell(value) for name, value in zip(header, row, strict=True) if value.strip()} for row in datatable[1:]
    ]


def fields(datatable: list[list[str]]) -> dict[str, int | float | str]:
    """A two-column `field | value` datatable as a dict; the header row is optional."""
    rows = datatable[1:] if [c.strip() for c in datatable[0]] == ["field", "value"] else datatable
    return {name.strip(): cell(value) for name, value in rows if value.strip()}


def column(datatable: list[list[str]]) -> list[str]:
    """The cells of a one-column datatable under its header row."""
    return [row[0].strip() for row in datatable[1:] if row[0].strip()]


def words(text: str) -> list[str]:
    """A comma-separated list in a step ("prasugrel, ticagrelor") as its items."""
    return [item.strip() for item in text.split(",") if item.strip()]


def merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    """Add `extra` to the facts `into`: sections merge, lists grow, single values are replaced."""
    for key, value in extra.items():
        current = into.get(key)
        if isinstance(current, dict) and isinstance(value, dict):
            merge(current, value)
        elif isinstance(current, list) and isinstance(value, list):
            current.extend(value)
        else:
            into[key] = value


# --- the step registry: every step is declared with an example, which `careplan steps` lists --------

StepKind = Literal["given", "when", "then", "step"]
F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class StepDeclaration:
    """One step of the library as declared: its kind, its pattern and an example that it matches."""

    kind: StepKind  # "step": a When that may also stand as a Given (in a Background)
    pattern: str
    example: str  # the step's text without its keyword ("a patient \"p1\"")
    function: str


#: Every step of the library, in the order declared (filled as the step modules are imported).
STEPS: list[StepDeclaration] = []


def _declare(kind: StepKind, pattern: str, example: str, target_fixture: str | None) -> Callable[[F], F]:
    parser = phrase(pattern)
    # stacklevel 2: pytest-bdd puts the step's fixture in the module that declares the step, one frame up
    register = pytest_bdd.step(parser, None if kind == "step" else kind, target_fixture=target_fixture, stacklevel=2)

    def decorator(func: F) -> F:
        STEPS.append(StepDeclaration(kind, pattern, example, f"{func.__module__}.{func.__name__}"))
        register(func)  # pytest-bdd registers the step and hands the function back unchanged
        return func

    return decorator


def given(pattern: str, *, example: str, target_fixture: str | None = None) -> Callable[[F], F]:
    """A Given step; ``example`` is a step text it matches (checked by features/test_step_library.py)."""
    return _declare("given", pattern, example, target_fixture)


def when(pattern: str, *, example: str, target_fixture: str | None = None) -> Callable[[F], F]:
    return _declare("when", pattern, example, target_fixture)


def then(pattern: str, *, example: str, target_fixture: str | None = None) -> Callable[[F], F]:
    return _declare("then", pattern, example, target_fixture)


def step(pattern: str, *, example: str, target_fixture: str | None = None) -> Callable[[F], F]:
    """A step of any kind (a When that a Background may write as Given)."""
    return _declare("step", pattern, example, target_fixture)
