"""The peer benchmark measures engines that agree: every engine's output equals plain Python's.

bench/bench_peers.py times careplan, raw durable-rules, CLIPS and plain Python on one workload
(bench/peers). A benchmark whose engines disagree measures nothing, so here, without timing anything:
each engine gives plain Python's recommendations for every patient, at the base size (71 rules), at
500 and at a padded 1,000 (5,000 takes over 20 s on the shared 2-core machine); plain Python itself
agrees with a naive interpreter of the rule IR, so the baseline can fail too; and the checker does
report a difference, naming the patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.peers import adapters, check, naive
from bench.peers.careplan_pack import write_pack
from bench.peers.plain import PlainEngine
from bench.peers.workload import Patient, Rule, facts, pack, patients

SIZES = (71, 500, 1000)
PATIENTS = 100


@dataclass(frozen=True)
class Case:
    size: int
    rules: list[Rule]
    cohort: list[Patient]
    reference: list[list[str]]  # plain Python's output per patient
    pack_root: Path

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.cohort]


@pytest.fixture(scope="module", params=SIZES, ids=[f"{s}-rules" for s in SIZES])
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Case:
    size: int = request.param
    rules = pack(size)
    cohort = patients(PATIENTS)
    baseline = PlainEngine(rules)
    root = write_pack(rules, tmp_path_factory.mktemp(f"peers-{size}") / "pack", patients(10_000))
    return Case(size, rules, cohort, [baseline.evaluate(p) for p in cohort], root)


def _outputs(name: str, case: Case) -> list[list[str]]:
    engine = adapters.build(name, case.rules, case.pack_root)
    return [engine.evaluate(engine.prepare(p)) for p in case.cohort]


def test_the_pack_has_its_size_and_patients_get_recommendations(case: Case) -> None:
    assert len(case.rules) == case.size
    assert len({r.id for r in case.rules}) == case.size
    assert all(case.reference), "every patient gets at least the blood-pressure advice"


def test_plain_python_equals_a_naive_interpreter_of_the_rules(case: Case) -> None:
    naive_outputs = [naive.recommendations(case.rules, facts(p)) for p in case.cohort]
    assert check.compare(case.ids, naive_outputs, case.reference) == []


@pytest.mark.parametrize("name", ["durable", "careplan-eval", "careplan-plan"])
def test_engine_equals_plain_python_for_every_patient(case: Case, name: str) -> None:
    mismatches = check.compare(case.ids, case.reference, _outputs(name, case))
    assert mismatches == [], check.describe(name, case.size, mismatches)


def test_clips_equals_plain_python_for_every_patient(case: Case) -> None:
    pytest.importorskip("clips")
    mismatches = check.compare(case.ids, case.reference, _outputs("clips", case))
    assert mismatches == [], check.describe("clips", case.size, mismatches)


def test_the_checker_reports_a_dropped_recommendation_by_patient() -> None:
    cohort = patients(20)
    baseline = PlainEngine(pack(71))
    reference = [baseline.evaluate(p) for p in cohort]
    tampered = [list(out) for out in reference]
    dropped = tampered[7].pop(0)
    mismatches = check.compare([p.id for p in cohort], reference, tampered)
    assert [(m.patient, m.missing, m.extra) for m in mismatches] == [(cohort[7].id, (dropped,), ())]
    report = check.describe("tampered", 71, mismatches)
    assert report.startswith("MISMATCH") and cohort[7].id in report and dropped in report


def test_the_checker_reports_an_extra_recommendation_and_passes_identical_outputs() -> None:
    reference = [["bp.crisis-urgent"], ["bp.normal-recheck-yearly", "lifestyle.obesity"]]
    assert check.compare(["a", "b"], reference, [list(r) for r in reference]) == []
    [found] = check.compare(["a", "b"], reference, [["bp.crisis-urgent"], [*reference[1], "pad.t0001"]])
    assert (found.patient, found.missing, found.extra) == ("b", (), ("pad.t0001",))
