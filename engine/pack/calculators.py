"""The pack's risk calculators (``knowledge/calculators.yaml``): which shipped equations it runs, on what.

Each entry names a calculator, its version and citation record, the implementation (one of
``engine.clinical.calculators.IMPLEMENTATIONS``: a pack picks among the equations careplan ships and
tests, it never supplies code), every input as the patient fact field it comes from with its unit and
the range the equations were validated in, the fact it produces, and its validation vectors. The
declaration is checked against the implementation, so what the pack says about an equation (its
inputs, its ranges, what happens outside them) cannot drift from what the engine does. A pack without
the file runs no calculator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.clinical.calculators import IMPLEMENTATIONS, RiskCalculator
from engine.clinical.risk_inputs import InputRange
from engine.facts.schema import FactSchema
from engine.pack.citations import Citations
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, did_you_mean
from engine.source.document import SourceDoc, load_file
from engine.source.pydantic_errors import diagnostics_from

CALCULATORS_FILE = "knowledge/calculators.yaml"
_NAME = re.compile(r"[a-z][a-z0-9_-]*")


class InputSpec(BaseModel):
    """One input: the patient fact field(s) it is read from, its unit, and its validated range."""

    model_config = ConfigDict(extra="forbid", defer_build=True)
    field: str | list[str] = Field(description="the fact field(s) it is read from: 'patient.age', 'lab.egfr'")
    unit: str = ""
    range: tuple[float, float] | None = Field(default=None, description="[low, high], inclusive")
    upper: Literal["inclusive", "exclusive"] = "inclusive"
    whole: bool = Field(default=False, description="only whole numbers are in range")
    outside: Literal["not-calculated"] | None = Field(
        default=None, description="what happens outside the range: the estimate is not given, and says why")
    description: str = ""


class OutputSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    fact: str = Field(description="the fact type it produces, declared in a fact-types.yaml")
    field: str = "value"
    unit: str


class CalculatorSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    title: str
    version: str
    implementation: str = Field(description="a calculator careplan ships: " + ", ".join(sorted(IMPLEMENTATIONS)))
    cite: str = Field(description="the key of its record in knowledge/citations.yaml")
    produces: OutputSpec
    inputs: dict[str, InputSpec]
    vectors: str = Field(description="its validation vectors, a CSV under knowledge/: calculators/pce-vectors.csv")
    description: str = ""


@dataclass(frozen=True)
class DeclaredCalculator:
    """A pack's calculator: the shipped implementation and what the pack declares about it."""

    name: str
    spec: CalculatorSpec
    location: Location  # the entry's key in knowledge/calculators.yaml

    @property
    def implementation(self) -> RiskCalculator:
        """The shipped equations the declaration names (looked up, not held, so the compiled-pack
        cache can write a declaration: it holds data only)."""
        return IMPLEMENTATIONS[self.spec.implementation]

    @property
    def vectors_path(self) -> str:
        return f"knowledge/{self.spec.vectors}"


@dataclass
class _Checker:
    doc: SourceDoc
    name: str
    spec: CalculatorSpec
    implementation: RiskCalculator
    schema: FactSchema
    diagnostics: list[Diagnostic]

    def error(self, at: tuple[str | int, ...], code: str, message: str, hint: str | None = None) -> None:
        path = (self.name, *at)
        self.diagnostics.append(Diagnostic(self.doc.locate(path), code, message, hint=hint,
                                           field_path=".".join(str(p) for p in path)))

    def check(self, citations: Citations, root: Path) -> None:
        self._check_output()
        self._check_inputs()
        if citations.find(self.spec.cite) is None:
            self.error(("cite",), "ref.unknown-citation",
                       f"'{self.spec.cite}' is not a record of knowledge/citations.yaml",
                       hint=did_you_mean(self.spec.cite, citations.every_name()) or "add the record first")
        if not (root / "knowledge" / self.spec.vectors).is_file():
            self.error(("vectors",), "ref.missing-file", f"knowledge/{self.spec.vectors} does not exist",
                       hint="a calculator ships its validation vectors (docs/risk-calculators.md)")

    def _check_output(self) -> None:
        produced = self.spec.produces.fact
        if produced != self.implementation.fact_type:
            self.error(("produces", "fact"), "calculator.wrong-fact",
                       f"{self.spec.implementation} produces '{self.implementation.fact_type}', not '{produced}'")
            return
        fact_type = self.schema.get(produced)
        if fact_type is None:
            self.error(("produces", "fact"), "ref.unknown-fact-type", f"fact type '{produced}' is not declared",
                       hint="declare it in a knowledge fact-types.yaml")
        elif self.spec.produces.field not in fact_type.fields:
            self.error(("produces", "field"), "ref.unknown-field",
                       f"'{produced}' has no field '{self.spec.produces.field}'",
                       hint=did_you_mean(self.spec.produces.field, sorted(fact_type.fields)))

    def _check_inputs(self) -> None:
        reads = self.implementation.inputs
        for name, spec in self.spec.inputs.items():
            if name not in reads:
                self.error(("inputs", name), "calculator.unknown-input",
                           f"{self.spec.implementation} reads no input '{name}'",
                           hint=did_you_mean(name, list(reads)) or "it reads " + ", ".join(reads))
                continue
            for index, written in enumerate([spec.field] if isinstance(spec.field, str) else spec.field):
                at = ("inputs", name, "field") + (() if isinstance(spec.field, str) else (index,))
                self._check_field(at, written)
            self._check_range(name, spec)
        for name in reads:
            if name not in self.spec.inputs:
                self.error(("inputs",), "calculator.undeclared-input",
                           f"input '{name}', which {self.spec.implementation} reads, is not declared",
                           hint=f"declare where it comes from: '{name}: {{field: ..., unit: ...}}'")

    def _check_field(self, at: tuple[str | int, ...], written: str) -> None:
        type_name, _, field_name = written.partition(".")
        fact_type = self.schema.get(type_name)
        if fact_type is None or not field_name:
            self.error(at, "calculator.unknown-field", f"'{written}' is not a fact field the pack declares",
                       hint="write the fact type and field, e.g. 'patient.age' or 'lab.egfr'")
            return
        names = sorted(fact_type.keyed[2]) if fact_type.keyed else sorted(fact_type.fields)
        if field_name not in names:
            self.error(at, "calculator.unknown-field", f"'{type_name}' has no field '{field_name}' in this pack",
                       hint=did_you_mean(field_name, names) or "declare the field in knowledge/fields.yaml first")

    def _check_range(self, name: str, spec: InputSpec) -> None:
        validated = self.implementation.ranges.get(name)
        if spec.range is None:
            if validated is not None:
                self.error(("inputs", name), "calculator.missing-range",
                           f"{self.spec.implementation} was validated for {validated.text(name)}; declare that range",
                           hint=f"range: [{validated.low:g}, {validated.high:g}], outside: not-calculated")
            return
        low, high = spec.range
        declared = InputRange(low, high, spec.unit, spec.upper == "exclusive", spec.whole)
        if low >= high:
            self.error(("inputs", name, "range"), "calculator.bad-range",
                       "the range's low bound must be below its high bound")
        elif validated is None:
            self.error(("inputs", name, "range"), "calculator.bad-range",
                       f"{self.spec.implementation} has no validated range for '{name}'", hint="remove the range")
        elif declared != replace(validated, unit=spec.unit):
            self.error(("inputs", name, "range"), "calculator.bad-range",
                       f"this is not the range {self.spec.implementation} was validated in: {validated.text(name)}"
                       + (" (upper bound excluded)" if validated.below_high else ""),
                       hint="the range states what the equations do; careplan checks it instead of trusting it")
        elif spec.unit != validated.unit:
            self.error(("inputs", name, "unit"), "calculator.bad-unit",
                       f"{self.spec.implementation} reads '{name}' in {validated.unit or 'no unit'}")
        if spec.outside is None:
            self.error(("inputs", name), "calculator.missing-outside",
                       "say what happens outside the range", hint="outside: not-calculated")


def _entries(doc: SourceDoc, diagnostics: list[Diagnostic]) -> list[tuple[str, CalculatorSpec]]:
    if not isinstance(doc.data, dict):
        diagnostics.append(Diagnostic(doc.locate([]), "schema.wrong-type",
                                      "a calculators file maps each calculator's name to its declaration",
                                      hint="write 'prevent: {implementation: prevent-2024, ...}' at the top level"))
        return []
    entries: list[tuple[str, CalculatorSpec]] = []
    for name, body in doc.data.items():
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            diagnostics.append(Diagnostic(doc.locate([name], key=True), "schema.bad-value",
                                          f"'{name}' is not a calculator name", hint="lower-case, e.g. prevent"))
            continue
        try:
            entries.append((name, CalculatorSpec.model_validate(body)))
        except ValidationError as exc:
            diagnostics.extend(diagnostics_from(exc, doc, CalculatorSpec, prefix=(name,)))
    return entries


def load_calculators(root: Path, schema: FactSchema, citations: Citations,
                     diagnostics: list[Diagnostic]) -> tuple[DeclaredCalculator, ...]:
    """The calculators the pack declares, checked; none when it has no knowledge/calculators.yaml."""
    path = root / CALCULATORS_FILE
    if not path.is_file():
        return ()
    try:
        doc = load_file(path, CALCULATORS_FILE)
    except DiagnosticError as exc:
        diagnostics.extend(exc.diagnostics)
        return ()
    declared: list[DeclaredCalculator] = []
    produced: dict[str, str] = {}
    for name, spec in _entries(doc, diagnostics):
        implementation = IMPLEMENTATIONS.get(spec.implementation)
        if implementation is None:
            diagnostics.append(Diagnostic(doc.locate([name, "implementation"]), "calculator.unknown-implementation",
                                          f"careplan ships no calculator '{spec.implementation}'",
                                          field_path=f"{name}.implementation",
                                          hint=did_you_mean(spec.implementation, sorted(IMPLEMENTATIONS))
                                          or "one of " + ", ".join(sorted(IMPLEMENTATIONS))))
            continue
        if spec.produces.fact in produced:
            diagnostics.append(Diagnostic(doc.locate([name, "produces", "fact"]), "calculator.duplicate-fact",
                                          f"'{spec.produces.fact}' is also produced by "
                                          f"'{produced[spec.produces.fact]}'",
                                          field_path=f"{name}.produces.fact"))
            continue
        produced[spec.produces.fact] = name
        _Checker(doc, name, spec, implementation, schema, diagnostics).check(citations, root)
        declared.append(DeclaredCalculator(name, spec, doc.locate([name], key=True)))
    return tuple(declared)


def mark_calculated(schema: FactSchema, calculators: tuple[DeclaredCalculator, ...]) -> None:
    """A calculator's fact type is made by the normaliser, as input facts are, not asserted by a rule."""
    for calculator in calculators:
        fact_type = schema.get(calculator.spec.produces.fact)
        if fact_type is not None and fact_type.derived:
            schema.types[fact_type.name] = replace(fact_type, derived=False)
