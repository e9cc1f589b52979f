"""Reading the FHIR data types the mapping needs (CodeableConcept, Quantity, dates) from resource JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.fhir.read.tables import LOCAL_SYSTEM, Code


def codings(concept: Any) -> list[Code]:
    """The (system, code) pairs of a CodeableConcept, in order."""
    if not isinstance(concept, dict):
        return []
    return [(str(c.get("system", "")), str(c.get("code", ""))) for c in concept.get("coding", [])
            if isinstance(c, dict) and c.get("code") is not None]


def first_code(concept: Any) -> Code | None:
    found = codings(concept)
    return found[0] if found else None


def look_up(concept: Any, table: dict[Code, str]) -> str | None:
    """The term the first coding the table knows names, else the code of the local system, else None."""
    found = codings(concept)
    for code in found:
        if code in table:
            return table[code]
    local = [code for system, code in found if system == LOCAL_SYSTEM]
    return local[0] if local else None


def day(text: Any) -> dt.date | None:
    """The calendar day of a FHIR date or dateTime (its first ten characters)."""
    if not isinstance(text, str) or len(text) < 10:  # YYYY-MM-DD
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def effective_day(resource: dict[str, Any]) -> dt.date | None:
    period = resource.get("effectivePeriod")
    return day(resource.get("effectiveDateTime") or (period or {}).get("start") or resource.get("issued"))


def number(value: Any) -> int | float | None:
    """A JSON number as the patient file would hold it: whole numbers as int."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if float(value).is_integer() else float(value)


def quantity(element: Any) -> tuple[int | float, str | None] | None:
    """A Quantity's value and its UCUM code (or unit text when it has no code)."""
    if not isinstance(element, dict):
        return None
    value = number(element.get("value"))
    if value is None:
        return None
    unit = element.get("code") or element.get("unit")
    return value, (str(unit) if unit is not None else None)


def scalar_value(holder: dict[str, Any]) -> Any:
    """The value[x] of an Observation or component as the patient file holds it; None if absent."""
    if "valueQuantity" in holder:
        read = quantity(holder["valueQuantity"])
        return read[0] if read else None
    for key in ("valueInteger", "valueBoolean", "valueString"):
        if key in holder:
            return holder[key]
    concept = holder.get("valueCodeableConcept")
    if isinstance(concept, dict):
        return concept.get("text") or next((c.get("display") for c in concept.get("coding", [])), None)
    return None


def reference_to(resource: dict[str, Any]) -> str:
    return f"{resource.get('resourceType')}/{resource.get('id')}"
