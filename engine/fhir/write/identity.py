"""Deterministic identities for the resources of a plan's bundle, and the code systems the project names.

Every id is a name-based UUID (RFC 4122 version 5) of the patient, the plan's instant and the item's
place in the plan, so the same plan gives the same ids (and bytes) on every run, and two patients'
bundles never share an id. Entries are addressed as ``urn:uuid:...`` (the fullUrl of each entry),
which is how a collection Bundle of resources that live on no server refers to its own members.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

# One FHIR resource as JSON: the writer builds plain dicts and lets fhir.resources check them.
Resource = dict[str, Any]

# The project's own code systems: local names, not published terminologies (docs/fhir-output.md).
RULE_SYSTEM = "urn:careplan:rule"  # a rule id of the pack, as `careplan rules` lists them
CATEGORY_SYSTEM = "urn:careplan:category"  # the plan contract's recommendation categories
ACTION_SYSTEM = "urn:careplan:action"  # the plan contract's recommendation actions
ASSESSMENT_SYSTEM = "urn:careplan:assessment"  # the plan contract's assessment kinds
ISSUE_SYSTEM = "urn:careplan:issue"  # warning | suppressed
PATIENT_ID_SYSTEM = "urn:careplan:patient-id"  # the patient file's local `id`

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:careplan:fhir-bundle")
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


class Identities:
    """The ids of one plan's resources: ``urn(kind, key)`` is the same for the same plan and item."""

    def __init__(self, patient_id: str, generated_at: str) -> None:
        self._scope = f"{patient_id}|{generated_at}"

    def uuid(self, kind: str, key: str) -> str:
        return str(uuid.uuid5(_NAMESPACE, f"{self._scope}|{kind}|{key}"))

    def urn(self, kind: str, key: str) -> str:
        return f"urn:uuid:{self.uuid(kind, key)}"


def resource_id(urn: str) -> str:
    """The ``id`` of the resource whose fullUrl is ``urn`` (its UUID)."""
    return urn.removeprefix("urn:uuid:")


def patient_resource_id(patient_id: str, identities: Identities) -> str:
    """The patient's own id where FHIR's id syntax allows it (no ``_``, at most 64), else a derived one."""
    return patient_id if _FHIR_ID.fullmatch(patient_id) else identities.uuid("Patient", patient_id)


def reference(urn: str, display: str | None = None) -> Resource:
    ref: Resource = {"reference": urn}
    if display:
        ref["display"] = display
    return ref


def coding(system: str, code: str, display: str | None = None) -> Resource:
    value: Resource = {"system": system, "code": code}
    if display:
        value["display"] = display
    return value


def concept(text: str, *codings: Resource) -> Resource:
    value: Resource = {"text": text}
    if codings:
        value["coding"] = list(codings)
    return value
