"""A plan as one FHIR R4 Bundle (``type: collection``), checked with fhir.resources before it is written.

Entries, in a fixed order: the Patient, the CarePlan, the RequestGroup, the request resources (in
the order of the recommendations), the Goals, the Observations (assessments, then data gaps) and
the DetectedIssues (warnings, then suppressed items). A collection rather than a document: the
bundle is a set of proposals for a receiving system to review and take in, not an attested
record, and a document Bundle's Composition would claim an author and attestation the engine
cannot give. The bundle's timestamp is the plan's ``generated_at`` and every id derives from the
plan (engine.fhir.write.identity), so the same plan gives the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from engine.fhir.write.careplan import care_plan, recommendation_action, request_group
from engine.fhir.write.goals import patient_goal, plan_goal
from engine.fhir.write.identity import PATIENT_ID_SYSTEM, Identities, Resource, patient_resource_id, reference
from engine.fhir.write.issues import suppressed_issue, warning_issue
from engine.fhir.write.observations import assessment_observations, data_gap_observation
from engine.fhir.write.requests import request_resource
from engine.plan.model import Plan


class _Entries:
    """The bundle's entries in the order they are added, each with its fullUrl."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Resource]] = []

    def add(self, urn: str, resource: Resource) -> str:
        self.items.append((urn, resource))
        return urn

    def urls(self, resource_type: str) -> list[str]:
        return [urn for urn, resource in self.items if resource["resourceType"] == resource_type]


def plan_bundle(plan: Plan) -> Resource:
    """The plan as a Bundle (JSON-ready dict), every resource checked by fhir.resources' R4B models."""
    ids = Identities(plan.patient_id, plan.generated_at)
    at = plan.generated_at
    patient_urn = ids.urn("Patient", plan.patient_id)
    patient = reference(patient_urn)
    body = _Entries()
    requests: dict[str, str] = {}
    actions: list[Resource] = []
    for i, rec in enumerate(plan.recommendations):
        urn = ids.urn("Request", f"{i}|{rec.id}")
        body.add(urn, request_resource(rec, urn, patient, at))
        requests.setdefault(rec.id, urn)
        actions.append(recommendation_action(rec, urn))
    for i, goal in enumerate(plan.goals):
        body.add(*plan_goal(goal, i, ids, patient, at[:10]))
    for i, text in enumerate(plan.preferences.goals):
        body.add(*patient_goal(text, i, ids, patient, at[:10]))
    for i, assessment in enumerate(plan.assessments):
        for urn, obs in assessment_observations(assessment, i, ids, patient, at):
            body.add(urn, obs)
    for i, gap in enumerate(plan.data_gaps):
        body.add(*data_gap_observation(gap, i, ids, patient, at))
    for i, warning in enumerate(plan.warnings):
        body.add(*warning_issue(warning, i, ids, patient, at))
    for i, item in enumerate(plan.suppressed):
        body.add(*suppressed_issue(item, i, ids, patient, at, requests))
    group_urn = ids.urn("RequestGroup", "recommendations")
    plan_urn = ids.urn("CarePlan", "plan")
    head = _Entries()
    head.add(patient_urn, _patient(plan.patient_id, ids))
    head.add(plan_urn, care_plan(plan, plan_urn, patient, group_urn, body.urls("Goal"),
                                 body.urls("Observation") + body.urls("DetectedIssue")))
    head.add(group_urn, request_group(plan, group_urn, patient, actions))
    bundle: Resource = {
        "resourceType": "Bundle", "id": ids.uuid("Bundle", "plan"),
        "identifier": {"system": "urn:ietf:rfc:3986", "value": ids.urn("Bundle", "plan")},
        "type": "collection", "timestamp": at,
        "entry": [{"fullUrl": urn, "resource": resource} for urn, resource in head.items + body.items],
    }
    bundle = _pruned(bundle)
    _check(bundle)
    return bundle


def bundle_json(plan: Plan) -> str:
    """The bundle as JSON text: keys sorted, two-space indent, UTF-8 characters as they are."""
    return json.dumps(plan_bundle(plan), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _pruned(node: Any) -> Any:
    """The tree without empty strings, lists and objects: FHIR allows none (a pack may leave a text empty)."""
    if isinstance(node, dict):
        kept = {key: _pruned(value) for key, value in node.items()}
        return {key: value for key, value in kept.items() if value not in ("", [], {})}
    if isinstance(node, list):
        return [item for item in (_pruned(value) for value in node) if item not in ("", [], {})]
    return node


def _check(bundle: Resource) -> None:
    """fhir.resources' R4B models over the bundle: a resource they refuse is a bug in this writer (exit 3)."""
    # imported here: loading the models takes most of a second, which every other command would pay
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)


def _patient(patient_id: str, ids: Identities) -> Resource:
    # The plan knows the patient only by the file's local id; the receiver links it to its record.
    return {"resourceType": "Patient", "id": patient_resource_id(patient_id, ids),
            "identifier": [{"system": PATIENT_ID_SYSTEM, "value": patient_id}]}

