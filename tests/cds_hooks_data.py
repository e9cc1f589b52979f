"""FHIR R4 resources and CDS Hooks 2.0 requests for the hooks tests and the benchmark.

The patient is examples/pgx-clopidogrel.yaml as an EHR would hold it: a man born 61 years before the
call, coronary artery disease, atorvastatin, CYP2C19 *2/*2 (a poor metabolizer, CPIC 2022).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

PATIENT_ID = "pgx-clopidogrel"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
LOINC = "http://loinc.org"
CLOPIDOGREL_RXCUI = "32968"


def birth_date(age: int) -> str:
    today = dt.datetime.now(dt.UTC).date()
    return f"{today.year - age - 1}-01-01" if (today.month, today.day) < (1, 1) else f"{today.year - age}-01-01"


def patient(patient_id: str = PATIENT_ID) -> dict[str, Any]:
    return {"resourceType": "Patient", "id": patient_id, "gender": "male", "birthDate": birth_date(61)}


def searchset(*resources: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources),
            "entry": [{"fullUrl": f"{r['resourceType']}/{r['id']}", "resource": r} for r in resources]}


SNOMED = "http://snomed.info/sct"
CONDITIONS = {"coronary artery disease": "53741008", "type 2 diabetes": "44054006", "hypertension": "38341003",
              "chronic kidney disease": "709044004"}


def condition(text: str, ident: str = "cond-1") -> dict[str, Any]:
    return {"resourceType": "Condition", "id": ident, "subject": {"reference": f"Patient/{PATIENT_ID}"},
            "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                           "code": "active"}]},
            "code": {"coding": [{"system": SNOMED, "code": CONDITIONS[text]}], "text": text}}


def medication_request(drug: str, rxcui: str | None, ident: str, status: str = "active") -> dict[str, Any]:
    concept: dict[str, Any] = {"text": drug}
    if rxcui:
        concept["coding"] = [{"system": RXNORM, "code": rxcui, "display": drug}]
    return {"resourceType": "MedicationRequest", "id": ident, "status": status, "intent": "order",
            "subject": {"reference": f"Patient/{PATIENT_ID}"}, "medicationCodeableConcept": concept,
            "dosageInstruction": [{"text": "75 mg once daily"}]}


def genotype(gene: str, diplotype: str, ident: str = "pgx-1") -> dict[str, Any]:
    return {"resourceType": "Observation", "id": ident, "status": "final",
            "subject": {"reference": f"Patient/{PATIENT_ID}"},
            "code": {"coding": [{"system": LOINC, "code": "84413-4", "display": "Genotype display name"}]},
            "component": [{"code": {"coding": [{"system": LOINC, "code": "48018-6", "display": "Gene studied"}]},
                           "valueCodeableConcept": {"coding": [{"system": "http://www.genenames.org/geneId",
                                                                "display": gene}], "text": gene}}],
            "valueCodeableConcept": {"text": diplotype}}


def prefetch(poor_metabolizer: bool = True) -> dict[str, Any]:
    """Every template of the discovery document, satisfied."""
    genotypes = [genotype("CYP2C19", "*2/*2" if poor_metabolizer else "*1/*1")]
    return {
        "patient": patient(),
        "conditions": searchset(condition("coronary artery disease")),
        "medications": searchset(medication_request("atorvastatin", "83367", "med-1")),
        "allergies": None,  # the client has none: null, not an empty Bundle (spec: "Prefetch Template")
        "observations": searchset(*genotypes),
    }


def hook_request(hook: str, context: dict[str, Any], prefetched: dict[str, Any] | None,
                 fhir_server: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"hook": hook, "hookInstance": str(uuid.uuid4()), "context": context}
    if prefetched is not None:
        body["prefetch"] = prefetched
    if fhir_server is not None:
        body["fhirServer"] = fhir_server
        body["fhirAuthorization"] = {"access_token": "opaque-test-token", "token_type": "Bearer",
                                     "expires_in": 300, "scope": "patient/*.read", "subject": "careplan"}
    return body


def patient_view(prefetched: dict[str, Any] | None, fhir_server: str | None = None) -> dict[str, Any]:
    return hook_request("patient-view", {"userId": "Practitioner/1", "patientId": PATIENT_ID},
                        prefetched, fhir_server)


def clopidogrel_order(status: str = "draft") -> dict[str, Any]:
    order = medication_request("clopidogrel", CLOPIDOGREL_RXCUI, "draft-1", status)
    order["reasonCode"] = [{"text": "PCI"}]  # CPIC 2022 separates ACS/PCI from other indications
    return order


def order_context(hook: str, *orders: dict[str, Any]) -> dict[str, Any]:
    context: dict[str, Any] = {"userId": "Practitioner/1", "patientId": PATIENT_ID,
                               "draftOrders": {"resourceType": "Bundle", "type": "collection",
                                               "entry": [{"resource": o} for o in orders]}}
    if hook == "order-select":
        context["selections"] = [f"MedicationRequest/{o['id']}" for o in orders]
    return context


def order_request(hook: str, prefetched: dict[str, Any] | None = None, *orders: dict[str, Any]) -> dict[str, Any]:
    return hook_request(hook, order_context(hook, *(orders or (clopidogrel_order(),))),
                        prefetch() if prefetched is None else prefetched)


def lab(ident: str, loinc: str, value: float, unit: str) -> dict[str, Any]:
    return {"resourceType": "Observation", "id": ident, "status": "final",
            "subject": {"reference": f"Patient/{PATIENT_ID}"}, "effectiveDateTime": "2026-10-01",
            "code": {"coding": [{"system": LOINC, "code": loinc}]},
            "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}}


def typical_prefetch() -> dict[str, Any]:
    """A typical primary-care chart for the benchmark: four problems, five medicines, seven labs and
    three pharmacogenomic results (about 20 resources), the same man as ``prefetch``."""
    conditions = [condition(text, f"cond-{i}") for i, text in enumerate(
        ["coronary artery disease", "type 2 diabetes", "hypertension", "chronic kidney disease"])]
    medications = [medication_request(name, code, f"med-{i}") for i, (name, code) in enumerate(
        [("atorvastatin", "83367"), ("metformin", "6809"), ("lisinopril", "29046"), ("amlodipine", "17767"),
         ("aspirin", "1191")])]
    labs = [lab("lab-1", "98979-8", 55, "mL/min/{1.73_m2}"), lab("lab-2", "2093-3", 214, "mg/dL"),
            lab("lab-3", "2085-9", 44, "mg/dL"), lab("lab-4", "13457-7", 138, "mg/dL"),
            lab("lab-5", "4548-4", 7.6, "%"), lab("lab-6", "2823-3", 4.6, "mmol/L"),
            lab("lab-7", "2160-0", 1.3, "mg/dL")]
    genotypes = [genotype("CYP2C19", "*2/*2", "pgx-1"), genotype("SLCO1B1", "*1/*5", "pgx-2"),
                 genotype("CYP2C9", "*1/*1", "pgx-3")]
    return {"patient": patient(), "conditions": searchset(*conditions), "medications": searchset(*medications),
            "allergies": None, "observations": searchset(*labs, *genotypes)}
