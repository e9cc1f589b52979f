"""Given steps: build one patient's facts in the shape of docs/contract.md, section 2, a step at a time.

The `patient` fixture is plain data (a dict, as a patient YAML file would load); the When step
validates it with `engine.patient.model.Patient.model_validate`, so a typo in a table is reported with the
field path exactly as a bad patient file would be.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from features.steps.common import PatientFacts, column, fields, given, merge, records

#: The repository root: the parent of the features directory.
REPO_ROOT = Path(__file__).resolve().parents[2]


def _section(patient: PatientFacts, name: str) -> dict[str, Any]:
    section: dict[str, Any] = patient.setdefault(name, {})
    return section


def _items(patient: PatientFacts, name: str) -> list[Any]:
    items: list[Any] = patient.setdefault(name, [])
    return items


# --- who ---------------------------------------------------------------------------------------


@given('a patient "{patient_id:q}"', example='a patient "p1"', target_fixture="patient")
def _(patient_id: str) -> PatientFacts:
    return {"id": patient_id}


@given('the patient from "{path:q}"', example='the patient from "examples/patient-a.yaml"', target_fixture="patient")
def _(path: str) -> PatientFacts:
    loaded: PatientFacts = yaml.safe_load((REPO_ROOT / path).read_text(encoding="utf-8"))
    return loaded


@given("the patient's facts include:", example="the patient's facts include:")
def _(patient: PatientFacts, docstring: str) -> None:
    merge(patient, yaml.safe_load(docstring))


# --- demographics ------------------------------------------------------------------------------


@given("the patient is {age:d} years old", example='the patient is 52 years old')
def _(patient: PatientFacts, age: int) -> None:
    _section(patient, "demographics")["age"] = age


@given("the patient is a {age:d}-year-old {sex:w}", example='the patient is a 52-year-old male')
def _(patient: PatientFacts, age: int, sex: str) -> None:
    _section(patient, "demographics").update(age=age, sex=sex)


@given('the patient\'s sex is "{sex:q}"', example='the patient\'s sex is "female"')
def _(patient: PatientFacts, sex: str) -> None:
    _section(patient, "demographics")["sex"] = sex


@given('the patient\'s race is "{race:q}"', example='the patient\'s race is "black"')
def _(patient: PatientFacts, race: str) -> None:
    _section(patient, "demographics")["race"] = race


@given("the patient is pregnant", example='the patient is pregnant')
def _(patient: PatientFacts) -> None:
    _section(patient, "demographics")["pregnant"] = True


# --- vitals ------------------------------------------------------------------------------------


@given("the patient has these blood pressure readings:", example='the patient has these blood pressure readings:')
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _items(_section(patient, "vitals"), "blood_pressure").extend(records(datatable))


@given("the patient's blood pressure is {systolic:d}/{diastolic:d}", example="the patient's blood pressure is 134/86")
def _(patient: PatientFacts, systolic: int, diastolic: int) -> None:
    _items(_section(patient, "vitals"), "blood_pressure").append({"systolic": systolic, "diastolic": diastolic})


@given("the patient is {height_cm:g} cm tall and weighs {weight_kg:g} kg",
       example='the patient is 178 cm tall and weighs 92 kg')
def _(patient: PatientFacts, height_cm: float, weight_kg: float) -> None:
    _section(patient, "vitals").update(height_cm=height_cm, weight_kg=weight_kg)


@given("the patient's height is {height_cm:g} cm", example="the patient's height is 178 cm")
def _(patient: PatientFacts, height_cm: float) -> None:
    _section(patient, "vitals")["height_cm"] = height_cm


@given("the patient's weight is {weight_kg:g} kg", example="the patient's weight is 92.5 kg")
def _(patient: PatientFacts, weight_kg: float) -> None:
    _section(patient, "vitals")["weight_kg"] = weight_kg


# --- conditions, allergies, labs ---------------------------------------------------------------


@given('the patient has the condition "{condition:q}"', example='the patient has the condition "type 2 diabetes"')
def _(patient: PatientFacts, condition: str) -> None:
    _items(patient, "conditions").append(condition)


@given("the patient has these conditions:", example='the patient has these conditions:')
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _items(patient, "conditions").extend(column(datatable))


@given('the patient is allergic to "{allergy:q}"', example='the patient is allergic to "penicillin"')
def _(patient: PatientFacts, allergy: str) -> None:
    _items(patient, "allergies").append(allergy)


@given("the patient's labs:", example="the patient's labs:")
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _section(patient, "labs").update(fields(datatable))


# --- pharmacogenomics and medications ----------------------------------------------------------


@given("the patient has these genotypes:", example='the patient has these genotypes:')
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _items(patient, "genotypes").extend(records(datatable))


@given('the patient\'s {gene:w} diplotype is "{diplotype:q}"', example='the patient\'s CYP2C19 diplotype is "*1/*2"')
def _(patient: PatientFacts, gene: str, diplotype: str) -> None:
    _items(patient, "genotypes").append({"gene": gene, "diplotype": diplotype})


@given('the patient\'s {gene:w} phenotype is "{phenotype:q}"',
       example='the patient\'s CYP2D6 phenotype is "Ultrarapid Metabolizer"')
def _(patient: PatientFacts, gene: str, phenotype: str) -> None:
    _items(patient, "genotypes").append({"gene": gene, "phenotype": phenotype})


@given("the patient has these medications:", example='the patient has these medications:')
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _items(patient, "medications").extend(records(datatable))


@given('the patient has "{name:q}" {status:w} for "{indication:q}"',
       example='the patient has "clopidogrel" planned for "PCI"')
def _(patient: PatientFacts, name: str, status: str, indication: str) -> None:
    _items(patient, "medications").append({"name": name, "status": status, "indication": indication})


@given('the patient takes "{name:q}"', example='the patient takes "lisinopril"')
def _(patient: PatientFacts, name: str) -> None:
    _items(patient, "medications").append({"name": name, "status": "active"})


# --- lifestyle and stress ----------------------------------------------------------------------


@given("the patient's lifestyle:", example="the patient's lifestyle:")
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _section(patient, "lifestyle").update(fields(datatable))


@given('the patient\'s smoking status is "{smoking:q}"', example='the patient\'s smoking status is "current"')
def _(patient: PatientFacts, smoking: str) -> None:
    _section(patient, "lifestyle")["smoking"] = smoking


@given("the patient's stress scores:", example="the patient's stress scores:")
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _section(patient, "stress").update(fields(datatable))


@given("the patient's {scale:w} score is {score:d}", example="the patient's pss10 score is 29")
def _(patient: PatientFacts, scale: str, score: int) -> None:
    _section(patient, "stress")[scale] = score


# --- preferences -------------------------------------------------------------------------------


@given("the patient prefers non-pharmacologic treatment", example='the patient prefers non-pharmacologic treatment')
def _(patient: PatientFacts) -> None:
    _section(patient, "preferences")["prefers_non_pharmacologic"] = True


@given('the patient declines "{treatment:q}"', example='the patient declines "chemotherapy"')
def _(patient: PatientFacts, treatment: str) -> None:
    _items(_section(patient, "preferences"), "declines").append(treatment)
