"""The plain-Python baseline: the base pack hand-written as if/elif, the padding as a dict and a loop.

This is the lower bound an engine is compared with, and the reference every engine's output is
checked against (itself checked against ``bench.peers.naive``). The base logic is written by hand
from the clinical meaning, not generated from the IR, so the IR and this code can disagree (and a
test makes sure they do not). The padding threshold rules are a deliberately naive loop over
tuples: time grows linearly with their number, as it would for hand-written code nobody indexed.
"""

from __future__ import annotations

from collections.abc import Sequence

from bench.peers.workload import PGX_DRUGS, Derive, Group, Number, Patient, Rule, cyp2c19_rows, threshold


class PlainEngine:
    name = "plain"

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.cyp2c19 = dict(cyp2c19_rows())
        self.genotype_recs: dict[tuple[str, str], str] = {}
        self.thresholds: list[tuple[str, Number, Number, str, Number, str]] = []
        for rule in rules:
            if rule.group is Group.PAD_GENOTYPE and not isinstance(rule.action, Derive):
                tests = {t.field: t.value for t in rule.patterns[0].tests}
                self.genotype_recs[(str(tests["gene"]), str(tests["diplotype"]))] = rule.action.rec
            elif rule.group is Group.PAD_THRESHOLD:
                parts = threshold(rule)
                self.thresholds.append((parts.band, parts.low, parts.high, parts.bounded, parts.bound, parts.rec))

    def prepare(self, patient: Patient) -> Patient:
        return patient

    def evaluate(self, patient: Patient) -> list[str]:
        recs: list[str] = []
        category = _blood_pressure(patient, recs)
        self._pharmacogenomics(patient, recs)
        _lifestyle(patient, category, recs)
        if self.thresholds:
            values: dict[str, Number] = {"systolic": patient.systolic, "diastolic": patient.diastolic,
                                         "age": patient.age, "bmi": patient.bmi, "pss": patient.pss}
            for band, low, high, bounded, bound, rec in self.thresholds:
                if low <= values[band] < high and values[bounded] >= bound:
                    recs.append(rec)
        recs.sort()
        return recs

    def _pharmacogenomics(self, patient: Patient, recs: list[str]) -> None:
        for gene, diplotype in patient.genotypes:
            if gene == "CYP2C19":
                phenotype = self.cyp2c19.get(diplotype)
                if phenotype is not None:
                    recs.extend(f"pgx.{m}.{phenotype.lower()}" for m in patient.medications if m in PGX_DRUGS)
            rec = self.genotype_recs.get((gene, diplotype))
            if rec is not None:
                recs.append(rec)


def _category(systolic: float, diastolic: float) -> str:
    """ACC/AHA 2017: the higher of the two categories."""
    if systolic > 180 or diastolic > 120:
        return "crisis"
    if systolic >= 140 or diastolic >= 90:
        return "stage2"
    if systolic >= 130 or diastolic >= 80:
        return "stage1"
    return "elevated" if systolic >= 120 else "normal"


def _blood_pressure(patient: Patient, recs: list[str]) -> str:
    category = _category(patient.systolic, patient.diastolic)
    high_risk = patient.age >= 65 or patient.smoking == "current" or patient.bmi >= 30
    if category == "normal":
        recs.append("bp.normal-recheck-yearly")
    elif category == "elevated":
        recs.append("bp.elevated-lifestyle")
    elif category == "stage1":
        recs.append("bp.stage1-start-medicine" if high_risk else "bp.stage1-lifestyle-recheck")
    elif category == "stage2":
        recs.append("bp.stage2-two-medicines" if patient.age < 65 else "bp.stage2-one-medicine-older")
    else:
        recs.append("bp.crisis-urgent")
    return category


def _lifestyle(patient: Patient, category: str, recs: list[str]) -> None:
    _weight_and_smoking(patient, category, recs)
    if patient.pss >= 27:
        recs.append("stress.high-referral")
        if category in ("stage1", "stage2"):
            recs.append(f"stress.high-with-{category}")
    elif patient.pss >= 14:
        recs.append("stress.moderate")
    if patient.age >= 40:
        recs.append("lifestyle.ascvd-risk-estimate")


def _weight_and_smoking(patient: Patient, category: str, recs: list[str]) -> None:
    if patient.bmi >= 30:
        recs.append("lifestyle.obesity")
        if patient.age >= 65:
            recs.append("lifestyle.older-weight")
    elif patient.bmi >= 25:
        recs.append("lifestyle.overweight")
    if patient.smoking == "current":
        recs.append("lifestyle.smoking-cessation")
        if category == "stage2":
            recs.append("lifestyle.smoking-stage2-priority")
    elif patient.smoking == "former":
        recs.append("lifestyle.relapse-prevention")
