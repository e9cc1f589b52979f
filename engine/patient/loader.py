"""Read a patient facts file (YAML or JSON) into a validated ``Patient``.

Read strictly (docs/contract.md, section 2): a regular file of at most 5 MiB, YAML 1.2 core numbers,
booleans and real dates, no tags, no anchors or aliases, at most 100,000 values nested at most
32 deep; then the pack's patient model (``engine.patient.declared``: the structural model of
``engine.patient.model`` plus the sections the pack declares) checks every field's type, range
and list length. Every refusal names the file, line, column and field, never the value. An
observation whose code the pack does not map is a located warning: it is not used.

A one-line JSON text (an NDJSON record) is first read without positions where that reads it as the
located reader does (``engine.source.plain_json``); it is read again with positions whenever there is
anything to report, so the patient and every message are the same either way.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from engine.patient.declared import default_patient_model
from engine.patient.model import Patient
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, Severity
from engine.source.document import Limits, SourceDoc, load_file, parse_text
from engine.source.plain_json import plain_json
from engine.source.pydantic_errors import diagnostics_from
from engine.source.reading import MIB

PATIENT_LIMITS = Limits(what="a patient file", max_bytes=5 * MIB, max_values=100_000, max_depth=32, aliases=False)


def _warnings(patient: Patient, doc: SourceDoc) -> list[Diagnostic]:
    return [Diagnostic(doc.locate(["observations", index, "code"]), "patient.unmapped-observation",
                       "this pack does not map the observation's code to a field: it is not used",
                       Severity.WARNING, field_path=f"observations[{index}].code",
                       hint="map the code in the pack's knowledge/observations.csv, or remove the observation")
            for index in patient.unmapped_observations]


def _validate(doc: SourceDoc, model: type[Patient] | None) -> Patient:
    target = model or default_patient_model()
    if not isinstance(doc.data, dict):
        raise DiagnosticError([Diagnostic(Location(doc.path, 1, 1), "patient.not-a-mapping",
                                          "a patient file is a mapping with at least an 'id'")])
    try:
        patient = target.model_validate(doc.data)
    except ValidationError as exc:
        raise DiagnosticError(diagnostics_from(exc, doc, target, code_prefix="patient")) from None
    patient.noted(_warnings(patient, doc))
    return patient


def parse_patient(text: str, display: str, model: type[Patient] | None = None) -> Patient:
    """Validate patient-file text; raises DiagnosticError naming line and field on bad input."""
    quick = _plain_patient(text, model)
    return quick if quick is not None else _validate(parse_text(text, display, PATIENT_LIMITS), model)


def _plain_patient(text: str, model: type[Patient] | None) -> Patient | None:
    """The patient of a one-line JSON record read without positions (``engine.source.plain_json``), when
    it is valid and has nothing to note; None sends the text to the located reader, which then gives the
    same patient or the located refusal (positions are only needed for messages)."""
    data = plain_json(text, PATIENT_LIMITS)
    if data is None:
        return None
    try:
        patient = (model or default_patient_model()).model_validate(data)
    except ValidationError:
        return None  # read again with positions, so each problem is reported at its line and column
    return patient if not patient.unmapped_observations else None


def load_patient(path: Path, display: str | None = None, model: type[Patient] | None = None) -> Patient:
    """Load and validate with the pack's ``model`` (default: the default pack's); raises DiagnosticError
    naming file, line and field on bad input. ``load_warnings`` of the result holds what was noted."""
    return _validate(load_file(path, display, PATIENT_LIMITS), model)
