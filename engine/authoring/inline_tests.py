"""Run the inline ``tests`` of every rule file against the whole pack.

A test gives patient-file sections and says whether the rule (or one row of its table)
fires. Tests run through the real compiler and engine, so they check the rule as the
clinic will run it, together with the rules it chains from.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from engine.generator import Generator
from engine.lang.rule import RuleSource
from engine.patient.model import Patient
from engine.run.runtime import EngineError
from engine.source.diagnostics import Diagnostic, Location
from engine.source.document import PathKey, SourceDoc
from engine.source.pydantic_errors import diagnostics_from


@dataclass(frozen=True)
class RuleTestResult:
    rule_id: str
    name: str
    location: Location
    passed: bool
    message: str = ""


def _fired(generator: Generator, source: RuleSource, patient: Patient, row: str | None) -> bool:
    evaluation = generator.evaluator.evaluate(generator.facts(patient))
    wanted = f"{source.spec.id}[{row}]" if row is not None else None
    for firing in evaluation.firings:
        if wanted is not None and firing.rule_id == wanted:
            return True
        if wanted is None and (firing.rule_id == source.spec.id or firing.rule_id.startswith(source.spec.id + "[")):
            return True
    return False


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


def run_source_tests(generator: Generator, source: RuleSource) -> list[RuleTestResult]:
    results: list[RuleTestResult] = []
    for index, test in enumerate(source.spec.tests):
        where = source.doc.locate(["tests", index])
        if test.row is not None and not any(r.id == f"{source.spec.id}[{test.row}]" for r in source.rules):
            results.append(RuleTestResult(source.spec.id, test.name, where, False,
                                          f"test '{test.name}': row '{test.row}' is not a row of the table"))
            continue
        try:
            patient = generator.patient_model.model_validate({"id": "rule-test", **test.given})
        except ValidationError as exc:  # the pack's own patient model: its declared fields
            problems = diagnostics_from(exc, _part(source.doc, ("tests", index, "given")), generator.patient_model)
            results.append(RuleTestResult(source.spec.id, test.name, where, False, f"test '{test.name}': "
                                          + "; ".join(f"{d.field_path}: {d.message}" for d in problems)))
            continue
        try:
            fired = _fired(generator, source, patient, test.row)
        except EngineError as exc:  # e.g. a rule that chains without end: the pack is at fault, not the engine
            results.append(RuleTestResult(source.spec.id, test.name, where, False,
                                          f"test '{test.name}': the engine stopped: {exc}"))
            continue
        expected = test.expect == "fires"
        if fired == expected:
            results.append(RuleTestResult(source.spec.id, test.name, where, True))
        else:
            what = "expected the rule to fire; it did not" if expected else "expected the rule not to fire; it fired"
            results.append(RuleTestResult(source.spec.id, test.name, where, False, f"test '{test.name}' {what}"))
    return results


def run_all(generator: Generator) -> list[RuleTestResult]:
    return [r for source in generator.pack.sources for r in run_source_tests(generator, source)]


def failures_as_diagnostics(results: list[RuleTestResult]) -> list[Diagnostic]:
    out = []
    for result in results:
        if not result.passed:
            code = "test.expected-fire" if "expected the rule to fire" in result.message else (
                "test.expected-no-fire" if "not to fire" in result.message else
                "test.engine-stopped" if "the engine stopped" in result.message else "test.invalid")
            out.append(Diagnostic(result.location, code, result.message, rule_id=result.rule_id))
    return out
