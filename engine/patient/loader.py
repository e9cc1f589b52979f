"""Read a patient facts file (YAML or JSON) into a validated ``Patient``."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from engine.patient.model import Patient
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location
from engine.source.document import SourceDoc, load_file, parse_text
from engine.source.pydantic_errors import diagnostics_from


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
    return _validate(parse_text(text, display))


def load_patient(path: Path, display: str | None = None) -> Patient:
    """Load and validate; raises DiagnosticError naming file, line and field on bad input."""
    return _validate(load_file(path, display))
