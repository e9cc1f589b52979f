"""Each FHIR resource checked against its fhir.resources R4B model (the R4-compatible 4.x release).

A resource that fails is refused (exit 2) with a message naming the entry, the resource type and
the element path. pydantic's own text is not shown: it can quote the value, and a patient's value
never appears in a message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from engine.source.diagnostics import Diagnostic, DiagnosticError, Location

# Where an element of the resource at an index is, in the file it came from (a Bundle's line and
# column, or just the source's name for resources handed over in memory).
Locator = Callable[[int, Sequence[str | int]], Location]

_PROBLEMS = {
    "missing": "a required element is missing",
    "extra_forbidden": "not an element of this resource type",
    "value_error": "not a valid value for this element's FHIR type",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "bool_type": "must be true or false",
    "int_type": "must be an integer",
}


def element_path(parts: Sequence[str | int]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else ("." if text else "") + str(part)
    return text


def _refusal(where: Location, what: str, code: str, message: str, field: str | None = None) -> DiagnosticError:
    return DiagnosticError([Diagnostic(where, code, f"{what}: {message}", field_path=field,
                                       hint="check the resource against the FHIR R4 specification")])


def resource_type(resource: Any, index: int, locate: Locator) -> str:
    """The resource's type; refuses something that is not a FHIR resource of a known type."""
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        raise _refusal(locate(index, []), f"entry {index}", "fhir.not-a-resource",
                       "not a FHIR resource (an object with a resourceType)")
    kind: str = resource["resourceType"]
    try:
        get_fhir_model_class(kind)
    except (ValueError, KeyError):
        raise _refusal(locate(index, ["resourceType"]), f"entry {index}", "fhir.unknown-type",
                       "the resourceType is not a FHIR R4 resource type") from None
    return kind


def validate_resource(resource: dict[str, Any], index: int, locate: Locator) -> str:
    """Check one resource; raises DiagnosticError naming entry, type and element path. Returns its type."""
    kind = resource_type(resource, index, locate)
    try:
        get_fhir_model_class(kind).model_validate(resource)
    except ValidationError as exc:
        diagnostics = []
        for error in exc.errors(include_url=False, include_input=False):
            path = [p for p in error["loc"] if isinstance(p, str | int)]
            problem = _PROBLEMS.get(error["type"], "not valid FHIR R4")
            diagnostics.append(Diagnostic(locate(index, path), "fhir.invalid",
                                          f"entry {index} ({kind}) {element_path(path)}: {problem}",
                                          hint="check the resource against the FHIR R4 specification"))
        raise DiagnosticError(diagnostics) from None
    return kind
