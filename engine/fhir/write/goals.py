"""The plan's goals, and the patient's own, as Goal resources.

Goals the rules set are ``proposed`` with the patient's acceptance ``pending``: the plan proposes
them, and whether the patient agrees is theirs to say at the visit. The goals the patient file
states in the patient's words (preferences.goals) are the patient's, so they are ``accepted``,
expressed by the patient, with acceptance ``agree``.
"""

from __future__ import annotations

import re

from engine.fhir.write.extensions import goal_acceptance
from engine.fhir.write.identity import RULE_SYSTEM, Identities, Resource, concept, resource_id
from engine.plan.model import Goal

UCUM = "http://unitsofmeasure.org"
# ISO 8601 durations the packs write for ``due`` (P3M, P6W, P1Y, P14D), as UCUM units
_DURATION = re.compile(r"P(\d+)([YMWD])")
_UCUM_DURATION: dict[str, tuple[str, str]] = {"Y": ("a", "years"), "M": ("mo", "months"),
                                              "W": ("wk", "weeks"), "D": ("d", "days")}


def plan_goal(goal: Goal, index: int, ids: Identities, patient: Resource, start: str) -> tuple[str, Resource]:
    urn = ids.urn("Goal", f"plan|{index}")
    target: Resource = {"measure": concept(goal.text)}
    if goal.target:
        target["detailString"] = goal.target
    due = _due(goal.due)
    if due is not None:
        target["dueDuration"] = due
    resource: Resource = {
        "resourceType": "Goal", "id": resource_id(urn),
        "identifier": [{"system": RULE_SYSTEM, "value": goal.rule}],
        "lifecycleStatus": "proposed",
        "description": concept(goal.text),
        "subject": patient,
        "startDate": start,
        "target": [target],
        "extension": [goal_acceptance(patient, "pending")],
    }
    notes = [f"For the patient: {goal.patient_text}"] if goal.patient_text else []
    if goal.due and due is None:
        notes.append(f"Due: {goal.due}")
    if notes:
        resource["note"] = [{"text": note} for note in notes]
    return urn, resource


def patient_goal(text: str, index: int, ids: Identities, patient: Resource, start: str) -> tuple[str, Resource]:
    urn = ids.urn("Goal", f"patient|{index}")
    return urn, {
        "resourceType": "Goal", "id": resource_id(urn),
        "lifecycleStatus": "accepted",
        "description": concept(text),
        "subject": patient,
        "expressedBy": patient,
        "startDate": start,
        "extension": [goal_acceptance(patient, "agree")],
    }


def _due(due: str | None) -> Resource | None:
    match = _DURATION.fullmatch(due or "")
    if match is None:
        return None
    code, unit = _UCUM_DURATION[match.group(2)]
    return {"value": int(match.group(1)), "unit": unit, "system": UCUM, "code": code}
