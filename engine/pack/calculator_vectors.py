"""A calculator's validation vectors (``knowledge/calculators/<name>-vectors.csv``), run by ``careplan validate``.

One row per expected estimate: the inputs (columns named as the calculator's inputs; an empty cell is
"not recorded"), ``expect_<field>`` columns naming the fact the row checks (every one but
``expect_value`` must equal the fact's field) and the value it must have within ``tolerance``
(percentage points), and a ``source`` saying where the vector was published. A vector that fails,
or that cannot be read, is an error at its line, so an equation that drifts from its published
examples fails validation instead of reaching a plan.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path

from engine.clinical.risk_inputs import RiskInputs
from engine.facts.fact import Fact, Scalar
from engine.facts.schema import FactSchema, FieldKind
from engine.pack.calculators import DeclaredCalculator
from engine.source.diagnostics import Diagnostic, Location, did_you_mean

_EXPECT = "expect_"
_FLAGS = {"true": True, "false": False}
_INPUT_KINDS = {f.name: str(f.type) for f in fields(RiskInputs)}


class VectorError(ValueError):
    """A cell that cannot be read; the message names its column."""


@dataclass(frozen=True)
class VectorReport:
    """What running one calculator's vectors found: how many passed, of how many, and the failures."""

    passed: int
    total: int
    diagnostics: tuple[Diagnostic, ...]


def _input_value(column: str, cell: str) -> Scalar | None:
    kind = _INPUT_KINDS[column]
    if cell == "":
        return False if kind == "bool" else None  # a flag not set is "no", as the normaliser reads it
    if kind.startswith("bool"):
        if cell not in _FLAGS:
            raise VectorError(f"column '{column}' takes true or false")
        return _FLAGS[cell]
    if kind.startswith("int"):
        if not cell.lstrip("-").isdigit():
            raise VectorError(f"column '{column}' takes a whole number")
        return int(cell)
    if kind.startswith("float"):
        try:
            return float(Decimal(cell))
        except InvalidOperation as exc:
            raise VectorError(f"column '{column}' takes a number") from exc
    return cell


def _expected(kind: FieldKind, column: str, cell: str) -> Scalar:
    if kind is FieldKind.INTEGER and cell.lstrip("-").isdigit():
        return int(cell)
    if kind is FieldKind.BOOLEAN and cell in _FLAGS:
        return _FLAGS[cell]
    if kind is FieldKind.TEXT:
        return cell
    raise VectorError(f"column '{column}' takes a {kind.value}")


def _decimal(column: str, cell: str) -> Decimal:
    try:
        return Decimal(cell)
    except InvalidOperation as exc:
        raise VectorError(f"column '{column}' takes a number") from exc


@dataclass
class _Runner:
    calculator: DeclaredCalculator
    schema: FactSchema
    display: str

    def header_errors(self, header: list[str]) -> list[Diagnostic]:
        fact_type = self.schema.get(self.calculator.spec.produces.fact)
        produced = sorted(fact_type.fields) if fact_type else []
        inputs = list(self.calculator.implementation.inputs)
        found: list[Diagnostic] = []
        for column in header:
            if column.startswith(_EXPECT):
                if column.removeprefix(_EXPECT) not in produced:
                    found.append(self.error(1, f"column '{column}' names no field of '{fact_type and fact_type.name}'",
                                             did_you_mean(column.removeprefix(_EXPECT), produced)))
            elif column not in (*inputs, "source", "tolerance"):
                found.append(self.error(1, f"column '{column}' is not an input of {self.calculator.name}",
                                         did_you_mean(column, inputs)))
        for needed in (f"{_EXPECT}{self.calculator.spec.produces.field}", "tolerance"):
            if needed not in header:
                found.append(self.error(1, f"the vectors need a '{needed}' column"))
        return found

    def run_row(self, line: int, row: dict[str, str]) -> Diagnostic | None:
        """None when the row's estimate is within tolerance; else the error at its line."""
        try:
            inputs = RiskInputs(**{c: _input_value(c, row.get(c, "").strip())  # type: ignore[arg-type]
                                   for c in _INPUT_KINDS})
            wanted, value, tolerance = self._wanted(row)
        except VectorError as exc:
            return self.error(line, str(exc))
        facts = [f for f in self.calculator.implementation.compute(inputs)
                 if all(f.values.get(k) == v for k, v in wanted.items())]
        described = ", ".join(f"{k} {v}" for k, v in wanted.items()) or self.calculator.spec.produces.fact
        if len(facts) != 1:
            return self.error(line, f"vector failed: {len(facts)} estimates match {described}, not one")
        got = facts[0].values.get(self.calculator.spec.produces.field)
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            why = _not_computed(facts[0])
            return self.error(line, f"vector failed: {described}: expected {value}, got no value ({why})")
        if abs(Decimal(repr(float(got))) - value) > tolerance:
            return self.error(line, f"vector failed: {described}: expected {value} ± {tolerance}, got {got:g}")
        return None

    def _wanted(self, row: dict[str, str]) -> tuple[dict[str, Scalar], Decimal, Decimal]:
        fact_type = self.schema.get(self.calculator.spec.produces.fact)
        kinds = fact_type.fields if fact_type else {}
        value_column = f"{_EXPECT}{self.calculator.spec.produces.field}"
        wanted = {c.removeprefix(_EXPECT): _expected(kinds[c.removeprefix(_EXPECT)], c, v.strip())
                  for c, v in row.items() if c.startswith(_EXPECT) and c != value_column and v.strip()}
        value = _decimal(value_column, row[value_column].strip())
        return wanted, value, _decimal("tolerance", row["tolerance"].strip())

    def error(self, line: int, message: str, hint: str | None = None) -> Diagnostic:
        return Diagnostic(Location(self.display, line, 1), "calculator.vector", message, hint=hint,
                          field_path=self.calculator.name)


def _not_computed(fact: Fact) -> str:
    parts = [str(fact.values[k]) for k in ("missing", "out_of_range") if k in fact.values]
    return "; ".join(parts) or "not calculated"


def run_vectors(root: Path, calculator: DeclaredCalculator, schema: FactSchema) -> VectorReport:
    """Every vector of one calculator; unreadable files and bad columns are errors too."""
    display = calculator.vectors_path
    runner = _Runner(calculator, schema, display)
    try:
        text = (root / display).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return VectorReport(0, 0, (runner.error(0, f"cannot read the vectors: {type(exc).__name__}"),))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or [])
    problems = runner.header_errors(header)
    if problems:
        return VectorReport(0, 0, tuple(problems))
    failures: list[Diagnostic] = []
    total = 0
    for row in reader:
        total += 1
        if None in row or any(v is None for v in row.values()):
            failures.append(runner.error(reader.line_num, "the row's cells do not match the header"))
            continue
        failure = runner.run_row(reader.line_num, row)
        if failure is not None:
            failures.append(failure)
    return VectorReport(total - len(failures), total, tuple(failures))


def run_pack_vectors(root: Path, calculators: tuple[DeclaredCalculator, ...],
                     schema: FactSchema) -> VectorReport:
    """Every declared calculator's vectors, as one report."""
    reports = [run_vectors(root, c, schema) for c in calculators]
    return VectorReport(sum(r.passed for r in reports), sum(r.total for r in reports),
                        tuple(d for r in reports for d in r.diagnostics))
