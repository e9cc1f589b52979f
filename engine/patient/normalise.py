"""Turn a validated ``Patient`` into engine facts, computing derived values once.

Derived here, not in rules: the mean of one setting's blood-pressure readings (ACC/AHA 2017
bases the category on an average of readings), BMI (kg/m2), the alleles of a diplotype, and per
side of the family the counts the hereditary criteria compare (rules over a list must not join
the list with itself: firings would grow with the cube of its entries). One function per section
of the patient file. Numbers are rounded to plain decimals: durable-rules
cannot parse exponent floats.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from engine.clinical.calculators import RiskCalculator, RiskInputs
from engine.clinical.drug_classes import DrugClasses
from engine.clinical.pedigree import AffectedRelative, FamilyVocabulary, side_summaries
from engine.facts.fact import Fact, Scalar
from engine.facts.field_checks import ENGINE_PATIENT_FIELDS
from engine.patient.model import BloodPressureReading, CodedCondition, Patient
from engine.patient.section_facts import declared_facts


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

# Conditions the Pooled Cohort Equations count as diabetes; an HbA1c of 6.5% or more also does
# (ADA Standards of Care, diagnostic criterion).
_DIABETES = frozenset({"diabetes", "type 1 diabetes", "type 2 diabetes", "diabetes mellitus",
                       "type 1 diabetes mellitus", "type 2 diabetes mellitus"})


def _mean_pressure(readings: list[BloodPressureReading]) -> tuple[float, float]:
    """Mean systolic and diastolic; fsum is exactly rounded, so the order of the readings never matters."""
    return (math.fsum(r.systolic for r in readings) / len(readings),
            math.fsum(r.diastolic for r in readings) / len(readings))


def _number(value: Scalar | None) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _word(value: Scalar | None) -> str | None:
    return value if isinstance(value, str) else None


def _integer(value: Scalar | None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _body_mass_index(patient: Patient) -> float | None:
    """kg/m2 from the recorded height and weight, unrounded (the ``patient`` fact shows it to 1 decimal)."""
    vitals = patient.vitals
    if vitals.height_cm is None or vitals.weight_kg is None:
        return None
    return float(vitals.weight_kg / (vitals.height_cm / 100) ** 2)


def risk_inputs(patient: Patient, systolic: float | None, classes: DrugClasses) -> RiskInputs:
    """What the risk calculators read. ``systolic`` is the unrounded mean of the category's readings.

    The equations read the default pack's declared fields by name (demographics.age, labs.hdl_mg_dl,
    lifestyle.smoking, ...); a pack without them gets no score, and a data gap names what is missing."""
    names = {_lower(c.display if isinstance(c, CodedCondition) else c) for c in patient.conditions}
    hba1c = _number(patient.value("labs", "hba1c_percent"))
    smoking = _word(patient.value("lifestyle", "smoking"))
    age = patient.value("demographics", "age")
    active = [_lower(m.name) or "" for m in patient.medications if m.status == "active"]
    return RiskInputs(
        age=_integer(age),
        sex=_word(patient.value("demographics", "sex")), race=_word(patient.value("demographics", "race")),
        total_cholesterol_mg_dl=_number(patient.value("labs", "total_cholesterol_mg_dl")),
        hdl_mg_dl=_number(patient.value("labs", "hdl_mg_dl")),
        systolic=systolic,
        treated_for_hypertension=classes.any_lowers_bp(active),
        diabetes=bool(names & _DIABETES) or (hba1c is not None and hba1c >= 6.5),
        smoker=None if smoking is None else smoking == "current",
        egfr=_number(patient.value("labs", "egfr")), bmi=_body_mass_index(patient),
        on_statin=any(classes.class_of(name) == "statin" for name in active),
        uacr_mg_g=_number(patient.value("labs", "urine_acr_mg_g")), hba1c_percent=hba1c,
        sdi_decile=_integer(patient.value("demographics", "sdi_decile")),
    )


def _declared_and_demographics(patient: Patient) -> list[Fact]:
    """The facts of the declared sections; the ``patient`` fact (always one) adds the body measures."""
    merged, per_field = declared_facts(patient)
    vitals = patient.vitals
    bmi: float | None = None
    if vitals.height_cm is not None and vitals.weight_kg is not None:
        bmi = _round(vitals.weight_kg / (vitals.height_cm / 100) ** 2)
    body = dict(zip(ENGINE_PATIENT_FIELDS, (bmi, vitals.height_cm, vitals.weight_kg), strict=True))
    person: dict[str, Scalar | None] = {**merged.pop("patient", {}), **body}  # no pack may declare these
    return [Fact.make("patient", person), *per_field,
            *(Fact.make(name, dict(values)) for name, values in sorted(merged.items()))]


# Office and out-of-office values have their own thresholds (ACC/AHA 2017 section 4.2, Table 11),
# so settings are never averaged: office readings when any (the categories are office values),
# else ambulatory (the reference standard out of the office), else home.
CATEGORY_SETTINGS = ("office", "ambulatory", "home")


def category_readings(readings: list[BloodPressureReading]) -> list[BloodPressureReading]:
    """The readings of the one setting the category (and the risk equations' systolic) is read from."""
    for setting in CATEGORY_SETTINGS:
        group = [r for r in readings if r.setting == setting]
        if group:
            return group
    return []


def _blood_pressure(readings: list[BloodPressureReading], mean: tuple[float, float] | None) -> list[Fact]:
    """The mean of the category's readings (``category_readings``; ``settings`` names their setting),
    and the mean per setting, which white-coat and masked hypertension compare (section 4.2)."""
    chosen = category_readings(readings)
    if not chosen or mean is None:
        return []
    systolic, diastolic = mean
    settings = sorted({r.setting for r in readings})
    facts = [Fact.make("blood_pressure", {
        "systolic": _round(systolic), "diastolic": _round(diastolic),
        "readings": len(chosen), "settings": chosen[0].setting,
    })]
    for setting in settings:
        group = [r for r in readings if r.setting == setting]
        systolic, diastolic = _mean_pressure(group)
        facts.append(Fact.make("blood_pressure_setting", {
            "setting": setting, "readings": len(group),
            "systolic": _round(systolic), "diastolic": _round(diastolic),
        }))
    return facts


def _risks(patient: Patient, systolic: float | None, classes: DrugClasses,
           calculators: Sequence[RiskCalculator]) -> list[Fact]:
    inputs = risk_inputs(patient, systolic, classes)
    return [fact for calculator in calculators for fact in calculator.compute(inputs)]


def _conditions(patient: Patient) -> list[Fact]:
    return [Fact.make("condition", {"name": _lower(c.display), "system": c.system, "code": c.code})
            if isinstance(c, CodedCondition) else Fact.make("condition", {"name": _lower(c)})
            for c in patient.conditions]


def _allergies(patient: Patient, classes: DrugClasses) -> list[Fact]:
    facts = []
    for substance in patient.allergies:
        drug_class = classes.classify(substance)
        facts.append(Fact.make("allergy", {
            "substance": _lower(substance), "drug_class": drug_class,
            "names_class": drug_class is not None and classes.class_of(_lower(substance)) is None}))
    return facts


def _medications(patient: Patient, classes: DrugClasses) -> list[Fact]:
    return [Fact.make("medication", {
        "name": _lower(med.name), "status": med.status, "indication": med.indication,
        "dose_mg": med.dose_mg, "months_on_drug": med.months_on_drug,
        "drug_class": classes.class_of(_lower(med.name))}) for med in patient.medications]


def _genotypes(patient: Patient) -> list[Fact]:
    """Each genotype, and each allele of its diplotype (with its copy number)."""
    facts: list[Fact] = []
    for gt in patient.genotypes:
        facts.append(Fact.make("genotype", {
            "gene": gt.gene, "diplotype": gt.diplotype, "allele": gt.allele, "result": gt.result,
            "phenotype": gt.phenotype,
            "activity_score": _round(gt.activity_score, 2) if gt.activity_score is not None else None,
        }))
        alleles = split_diplotype(gt.diplotype) if gt.diplotype else None
        for slot, written in enumerate(alleles or (), start=1):
            name, copies, at_least = allele_copies(written)
            facts.append(Fact.make("allele", {"gene": gt.gene, "name": name, "slot": slot,
                                             "copies": copies, "copies_at_least": at_least or None,
                                             "alleles": len(alleles or ()), "diplotype": gt.diplotype}))
    return facts


_SITES = {"nsclc": "non-small cell lung", "non-small-cell lung": "non-small cell lung",
          "non small cell lung": "non-small cell lung", "crc": "colorectal"}
_VARIANTS = {"rearrangement": "fusion", "ex19del": "exon 19 deletion", "exon 19 del": "exon 19 deletion",
             "ex20ins": "exon 20 insertion", "exon 14 skipping mutation": "exon 14 skipping",
             "metex14": "exon 14 skipping"}


def _cancer_site(written: str) -> str:
    """Canonical words (docs/oncology.md): "Breast cancer" -> "breast", "NSCLC" -> "non-small cell lung"."""
    site = re.sub(r"\s+", " ", written.strip().lower()).removesuffix(" cancer")
    return _SITES.get(site, site)


def _stage_group(stage: str | None) -> int | None:
    """The stage group's number (0-4) from the validated AJCC stage's Roman numeral: "IIIB" -> 3."""
    numeral = re.match(r"0|IV|I{1,3}", stage) if stage else None
    return {"0": 0, "I": 1, "II": 2, "III": 3, "IV": 4}[numeral.group()] if numeral else None


def _variant(written: str) -> str:
    """Protein changes upper-case (L858R, V600E, G12C); described alterations lower-case (exon 19 deletion)."""
    text = re.sub(r"\s+", " ", written.strip()).removeprefix("p.")
    if re.fullmatch(r"[A-Za-z]\d+[A-Za-z*]", text):
        return text.upper()
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 -]*", text):
        return _VARIANTS.get(text.lower(), text.lower())
    return text


def _cancers(patient: Patient) -> list[Fact]:
    facts = []
    for cancer in patient.cancer:
        site, stage_group = _cancer_site(cancer.type), _stage_group(cancer.stage)
        fields: dict[str, Scalar | None] = dict(cancer.model_dump(exclude_none=True, exclude={"somatic_variants"}))
        fields.update({"type": site, "stage_group": stage_group})
        for measure in ("tumour_size_mm", "pd_l1_tps_percent"):  # plain decimals: durable cannot parse 1e-05
            value = fields.get(measure)
            if isinstance(value, float):
                fields[measure] = _round(value)
        facts.append(Fact.make("cancer", fields))
        facts.extend(Fact.make("somatic_variant", {
            "gene": variant.gene.strip().upper(), "variant": _variant(variant.variant), "cancer_type": site,
            "cancer_stage_group": stage_group}) for variant in cancer.somatic_variants)
    return facts


def _family_history(patient: Patient, family: FamilyVocabulary) -> list[Fact]:
    """Each entry, and per side of the family what the hereditary criteria count (``family_side``).

    The counts come from the pack's relatives and cancer-site tables (``engine.clinical.pedigree``),
    the tables the rules map each entry through, so a rule compares a count instead of joining the
    family history with itself (which grows with the cube of the entries)."""
    facts: list[Fact] = []
    affected: list[AffectedRelative] = []
    seen_entries: dict[tuple[str, str, int | None], int] = {}
    for entry in patient.family_history:
        relative, condition = (re.sub(r"\s+", " ", text.strip().lower()) for text in (entry.relative, entry.condition))
        # identical entries are different people (two maternal aunts with breast cancer): number the
        # repeats (2, 3, ...) so the facts stay distinct; order-independent, since the entries are equal
        key = (relative, condition, entry.age_at_diagnosis)
        seen_entries[key] = seen_entries.get(key, 0) + 1
        facts.append(Fact.make("family_history", {
            "relative": relative, "condition": condition, "age_at_diagnosis": entry.age_at_diagnosis,
            "instance": seen_entries[key] if seen_entries[key] > 1 else None}))
        affected.extend(family.affected(relative, condition, entry.age_at_diagnosis))
    facts.extend(Fact.make("family_side", summary) for summary in side_summaries(affected))
    return facts


def _preferences(patient: Patient) -> list[Fact]:
    prefs = patient.preferences
    return ([Fact.make("preference", {"prefers_non_pharmacologic": prefs.prefers_non_pharmacologic})]
            + [Fact.make("declined", {"item": _lower(item)}) for item in prefs.declines]
            + [Fact.make("patient_goal", {"text": goal}) for goal in prefs.goals])


def normalise(patient: Patient, drug_classes: DrugClasses | None = None,
              calculators: Sequence[RiskCalculator] = (), family: FamilyVocabulary | None = None) -> list[Fact]:
    """All facts of a patient, de-duplicated and in a canonical order (by fact id).

    ``drug_classes`` is the pack's medicine table: it gives each medication its class;
    ``calculators`` are the risk models the pack uses, each adding its fact; ``family`` is the
    pack's vocabulary of relatives and cancer sites, from which each side of the family is summarised.
    """
    classes = drug_classes or DrugClasses()
    readings = patient.vitals.blood_pressure
    chosen = category_readings(readings)  # the risk equations read the category's systolic, unrounded
    mean = _mean_pressure(chosen) if chosen else None
    facts = [
        *_declared_and_demographics(patient),
        *_blood_pressure(readings, mean),
        *_risks(patient, mean[0] if mean else None, classes, calculators),
        *_conditions(patient),
        *_allergies(patient, classes),
        *_medications(patient, classes),
        *_genotypes(patient),
        *_cancers(patient),
        *_family_history(patient, family or FamilyVocabulary()),
        *_preferences(patient),
    ]
    unique = {f.fid: f for f in facts}
    return [unique[k] for k in sorted(unique)]
