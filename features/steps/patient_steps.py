"""Given steps: build one patient's facts in the shape of docs/contract.md, section 2, a step at a time.

The `patient` fixture is plain data (a dict, as a patient YAML file would load); the When step
validates it with `engine.patient.model.Patient.model_validate`, so a typo in a table is reported with the
field path exactly as a bad patient file would be.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pytest_bdd import given

from features.steps.common import PatientFacts, column, fields, merge, phrase, records

#: The repository root: the parent of the features directory.
REPO_ROOT = Path(__file__).resolve().parents[2]


def _section(patient: PatientFacts, name: str) -> dict[str, Any]:
    section: dict[str, Any] = patient.setdefault(name, {})
    return section


def _items(patient: PatientFacts, name: str) -> list[Any]:
    items: list[Any] = patient.setdefault(name, [])
    return items


# --- who ---------------------------------------------------------------------------------------


@given(phrase('a patient "{patient_id:q}"'), target_fixture="patient")
def _(patient_id: str) -> PatientFacts:
    return {"id": patient_id}


@given(phrase('the patient from "{path:q}"'), target_fixture="patient")
def _(path: str) -> PatientFacts:
    loaded: PatientFacts = yaml.safe_load((REPO_ROOT / path).read_text(encoding="utf-8"))
    return loaded


@given(phrase("the patient's facts include:"))
def _(patient: PatientFacts, docstring: str) -> None:
    merge(patient, yaml.safe_load(docstring))


# --- demographics ------------------------------------------------------------------------------


@given(phrase("the patient is {age:d} years old"))
def _(patient: PatientFacts, age: int) -> None:
    _section(patient, "demographics")["age"] = age


@given(phrase("the patient is a {age:d}-year-old {sex:w}"))
def _(patient: PatientFacts, age: int, sex: str) -> None:
    _section(patient, "demographics").update(age=age, sex=sex)


@given(phrase('the patient\'s sex is "{sex:q}"'))
def _(patient: PatientFacts, sex: str) -> None:
    _section(patient, "demographics")["sex"] = sex


@given(phrase('the patient\'s race is "{race:q}"'))
def _(patient: PatientFacts, race: str) -> None:
    _section(patient, "demographics")["race"] = race


@given(phrase("the patient is pregnant"))
def _(patient: PatientFacts) -> None:
    _section(patient, "demographics")["pregnant"] = True


# --- vitals ------------------------------------------------------------------------------------


@given(phrase("the patient has these blood pressure readings:"))
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _items(_section(patient, "vitals"), "blood_pressure").extend(records(datatable))


@given(phrase("the patient's blood pressure is {systolic:d}/{diastolic:d}"))
def _(patient: PatientFacts, systolic: int, diastolic: int) -> None:
    _items(_section(patient, "vitals"), "blood_pressure").append({"systolic": systolic, "diastolic": diastolic})


@given(phrase("the patient is {height_cm:g} cm tall and weighs {weight_kg:g} kg"))
def _(patient: PatientFacts, height_cm: float, weight_kg: float) -> None:
    _section(patient, "vitals").update(height_cm=height_cm, weight_kg=weight_kg)


@given(phrase("the patient's height is {height_cm:g} cm"))
def _(patient: PatientFacts, height_cm: float) -> None:
    _section(patient, "vitals")["height_cm"] = height_cm


@given(phrase("the patient's weight is {weight_kg:g} kg"))
def _(patient: PatientFacts, weight_kg: float) -> None:
    _section(patient, "vitals")["weight_kg"] = weight_kg


# --- conditions, allergies, labs ---------------------------------------------------------------


@given(phrase('the patient has the condition "{condition:q}"'))
def _(patient: PatientFacts, condition: str) -> None:
    _items(patient, "conditions").append(condition)


@given(phrase("the patient has these conditions:"))
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _items(patient, "conditions").extend(column(datatable))


@given(phrase('the patient is allergic to "{allergy:q}"'))
def _(patient: PatientFacts, allergy: str) -> None:
    _items(patient, "allergies").append(allergy)


@given(phrase("the patient's labs:"))
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _section(patient, "labs").update(fields(datatable))


# --- pharmacogenomics and medications ----------------------------------------------------------


@given(phrase("the patient has these genotypes:"))
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _items(patient, "genotypes").extend(records(datatable))


@given(phrase('the patient\'s {gene:w} diplotype is "{diplotype:q}"'))
def _(patient: PatientFacts, gene: str, diplotype: str) -> None:
    _items(patient, "genotypes").append({"gene": gene, "diplotype": diplotype})


@given(phrase('the patient\'s {gene:w} phenotype is "{phenotype:q}"'))
def _(patient: PatientFacts, gene: str, phenotype: str) -> None:
    _items(patient, "genotypes").append({"gene": gene, "phenotype": phenotype})


@given(phrase("the patient has these medications:"))
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _items(patient, "medications").extend(records(datatable))


@given(phrase('the patient has "{name:q}" {status:w} for "{indication:q}"'))
def _(patient: PatientFacts, name: str, status: str, indication: str) -> None:
    _items(patient, "medications").append({"name": name, "status": status, "indication": indication})


@given(phrase('the patient takes "{name:q}"'))
def _(patient: PatientFacts, name: str) -> None:
    _items(patient, "medications").append({"name": name, "status": "active"})


# --- lifestyle and stress ----------------------------------------------------------------------


@given(phrase("the patient's lifestyle:"))
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _section(patient, "lifestyle").update(fields(datatable))


@given(phrase('the patient\'s smoking status is "{smoking:q}"'))
def _(patient: PatientFacts, smoking: str) -> None:
    _section(patient, "lifestyle")["smoking"] = smoking


@given(phrase("the patient's stress scores:"))
def _(patient: PatientFacts, datatable: list[list[str]]) -> None:
    _section(patient, "stress").update(fields(datatable))


@given(phrase("the patient's {scale:w} score is {score:d}"))
def _(patient: PatientFacts, scale: str, score: int) -> None:
    _section(patient, "stress")[scale] = score


# --- preferences -------------------------------------------------------------------------------


@given(phrase("the patient prefers non-pharmacologic treatment"))
def _(patient: PatientFacts) -> None:
    _section(patient, "preferences")["prefers_non_pharmacologic"] = True


@given(phrase('the patient declines "{treatment:q}"'))
def _(patient: PatientFacts, treatment: str) -> None:
    _items(_section(patient, "preferences"), "declines").append(treatment)
