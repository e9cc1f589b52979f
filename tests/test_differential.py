"""Differential testing: the durable-rules runtime fires exactly what the pure-Python oracle fires.

Random small packs (tests/strategies.py: rules over a few fact types, random constraints,
joins, ``any``, plain and correlated ``none``) and the default pack, over random patients: the
threshold-hugging ones of tests/strategies.py and schema-drawn ones with values across every
field's whole range (0.00001 drinks a week, 5 decimal places, odd text). Each comparison runs in
a forked child, so a segfault in durable-rules is counted and reported instead of ending pytest.
Counts go to stdout (``pytest -s``) and ``.fuzz-report.json``.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from engine.facts.fact import ABSENT_TYPE
from engine.generator import Generator
from engine.patient.model import Patient
from engine.run.runtime import EngineError
from engine.source.diagnostics import DiagnosticError
from tests import reference_evaluator as reference
from tests.fuzz.harness import write_section
from tests.fuzz.isolate import Crashed, isolated
from tests.fuzz.patient_files import valid_patient
from tests.fuzz.shrink import shrink
from tests.fuzz.sizing import fuzz_settings
from tests.packs import write_pack
from tests.strategies import FACT_TYPES, patient_data, rule_pack

PATIENTS = st.one_of(patient_data(), valid_patient())
# the random packs' rules test the threshold values of tests/strategies.py: mostly those patients
PACK_PATIENTS = st.one_of(patient_data(), patient_data(), valid_patient())


def compare(generator: Generator, patient: Patient) -> tuple[list[str], int]:
    """Where the runtime and the oracle differ on one patient (firings, derived facts); firings compared."""
    facts = generator.facts(patient)
    rules = generator.pack.rules
    try:
        evaluation = generator.evaluator.evaluate(facts)
    except EngineError as exc:
        try:
            reference.evaluate_variants(rules, facts)
        except reference.ReferenceError:
            return [], 0  # both refuse: the rules chain without end
        return [f"runtime failed, the oracle did not: {exc}"], 0
    got = Counter((f.rule_id, f.matched) for f in evaluation.firings)
    fired, known = reference._run(rules, facts, 1000)  # one oracle run for both firings and facts
    want = Counter((rule_id, matched) for rule_id, _variant, matched in fired)
    problems = []
    if got != want:
        problems.append(f"firings: runtime only {sorted(got - want)}; oracle only {sorted(want - got)}")
    derived = {fid for fid, fact in evaluation.facts.items() if fact.type != ABSENT_TYPE}
    expected = set(known)
    if derived != expected:
        problems.append(f"facts: runtime only {sorted(derived - expected)}; oracle only {sorted(expected - derived)}")
    return problems, sum(want.values())


def valid(data: dict[str, Any]) -> bool:
    try:
        Patient.model_validate(data)
    except ValueError:
        return False
    return True


def run_check(generator: Generator, data: dict[str, Any]) -> tuple[str | None, str, int]:
    """(kind of failure or None, what differed, firings compared), in a forked child."""
    patient = Patient.model_validate(data)
    result = isolated(lambda: compare(generator, patient))
    if isinstance(result, Crashed):
        return f"crashed: {result.how.split(':')[0]}", result.how, 0
    problems, firings = result
    return ("disagreement" if problems else None), "; ".join(problems), firings


def shrink_pack(pack: dict[str, Any], data: dict[str, Any], kind: str) -> dict[str, Any]:
    """The fewest rules of a random pack that still show the failure on this patient."""

    def fails(rules: dict[str, Any]) -> bool:
        if not rules:
            return False
        with tempfile.TemporaryDirectory() as tmp:
            try:
                generator = Generator(write_pack(Path(tmp), rules, FACT_TYPES))
            except DiagnosticError:  # e.g. a chain rule left without the rule that feeds it
                return False
            return run_check(generator, data)[0] == kind

    smaller: dict[str, Any] = {}
    for name in sorted(pack):  # drop whole rules only: a rule's own fields were drawn together
        rest = {k: v for k, v in pack.items() if k != name and k not in smaller}
        if fails(rest):
            smaller[name] = None
    return {k: v for k, v in pack.items() if k not in smaller}


@dataclass
class Agreement:
    """Counts of one differential test and the inputs where the two evaluators disagreed."""

    name: str
    patients: int = 0
    agreements: int = 0
    firings_compared: int = 0
    packs: int = 0
    shrink_budget: int = 40
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def check(self, generator: Generator, data: dict[str, Any], pack: dict[str, Any] | None = None) -> None:
        self.patients += 1
        kind, detail, firings = run_check(generator, data)
        self.firings_compared += firings
        if kind is None:
            self.agreements += 1
            return
        if kind not in self.failures:  # the first of its kind: shrink it to a small reproducer
            data = shrink(data, lambda smaller: valid(smaller) and run_check(generator, smaller)[0] == kind,
                          budget=self.shrink_budget)
            detail = run_check(generator, data)[1]
            pack = shrink_pack(pack, data, kind) if pack is not None else None
        self._fail(kind, detail, data, pack)

    def _fail(self, kind: str, detail: str, data: dict[str, Any], pack: dict[str, Any] | None) -> None:
        entry = json.dumps({"patient": data, "pack": pack}, default=str, sort_keys=True, ensure_ascii=False)
        kept = self.failures.setdefault(kind, [])
        kept.append({"label": detail[:300], "size": len(entry), "exit": kind, "stderr": detail,
                     "input": entry.encode()})
        kept.sort(key=lambda e: e["size"])
        del kept[5:]

    def write(self) -> None:
        summary = {"packs": self.packs, "patients_compared": self.patients, "agreements": self.agreements,
                   "disagreements_or_crashes": self.patients - self.agreements,
                   "firings_compared": self.firings_compared, "failure_kinds": sorted(self.failures)}
        write_section(self.name, summary, self.failures)

    def problems(self) -> list[str]:
        return [f"{kind}: {entries[0]['label']}" for kind, entries in sorted(self.failures.items())]


def test_random_packs_agree_with_the_oracle() -> None:
    agreement = Agreement("differential-random-packs")

    @fuzz_settings(ci=25)
    @given(pack=rule_pack(), patients=st.lists(PACK_PATIENTS, min_size=1, max_size=4))
    def one(pack: dict[str, dict[str, Any]], patients: list[dict[str, Any]]) -> None:
        agreement.packs += 1
        with tempfile.TemporaryDirectory() as tmp:
            generator = Generator(write_pack(Path(tmp), pack, FACT_TYPES))
            for data in patients:
                agreement.check(generator, data, pack)

    one()
    agreement.write()
    assert agreement.patients > 0
    assert not agreement.failures, "\n".join(agreement.problems())


def test_default_pack_agrees_with_the_oracle_across_whole_ranges(default_generator: Generator) -> None:
    agreement = Agreement("differential-default-pack", packs=1, shrink_budget=25)  # the oracle takes ~1 s here

    @fuzz_settings(ci=10)
    @given(data=PATIENTS)
    def one(data: dict[str, Any]) -> None:
        agreement.check(default_generator, data)

    one()
    agreement.write()
    assert agreement.patients > 0
    assert not agreement.failures, "\n".join(agreement.problems())
