"""Work grows with the data, not its cube: long family histories, medication lists and genotype panels.

Rules over a list aggregate before they compare: the normaliser counts the family-history cancers on
each side of the family (``family_side``), and the criteria that need "three relatives on the same side"
read that count instead of joining the family history with itself. The firing budget grows with the
input, so a long medication list or genotype panel is not taken for chaining, and an exhausted budget
names the rules that fired most. These tests assert outcomes (a full plan, its recommendations, the exit
code, the firings an evaluation took); they never time anything.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from itertools import permutations
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import cli
from engine.clinical.pedigree import FamilyVocabulary, load_family_vocabulary
from engine.facts.fact import Fact
from engine.generator import Generator
from engine.patient.model import Genotype, Medication, Patient
from engine.patient.normalise import normalise
from engine.run.evaluate import DEFAULT_FIRING_BUDGET, Evaluator, FiringBudget
from engine.run.runtime import EngineError
from engine.run.trace import Evaluation
from tests.packs import rule_doc, write_pack

AT = "2026-01-01T00:00:00Z"
runner = CliRunner()

# A realistic pedigree of 40 relatives: most with no cancer, three breast cancers after 50 among the
# mother and her family (with more in third-degree relatives), three Lynch-related cancers on the
# father's side, none before 50, and one relative the vocabulary does not know.
PEDIGREE_40: list[dict[str, Any]] = [
    {"relative": "mother", "condition": "breast cancer", "age_at_diagnosis": 62},
    {"relative": "maternal aunt", "condition": "breast cancer", "age_at_diagnosis": 58},
    {"relative": "maternal grandmother", "condition": "breast cancer", "age_at_diagnosis": 71},
    {"relative": "maternal first cousin", "condition": "breast cancer", "age_at_diagnosis": 61},
    {"relative": "maternal great-grandmother", "condition": "breast cancer"},
    {"relative": "maternal great-uncle", "condition": "prostate cancer", "age_at_diagnosis": 79},
    {"relative": "maternal aunt", "condition": "hypertension", "age_at_diagnosis": 50},
    {"relative": "maternal uncle", "condition": "type 2 diabetes", "age_at_diagnosis": 55},
    {"relative": "maternal uncle", "condition": "obesity"},
    {"relative": "maternal grandfather", "condition": "myocardial infarction", "age_at_diagnosis": 68},
    {"relative": "maternal first cousin", "condition": "asthma", "age_at_diagnosis": 12},
    {"relative": "maternal great-aunt", "condition": "stroke", "age_at_diagnosis": 80},
    {"relative": "father", "condition": "colon cancer", "age_at_diagnosis": 66},
    {"relative": "paternal aunt", "condition": "endometrial cancer", "age_at_diagnosis": 57},
    {"relative": "paternal grandfather", "condition": "colorectal cancer", "age_at_diagnosis": 72},
    {"relative": "paternal first cousin", "condition": "gastric cancer", "age_at_diagnosis": 61},
    {"relative": "paternal first cousin", "condition": "colon cancer", "age_at_diagnosis": 44},
    {"relative": "paternal uncle", "condition": "hypertension"},
    {"relative": "paternal uncle", "condition": "high cholesterol", "age_at_diagnosis": 49},
    {"relative": "paternal grandmother", "condition": "osteoporosis", "age_at_diagnosis": 75},
    {"relative": "paternal great-grandfather", "condition": "heart failure"},
    {"relative": "paternal great-grandmother", "condition": "stroke"},
    {"relative": "paternal aunt", "condition": "depression", "age_at_diagnosis": 35},
    {"relative": "paternal cousin", "condition": "type 1 diabetes", "age_at_diagnosis": 9},
    {"relative": "sister", "condition": "migraine", "age_at_diagnosis": 25},
    {"relative": "sister", "condition": "hypertension", "age_at_diagnosis": 44},
    {"relative": "brother", "condition": "hypertension", "age_at_diagnosis": 47},
    {"relative": "brother", "condition": "kidney stones", "age_at_diagnosis": 39},
    {"relative": "daughter", "condition": "asthma", "age_at_diagnosis": 6},
    {"relative": "son", "condition": "eczema", "age_at_diagnosis": 2},
    {"relative": "niece", "condition": "type 1 diabetes", "age_at_diagnosis": 11},
    {"relative": "nephew", "condition": "adhd", "age_at_diagnosis": 8},
    {"relative": "great-niece", "condition": "asthma", "age_at_diagnosis": 4},
    {"relative": "half-sister", "condition": "hypothyroidism", "age_at_diagnosis": 33},
    {"relative": "aunt", "condition": "melanoma", "age_at_diagnosis": 52},
    {"relative": "cousin", "condition": "leukaemia", "age_at_diagnosis": 14},
    {"relative": "grandmother", "condition": "dementia", "age_at_diagnosis": 83},
    {"relative": "stepmother", "condition": "breast cancer", "age_at_diagnosis": 55},
    {"relative": "godmother", "condition": "heart disease"},
    {"relative": "maternal great-grandfather", "condition": "stroke"},
]


def _patient(**sections: Any) -> Patient:
    return Patient.model_validate({"id": "bounded", "demographics": {"age": 45, "sex": "female"}, **sections})


def _allowed(section: str, wanted: int) -> int:
    """``wanted`` entries, or as many as the patient file allows if it bounds the list (max_length)."""
    for item in Patient.model_fields[section].metadata:
        bound = getattr(item, "max_length", None)
        if isinstance(bound, int):
            return min(wanted, bound)
    return wanted


def _generate_json(tmp_path: Path, data: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    path = tmp_path / "patient.json"
    path.write_text(json.dumps({"id": "bounded", **data}), encoding="utf-8")
    result = runner.invoke(cli.app, ["generate", str(path), "--format", "json"])
    return result.exit_code, json.loads(result.stdout) if result.exit_code in (0, 1) else {}


def _recommendation(plan: dict[str, Any], rec_id: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [r for r in plan["recommendations"] if r["id"] == rec_id]
    assert found, f"no {rec_id} in {[r['id'] for r in plan['recommendations']]}"
    return found[0]


# ---------------------------------------------------------------------------------------------------
# family history: a realistic pedigree, and one that used to grow with the cube


def test_a_pedigree_of_40_relatives_gets_the_full_hereditary_plan(tmp_path: Path) -> None:
    code, plan = _generate_json(tmp_path, {"demographics": {"age": 45, "sex": "female"},
                                           "family_history": PEDIGREE_40})
    assert code == 0
    hboc = _recommendation(plan, "hereditary.refer-hboc")
    assert hboc["action"] == "refer"
    assert "three or more breast or prostate cancers among close relatives on the same side" in hboc["text"]
    assert "hereditary.hboc-breast-prostate-cluster" in {step["rule"] for step in hboc["because"]}
    lynch = _recommendation(plan, "hereditary.refer-lynch")
    assert "three or more Lynch-related cancers in first- or second-degree relatives on one side" in lynch["text"]
    assert "hereditary.lynch-three-relatives" in {step["rule"] for step in lynch["because"]}
    assessments = {(a["kind"], a["value"]) for a in plan["assessments"]}
    assert ("cancer-risk", "hereditary breast/ovarian cancer criteria met") in assessments
    assert ("cancer-risk", "Lynch syndrome criteria met") in assessments
    assert [g["text"] for g in plan["goals"]].count(
        "Genetic counselling visit completed and the testing decision recorded") == 1
    # the stepmother's breast cancer is asked about, not counted
    assert any(gap["suggested_test"] == "family history: relationship and side of the family"
               for gap in plan["data_gaps"])
    assert "hereditary.hboc-risk-assessment" not in {r["id"] for r in plan["recommendations"]}


def test_the_big_pedigree_takes_a_few_firings_per_relative(default_generator: Generator) -> None:
    evaluation = default_generator.evaluator.evaluate(default_generator.facts(_patient(family_history=PEDIGREE_40)))
    assert len(evaluation.firings) <= 4 * len(PEDIGREE_40)
    sides = {f.values["side"]: f.values for f in evaluation.facts.values() if f.type == "family_side"}
    assert sides["maternal"]["breast_or_prostate"] == 6
    assert sides["paternal"]["lynch_close"] == 3
    assert sides["paternal"]["lynch_cancers"] == 5


@pytest.mark.parametrize("relatives", [20, 40, 100])
def test_many_relatives_with_breast_cancer_on_one_side_get_a_plan(tmp_path: Path, relatives: int) -> None:
    """The case that used to join the family history with itself three times: 20 such relatives ended
    in the firing budget (exit 3, no plan) and 100 took tens of seconds and more than a gigabyte."""
    words = ["maternal aunt", "maternal first cousin", "maternal great-aunt", "maternal cousin", "mother",
             "maternal grandmother"]
    history = [{"relative": words[i % len(words)], "condition": "breast cancer", "age_at_diagnosis": 55 + i % 30}
               for i in range(_allowed("family_history", relatives))]
    code, plan = _generate_json(tmp_path, {"demographics": {"age": 40, "sex": "female"}, "family_history": history})
    assert code == 0
    assert "three or more breast or prostate cancers" in _recommendation(plan, "hereditary.refer-hboc")["text"]


def test_firings_grow_with_the_family_history_not_its_cube(default_generator: Generator) -> None:
    def firings(n: int) -> int:
        history = [{"relative": "maternal aunt", "condition": "breast cancer", "age_at_diagnosis": 60}] * n
        return len(default_generator.evaluator.evaluate(default_generator.facts(
            _patient(family_history=history))).firings)

    ten, hundred = firings(10), firings(100)
    assert hundred <= 11 * ten  # linear (a cube would be a thousand times as many)
    assert hundred <= 5 * 100


# ---------------------------------------------------------------------------------------------------
# the counts per side: what the normaliser computes, and that they keep every criterion's meaning


def test_the_normaliser_counts_each_side_of_the_family_once(default_generator: Generator) -> None:
    history = [
        {"relative": "sister", "condition": "breast cancer", "age_at_diagnosis": 45},  # both sides
        {"relative": "mother", "condition": "ovarian cancer", "age_at_diagnosis": 60},  # hboc and Lynch
        {"relative": "maternal aunt", "condition": "breast cancer", "age_at_diagnosis": 66},
        {"relative": "maternal aunt", "condition": "breast cancer", "age_at_diagnosis": 66},  # a second aunt
        {"relative": "aunt", "condition": "breast cancer", "age_at_diagnosis": 70},  # side unknown
        {"relative": "stepmother", "condition": "breast cancer", "age_at_diagnosis": 50},  # not a relative word
        {"relative": "father", "condition": "colon cancer", "age_at_diagnosis": 48},
        {"relative": "paternal aunt", "condition": "endometrial cancer", "age_at_diagnosis": 55},
        {"relative": "paternal first cousin", "condition": "metastatic prostate cancer", "age_at_diagnosis": 70},
        {"relative": "paternal uncle", "condition": "heart disease", "age_at_diagnosis": 50},
    ]
    facts = default_generator.facts(_patient(family_history=history))
    sides = {f.values["side"]: f.values for f in facts if f.type == "family_side"}
    assert sides == {
        "maternal": {"side": "maternal", "hboc_cancers": 4, "breast_or_prostate": 3, "high_risk": 2,
                     "lynch_cancers": 1, "lynch_close": 1,
                     "hboc_relatives": "maternal aunt (breast cancer at 66); maternal aunt (breast cancer at 66); "
                                       "mother (ovarian cancer at 60); sister (breast cancer at 45)",
                     "lynch_relatives": "mother (ovarian cancer at 60)"},
        "paternal": {"side": "paternal", "hboc_cancers": 2, "breast_or_prostate": 2, "high_risk": 2,
                     "lynch_cancers": 2, "lynch_close": 2,
                     "hboc_relatives": "paternal first cousin (metastatic prostate cancer at 70); "
                                       "sister (breast cancer at 45)",
                     "lynch_relatives": "father (colon cancer at 48); paternal aunt (endometrial cancer at 55)"},
        "unknown": {"side": "unknown", "hboc_cancers": 1, "breast_or_prostate": 1, "high_risk": 0,
                    "lynch_cancers": 0, "lynch_close": 0, "hboc_relatives": "aunt (breast cancer at 70)"},
    }
    shuffled = list(reversed(history))
    assert default_generator.facts(_patient(family_history=shuffled)) == facts


def test_without_the_pack_vocabulary_there_are_no_side_counts(tmp_path: Path) -> None:
    patient = _patient(family_history=PEDIGREE_40)
    assert not [f for f in normalise(patient) if f.type == "family_side"]
    assert load_family_vocabulary(tmp_path) == FamilyVocabulary()


def test_the_vocabulary_the_counts_assume(default_generator: Generator) -> None:
    """Every relative of the table is a close blood relative (so the counts need no degree beyond the
    table's), and the hboc sites other than a known variant are the four the rules name."""
    family = default_generator.family
    assert {k.degree for kinships in family.relatives.values() for k in kinships} == {1, 2, 3}
    assert {c.site for c in family.conditions.values() if c.hboc and c.site != "known variant"} == {
        "breast", "ovarian", "pancreatic", "prostate"}


CONDITIONS = ["breast cancer", "male breast cancer", "tnbc", "bilateral breast cancer", "ovarian cancer",
              "pancreatic cancer", "prostate cancer", "metastatic prostate cancer", "colon cancer",
              "endometrial cancer", "gastric cancer", "ureter cancer", "brca1 mutation", "lynch syndrome",
              "myocardial infarction", "asthma"]


def _random_history(rng: random.Random, words: list[str]) -> list[dict[str, Any]]:
    history = []
    for _ in range(rng.randint(0, 11)):
        entry: dict[str, Any] = {"relative": rng.choice(words), "condition": rng.choice(CONDITIONS)}
        if rng.random() < 0.85:
            entry["age_at_diagnosis"] = rng.choice([38, 44, 49, 50, 51, 58, 64, 71])
        history.append(entry)
    if history and rng.random() < 0.3:
        history.append(dict(history[0]))  # an identical entry: another relative
    return history


def _criteria(evaluation: Evaluation, criterion: str) -> set[tuple[Any, ...]]:
    return {(f.values["relative"], f.values["site"]) for f in evaluation.facts.values()
            if f.type == "hereditary_criterion" and f.values["criterion"] == criterion}


def _joined(affected: list[dict[str, Any]]) -> dict[str, set[Any]]:
    """What the rules found when they joined the relatives with each other (distinct facts, as durable
    binds them), computed by brute force over every pair and triple."""
    def bp(r: dict[str, Any]) -> bool:
        return r["site"] in ("breast", "prostate")

    def high_risk(r: dict[str, Any]) -> bool:
        return r["degree"] <= 3 and (
            r["site"] in ("ovarian", "pancreatic") or (r["site"] == "prostate" and r["detail"] == "high-risk")
            or (r["site"] == "breast" and (r.get("age_at_diagnosis", 99) <= 50 or r["relative_sex"] == "male")))

    def lynch(r: dict[str, Any]) -> bool:
        return r["lynch"] is True and r["site"] != "known variant"

    def hboc(r: dict[str, Any]) -> bool:
        return r["hboc"] is True and r["site"] != "known variant"

    hboc4 = ("breast", "ovarian", "pancreatic", "prostate")
    pairs, triples = list(permutations(affected, 2)), list(permutations(affected, 3))
    return {
        "cluster": {(a["relative"], "breast") for a, b, c in triples
                    if bp(a) and a["degree"] <= 2 and a["side"] != "unknown" and bp(b) and b["degree"] <= 3
                    and b["side"] == a["side"] and bp(c) and c["degree"] <= 3 and c["side"] == a["side"]},
        "close": {(a["relative"], "breast") for a, b in pairs
                  if a["site"] == "breast" and a["degree"] <= 2 and a["side"] != "unknown" and high_risk(b)
                  and b["side"] == a["side"]},
        "lynch-two": {(a["relative"], a["site"]) for a, b in pairs
                      if lynch(a) and a["degree"] <= 2 and a.get("age_at_diagnosis", 99) < 50
                      and a["side"] != "unknown" and lynch(b) and b["degree"] <= 2 and b["side"] == a["side"]},
        "lynch-three": {(a["relative"], a["site"]) for a, b, c in triples
                        if lynch(a) and a["degree"] <= 2 and a["side"] != "unknown" and lynch(b)
                        and b["degree"] <= 2 and b["side"] == a["side"] and lynch(c) and c["degree"] <= 2
                        and c["side"] == a["side"]},
        "same-side": {a["fid"] for a, b in pairs
                      if a["site"] in hboc4 and a["degree"] <= 2 and a["side"] != "unknown"
                      and b["site"] in hboc4 and b["degree"] <= 3 and b["side"] == a["side"]},
        "unknown-hboc": {u["fid"] for u, o, q in triples
                         if u["side"] == "unknown" and hboc(u) and hboc(o) and hboc(q) and q["side"] == o["side"]},
        "unknown-lynch": {u["fid"] for u, o, q in triples
                          if u["side"] == "unknown" and lynch(u) and lynch(o) and lynch(q) and q["side"] == o["side"]},
    }


CRITERIA = {
    "cluster": "three or more breast or prostate cancers among close relatives on the same side of the family",
    "close": "breast cancer in a close relative who also has a close relative with ovarian, pancreatic, male breast, "
             "high-risk prostate or early breast cancer",
    "lynch-two": "two or more Lynch-related cancers in first- or second-degree relatives on one side, "
                 "one before age 50",
    "lynch-three": "three or more Lynch-related cancers in first- or second-degree relatives on one side of the family",
}


def _fired_for(evaluation: Evaluation, rule_id: str) -> set[str]:
    return {f.matched[0] for f in evaluation.firings if f.rule_id == rule_id}


def test_counting_per_side_finds_what_joining_the_relatives_found(default_generator: Generator) -> None:
    """Every rule that now reads a count fires for exactly the relatives the joins matched (random
    pedigrees; the joins computed by brute force from the affected relatives the rules derive)."""
    words = sorted(default_generator.family.relatives) + ["stepmother"]
    rng = random.Random(20261201)
    met = Counter[str]()
    for _ in range(120):
        history = _random_history(rng, words)
        evaluation = default_generator.evaluator.evaluate(default_generator.facts(
            _patient(family_history=history)))
        affected = [{**f.values, "fid": f.fid} for f in evaluation.facts.values() if f.type == "affected_relative"]
        joined = _joined(affected)
        for name, criterion in CRITERIA.items():
            assert _criteria(evaluation, criterion) == joined[name], (name, history)
            met[name] += bool(joined[name])
        criterion_met = {f.values["syndrome"] for f in evaluation.facts.values() if f.type == "hereditary_criterion"}
        assert _fired_for(evaluation, "hereditary.hboc-pattern-same-side") == (
            set() if "hboc" in criterion_met else joined["same-side"]), history
        assert _fired_for(evaluation, "hereditary.side-unknown-hboc") == (
            set() if "hboc" in criterion_met else joined["unknown-hboc"]), history
        assert _fired_for(evaluation, "hereditary.side-unknown-lynch") == (
            set() if "lynch" in criterion_met else joined["unknown-lynch"]), history
    assert all(met[name] >= 3 for name in CRITERIA), met  # each criterion was met in several pedigrees


def test_the_normaliser_reads_the_tables_as_the_rules_do(default_generator: Generator) -> None:
    """The counts come from the normaliser's reading of relatives.csv and cancer-sites.csv; the
    affected relatives come from the rules' reading of the same tables. Every word of both tables."""
    family = default_generator.family
    words, conditions = sorted(family.relatives) + ["stepmother"], sorted(family.conditions) + ["asthma"]
    history: list[dict[str, Any]] = [
        {"relative": words[i % len(words)], "condition": conditions[i % len(conditions)],
         "age_at_diagnosis": 30 + i % 50} for i in range(max(len(words), len(conditions)) * 2)]
    evaluation = default_generator.evaluator.evaluate(default_generator.facts(_patient(family_history=history)))
    derived = Counter((f.values["relative"], f.values["condition"], f.values.get("age_at_diagnosis"),
                       f.values["side"], f.values["degree"], f.values["relative_sex"], f.values["site"],
                       f.values["detail"], f.values["hboc"], f.values["lynch"])
                      for f in evaluation.facts.values() if f.type == "affected_relative")
    counted = Counter((m.relative, m.condition, m.age_at_diagnosis, m.kinship.side, m.kinship.degree, m.kinship.sex,
                       m.cancer.site, m.cancer.detail, m.cancer.hboc, m.cancer.lynch)
                      for e in history for m in family.affected(e["relative"], e["condition"], e["age_at_diagnosis"]))
    assert derived == counted
    assert len(derived) > 100


# ---------------------------------------------------------------------------------------------------
# the firing budget


def test_the_firing_budget_grows_with_the_input() -> None:
    assert DEFAULT_FIRING_BUDGET.limit(0) == 5000
    assert DEFAULT_FIRING_BUDGET.limit(10_000) == 5000 + 20 * 10_000
    assert FiringBudget(base=7, per_input_fact=0).limit(10_000) == 7


def test_an_exhausted_budget_names_the_rules_that_fired_most(default_generator: Generator) -> None:
    small = Evaluator(default_generator.compiled, default_generator.pack.schema,
                      firing_budget=FiringBudget(base=5, per_input_fact=1))
    medicines = [{"name": "zyxoprazole", "status": "active", "dose_mg": 123.456}] + [
        {"name": name, "status": "active"} for name in ("lisinopril", "amlodipine", "atorvastatin", "metformin")]
    patient = Patient.model_validate({"id": "patient-7731", "demographics": {"age": 61, "sex": "male"},
                                      "medications": medicines})
    facts = default_generator.facts(patient)
    with pytest.raises(EngineError) as raised:
        small.evaluate(facts)
    message = str(raised.value)
    assert message.startswith(f"firing budget of {5 + len(facts)} (5 + 1 per input fact, {len(facts)} input facts)"
                              " exceeded: rules may be chaining without end; most firings: ")
    named = re.findall(r"(.+?) \((\d+)\)(?:, |$)", message.split("most firings: ")[1])
    assert 1 <= len(named) <= 5
    assert all(rule_id in default_generator.compiled.rules for rule_id, _ in named)
    counts = [int(count) for _, count in named]
    assert counts == sorted(counts, reverse=True)
    for value in ("zyxoprazole", "123.456", "patient-7731", "61"):
        assert value not in message
    # the next patient is evaluated as if nothing had happened
    assert default_generator.evaluator.evaluate(facts).firings


def test_rules_that_chain_without_end_still_stop(tmp_path: Path) -> None:
    fact_types = {"finding": {"label": "finding {code} {level}", "fields": {"code": "text", "level": "number"}}}
    rules = {
        "seed": rule_doc("t.seed", {"all": [{"lab": {"name": "egfr", "as": "l"}}]},
                         [{"assert": {"finding": {"code": "x", "level": 0}}}]),
        "chain": rule_doc("t.chain", {"all": [{"finding": {"code": "x", "as": "f"}}]},
                          [{"assert": {"finding": {"code": "x", "level": {"add": [{"ref": "f.level"}, 1]}}}}]),
    }
    generator = Generator(write_pack(tmp_path, rules, fact_types))
    with pytest.raises(EngineError, match=r"exceeded: rules may be chaining without end; most firings: t\.chain \("):
        generator.run(Patient.model_validate({"id": "p", "labs": {"egfr": 70}}), at=AT)


# ---------------------------------------------------------------------------------------------------
# long medication lists and genotype panels

MEDICINES = ["lisinopril", "amlodipine", "atorvastatin", "metformin", "hydrochlorothiazide", "losartan",
             "simvastatin", "clopidogrel", "warfarin", "sertraline", "omeprazole", "codeine", "citalopram",
             "metoprolol", "spironolactone", "aspirin", "levothyroxine", "tramadol", "ondansetron", "allopurinol"]
PANEL = ["CYP2C19", "CYP2D6", "CYP2C9", "SLCO1B1", "TPMT", "NUDT15", "DPYD", "CYP3A5", "UGT1A1", "VKORC1"]


def _medications(n: int) -> list[dict[str, Any]]:
    statuses = ["active", "active", "planned", "stopped"]
    return [{"name": MEDICINES[i % len(MEDICINES)], "status": statuses[i % len(statuses)], "dose_mg": float(5 + i)}
            for i in range(n)]


def _genotypes(n: int) -> list[dict[str, Any]]:
    """The pharmacogenes once each, then results for genes the pack has no knowledge of."""
    panel = [{"gene": gene, "diplotype": "*1/*2"} for gene in PANEL[:n]]
    return panel + [{"gene": f"GENE{i}", "diplotype": "*1/*1"} for i in range(n - len(panel))]


def _constructed(medications: list[dict[str, Any]], genotypes: list[dict[str, Any]]) -> Patient:
    """A patient with more entries than a patient file may hold: each entry validated, the lists not bounded."""
    sample = _patient()
    return type(sample).model_construct(  # the default pack's model: its declared sections
        id="bounded", **{"demographics": sample.demographics},  # type: ignore[attr-defined]
        vitals=_patient(vitals={"blood_pressure": [{"systolic": 148, "diastolic": 92}]}).vitals,
        medications=[Medication.model_validate(m) for m in medications],
        genotypes=[Genotype.model_validate(g) for g in genotypes])


@pytest.fixture(scope="module")
def ten_thousand_medicines(default_generator: Generator) -> tuple[list[Fact], Evaluation]:
    facts = default_generator.facts(_constructed(_medications(10_000), []))
    return facts, default_generator.evaluator.evaluate(facts)


def test_ten_thousand_medicines_are_not_taken_for_chaining(
        default_generator: Generator, ten_thousand_medicines: tuple[list[Fact], Evaluation]) -> None:
    facts, evaluation = ten_thousand_medicines
    assert len(evaluation.firings) > 5000  # the old fixed budget: "rules may be chaining"
    assert len(evaluation.firings) <= DEFAULT_FIRING_BUDGET.limit(len(facts))
    plan = default_generator.builder.build("bounded", AT, evaluation)
    ids = {r.id for r in plan.recommendations}
    assert {"pgx.warfarin", "pgx.untested-gene[citalopram,CYP2C19]", "bp.intensify-on-treatment/amlodipine"} <= ids


def test_two_thousand_genotypes_are_not_taken_for_chaining(default_generator: Generator) -> None:
    patient = _constructed([{"name": "clopidogrel", "indication": "PCI"}, {"name": "codeine"}], _genotypes(2000))
    facts = default_generator.facts(patient)
    evaluation = default_generator.evaluator.evaluate(facts)
    assert len(evaluation.firings) > 5000
    plan = default_generator.builder.build("bounded", AT, evaluation)
    actions = {r.drug: r.action for r in plan.recommendations if r.drug}
    assert actions == {"clopidogrel": "avoid", "codeine": "standard-dose"}


def test_long_lists_in_a_patient_file_get_a_full_plan(tmp_path: Path) -> None:
    medications = [{"name": "clopidogrel", "indication": "PCI"}] + _medications(_allowed("medications", 1000) - 1)
    genotypes = _genotypes(_allowed("genotypes", 1000))
    code, plan = _generate_json(tmp_path, {"demographics": {"age": 58, "sex": "male"}, "medications": medications,
                                           "genotypes": genotypes, "family_history": PEDIGREE_40})
    assert code == 0
    ids = {r["id"] for r in plan["recommendations"]}
    assert {"hereditary.refer-hboc", "hereditary.refer-lynch", "pgx.warfarin"} <= ids
    assert _recommendation(plan, "pgx.clopidogrel")["action"] == "avoid"


def test_two_genotypes_of_one_gene_are_never_paired_with_each_other(default_generator: Generator) -> None:
    """The two alleles of a genotype are joined by its diplotype: two results for one gene (two labs)
    give two activity scores and two phenotypes, not four made of one allele from each."""
    evaluation = default_generator.evaluator.evaluate(default_generator.facts(_patient(genotypes=[
        {"gene": "CYP2D6", "diplotype": "*1/*1"}, {"gene": "CYP2D6", "diplotype": "*4/*4"},
        {"gene": "CYP2C19", "diplotype": "*1/*1"}, {"gene": "CYP2C19", "diplotype": "*2/*2"},
        {"gene": "CYP2C9", "diplotype": "*1/*99"}, {"gene": "CYP2C9", "diplotype": "*1/*2"}])))

    def values(type_name: str, gene: str) -> set[Any]:
        return {f.values["value"] for f in evaluation.facts.values()
                if f.type == type_name and f.values["gene"] == gene}

    assert values("activity_score", "CYP2D6") == {0.0, 2.0}
    assert values("phenotype", "CYP2C19") == {"Normal Metabolizer", "Poor Metabolizer"}
    assert "Indeterminate" in values("phenotype", "CYP2C9")  # *99 is not hidden by the other result's *2
