"""``load_record``: a patient record in any format this project reads -> one validated ``Patient``.

The format is told by content (engine.intake.formats). A FHIR Bundle or NDJSON goes through
engine.fhir.read, a PharmCAT report or outside-call file through engine.pharmcat, anything else is a
careplan patient file (engine.patient.loader). Whichever it was, the pack's patient model checks the
result, and what the record held but no table maps travels on as the Patient's ``input_gaps``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from engine.fhir.read import patient_from_resources, resources_of_bundle
from engine.fhir.read.elements import day
from engine.intake.formats import RecordFormat, detect
from engine.patient.declared import default_patient_model
from engine.patient.loader import PATIENT_LIMITS, parse_patient
from engine.patient.model import Patient
from engine.pharmcat.outside_calls import outside_calls
from engine.pharmcat.report import report_calls
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location
from engine.source.document import Limits, SourceDoc, format_field_path, parse_text
from engine.source.reading import MIB, read_text

# A Bundle of a long record is larger than a patient file; still bounded so hostile input fails fast.
RECORD_LIMITS = Limits(what="a patient record", max_bytes=32 * MIB, max_values=2_000_000, max_depth=64,
                       aliases=False)
_ID = re.compile(r"[^A-Za-z0-9._-]+")


def _bundle(text: str, shown: str, model: type[Patient]) -> Patient:
    doc = parse_text(text, shown, RECORD_LIMITS)

    def locate(index: int, path: Sequence[str | int]) -> Location:
        return doc.locate(["entry", index, "resource", *path] if index >= 0 else list(path))

    data: dict[str, Any] = doc.data
    return patient_from_resources(resources_of_bundle(data, locate), model, as_of=day(data.get("timestamp")),
                                  source=shown, locate=locate)


def _ndjson(text: str, shown: str, model: type[Patient]) -> Patient:
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    resources = [json.loads(line) for _, line in lines]

    def locate(index: int, path: Sequence[str | int]) -> Location:
        return Location(shown, lines[index][0] if 0 <= index < len(lines) else 0, 1 if index >= 0 else 0)

    return patient_from_resources(resources, model, source=shown, locate=locate)


def _record_id(shown: str, title: Any) -> str:
    for candidate in (title if isinstance(title, str) else "", Path(shown).name.split(".")[0]):
        cleaned = _ID.sub("-", candidate).strip("-")[:128]
        if cleaned:
            return cleaned
    return "pharmcat"


def _genotype_patient(shown: str, ident: str, entries: list[tuple[dict[str, Any], Location]],
                      gaps: list[str], model: type[Patient]) -> Patient:
    try:
        patient = model.model_validate({"id": ident, "genotypes": [entry for entry, _ in entries]})
    except ValidationError as exc:
        diagnostics = []
        for error in exc.errors(include_url=False, include_input=False):
            path = tuple(p for p in error["loc"] if isinstance(p, str | int))
            at = entries[path[1]][1] if len(path) > 1 and isinstance(path[1], int) else Location(shown)
            message = str(error["msg"]).removeprefix("Value error, ")
            diagnostics.append(Diagnostic(at, "pharmcat.genotype", f"{format_field_path(path)}: {message}",
                                          field_path=format_field_path(path)))
        raise DiagnosticError(diagnostics) from None
    patient.note_input_gaps(gaps)
    return patient


def _pharmcat_report(text: str, shown: str, model: type[Patient]) -> Patient:
    doc: SourceDoc = parse_text(text, shown, RECORD_LIMITS)
    calls, gaps = report_calls(doc.data)
    entries = [(call.genotype(), doc.locate(path)) for call, path in calls]
    return _genotype_patient(shown, _record_id(shown, doc.data.get("title")), entries, gaps, model)


def _outside_calls(text: str, shown: str, model: type[Patient]) -> Patient:
    entries = [(call.genotype(), Location(shown, number, 1)) for call, number in outside_calls(text, shown)]
    return _genotype_patient(shown, _record_id(shown, None), entries, [], model)


def parse_record(text: str, shown: str, model: type[Patient] | None = None) -> Patient:
    """A record's text (any format) as a validated Patient; DiagnosticError names file:line:col and field."""
    target = model or default_patient_model()
    kind = detect(text)
    if kind is RecordFormat.FHIR_BUNDLE:
        return _bundle(text, shown, target)
    if kind is RecordFormat.FHIR_NDJSON:
        return _ndjson(text, shown, target)
    if kind is RecordFormat.PHARMCAT_REPORT:
        return _pharmcat_report(text, shown, target)
    if kind is RecordFormat.PHARMCAT_OUTSIDE_CALLS:
        return _outside_calls(text, shown, target)
    return parse_patient(text, shown, target)


def load_record(path: Path, display: str | None = None, model: type[Patient] | None = None) -> Patient:
    """The record at ``path`` (patient file, FHIR Bundle or NDJSON, PharmCAT report or outside calls)."""
    shown = display or str(path)
    text = read_text(path, shown, max_bytes=RECORD_LIMITS.max_bytes, what="a patient record")
    if detect(text) is RecordFormat.PATIENT_FILE and len(text.encode("utf-8")) > PATIENT_LIMITS.max_bytes:
        return parse_patient(text, shown, model)  # refused there with the patient file's own size limit
    return parse_record(text, shown, model)


__all__ = ["RecordFormat", "detect", "load_record", "parse_record"]
