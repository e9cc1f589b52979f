"""The medication review: every current or planned medicine of the patient, once, with what the pack
checked for it and the outcome (docs/contract.md, section 3, ``medication_review``).

A medicine no rule of the pack speaks to is listed as "not evaluated by this pack", never left
out: a plan that says nothing about a medicine must not read as "this medicine is fine". What a
rule checks is read from its patterns, never written by hand: a rule that names the medicine (or
its class) in a ``medication`` pattern checks whatever else it matches (a gene's result, a lab,
age, pregnancy, an allergy, another medicine). A check whose input the patient file lacks is
listed under ``unavailable``, so "genotype CYP2D6" that was never tested is not read as checked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from engine.clinical.drug_classes import DrugClasses
from engine.facts.fact import Fact
from engine.lang.patterns import Pattern, Test
from engine.lang.rule import Rule
from engine.lang.vocabulary import Action
from engine.plan.model import MedicationReview, Recommendation

NOT_EVALUATED = "not evaluated by this pack"
NO_CHANGE = "no change"
# the outcome a reader must see first when several recommendations speak to one medicine
_PRECEDENCE: tuple[Action, ...] = ("avoid", "stop", "use-alternative", "not-indicated", "reduce-dose",
                                   "increase-dose", "consider", "monitor", "test", "refer", "standard-dose",
                                   "continue", "start", "lifestyle")
# labs whose names a reader knows by what they measure (Labs fields of the patient file)
_LAB_CHECKS = {"egfr": "kidney function", "potassium_mmol_l": "potassium", "hba1c_percent": "HbA1c",
               "ldl_mg_dl": "LDL cholesterol", "total_cholesterol_mg_dl": "cholesterol",
               "hdl_mg_dl": "HDL cholesterol", "urine_acr_mg_g": "urine albumin"}
# the fact types that stand for one of the patient's medicines (medicine_in_use: once per name)
_MEDICINE_TYPES = frozenset({"medication", "medicine_in_use"})
_PATIENT_CHECKS = {"age": "age", "pregnant": "pregnancy", "sex": "sex"}
_TYPE_CHECKS = {"allergy": "allergies", "condition": "conditions", "pgx_population": "indication and age",
                "blood_pressure": "blood pressure", "bp_category": "blood pressure"}


def _names(tests: Iterable[Test], field: str) -> set[str]:
    found: set[str] = set()
    for test in tests:
        if test.field != field:
            continue
        if test.op == "eq" and isinstance(test.value, str):
            found.add(test.value)
        elif test.op == "in" and isinstance(test.value, tuple):
            found.update(v for v in test.value if isinstance(v, str))
    return found


def _check_labels(pattern: Pattern) -> set[str]:
    """What one non-medication pattern of a medicine's rule checks, in a reader's words."""
    genes = _names(pattern.tests, "gene")
    if genes:
        return {f"genotype {gene}" for gene in genes}
    if pattern.type == "lab":
        return {_LAB_CHECKS.get(name, f"lab {name}") for name in _names(pattern.tests, "name")}
    if pattern.type == "patient":
        return {_PATIENT_CHECKS[t.field] for t in pattern.tests if t.field in _PATIENT_CHECKS}
    if pattern.type in _TYPE_CHECKS:
        return {_TYPE_CHECKS[pattern.type]}
    return set() if pattern.type.startswith("__") else {pattern.type.replace("_", " ")}


class ReviewIndex:
    """Per medicine and per medicine class: the pack's rules that name it and what they check."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.by_drug: dict[str, set[str]] = defaultdict(set)
        self.by_class: dict[str, set[str]] = defaultdict(set)
        self.checks: dict[str, set[str]] = defaultdict(set)
        for rule in rules:
            self._index(rule)

    def _index(self, rule: Rule) -> None:
        for variant in rule.variants:
            medicines = [p for p in variant if p.type in _MEDICINE_TYPES]
            checks: set[str] = {"interactions"} if len(medicines) > 1 else set()
            for pattern in (*variant, *rule.negations):
                if pattern.type not in _MEDICINE_TYPES:
                    checks |= _check_labels(pattern)
            self.checks[rule.id] |= checks
            for pattern in medicines:
                for drug in _names(pattern.tests, "name"):
                    self.by_drug[drug].add(rule.id)
                for drug_class in _names(pattern.tests, "drug_class"):
                    self.by_class[drug_class].add(rule.id)

    def rules_for(self, drug: str, drug_class: str | None) -> set[str]:
        return self.by_drug.get(drug, set()) | (self.by_class.get(drug_class, set()) if drug_class else set())


def _available(check: str, inputs: list[Fact]) -> bool:
    """Whether the patient file holds what a check reads (only the checks a file can lack are tested)."""
    if check.startswith("genotype "):
        gene = check.removeprefix("genotype ")
        return any(f.type == "genotype" and f.values.get("gene") == gene for f in inputs)
    lab = next((name for name, label in _LAB_CHECKS.items() if label == check), None)
    if lab is not None:
        return any(f.type == "lab" and f.values.get("name") == lab for f in inputs)
    if check == "age":
        return any(f.type == "patient" and "age" in f.values for f in inputs)
    return True


def review(inputs: list[Fact], recommendations: list[Recommendation], index: ReviewIndex,
           classes: DrugClasses) -> list[MedicationReview]:
    """One entry per medicine of the patient file (by name), in name order."""
    medicines: dict[str, str] = {}
    for fact in sorted(inputs, key=lambda f: f.fid):
        name = fact.values.get("name")
        if fact.type == "medication" and isinstance(name, str):
            status = str(fact.values.get("status", ""))
            medicines[name] = status if name not in medicines else min(medicines[name], status)
    entries = []
    for drug, status in sorted(medicines.items()):
        speaking = [r for r in recommendations if r.drug == drug]
        issuing = {r.because[-1].rule for r in speaking if r.because}
        rules = index.rules_for(drug, classes.class_of(drug))
        checks = sorted({c for rule_id in rules | issuing for c in index.checks.get(rule_id, set())})
        if speaking:
            strongest = min(speaking, key=lambda r: _PRECEDENCE.index(r.action))
            outcome: str = strongest.action
        else:
            outcome = NO_CHANGE if rules else NOT_EVALUATED
        entries.append(MedicationReview(
            drug=drug, status=status, checked=checks, outcome=outcome,
            unavailable=[c for c in checks if not _available(c, inputs)],
            by=sorted(issuing)))
    return entries
