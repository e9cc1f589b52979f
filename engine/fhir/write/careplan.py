"""The CarePlan and its RequestGroup: the plan's frame, and one action per recommendation.

The CarePlan (CPG-on-FHIR ``cpg-careplan``: ``status: active``, ``intent: proposal``) names the
patient, the pack that made it, its goals, its follow-ups (activity details with a due period) and
the Observations and DetectedIssues behind it (``supportingInfo``); its first activity references
the RequestGroup. The RequestGroup has one action per recommendation, in the plan's order: the
rule's title and text, codes for the rule id (so a receiver can trace it), category and action,
the strength (``cqf-strengthOfRecommendation``), the citations as RelatedArtifacts in
``documentation``, and the request resource that proposes it.
"""

from __future__ import annotations

import datetime as dt

from engine.fhir.write.extensions import PROFILE_CAREPLAN, strength_extension
from engine.fhir.write.identity import (
    ACTION_SYSTEM,
    CATEGORY_SYSTEM,
    RULE_SYSTEM,
    Resource,
    coding,
    concept,
    resource_id,
)
from engine.plan.model import CitedSource, EvidenceRef, FollowUp, Plan, Recommendation


def request_group(plan: Plan, urn: str, patient: Resource, actions: list[Resource]) -> Resource:
    return {"resourceType": "RequestGroup", "id": resource_id(urn),
            "status": "active", "intent": "proposal", "priority": "routine",
            "subject": patient, "authoredOn": plan.generated_at,
            "note": [{"text": _made_by(plan)}], "action": actions}


def recommendation_action(rec: Recommendation, request_urn: str) -> Resource:
    action: Resource = {
        "title": rec.title,
        "description": rec.text,
        "code": [concept(rec.id, coding(RULE_SYSTEM, rec.id, rec.title)),
                 concept(rec.category, coding(CATEGORY_SYSTEM, rec.category)),
                 concept(rec.action, coding(ACTION_SYSTEM, rec.action))],
        "priority": "routine",
        "extension": [strength_extension(rec.strength)],
        "documentation": citations(rec.evidence),
        "resource": {"reference": request_urn},
    }
    if rec.patient_text:
        action["textEquivalent"] = rec.patient_text
    return action


def care_plan(plan: Plan, urn: str, patient: Resource, group_urn: str, goals: list[str],
              supporting: list[str]) -> Resource:
    resource: Resource = {
        "resourceType": "CarePlan", "id": resource_id(urn),
        "meta": {"profile": [PROFILE_CAREPLAN]},
        "status": "active", "intent": "proposal",
        "category": [concept("guideline-based care plan")],
        "title": f"Care plan for {plan.patient_id}",
        "description": _made_by(plan),
        "subject": patient, "created": plan.generated_at,
        "activity": [{"reference": {"reference": group_urn, "display": "recommendations"}}]
                    + [_follow_up(item, plan.generated_at) for item in plan.follow_up],
    }
    if goals:
        resource["goal"] = [{"reference": goal} for goal in goals]
    if supporting:
        resource["supportingInfo"] = [{"reference": item} for item in supporting]
    return resource


def citations(evidence: EvidenceRef) -> list[Resource]:
    """The recommendation's source, then the further sources it cites, as RelatedArtifact citations."""
    main: Resource = {"type": "citation", "label": evidence.source,
                      "display": evidence.short or evidence.title or evidence.source,
                      "citation": evidence.citation}
    url = _link(evidence.url, evidence.doi, evidence.pmid)
    if url:
        main["url"] = url
    return [main] + [_cited(source) for source in evidence.also]


def _cited(source: CitedSource) -> Resource:
    artifact: Resource = {"type": "citation", "label": source.cite, "display": source.short,
                          "citation": source.title}
    url = _link(source.url, source.doi, source.pmid)
    if url:
        artifact["url"] = url
    return artifact


def _link(url: str | None, doi: str | None, pmid: str | None) -> str | None:
    if url:
        return url
    if doi:
        return f"https://doi.org/{doi}"
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else None


def _follow_up(item: FollowUp, created: str) -> Resource:
    start = dt.date.fromisoformat(created[:10])
    detail: Resource = {
        "kind": "Appointment",
        "code": concept("follow-up visit", coding(RULE_SYSTEM, item.rule)),
        "status": "not-started",
        "description": item.text,
        "scheduledPeriod": {"start": start.isoformat(),
                            "end": (start + dt.timedelta(days=item.interval_days)).isoformat()},
    }
    return {"detail": detail}


def _made_by(plan: Plan) -> str:
    return (f"Proposed by careplan with pack {plan.pack.name} {plan.pack.version} ({plan.pack.digest}) "
            f"at {plan.generated_at}; for a clinician to review, not an order.")
