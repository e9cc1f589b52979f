"""Rule patterns checked against the declared domain of each field they test.

A pattern value that is not one of a one-of field's words (``smoking: nevr``) can never match:
under ``none:`` it silently disables an exclusion, under ``all:`` it silently disables the rule.
That is ``lint.unknown-value``, an error of every pack load. A pattern value or bound outside a
measure's declared range (``age: {gt: 150}``) is ``lint.out-of-range``, a warning. Both are located
at the value in the rule file (for a decision table, at the row that supplies it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.facts.schema import FactSchema, FactType, FieldDomain
from engine.lang.rule import RuleSource
from engine.source.diagnostics import Diagnostic, Severity, did_you_mean
from engine.source.document import PathKey

_NUMERIC_OPS = ("eq", "ne", "lt", "le", "gt", "ge")


def _constants(constraint: Any, at: PathKey) -> Iterator[tuple[Any, PathKey]]:
    """Every literal a field's constraint compares with, and where it is written."""
    if not isinstance(constraint, dict):
        yield constraint, at
        return
    for op, operand in constraint.items():
        if op in _NUMERIC_OPS and not isinstance(operand, dict):
            yield operand, (*at, op)
        elif op in ("in", "between") and isinstance(operand, list):
            yield from ((item, (*at, op, i)) for i, item in enumerate(operand) if not isinstance(item, dict))


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _finding(value: Any, domain: FieldDomain, field_name: str) -> tuple[str, str, str | None] | None:
    """(code, message, hint) when ``value`` lies outside ``domain``; None when it may match."""
    if domain.values and isinstance(value, str) and value not in domain.values:
        return ("lint.unknown-value", f"'{value}' is not a value of {field_name} ({', '.join(domain.values)})",
                did_you_mean(value, domain.values) or "a pattern with it can never match")
    number = _number(value)
    outside = number is not None and ((domain.low is not None and number < domain.low)
                                      or (domain.high is not None and number > domain.high))
    if outside:
        unit = f" {domain.unit}" if domain.unit else ""
        return ("lint.out-of-range", f"{value} is outside the declared range of {field_name} "
                f"({_plain(domain.low)}..{_plain(domain.high)}{unit})",
                "a patient file cannot hold such a value: check the number and its unit")
    return None


def _plain(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def _domains(fact_type: FactType, body: dict[str, Any]) -> dict[str, FieldDomain]:
    """The domains a pattern's fields are checked against; a per-field type's value by its name."""
    domains = dict(fact_type.domains)
    if fact_type.keyed is not None:
        key_field, value_field, by_key = fact_type.keyed
        key = body.get(key_field)
        if isinstance(key, str) and key in by_key:
            domains[value_field] = by_key[key]
    return domains


def _pattern_findings(source: RuleSource, schema: FactSchema, item: Any, at: PathKey) -> Iterator[Diagnostic]:
    if not isinstance(item, dict) or len(item) != 1:
        return
    ((type_name, body),) = item.items()
    fact_type = schema.get(type_name)
    if fact_type is None or not isinstance(body, dict):
        return
    domains = _domains(fact_type, body)
    for field_name, constraint in body.items():
        domain = domains.get(field_name)
        if domain is None:
            continue
        for value, where in _constants(constraint, (*at, type_name, field_name)):
            found = _finding(value, domain, f"{type_name}.{field_name}")
            if found is not None:
                code, message, hint = found
                # a declared word list is closed (an error); a per-field type's names (lab.name) are the
                # declared fields, which other packs and generated rules may outgrow (a warning)
                error = code == "lint.unknown-value" and domain.closed
                yield Diagnostic(source.doc.locate(list(where)), code, message,
                                 Severity.ERROR if error else Severity.WARNING,
                                 rule_id=source.spec.id, hint=hint)


def field_value_findings(sources: list[RuleSource], schema: FactSchema) -> list[Diagnostic]:
    """Every pattern value outside its field's declared domain, in every rule file of the pack."""
    found: list[Diagnostic] = []
    for source in sources:
        when = source.doc.data.get("when") if isinstance(source.doc.data, dict) else None
        if not isinstance(when, dict):
            continue
        for group in ("all", "any", "none"):
            items = when.get(group)
            for index, item in enumerate(items if isinstance(items, list) else []):
                found.extend(_pattern_findings(source, schema, item, ("when", group, index)))
    unique = {(d.location, d.code, d.message): d for d in found}
    return [unique[key] for key in sorted(unique, key=lambda k: (k[0], k[1], k[2]))]

