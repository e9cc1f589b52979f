"""A lint finding: the project's located ``Diagnostic`` with a severity and a ``lint.<name>`` code.

Printed one per line as ``path:line:col: severity code: rule-id: message (hint: ...)`` and as JSON
objects with stable keys, both sorted by place, so that output is the same bytes for the same pack.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.source.diagnostics import Diagnostic, Location, Severity, sort_diagnostics

Finding = Diagnostic  # a lint finding is a diagnostic: every stage reports in one shape

JSON_KEYS = ("path", "line", "col", "severity", "code", "rule", "message", "hint")


def finding(location: Location, name: str, message: str, *, severity: Severity = Severity.ERROR,
            rule_id: str | None = None, hint: str | None = None) -> Finding:
    """A finding of the check ``name`` (its code is ``lint.<name>``)."""
    return Diagnostic(location, f"lint.{name}", message, severity=severity, rule_id=rule_id, hint=hint)


def format_line(item: Finding) -> str:
    rule = f"{item.rule_id}: " if item.rule_id else ""
    hint = f" (hint: {item.hint})" if item.hint else ""
    return f"{item.location}: {item.severity.value} {item.code}: {rule}{item.message}{hint}"


def counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    found = dict.fromkeys(Severity, 0)
    for item in findings:
        found[item.severity] += 1
    return found


def summary(findings: Iterable[Finding]) -> str:
    found = counts(findings)
    return ", ".join(f"{found[s]} {s.value}{'' if found[s] == 1 else 's'}" for s in Severity)


def format_text(findings: Iterable[Finding]) -> str:
    """Every finding on one line, sorted by place, then a count per severity."""
    ordered = sort_diagnostics(findings)
    return "\n".join([*(format_line(item) for item in ordered), summary(ordered)]) + "\n"


def as_json(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """The findings as objects with the keys of ``JSON_KEYS`` (line and col 0 when not known)."""
    return [{"path": item.location.path, "line": item.location.line, "col": item.location.col,
             "severity": item.severity.value, "code": item.code, "rule": item.rule_id,
             "message": item.message, "hint": item.hint}
            for item in sort_diagnostics(findings)]


def failing(findings: Iterable[Finding], *, strict: bool) -> bool:
    """Errors fail; with ``strict`` warnings do too; info never does."""
    failing_levels = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(item.severity in failing_levels for item in findings)
