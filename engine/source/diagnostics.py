"""One located diagnostic record for every stage: source, schema, references, tests, runtime.

Printed as ``path:line:col: error[code] rule-id: message`` with an indented ``hint:``,
the shape GCC, OPA and semgrep use, so editors and CI annotators can jump to the spot.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # worth knowing, never a failure (careplan lint: e.g. a rule an institution pack overrides)


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and column in a file; line 0 means 'the file as a whole'."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        if self.col <= 0:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Diagnostic:
    location: Location
    code: str
    message: str
    severity: Severity = Severity.ERROR
    rule_id: str | None = None
    hint: str | None = None
    field_path: str | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (loc.path, loc.line, loc.col, self.code, self.message)

    def format(self) -> str:
        head = f"{self.location}: {self.severity.value}[{self.code}]"
        if self.rule_id:
            head += f" {self.rule_id}:"
        if self.field_path:
            head += f" {self.field_path}:"
        text = f"{head} {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text



@dataclass
class DiagnosticError(Exception):
    """Raised when input (rules, tables, templates, patient files, arguments) is not usable."""

    diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.report())

    def report(self) -> str:
        return format_report(self.diagnostics)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    unique = {d.format(): d for d in diagnostics}
    return sorted(unique.values(), key=Diagnostic.sort_key)


def format_report(diagnostics: Sequence[Diagnostic]) -> str:
    ordered = sort_diagnostics(diagnostics)
    errors = sum(1 for d in ordered if d.severity is Severity.ERROR)
    warnings = sum(1 for d in ordered if d.severity is Severity.WARNING)
    lines = [d.format() for d in ordered]
    lines.append(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
    return "\n".join(lines)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A 'did you mean' hint for a misspelt key or name, or None when nothing is close."""
    matches = difflib.get_close_matches(word, sorted(set(choices)), n=3, cutoff=0.6)
    if not matches:
        return None
    return "did you mean " + " or ".join(f"'{m}'" for m in matches) + "?"
