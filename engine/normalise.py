"""Turn a validated ``Patient`` into engine facts, computing derived values once.

Derived here, not in rules: the mean of the blood-pressure readings (ACC/AHA 2017 bases
the category on an average of readings), BMI (kg/m2), and the alleles of a diplotype.
Numbers are rounded to plain decimals: durable-rules cannot parse exponent floats.
"""

from __future__ import annotations

import math
import re

from engine.facts import Fact, Scalar
from engine.patient import CodedCondition, Patient


def _round(value: float, places: int = 1) -> float:
    return float(round(value, places))


def _lower(text: str | None) -> str | None:
    return text.strip().lower() if text is not None else None


_COPIES = re.compile(r"^(?P<name>.+?)x(?P<at_least>≥|>=)?(?P<copies>\d+|N)$")


def split_diplotype(diplotype: str) -> tuple[str, ...] | None:
    """``"*1/*2"`` -> ``("*1", "*2")``; ``"A-"`` -> ``("A-",)`` (one allele: a hemizygous X-linked
    result such as G6PD in a male, or a mitochondrial one such as MT-RNR1); None otherwise."""
    parts = tuple(p.strip() for p in diplotype.split("/"))
    if len(parts) not in (1, 2) or not all(parts):
        return None
    return parts


def allele_copies(allele: str) -> tuple[str, int, bool]:
    """``"*1x2"`` -> ``("*1", 2, False)``; ``"*2x≥3"`` -> ``("*2", 3, True)``; ``"*4"`` -> ``("*4", 1, False)``.

    CPIC scores a duplicated CYP2D6 allele as its activity value times the copy number, and
    reports three or more copies as "≥3" (scored as 3). ``xN`` (copies unknown) is scored as 2,
    the least a duplication can be, and flagged as a lower bound.
    """
    match = _COPIES.match(allele)
    if not match:
        return allele, 1, False
    copies = match.group("copies")
    if copies == "N":
        return match.group("name"), 2, True
    return match.group("name"), int(copies), match.group("at_least") is not None

def normalise(patient: Patient) -> list[Fact]:
    """All facts of a patient, de-duplicated and in a canonical order (by fact id)."""
    facts: list[Fact] = []
    demo, vitals = patient.demographics, patient.vitals
    bmi: float | None = None
    if vitals.height_cm is not None and vitals.weight_kg is not None:
        bmi = _round(vitals.weight_kg / (vitals.height_cm / 100) ** 2)
    facts.append(Fact.make("patient", {
        "age": demo.age, "sex": demo.sex, "pregnant": demo.pregnant, "race": demo.race,
        "bmi": bmi, "height_cm": vitals.height_cm, "weight_kg": vitals.weight_kg,
    }))
    readings = vitals.blood_pressure
    if readings:
        settings = "+".join(sorted({r.setting for r in readings}))
        facts.append(Fact.make("blood_pressure", {
            # fsum is exactly rounded, so the mean does not depend on the order of the readings
            "systolic": _round(math.fsum(r.systolic for r in readings) / len(readings)),
            "diastolic": _round(math.fsum(r.diastolic for r in readings) / len(readings)),
            "readings": len(readings), "settings": settings,
        }))
    for condition in patient.conditions:
        if isinstance(condition, CodedCondition):
            facts.append(Fact.make("condition", {
                "name": _lower(condition.display), "system": condition.system, "code": condition.code}))
        else:
            facts.append(Fact.make("condition", {"name": _lower(condition)}))
    for substance in patient.allergies:
        facts.append(Fact.make("allergy", {"substance": _lower(substance)}))
    for name, value in patient.labs.model_dump(exclude_none=True).items():
        facts.append(Fact.make("lab", {"name": name, "value": _round(float(value), 2)}))
    for med in patient.medications:
        facts.append(Fact.make("medication", {
            "name": _lower(med.name), "status": med.status, "indication": med.indication,
            "dose_mg": med.dose_mg, "months_on_drug": med.months_on_drug}))
    for gt in patient.genotypes:
        facts.append(Fact.make("genotype", {
            "gene": gt.gene, "diplotype": gt.diplotype, "allele": gt.allele, "result": gt.result,
            "phenotype": gt.phenotype,
            "activity_score": _round(gt.activity_score, 2) if gt.activity_score is not None else None,
        }))
        alleles = split_diplotype(gt.diplotype) if gt.diplotype else None
        if alleles:
            for slot, written in enumerate(alleles, start=1):
                name, copies, at_least = allele_copies(written)
                facts.append(Fact.make("allele", {"gene": gt.gene, "name": name, "slot": slot,
                                                 "copies": copies, "copies_at_least": at_least or None,
                                                 "alleles": len(alleles), "diplotype": gt.diplotype}))
    lifestyle: dict[str, Scalar | None] = dict(patient.lifestyle.model_dump(exclude_none=True))
    if lifestyle:
        facts.append(Fact.make("lifestyle", lifestyle))
    stress: dict[str, Scalar | None] = dict(patient.stress.model_dump(exclude_none=True))
    if stress:
        facts.append(Fact.make("stress", stress))
    for cancer in patient.cancer:
        fields: dict[str, Scalar | None] = dict(cancer.model_dump(exclude_none=True, exclude={"somatic_variants"}))
        fields["type"] = _lower(cancer.type)
        facts.append(Fact.make("cancer", fields))
        for variant in cancer.somatic_variants:
            facts.append(Fact.make("somatic_variant", {
                "gene": variant.gene, "variant": variant.variant, "cancer_type": _lower(cancer.type)}))
    for entry in patient.family_history:
        facts.append(Fact.make("family_history", {
            "relative": _lower(entry.relative), "condition": _lower(entry.condition),
            "age_at_diagnosis": entry.age_at_diagnosis}))
    prefs = patient.preferences
    facts.append(Fact.make("preference", {"prefers_non_pharmacologic": prefs.prefers_non_pharmacologic}))
    for item in prefs.declines:
        facts.append(Fact.make("declined", {"item": _lower(item)}))
    for goal in prefs.goals:
        facts.append(Fact.make("patient_goal", {"text": goal}))
    unique = {f.fid: f for f in facts}
    return [unique[k] for k in sorted(unique)]
