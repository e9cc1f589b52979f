"""FHIR resources (a Bundle's entries, an NDJSON file's lines, or a CDS Hooks prefetch) -> one Patient."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from engine.fhir.read.draft import Draft
from engine.fhir.read.observations import map_observation
from engine.fhir.read.resources import (
    map_allergy,
    map_condition,
    map_family_member,
    map_goal,
    map_medication,
    map_patient,
)
from engine.fhir.read.tables import fhir_tables
from engine.fhir.read.validation import Locator, element_path, validate_resource
from engine.patient.declared import default_patient_model
from engine.patient.model import Patient
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location
from engine.source.document import format_field_path

Handler = Callable[[Draft, dict[str, Any], int], None]
_HANDLERS: dict[str, Handler] = {
    "Condition": map_condition, "MedicationRequest": map_medication, "MedicationStatement": map_medication,
    "AllergyIntolerance": map_allergy, "FamilyMemberHistory": map_family_member, "Goal": map_goal,
}
_FIRST = ("Patient", "Condition")  # read before the rest: a cancer observation names its Condition


def _nowhere(source: str) -> Locator:
    return lambda index, path: Location(source)


def resources_of_bundle(bundle: dict[str, Any], locate: Locator) -> list[Any]:
    """The resources of a Bundle's entries (refusing an entry without one), in entry order."""
    entries = bundle.get("entry", [])
    if not isinstance(entries, list):
        raise DiagnosticError([Diagnostic(locate(-1, ["entry"]), "fhir.invalid", "Bundle.entry must be a list")])
    resources = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or "resource" not in entry:
            raise DiagnosticError([Diagnostic(locate(index, []), "fhir.invalid",
                                              f"entry {index} has no resource")])
        resources.append(entry["resource"])
    return resources


def _read(draft: Draft, resources: Sequence[Any], locate: Locator, as_of: dt.date) -> dict[int, str]:
    kinds = {index: validate_resource(resource, index, locate) for index, resource in enumerate(resources)}
    patients = [index for index, kind in kinds.items() if kind == "Patient"]
    if len(patients) != 1:
        where = locate(patients[1] if patients else 0, [])
        raise DiagnosticError([Diagnostic(where, "fhir.patient-count",
                                          "a record holds exactly one Patient resource "
                                          f"(found {len(patients)})")])
    declarations = draft.declarations
    order = sorted(kinds, key=lambda i: (kinds[i] not in _FIRST, i))
    for index in order:
        kind, resource = kinds[index], resources[index]
        if kind == "Patient":
            map_patient(draft, resource, index, as_of)
        elif kind == "Observation":
            map_observation(draft, resource, index, declarations)
        elif kind in _HANDLERS:
            _HANDLERS[kind](draft, resource, index)
        else:
            draft.gaps.append(f"FHIR {kind} was not used: this reader does not read {kind} resources")
    return kinds


def _refused(exc: ValidationError, draft: Draft, kinds: dict[int, str], locate: Locator,
             source: str) -> DiagnosticError:
    diagnostics = []
    for error in exc.errors(include_url=False, include_input=False):
        path = tuple(p for p in error["loc"] if isinstance(p, str | int))
        origin = draft.origin_of(path)
        field = format_field_path(path)
        message = str(error["msg"]).removeprefix("Value error, ")
        if origin is None:
            diagnostics.append(Diagnostic(Location(source), "fhir.patient", f"{field}: {message}", field_path=field))
            continue
        index, element = origin
        diagnostics.append(Diagnostic(
            locate(index, element), "fhir.patient",
            f"entry {index} ({kinds[index]}) {element_path(element)} gives {field}: {message}",
            hint="'careplan schema patient' shows what each field accepts"))
    return DiagnosticError(diagnostics)


def patient_from_resources(resources: list[dict[str, Any]], model: type[Patient] | None = None, *,
                           as_of: dt.date | None = None, source: str = "FHIR resources",
                           locate: Locator | None = None) -> Patient:
    """One patient's FHIR resources as a validated Patient of the pack's ``model``.

    ``as_of`` is the day ages are counted to (a Bundle's timestamp; default today, UTC). Bad input
    raises DiagnosticError naming the entry index, resource type and element; what no table maps is
    in the result's ``input_gaps``, which the plan lists as data gaps.
    """
    target = model or default_patient_model()
    where = locate or _nowhere(source)
    draft = Draft(fhir_tables(), target.declarations)
    kinds = _read(draft, resources, where, as_of or dt.datetime.now(dt.UTC).date())
    data = draft.finish()
    if as_of is not None:  # the record's day (a Bundle's timestamp): what a patient file's as_of says,
        data.setdefault("as_of", as_of.isoformat())  # so computed fields (years since quitting) have it
    try:
        patient = target.model_validate(data)
    except ValidationError as exc:
        raise _refused(exc, draft, kinds, where, source) from None
    patient.note_input_gaps(draft.gaps)
    return patient
