"""Run the rule tests (inline ``tests`` of every rule file, and sidecar ``*.tests.yaml``) against the pack.

A test gives patient-file sections and says whether the rule (or one row of its table) fires and,
in the mapping form of ``expect``, what it puts in the plan (engine.authoring.expectations). Tests
run through the real compiler, engine and planner, so they check the rule as the clinic will run
it, together with the rules it chains from. Each test's patient is evaluated once; the result keeps
the rules that fired, for ``careplan coverage``. A failing test carries the trace (the chain of
rules and facts behind the firing) or, when the rule did not fire, the why-not explanation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from pydantic import ValidationError

from engine.authoring.expectations import Mismatch, check
from engine.authoring.sidecar_tests import load_sidecars
from engine.authoring.why_not import explain
from engine.authoring.why_not_text import why_not_text
from engine.generator import Generator
from engine.lang.model import RuleTestSpec
from engine.lang.rule import RuleSource
from engine.patient.model import Patient
from engine.run.runtime import EngineError
from engine.run.trace import Evaluation
from engine.source.diagnostics import Diagnostic, Location
from engine.source.document import PathKey, SourceDoc
from engine.source.pydantic_errors import diagnostics_from

TEST_INSTANT = "2026-01-01T00:00:00Z"  # plans made for tests carry a fixed time: reports are reproducible


class Status(str, Enum):
    passed = "passed"
    failed = "failed"
    todo = "todo"


@dataclass(frozen=True)
class RuleTestCase:
    """One test to run: the rule file it tests, where it is written, and the patient sections."""

    rule_id: str  # the rule file's id (a table's rows share it)
    spec: RuleTestSpec
    doc: SourceDoc
    at: PathKey  # where the test is in ``doc``
    row_ids: frozenset[str]  # ids of the rule's compiled rules (one per table row)

    @property
    def location(self) -> Location:
        return self.doc.locate(list(self.at))

    @property
    def subject(self) -> str:
        return f"{self.rule_id}[{self.spec.row}]" if self.spec.row is not None else self.rule_id

    def is_subject(self, rule_id: str) -> bool:
        if self.spec.row is not None:
            return rule_id == self.subject
        return rule_id in self.row_ids


@dataclass(frozen=True)
class RuleTestResult:
    rule_id: str
    name: str
    location: Location
    status: Status
    message: str = ""
    code: str = ""  # the diagnostic code of a failure
    row: str | None = None
    fired: bool | None = None  # None when the test could not run
    mismatches: tuple[Mismatch, ...] = ()
    trace: tuple[str, ...] = ()
    why_not: str = ""
    fired_rules: frozenset[str] = field(default_factory=frozenset)  # every compiled rule that fired

    @property
    def passed(self) -> bool:
        return self.status is Status.passed


def _part(doc: SourceDoc, at: PathKey) -> SourceDoc:
    """The part of a document under ``at`` as a document of its own, keeping every position.

    A test's ``given`` is a patient file inside the rule file: pydantic's error paths start at
    the patient, so they are resolved against this part (a field path such as ``labs.egfr``).
    """
    data = doc.data
    for key in at:
        data = data[key]
    n = len(at)
    return SourceDoc(doc.path, data, {k[n:]: v for k, v in doc.values.items() if k[:n] == at},
                     {k[n:]: v for k, v in doc.keys.items() if k[:n] == at and len(k) > n})


def collect(generator: Generator) -> list[RuleTestCase]:
    """Every test of the pack's compiled rules: inline first, file by file, then the sidecar files."""
    rows = {s.spec.id: frozenset(r.id for r in s.rules) for s in generator.pack.sources}
    cases = [RuleTestCase(s.spec.id, t, s.doc, ("tests", i), rows[s.spec.id])
             for s in generator.pack.sources for i, t in enumerate(s.spec.tests)]
    cases += [RuleTestCase(t.spec.rule, t.spec, t.doc, (t.index,), rows[t.spec.rule])
              for t in load_sidecars(generator.pack)]
    return cases


def _trace(generator: Generator, evaluation: Evaluation, case: RuleTestCase) -> tuple[str, ...]:
    """The chain of rules and facts behind the subject's first firing."""
    firing = next((f for f in evaluation.firings if case.is_subject(f.rule_id)), None)
    if firing is None:
        return ()
    lines = []
    for step in generator.builder.because(firing, evaluation):
        lines.append(f"{step.rule} ({step.source})")
        lines += [f"  matched: {fact}" for fact in step.facts]
        lines += [f"  produced: {fact}" for fact in step.produced]
    return tuple(lines)


class _Outcome:
    """What one test's evaluation showed, turned into its result."""

    def __init__(self, generator: Generator, case: RuleTestCase, patient: Patient) -> None:
        self.case = case
        self.generator = generator
        self.evaluation = generator.evaluator.evaluate(generator.facts(patient))
        self.fired_rules = frozenset(f.rule_id for f in self.evaluation.firings)
        self.fired = any(case.is_subject(r) for r in self.fired_rules)
        wanted = case.spec.expectation
        self.mismatches: list[Mismatch] = []
        if wanted is not None and self.fired != wanted.fires:
            self.mismatches.append(Mismatch("fires", str(wanted.fires).lower(), str(self.fired).lower()))
        elif wanted is not None and wanted.asserts_outputs():
            # the plan is built only when a test asserts what is in it (most tests need the firings only)
            plan = generator.builder.build(patient.id, TEST_INSTANT, self.evaluation)
            self.mismatches += check(wanted, plan, self.evaluation, case.is_subject)

    def _why_not(self) -> str:
        if self.fired:
            return ""
        return why_not_text(explain(self.generator.pack.rules, self.evaluation, self.case.subject), "  ")

    def result(self) -> RuleTestResult:
        case, spec = self.case, self.case.spec
        failed = bool(self.mismatches)
        status = Status.todo if spec.is_todo else Status.failed if failed else Status.passed
        message = _message(spec.name, self.mismatches) if failed else ""
        wanted = spec.expectation
        code = ("test.expected-fire" if wanted is not None and wanted.fires and not self.fired else
                "test.expected-no-fire" if wanted is not None and not wanted.fires and self.fired else
                "test.expected-output")
        return RuleTestResult(case.rule_id, spec.name, case.location, status, message, code if failed else "",
                              spec.row, self.fired, tuple(self.mismatches),
                              _trace(self.generator, self.evaluation, case) if failed or spec.is_todo else (),
                              self._why_not() if failed or spec.is_todo else "", self.fired_rules)


def _message(name: str, mismatches: list[Mismatch]) -> str:
    if mismatches[0].what == "fires":  # the wording validate has always used
        return (f"test '{name}' expected the rule to fire; it did not" if mismatches[0].expected == "true"
                else f"test '{name}' expected the rule not to fire; it fired")
    return f"test '{name}': " + "; ".join(f"expected {m.what} {m.expected}, got {m.got}" for m in mismatches)


def run_case(generator: Generator, case: RuleTestCase) -> RuleTestResult:
    spec = case.spec

    def broken(code: str, message: str) -> RuleTestResult:
        return RuleTestResult(case.rule_id, spec.name, case.location,
                              Status.todo if spec.is_todo else Status.failed, f"test '{spec.name}': {message}",
                              code, spec.row)

    if spec.row is not None and case.subject not in case.row_ids:
        return broken("test.unknown-row", f"row '{spec.row}' is not a row of the table")
    try:
        patient = generator.patient_model.model_validate({"id": "rule-test", **spec.given})
    except ValidationError as exc:  # the pack's own patient model: its declared fields
        problems = diagnostics_from(exc, _part(case.doc, (*case.at, "given")), generator.patient_model)
        return broken("test.invalid", "; ".join(f"{d.field_path}: {d.message}" for d in problems))
    try:
        return _Outcome(generator, case, patient).result()
    except EngineError as exc:  # e.g. a rule that chains without end: the pack is at fault, not the engine
        return broken("test.engine-stopped", f"the engine stopped: {exc}")


def run_cases(generator: Generator, cases: list[RuleTestCase],
              progress: Callable[[RuleTestResult], None] | None = None) -> list[RuleTestResult]:
    results = []
    for case in cases:
        results.append(run_case(generator, case))
        if progress is not None:
            progress(results[-1])
    return results


def run_source_tests(generator: Generator, source: RuleSource) -> list[RuleTestResult]:
    """The inline tests of one rule file, in the order written."""
    rows = frozenset(r.id for r in source.rules)
    return [run_case(generator, RuleTestCase(source.spec.id, t, source.doc, ("tests", i), rows))
            for i, t in enumerate(source.spec.tests)]


def run_all(generator: Generator) -> list[RuleTestResult]:
    """Every inline and sidecar test; raises DiagnosticError for a sidecar file that is bad input."""
    return run_cases(generator, collect(generator))


def failures_as_diagnostics(results: list[RuleTestResult]) -> list[Diagnostic]:
    return [Diagnostic(r.location, r.code, r.message, rule_id=r.rule_id)
            for r in results if r.status is Status.failed]
