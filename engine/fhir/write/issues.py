"""Safety warnings, and what the plan deliberately does not recommend, as DetectedIssues.

A suppressed item is an issue the rules found with a proposed action (a contraindication, a
genotype, a rule that outranks it) and settled by removing the action; DetectedIssue is FHIR's
record of exactly that: the issue (``detail``: the reason), what it concerns (``implicated``: the
request still in the plan, where an alternative was removed from it), and how it was settled
(``mitigation``: withheld from the plan, by which rule). A receiving system shows DetectedIssues
next to the plan, which a silently absent action would never be. docs/fhir-output.md says why
this rather than a RequestGroup action or an Observation.
"""

from __future__ import annotations

from engine.fhir.write.extensions import PROFILE_DETECTED_ISSUE
from engine.fhir.write.identity import ISSUE_SYSTEM, RULE_SYSTEM, Identities, Resource, coding, concept, resource_id
from engine.plan.model import SafetyWarning, Suppressed

_SEVERITY = {"urgent": "high", "caution": "moderate"}  # DetectedIssue severity: high | moderate | low
_ALTERNATIVE = "/alternative:"


def warning_issue(warning: SafetyWarning, index: int, ids: Identities, patient: Resource,
                  identified: str) -> tuple[str, Resource]:
    urn = ids.urn("DetectedIssue", f"warning|{index}")
    return urn, {
        "resourceType": "DetectedIssue", "id": resource_id(urn),
        "meta": {"profile": [PROFILE_DETECTED_ISSUE]},
        "identifier": [{"system": RULE_SYSTEM, "value": warning.rule}],
        "status": "final",
        "code": concept(f"safety warning ({warning.severity})",
                        coding(ISSUE_SYSTEM, "warning", "Safety warning")),
        "severity": _SEVERITY[warning.severity],
        "patient": patient,
        "identifiedDateTime": identified,
        "detail": warning.text,
    }


def suppressed_issue(item: Suppressed, index: int, ids: Identities, patient: Resource, identified: str,
                     requests: dict[str, str]) -> tuple[str, Resource]:
    """``requests`` maps a recommendation id to its request's fullUrl (to name what a removal concerns)."""
    urn = ids.urn("DetectedIssue", f"suppressed|{index}")
    recommendation, _, alternative = item.id.partition(_ALTERNATIVE)
    withheld = (f"{alternative} not offered as an option of {recommendation}" if alternative
                else f"{recommendation} not recommended")
    issue: Resource = {
        "resourceType": "DetectedIssue", "id": resource_id(urn),
        "meta": {"profile": [PROFILE_DETECTED_ISSUE]},
        "identifier": [{"system": RULE_SYSTEM, "value": item.by}],
        "status": "final",
        "code": concept(f"deliberately not recommended: {item.id}",
                        coding(ISSUE_SYSTEM, "suppressed", "Deliberately not recommended")),
        "patient": patient,
        "identifiedDateTime": identified,
        "detail": item.reason,
        "mitigation": [{"action": concept(f"{withheld} (withheld by rule {item.by})"),
                        "date": identified}],
    }
    if recommendation in requests:
        issue["implicated"] = [{"reference": requests[recommendation]}]
    return urn, issue
