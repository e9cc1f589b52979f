"""Shared helpers of the step library: the step-text parser and datatable readers."""

from __future__ import annotations

from typing import Any

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
