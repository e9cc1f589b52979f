"""Which of a pack's rules name each medicine (or its class), and what each of them checks.

The medication review (``engine.plan.medication_review``) lists, for every medicine of the
patient, what the pack checked for it. That is read from the rules' patterns, never written by
hand: a rule that names the medicine (or its class) in a ``medication`` pattern checks whatever
else it matches (a gene's result, a lab, age, pregnancy, an allergy, another medicine).

It is worked out here, once per compiled pack, because it reads every rule: a plan reads only the
entries of its patient's medicines, and a pack read back from the cache reads only the rules that
fire (``engine.compile.rule_table``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.lang.patterns import Pattern, Test
from engine.lang.rule import Rule

# labs whose names a reader knows by what they measure (Labs fields of the patient file)
LAB_CHECKS = {"egfr": "kidney function", "potassium_mmol_l": "potassium", "hba1c_percent": "HbA1c",
              "ldl_mg_dl": "LDL cholesterol", "total_cholesterol_mg_dl": "cholesterol",
              "hdl_mg_dl": "HDL cholesterol", "urine_acr_mg_g": "urine albumin"}
# the fact types that stand for one of the patient's medicines (medicine_in_use: once per name)
_MEDICINE_TYPES = frozenset({"medication", "medicine_in_use"})
_PATIENT_CHECKS = {"age": "age", "pregnant": "pregnancy", "sex": "sex"}
_TYPE_CHECKS = {"allergy": "allergies", "condition": "conditions", "pgx_population": "indication and age",
                "blood_pressure": "blood pressure", "bp_category": "blood pressure"}


def _names(tests: Iterable[Test], field_name: str) -> set[str]:
    found: set[str] = set()
    for test in tests:
        if test.field != field_name:
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
        return {LAB_CHECKS.get(name, f"lab {name}") for name in _names(pattern.tests, "name")}
    if pattern.type == "patient":
        return {_PATIENT_CHECKS[t.field] for t in pattern.tests if t.field in _PATIENT_CHECKS}
    if pattern.type in _TYPE_CHECKS:
        return {_TYPE_CHECKS[pattern.type]}
    return set() if pattern.type.startswith("__") else {pattern.type.replace("_", " ")}


@dataclass
class MedicineRules:
    """Per medicine and per medicine class: the pack's rules that name it; per rule, what it checks."""

    by_drug: dict[str, set[str]] = field(default_factory=dict)
    by_class: dict[str, set[str]] = field(default_factory=dict)
    checks: dict[str, set[str]] = field(default_factory=dict)

    @staticmethod
    def of(rules: Iterable[Rule]) -> MedicineRules:
        by_drug: dict[str, set[str]] = defaultdict(set)
        by_class: dict[str, set[str]] = defaultdict(set)
        checks: dict[str, set[str]] = defaultdict(set)
        for rule in rules:
            for variant in rule.variants:
                medicines = [p for p in variant if p.type in _MEDICINE_TYPES]
                found: set[str] = {"interactions"} if len(medicines) > 1 else set()
                for pattern in (*variant, *rule.negations):
                    if pattern.type not in _MEDICINE_TYPES:
                        found |= _check_labels(pattern)
                checks[rule.id] |= found
                for pattern in medicines:
                    for drug in _names(pattern.tests, "name"):
                        by_drug[drug].add(rule.id)
                    for drug_class in _names(pattern.tests, "drug_class"):
                        by_class[drug_class].add(rule.id)
        return MedicineRules(dict(by_drug), dict(by_class), dict(checks))

    def rules_for(self, drug: str, drug_class: str | None) -> set[str]:
        return self.by_drug.get(drug, set()) | (self.by_class.get(drug_class, set()) if drug_class else set())
