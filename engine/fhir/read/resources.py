"""FHIR Patient, Condition, MedicationRequest/Statement, AllergyIntolerance, FamilyMemberHistory and
Goal -> the patient file's demographics, conditions, cancers, medicines, allergies, relatives and goals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.fhir.read.draft import Draft
from engine.fhir.read.elements import codings, day, first_code, look_up, number, quantity, reference_to
from engine.fhir.read.tables import LOCAL_SYSTEM

RACE_EXTENSIONS = ("http://hl7.org/fhir/us/core/StructureDefinition/us-core-race",
                   "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity")
GENDERS = {"female", "male", "other", "unknown"}
INACTIVE = {"inactive", "resolved", "remission"}
STOPPED = {"stopped", "completed", "cancelled", "not-taken"}
PLANNED_INTENTS = {"proposal", "plan"}


def whole_years(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _race(draft: Draft, resource: dict[str, Any]) -> str | None:
    for extension in resource.get("extension", []):
        if extension.get("url") not in RACE_EXTENSIONS:
            continue
        for part in extension.get("extension", []):
            coding = part.get("valueCoding") or {}
            race = draft.tables.race.get((str(coding.get("system")), str(coding.get("code"))))
            if race is not None:
                return race
    return None


def map_patient(draft: Draft, resource: dict[str, Any], index: int, as_of: dt.date) -> None:
    if resource.get("id"):
        draft.data["id"] = resource["id"]
        draft.origins.append((("id",), index, ("id",)))
    if resource.get("gender") in GENDERS:
        draft.set_field("demographics", "sex", resource["gender"], None, index)
    born = day(resource.get("birthDate"))
    if born is not None:
        draft.set_field("demographics", "age", whole_years(born, as_of), None, index)
    race = _race(draft, resource)
    if race is not None:
        draft.set_field("demographics", "race", race, None, index)


def _cancer_type(draft: Draft, concept: Any) -> str | None:
    """A cancer of the patient (the cancer section), by the cancer-types table or a local "cancer:TYPE" code."""
    for code in codings(concept):
        if code in draft.tables.cancer_types:
            return draft.tables.cancer_types[code]
        if code[0] == LOCAL_SYSTEM and code[1].startswith("cancer:"):
            return code[1].removeprefix("cancer:")
    return None


def map_condition(draft: Draft, resource: dict[str, Any], index: int) -> None:
    status = first_code(resource.get("clinicalStatus"))
    code = first_code(resource.get("code"))
    if status is not None and status[1] in INACTIVE:
        draft.gap("Condition", code, f"its clinical status is {status[1]}")
        return
    cancer = _cancer_type(draft, resource.get("code"))
    if cancer is not None:
        draft.cancers[reference_to(resource)] = len(draft.data.get("cancer", []))
        draft.append("cancer", {"type": cancer}, index, ("code",))
        return
    name = look_up(resource.get("code"), draft.tables.conditions)
    if name is None:
        draft.gap("Condition", code, "no mapping")
        return
    draft.append("conditions", name, index, ("code",))


def _medicine(draft: Draft, resource: dict[str, Any]) -> tuple[str | None, tuple[str, str] | None]:
    concept = resource.get("medicationCodeableConcept")
    return look_up(concept, draft.tables.medications), first_code(concept)


def _dose(dosages: Any) -> int | float | None:
    for dosage in dosages if isinstance(dosages, list) else []:
        for rate in dosage.get("doseAndRate", []):
            read = quantity(rate.get("doseQuantity"))
            if read is not None and read[1] == "mg":
                return read[0]
    return None


def _medication_status(resource: dict[str, Any]) -> str:
    status = resource.get("status")
    if status in STOPPED:
        return "stopped"
    if status in ("draft", "intended") or resource.get("intent") in PLANNED_INTENTS:
        return "planned"
    return "active"


def map_medication(draft: Draft, resource: dict[str, Any], index: int) -> None:
    kind = resource["resourceType"]
    name, code = _medicine(draft, resource)
    if name is None:
        draft.gap(kind, code, "no mapping (give an RxNorm ingredient code knowledge/fhir/medications.csv maps)")
        return
    if resource.get("status") == "entered-in-error":
        draft.gap(kind, code, "it was entered in error")
        return
    item: dict[str, Any] = {"name": name, "status": _medication_status(resource)}
    dose = _dose(resource.get("dosageInstruction") or resource.get("dosage"))
    if dose is not None:
        item["dose_mg"] = dose
    reasons = resource.get("reasonCode") or []
    if reasons and isinstance(reasons[0], dict) and reasons[0].get("text"):
        item["indication"] = reasons[0]["text"]
    draft.append("medications", item, index, ("medicationCodeableConcept",))


def map_allergy(draft: Draft, resource: dict[str, Any], index: int) -> None:
    code = first_code(resource.get("code"))
    verification = first_code(resource.get("verificationStatus"))
    if verification is not None and verification[1] in ("refuted", "entered-in-error"):
        draft.gap("AllergyIntolerance", code, f"its verification status is {verification[1]}")
        return
    name = look_up(resource.get("code"), draft.tables.medications)
    if name is None:
        draft.gap("AllergyIntolerance", code, "no mapping")
        return
    draft.append("allergies", name, index, ("code",))


def map_family_member(draft: Draft, resource: dict[str, Any], index: int) -> None:
    relative = look_up(resource.get("relationship"), draft.tables.relationships)
    if relative is None:
        draft.gap("FamilyMemberHistory", first_code(resource.get("relationship")), "the relationship has no mapping")
        return
    if not resource.get("condition"):
        draft.gap("FamilyMemberHistory", first_code(resource.get("relationship")), "it names no condition")
    for number_of, condition in enumerate(resource.get("condition", [])):
        name = look_up(condition.get("code"), draft.tables.conditions)
        if name is None:
            draft.gap("FamilyMemberHistory condition", first_code(condition.get("code")), "no mapping")
            continue
        entry: dict[str, Any] = {"relative": relative, "condition": name}
        onset = condition.get("onsetAge")
        age = number((onset or {}).get("value")) if (onset or {}).get("code", "a") == "a" else None
        if age is not None:
            entry["age_at_diagnosis"] = age
        draft.append("family_history", entry, index, ("condition", number_of))


def map_goal(draft: Draft, resource: dict[str, Any], index: int) -> None:
    text = (resource.get("description") or {}).get("text")
    if not text:
        draft.gap("Goal", first_code(resource.get("description")), "it has no description text")
        return
    draft.data.setdefault("preferences", {}).setdefault("goals", []).append(text)
    draft.origins.append((("preferences", "goals"), index, ("description",)))

