"""FHIR Bulk Data NDJSON (resources of many patients, one a line) -> one Bundle per patient.

Each resource goes to the patient its ``subject`` or ``patient`` reference names (``Patient/<id>``);
a Patient resource is its own. The patients come in the order of their first line, each as a
one-line Bundle of its resources in file order, so batch plans it like any record. Resources whose
patient is not in the file are gathered into one more record, which is refused (it has no Patient):
nothing is dropped silently.
"""

from __future__ import annotations

import json
from typing import Any

UNASSIGNED = "<no Patient of this file>"


def is_bulk_resource(line: str) -> bool:
    """True for an NDJSON line that is a FHIR resource other than a Bundle."""
    value = _resource(line)
    return value is not None and isinstance(value.get("resourceType"), str) and value["resourceType"] != "Bundle"


def _patient_of(resource: dict[str, Any]) -> str | None:
    if resource.get("resourceType") == "Patient":
        return f"Patient/{resource.get('id')}"
    for key in ("subject", "patient"):
        reference = resource.get(key)
        if isinstance(reference, dict) and isinstance(reference.get("reference"), str):
            return str(reference["reference"])
    return None


def bundles_by_patient(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(line of the patient's first resource, one-line Bundle text) for each patient, in first-line order."""
    resources = [(number, text, _resource(text)) for number, text in lines]
    patients = {_patient_of(r) for _, _, r in resources if r is not None and r.get("resourceType") == "Patient"}
    groups: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    records: list[tuple[int, str]] = []
    for number, text, resource in resources:
        if resource is None:  # not a resource: batch refuses it at its own line
            records.append((number, text))
            continue
        key = _patient_of(resource)
        groups.setdefault(key if key is not None and key in patients else UNASSIGNED, []).append((number, resource))
    records += [(group[0][0], json.dumps({"resourceType": "Bundle", "type": "collection",
                                          "entry": [{"resource": r} for _, r in group]}, ensure_ascii=False))
                for group in groups.values()]
    return sorted(records)


def _resource(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None
