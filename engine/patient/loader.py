"""Read a patient facts file (YAML or JSON) into a validated ``Patient``.

Read strictly (docs/contract.md, section 2): a regular file of at most 5 MiB, YAML 1.2 core numbers,
booleans and real dates, no tags, no anchors or aliases, at most 100,000 values nested at most
32 deep; then the schema (``engine.patient.model``) checks every field's type, range and
list length. Every refusal names the file, line, column and field, never the value.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from engine.patient.model import Patient
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location
from engine.source.document import Limits, SourceDoc, load_file, parse_text
from engine.source.pydantic_errors import diagnostics_from
from engine.source.reading import MIB

PATIENT_LIMITS = Limits(what="a patient file", max_bytes=5 * MIB, max_values=100_000, max_depth=32, aliases=False)


def _validate(doc: SourceDoc) -> Patient:
    if not isinstance(doc.data, dict):
        raise DiagnosticError([Diagnostic(Location(doc.path, 1, 1), "patient.not-a-mapping",
                                          "a patient file is a mapping with at least an 'id'")])
    try:
        return Patient.model_validate(doc.data)
    except ValidationError as exc:
        raise DiagnosticError(diagnostics_from(exc, doc, Patient, code_prefix="patient")) from None


def parse_patient(text: str, display: str) -> Patient:
    """Validate patient-file text; raises DiagnosticError naming line and field on bad input."""
    return _validate(parse_text(text, display, PATIENT_LIMITS))


def load_patient(path: Path, display: str | None = None) -> Patient:
    """Load and validate; raises DiagnosticError naming file, line and field on bad input."""
    return _validate(load_file(path, display, PATIENT_LIMITS))
