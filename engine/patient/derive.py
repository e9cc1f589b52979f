"""Date arithmetic a pack declares (``years_since``, ``age_at``), computed against the file's ``as_of``.

The output must be the same bytes for the same file, so the reference date is never today's
clock: it is the patient file's ``as_of`` date. A file that gives a date some declared field
is computed from, without ``as_of``, is refused (exit 2) rather than silently left without
the computed value; a date after ``as_of`` is refused too (a quit date in the future).
Years are completed years: 2010-06-01 to 2026-05-31 is 15, to 2026-06-01 is 16.
"""

from __future__ import annotations

import datetime as dt

from pydantic_core import PydanticCustomError

from engine.facts.fact import Scalar
from engine.facts.field_checks import age_field
from engine.facts.fields import DateArithmetic, FieldDeclarations
from engine.patient.model import Patient


def completed_years(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (a birthday-style count; 29 February counts from 1 March)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def derived_values(patient: Patient, declarations: FieldDeclarations) -> dict[tuple[str, str], Scalar]:
    """(section, field) -> value of every computable declared date-arithmetic field."""
    out: dict[tuple[str, str], Scalar] = {}
    age_at = age_field(declarations.sections)
    for section in declarations.sections:
        given = getattr(patient, section.name, None)
        for spec in section.fields:
            if spec.derived is None:
                continue
            date = getattr(given, spec.derived.date_field, None) if given is not None else None
            if not isinstance(date, dt.date):
                continue
            if patient.as_of is None:
                raise PydanticCustomError(
                    "as_of_missing", "as_of (YYYY-MM-DD) is needed: {field} is computed from {date}",
                    {"field": f"{section.name}.{spec.name}", "date": f"{section.name}.{spec.derived.date_field}"})
            if date > patient.as_of:
                raise PydanticCustomError("date_order", "{date} is after as_of",
                                          {"date": f"{section.name}.{spec.derived.date_field}"})
            years = completed_years(date, patient.as_of)
            if spec.derived.how is DateArithmetic.YEARS_SINCE:
                out[(section.name, spec.name)] = years
                continue
            age = patient.value(*age_at) if age_at else None
            if isinstance(age, int) and not isinstance(age, bool):
                out[(section.name, spec.name)] = max(age - years, 0)
    return out
