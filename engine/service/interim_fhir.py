"""INTERIM: FHIR R4 resources (JSON dicts) -> the patient file's mapping, until ``engine.fhir.read``
(the fhirin branch's ``patient_from_resources``) lands; then this module is deleted.

It reads only what the hooks need: Patient (gender, birthDate -> age), Condition (active ones, by
text or display), MedicationRequest (RxNorm code or text -> the pack's generic name; draft -> planned),
AllergyIntolerance, Observation with a valueQuantity (-> ``observations``, which the pack's
knowledge/observations.csv maps) and genotype Observations (LOINC 84413-4 "Genotype display name",
with the gene in a component LOINC 48018-6 "Gene studied").
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from engine.patient.loader import parse_patient
from engine.patient.model import Patient

LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
GENOTYPE_DISPLAY = "84413-4"
GENE_STUDIED = "48018-6"

# RxNorm ingredient RxCUIs of medicines the default pack's rules name (RxNav, ingredient level)
RXNORM_INGREDIENTS: dict[str, str] = {
    "32968": "clopidogrel", "613391": "prasugrel", "1116632": "ticagrelor", "11289": "warfarin",
    "83367": "atorvastatin", "36567": "simvastatin", "2670": "codeine", "10689": "tramadol",
    "6809": "metformin",
}
CODE_OF_DRUG: dict[str, str] = {name: code for code, name in RXNORM_INGREDIENTS.items()}

_SEX = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}
_MEDICATION_STATUS = {"active": "active", "on-hold": "active", "draft": "planned",
                      "completed": "stopped", "stopped": "stopped", "cancelled": "stopped"}


def _codings(concept: Any) -> list[dict[str, Any]]:
    if not isinstance(concept, dict):
        return []
    return [c for c in concept.get("coding") or [] if isinstance(c, dict)]


def concept_text(concept: Any) -> str | None:
    if not isinstance(concept, dict):
        return None
    text = concept.get("text")
    if isinstance(text, str) and text.strip():
        return text.strip()
    for coding in _codings(concept):
        if isinstance(coding.get("display"), str) and coding["display"].strip():
            return str(coding["display"]).strip()
    return None


def drug_name(medication_request: dict[str, Any]) -> str | None:
    """The generic name of a MedicationRequest's drug: its RxNorm ingredient code, else its text."""
    concept = medication_request.get("medicationCodeableConcept")
    for coding in _codings(concept):
        if coding.get("system") == RXNORM and coding.get("code") in RXNORM_INGREDIENTS:
            return RXNORM_INGREDIENTS[str(coding["code"])]
    text = concept_text(concept)
    return text.lower().split()[0] if text else None


def _age(birth_date: Any, today: dt.date) -> int | None:
    try:
        born = dt.date.fromisoformat(str(birth_date))
    except ValueError:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _has_code(concept: Any, code: str) -> bool:
    return any(c.get("system") == LOINC and c.get("code") == code for c in _codings(concept))


def _genotype(observation: dict[str, Any]) -> dict[str, Any] | None:
    gene = next((concept_text(c.get("valueCodeableConcept")) for c in observation.get("component") or []
                 if isinstance(c, dict) and _has_code(c.get("code"), GENE_STUDIED)), None)
    diplotype = observation.get("valueString") or concept_text(observation.get("valueCodeableConcept"))
    return {"gene": gene, "diplotype": diplotype} if gene and diplotype else None


def _observation(observation: dict[str, Any]) -> dict[str, Any] | None:
    quantity = observation.get("valueQuantity")
    coding = next(iter(_codings(observation.get("code"))), None)
    if not isinstance(quantity, dict) or coding is None or "value" not in quantity:
        return None
    entry: dict[str, Any] = {"code": {"system": coding.get("system"), "code": coding.get("code")},
                             "value": quantity["value"]}
    if quantity.get("code") or quantity.get("unit"):
        entry["unit"] = quantity.get("code") or quantity.get("unit")
    when = observation.get("effectiveDateTime")
    if isinstance(when, str) and len(when) >= 10:
        entry["date"] = when[:10]
    return entry


def _active_condition(condition: dict[str, Any]) -> bool:
    status = {c.get("code") for c in _codings(condition.get("clinicalStatus"))}
    return not status & {"inactive", "resolved", "remission"}


_STATUS_RANK = {"active": 0, "planned": 1, "stopped": 2}


def patient_record(resources: list[dict[str, Any]], patient_id: str, today: dt.date) -> dict[str, Any]:
    record: dict[str, Any] = {"id": patient_id}
    for resource in resources:
        _add(record, resource, today)
    if "medications" in record:  # one entry per medicine: an active order outranks a draft, a draft a stopped one
        by_name: dict[str, dict[str, Any]] = {}
        for medication in record["medications"]:
            kept = by_name.get(medication["name"])
            if kept is None or _STATUS_RANK[medication["status"]] < _STATUS_RANK[kept["status"]]:
                by_name[medication["name"]] = medication
        record["medications"] = [by_name[name] for name in sorted(by_name)]
    for key in ("conditions", "allergies"):
        if key in record:
            record[key] = sorted(set(record[key]))
    return record


def _add(record: dict[str, Any], resource: dict[str, Any], today: dt.date) -> None:  # noqa: C901 PLR0912
    kind = resource.get("resourceType")
    if kind == "Patient":
        demographics = record.setdefault("demographics", {})
        if resource.get("gender") in _SEX:
            demographics["sex"] = _SEX[resource["gender"]]
        age = _age(resource.get("birthDate"), today)
        if age is not None:
            demographics["age"] = age
    elif kind == "Condition" and _active_condition(resource):
        text = concept_text(resource.get("code"))
        if text:
            record.setdefault("conditions", []).append(text.lower())
    elif kind == "MedicationRequest":
        name, status = drug_name(resource), _MEDICATION_STATUS.get(str(resource.get("status")))
        if name and status:
            medication = {"name": name, "status": status}
            reasons = resource.get("reasonCode")
            indication = concept_text(reasons[0]) if isinstance(reasons, list) and reasons else None
            if indication:
                medication["indication"] = indication
            record.setdefault("medications", []).append(medication)
    elif kind == "AllergyIntolerance":
        text = concept_text(resource.get("code"))
        if text:
            record.setdefault("allergies", []).append(text.lower())
    elif kind == "Observation" and _has_code(resource.get("code"), GENOTYPE_DISPLAY):
        genotype = _genotype(resource)
        if genotype:
            record.setdefault("genotypes", []).append(genotype)
    elif kind == "Observation":
        observation = _observation(resource)
        if observation:
            record.setdefault("observations", []).append(observation)


def patient_from_resources(resources: list[dict[str, Any]], model: type[Patient], *, patient_id: str | None = None,
                           today: dt.date | None = None) -> Patient:
    """fhirin's signature (plus the id to use when no Patient resource is given). Raises DiagnosticError
    (fields named, values never quoted) when the data breaks the pack's ranges."""
    subject = patient_id or next((str(r["id"]) for r in resources if r.get("resourceType") == "Patient"
                                  and isinstance(r.get("id"), str)), "unknown")
    record = patient_record(resources, subject, today or dt.datetime.now(dt.UTC).date())
    return parse_patient(json.dumps(record, sort_keys=True), "prefetch", model)
