"""Synthetic patients for the shipped pack: plausible mixes, every value inside the patient schema.

The shapes are rough, chosen to exercise every domain of the pack at believable rates, not to
estimate any population: adult ages 18-90, systolic pressure rising with age (mean about 118 mmHg
at 20 and 138 at 80, SD 16) so a few percent reach stage 2 and a handful a crisis, a diabetes share
rising with age to about a fifth of the oldest, lipids and eGFR around adult norms, a third with a
pharmacogene panel (``frequencies``), common medicines including planned CPIC drugs (clopidogrel,
codeine, simvastatin, citalopram, ...), lifestyle, PSS-10/PHQ-9/GAD-7 scores skewed low, about 4%
with a cancer and a fifth with family history. Every draw comes from one ``random.Random(seed)``,
in a fixed order, so a seed always gives the same cohort; ``cohort_lines`` writes it as NDJSON.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

from engine.synth.bad_records import spoil
from engine.synth.frequencies import draw_diplotype, gene_frequencies

RACES = (("white", 0.60), ("black", 0.13), ("asian", 0.06), ("hispanic", 0.18), ("other", 0.02),
         ("unknown", 0.01))
POPULATION_OF_RACE = {"white": "EUR", "black": "AFR", "asian": "EAS"}  # others: an even mix
ANTIHYPERTENSIVES = ("lisinopril", "amlodipine", "losartan", "hydrochlorothiazide", "chlorthalidone")
PLANNED_CPIC = ("clopidogrel", "codeine", "simvastatin", "citalopram", "sertraline", "amitriptyline",
                "omeprazole", "celecoxib", "tramadol", "ondansetron")
OTHER_MEDICINES = ("levothyroxine", "atorvastatin", "ibuprofen", "pantoprazole", "escitalopram")
RELATIVES = ("mother", "father", "sister", "brother", "maternal aunt", "paternal aunt", "maternal grandmother",
             "paternal grandfather", "daughter", "son")
FAMILY_CONDITIONS = ("breast cancer", "ovarian cancer", "colon cancer", "prostate cancer", "pancreatic cancer")


def _bounded(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _whole(rng: random.Random, mean: float, sd: float, low: int, high: int) -> int:
    return int(_bounded(round(rng.gauss(mean, sd)), low, high))


def _tenth(rng: random.Random, mean: float, sd: float, low: float, high: float) -> float:
    return round(_bounded(rng.gauss(mean, sd), low, high), 1)


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([word for word, _ in weighted], weights=[weight for _, weight in weighted])[0]


def _demographics(rng: random.Random) -> dict[str, Any]:
    age = _whole(rng, 52, 17, 18, 90)
    sex = _pick(rng, (("female", 0.505), ("male", 0.485), ("other", 0.005), ("unknown", 0.005)))
    demographics: dict[str, Any] = {"age": age, "sex": sex, "race": _pick(rng, RACES)}
    if sex == "female" and age <= 45:
        demographics["pregnant"] = rng.random() < 0.04
    return demographics


def _vitals(rng: random.Random, age: int, sex: str) -> dict[str, Any]:
    readings = []
    mean_systolic = 108 + 0.38 * age
    for reading in range(rng.choice((1, 2, 2, 3))):
        systolic = _whole(rng, mean_systolic, 16, 85, 230)
        diastolic = _whole(rng, 0.55 * systolic + 8, 8, 45, min(140, systolic - 15))
        readings.append({"systolic": systolic, "diastolic": diastolic, "date": f"2026-{9 + reading:02d}-15",
                         "setting": "home" if reading == 2 else "office"})
    height = _tenth(rng, 176 if sex == "male" else 163, 7, 140, 205)
    bmi = _bounded(rng.gauss(28, 5), 16, 55)
    return {"blood_pressure": readings, "height_cm": height, "weight_kg": round(bmi * (height / 100) ** 2, 1)}


def _conditions(rng: random.Random, age: int) -> list[str]:
    conditions = []
    if rng.random() < 0.04 + 0.0025 * age:
        conditions.append("type 2 diabetes")
    if rng.random() < 0.02 + 0.0015 * age:
        conditions.append("chronic kidney disease")
    if rng.random() < 0.02:
        conditions.append("heart failure")
    return conditions


def _labs(rng: random.Random, age: int, sex: str, conditions: list[str]) -> dict[str, Any]:
    total = _whole(rng, 195, 38, 110, 340)
    hdl = _whole(rng, 57 if sex == "female" else 47, 13, 22, 110)
    labs: dict[str, Any] = {"total_cholesterol_mg_dl": total, "hdl_mg_dl": hdl,
                            "ldl_mg_dl": max(30, total - hdl - _whole(rng, 30, 10, 10, 80))}
    diabetic = "type 2 diabetes" in conditions
    labs["hba1c_percent"] = _tenth(rng, 7.4, 1.2, 5.7, 13) if diabetic else _tenth(rng, 5.4, 0.35, 4.2, 6.4)
    ckd = "chronic kidney disease" in conditions
    labs["egfr"] = _whole(rng, 45 if ckd else 105 - 0.7 * age, 14, 8 if ckd else 30, 59 if ckd else 130)
    labs["potassium_mmol_l"] = _tenth(rng, 4.3, 0.4, 3.1, 6.0)
    if diabetic or ckd:
        labs["urine_acr_mg_g"] = _whole(rng, 60, 90, 3, 900)
    return labs


def _genotypes(rng: random.Random, race: str) -> list[dict[str, Any]]:
    population = POPULATION_OF_RACE.get(race)
    return [{"gene": gene.gene, "diplotype": draw_diplotype(rng, gene, population)} for gene in gene_frequencies()]


def _medications(rng: random.Random, vitals: dict[str, Any], conditions: list[str]) -> list[dict[str, Any]]:
    medicines: list[dict[str, Any]] = []
    if "type 2 diabetes" in conditions:
        medicines.append({"name": "metformin", "status": "active", "dose_mg": 1000})
    if vitals["blood_pressure"][0]["systolic"] >= 140 and rng.random() < 0.6:
        medicines.append({"name": rng.choice(ANTIHYPERTENSIVES), "status": "active"})
    if rng.random() < 0.25:
        medicines.append({"name": rng.choice(PLANNED_CPIC), "status": "planned"})
    if rng.random() < 0.2:
        medicines.append({"name": rng.choice(OTHER_MEDICINES), "status": rng.choice(("active", "stopped"))})
    unique = {medicine["name"]: medicine for medicine in medicines}  # one entry per medicine
    return list(unique.values())


def _lifestyle(rng: random.Random) -> dict[str, Any]:
    return {
        "smoking": _pick(rng, (("never", 0.62), ("former", 0.25), ("current", 0.13))),
        "alcohol_drinks_per_week": _whole(rng, 4, 5, 0, 40),
        "activity_minutes_per_week": _whole(rng, 120, 80, 0, 600),
        "sodium_mg_per_day": _whole(rng, 3300, 800, 1200, 7000),
        "sleep_hours": _tenth(rng, 6.9, 1.1, 3.5, 11),
    }


def _stress(rng: random.Random) -> dict[str, Any]:
    phq9 = _whole(rng, abs(rng.gauss(0, 6)), 2, 0, 27)
    return {"pss10": _whole(rng, 14, 7, 0, 40), "phq9": phq9, "phq9_item9": 1 if phq9 >= 15 and rng.random() < 0.2
            else 0, "gad7": _whole(rng, abs(rng.gauss(0, 5)), 2, 0, 21)}


def _cancer(rng: random.Random, sex: str, age: int) -> list[dict[str, Any]]:
    if rng.random() >= 0.04:
        return []
    if sex == "female" and rng.random() < 0.6:
        breast: dict[str, Any] = {
            "type": "breast", "stage": rng.choice(("IA", "IB", "IIA", "IIB")), "er": "positive",
            "pr": rng.choice(("positive", "negative")), "her2": rng.choice(("negative", "negative", "positive")),
            "nodes_positive": rng.choice((0, 0, 0, 1, 2)), "tumour_size_mm": _tenth(rng, 18, 8, 3, 60),
            "menopausal_status": "post" if age >= 52 else "pre"}
        if rng.random() < 0.5:
            breast["oncotype_dx_recurrence_score"] = _whole(rng, 18, 9, 0, 60)
        return [breast]
    return [{"type": "colon", "stage": rng.choice(("II", "III", "IV")),
             "mmr_status": rng.choice(("proficient", "proficient", "proficient", "deficient"))}]


def _family_history(rng: random.Random) -> list[dict[str, Any]]:
    if rng.random() >= 0.2:
        return []
    return [{"relative": rng.choice(RELATIVES), "condition": rng.choice(FAMILY_CONDITIONS),
             "age_at_diagnosis": _whole(rng, 58, 12, 25, 95)} for _ in range(rng.choice((1, 1, 2)))]


def synthetic_patient(rng: random.Random, patient_id: str) -> dict[str, Any]:
    """One patient file's data (the ``id`` is given), drawn from ``rng`` in a fixed order."""
    demographics = _demographics(rng)
    age, sex = demographics["age"], demographics["sex"]
    vitals = _vitals(rng, age, sex)
    conditions = _conditions(rng, age)
    patient: dict[str, Any] = {"id": patient_id, "demographics": demographics, "vitals": vitals}
    if conditions:
        patient["conditions"] = conditions
    if rng.random() < 0.8:
        patient["labs"] = _labs(rng, age, sex, conditions)
    if rng.random() < 0.35:
        patient["genotypes"] = _genotypes(rng, demographics["race"])
    medications = _medications(rng, vitals, conditions)
    if medications:
        patient["medications"] = medications
    if rng.random() < 0.1:
        patient["allergies"] = [rng.choice(("penicillin", "lisinopril", "sulfonamides"))]
    patient["lifestyle"] = _lifestyle(rng)
    if rng.random() < 0.6:
        patient["stress"] = _stress(rng)
    for key, items in (("cancer", _cancer(rng, sex, age)), ("family_history", _family_history(rng))):
        if items:
            patient[key] = items
    return patient


def cohort_lines(count: int, seed: int, bad_share: float = 0.0) -> Iterator[str]:
    """``count`` NDJSON lines, one patient each; about ``bad_share`` of them spoilt (drawn per record)."""
    rng = random.Random(seed)
    width = max(6, len(str(count)))
    for number in range(1, count + 1):
        patient = synthetic_patient(rng, f"synth-{seed}-{number:0{width}d}")
        if bad_share > 0 and rng.random() < bad_share:
            spoil(rng, patient)
        yield json.dumps(patient, ensure_ascii=False, separators=(",", ":")) + "\n"
