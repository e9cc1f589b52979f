"""Which format a patient record is in, told by its content (never by its file name alone).

* a JSON object with ``"resourceType": "Bundle"`` -> a FHIR Bundle;
* lines that are each a JSON object with a ``resourceType`` -> FHIR NDJSON (one patient's resources);
* a JSON object with PharmCAT's ``pharmcatVersion`` and ``genes`` -> a PharmCAT report;
* tab-separated lines starting with a gene symbol -> a PharmCAT outside-call file;
* anything else -> a careplan patient file (YAML or JSON), read by engine.patient.loader.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from typing import Any


class RecordFormat(str, Enum):
    PATIENT_FILE = "patient file"
    FHIR_BUNDLE = "FHIR Bundle"
    FHIR_NDJSON = "FHIR NDJSON"
    PHARMCAT_REPORT = "PharmCAT report"
    PHARMCAT_OUTSIDE_CALLS = "PharmCAT outside-call file"


_GENE_LINE = re.compile(r"[A-Z][A-Z0-9-]*(?:\t|$)")  # a gene symbol, then a tab or nothing


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _is_ndjson(lines: list[str]) -> bool:
    if len(lines) < 2:  # one line is a plain JSON document
        return False
    return all((line.startswith("{") and "resourceType" in (_json_object(line) or {})) for line in lines)


def _is_outside_calls(lines: list[str]) -> bool:
    calls = [line for line in lines if not line.startswith("#")]
    return any("\t" in line for line in calls) and all(_GENE_LINE.match(line) for line in calls)


def _json_format(text: str) -> RecordFormat:
    whole = _json_object(text)
    if whole is None:
        ndjson = _is_ndjson([line.strip() for line in text.splitlines() if line.strip()])
        return RecordFormat.FHIR_NDJSON if ndjson else RecordFormat.PATIENT_FILE
    if whole.get("resourceType") == "Bundle":
        return RecordFormat.FHIR_BUNDLE
    if "pharmcatVersion" in whole and "genes" in whole:
        return RecordFormat.PHARMCAT_REPORT
    return RecordFormat.PATIENT_FILE


def detect(text: str) -> RecordFormat:
    if text.lstrip().startswith("{"):
        return _json_format(text)
    if _is_outside_calls([line.rstrip("\r") for line in text.splitlines() if line.strip()]):
        return RecordFormat.PHARMCAT_OUTSIDE_CALLS
    return RecordFormat.PATIENT_FILE
