"""The extensions and profile URLs the bundle uses, each as the IG that defines it spells it.

Sources (docs/fhir-output.md has the detail): HL7 CPG-on-FHIR 2.0.0 (hl7.org/fhir/uv/cpg) for the
profiles and ``cpg-rationale``; the FHIR core extension ``cqf-strengthOfRecommendation``, which CPG's
recommendation definitions use on PlanDefinition.action and whose context is any Element, so it
stands on the RequestGroup action here (``cqf-qualityOfEvidence`` is left out: plans carry no
grade of evidence, only the recommendation's strength); ``goal-acceptance``
(FHIR R4 core) for whether the patient has agreed to a goal.
"""

from __future__ import annotations

from engine.fhir.write.identity import Resource, coding
from engine.lang.vocabulary import Strength

CPG = "http://hl7.org/fhir/uv/cpg/StructureDefinition/"
PROFILE_CAREPLAN = CPG + "cpg-careplan"
PROFILE_MEDICATION_REQUEST = CPG + "cpg-medicationrequest"
PROFILE_SERVICE_REQUEST = CPG + "cpg-servicerequest"
PROFILE_COMMUNICATION_REQUEST = CPG + "cpg-communicationrequest"
PROFILE_DETECTED_ISSUE = CPG + "cpg-detectedissue"
RATIONALE = CPG + "cpg-rationale"

STRENGTH_OF_RECOMMENDATION = "http://hl7.org/fhir/StructureDefinition/cqf-strengthOfRecommendation"
GOAL_ACCEPTANCE = "http://hl7.org/fhir/StructureDefinition/goal-acceptance"

# HL7's example rating scale for the strength extension has two codes, strong and weak; the
# guideline's own word always travels as well, in the project's system, so nothing is lost where
# a guideline grades otherwise (moderate, optional, expert opinion, no recommendation).
HL7_STRENGTH_SYSTEM = "http://terminology.hl7.org/CodeSystem/recommendation-strength"
GUIDELINE_STRENGTH_SYSTEM = "urn:careplan:strength"
_HL7_STRENGTH: dict[str, str] = {"strong": "Strong", "weak": "Weak"}


def strength_extension(strength: Strength | None) -> Resource:
    """``cqf-strengthOfRecommendation`` with the guideline's grade; 'not graded' when the rule gives none."""
    word = strength or "not graded"
    codings = [coding(GUIDELINE_STRENGTH_SYSTEM, word.replace(" ", "-"), word)]
    if strength in _HL7_STRENGTH:
        codings.insert(0, coding(HL7_STRENGTH_SYSTEM, strength, _HL7_STRENGTH[strength]))
    return {"url": STRENGTH_OF_RECOMMENDATION,
            "valueCodeableConcept": {"coding": codings, "text": word}}


def rationale_extension(text: str) -> Resource:
    return {"url": RATIONALE, "valueMarkdown": text}


def goal_acceptance(patient: Resource, status: str) -> Resource:
    """Whether the patient agrees (``agree``), disagrees, or has not yet said (``pending``)."""
    return {"url": GOAL_ACCEPTANCE,
            "extension": [{"url": "individual", "valueReference": patient},
                          {"url": "status", "valueCode": status}]}
