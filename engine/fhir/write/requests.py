"""One request resource per recommendation: what the plan proposes, as CPG-on-FHIR's request profiles.

Medicines (a drug, a medicine class, or a medication recommendation) are MedicationRequests; tests,
screening, monitoring and referrals are ServiceRequests; lifestyle and stress advice, which a
clinician gives rather than orders, are CommunicationRequests to the patient. Every request is
``status: draft`` and ``intent: proposal`` (CarePlan and RequestGroup say the same): nothing here is
an order until a clinician makes it one. ``avoid``, ``stop`` and ``not-indicated`` are the
recommendation *against* doing something, which FHIR says with ``doNotPerform``.
"""

from __future__ import annotations

from engine.fhir.write.extensions import (
    PROFILE_COMMUNICATION_REQUEST,
    PROFILE_MEDICATION_REQUEST,
    PROFILE_SERVICE_REQUEST,
    rationale_extension,
)
from engine.fhir.write.identity import CATEGORY_SYSTEM, RULE_SYSTEM, Resource, coding, concept, resource_id
from engine.plan.model import Recommendation

_AGAINST = frozenset({"avoid", "stop", "not-indicated"})
_SERVICE_CATEGORIES = frozenset({"testing", "screening", "monitoring", "referral"})
_SERVICE_ACTIONS = frozenset({"test", "refer", "monitor"})
_ADVICE_CATEGORIES = frozenset({"lifestyle", "stress"})


def request_type(rec: Recommendation) -> str:
    """Which request resource carries the recommendation."""
    if rec.drug or rec.drug_class or rec.category == "medication":
        return "MedicationRequest"
    if rec.category in _SERVICE_CATEGORIES or rec.action in _SERVICE_ACTIONS:
        return "ServiceRequest"
    if rec.category in _ADVICE_CATEGORIES:
        return "CommunicationRequest"
    return "ServiceRequest"  # oncology treatment without a named medicine: a referral-like proposal


def request_resource(rec: Recommendation, urn: str, patient: Resource, authored: str) -> Resource:
    """The request resource for ``rec`` (fullUrl ``urn``), about ``patient``."""
    kind = request_type(rec)
    base: Resource = {
        "resourceType": kind,
        "id": resource_id(urn),
        "identifier": [{"system": RULE_SYSTEM, "value": rec.id}],
        "status": "draft",
        "priority": "routine",
        "subject": patient,
        "authoredOn": authored,
        "extension": [rationale_extension(_rationale(rec))],
    }
    if rec.action in _AGAINST or (kind == "MedicationRequest" and rec.action == "use-alternative"):
        base["doNotPerform"] = True
    notes = _notes(rec)
    if notes:
        base["note"] = [{"text": note} for note in notes]
    if kind == "MedicationRequest":
        return _medication(rec, base)
    if kind == "CommunicationRequest":
        return _communication(rec, base, patient)
    return _service(rec, base)


def _medication(rec: Recommendation, base: Resource) -> Resource:
    base["meta"] = {"profile": [PROFILE_MEDICATION_REQUEST]}
    base["intent"] = "proposal"
    base["medicationCodeableConcept"] = concept(medicine_name(rec))
    dose = dose_text(rec)
    if dose:
        base["dosageInstruction"] = [{"text": dose}]
    return base


def _service(rec: Recommendation, base: Resource) -> Resource:
    base["meta"] = {"profile": [PROFILE_SERVICE_REQUEST]}
    base["intent"] = "proposal"
    base["category"] = [concept(rec.category, coding(CATEGORY_SYSTEM, rec.category))]
    base["code"] = concept(rec.title)
    if rec.patient_text:
        base["patientInstruction"] = rec.patient_text
    return base


def _communication(rec: Recommendation, base: Resource, patient: Resource) -> Resource:
    # R4 CommunicationRequest has no ``intent``; it is a proposal by its status (draft) and its place
    # in a RequestGroup whose intent is proposal.
    base["meta"] = {"profile": [PROFILE_COMMUNICATION_REQUEST]}
    base["category"] = [concept(rec.category, coding(CATEGORY_SYSTEM, rec.category))]
    base["recipient"] = [patient]
    base["payload"] = [{"contentString": rec.patient_text or rec.text}]
    return base


def medicine_name(rec: Recommendation) -> str:
    """The medicine as text: the drug, else its class, else what the rule says to choose among."""
    if rec.drug:
        return rec.drug
    if rec.drug_class:
        return rec.drug_class
    if rec.alternative_statement:
        return rec.alternative_statement
    if rec.alternatives:
        return "one of: " + ", ".join(rec.alternatives)
    return rec.title


def dose_text(rec: Recommendation) -> str | None:
    """The dose change as a clinician reads it ('50% of the usual dose', '30% to 80% of the usual dose')."""
    if rec.dose_range_percent is not None:
        low, high = rec.dose_range_percent
        return f"{_number(100 + low)}% to {_number(100 + high)}% of the usual dose"
    if rec.dose_change_percent is not None:
        return f"{_number(100 + rec.dose_change_percent)}% of the usual dose"
    return None


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _rationale(rec: Recommendation) -> str:
    source = rec.evidence.short or rec.evidence.citation
    return f"{rec.text}\n\nSource: {source}" if source else rec.text


def _notes(rec: Recommendation) -> list[str]:
    notes: list[str] = []
    if rec.alternatives and rec.drug:
        notes.append("Alternatives: " + ", ".join(rec.alternatives))
    if rec.alternative_statement and rec.drug:
        notes.append("Instead: " + rec.alternative_statement)
    if rec.shared_decision is not None:
        notes.append("Shared decision: " + rec.shared_decision.text)
    return notes
