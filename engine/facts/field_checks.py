"""The checks on one field declaration and on a section's fields as a whole, each a located error.

What a declaration says must be usable as written: words only for a one-of field, a range and
unit only for a measure, decimal places only for a decimal number, date arithmetic only from
a declared date of the same section into a whole number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.facts.fields import DateArithmetic, SectionSpec, ValueType
from engine.source.diagnostics import Diagnostic, did_you_mean
from engine.source.document import SourceDoc

if TYPE_CHECKING:
    from engine.facts.field_file import FieldDecl

_MEASURES = ("number", "integer")


def _misplaced(decl: FieldDecl) -> list[tuple[str, str]]:
    """(key, why) for every key that does not fit the field's type."""
    found: list[tuple[str, str]] = []
    if decl.type == "one-of" and not decl.values:
        found.append(("type", "a one-of field lists its words under 'values'"))
    if decl.values is not None and decl.type != "one-of":
        found.append(("values", "only a one-of field has values"))
    if decl.type not in _MEASURES:
        found += [(key, f"only a number or integer field has a {key}")
                  for key in ("range", "unit") if getattr(decl, key) is not None]
    if decl.places is not None and decl.type != "number":
        found.append(("places", "only a number field has decimal places"))
    if decl.range is not None and decl.range[0] > decl.range[1]:
        found.append(("range", "the range is [lowest, highest], lowest first"))
    if decl.years_since is not None and decl.age_at is not None:
        found.append(("age_at", "a field is computed one way: years_since or age_at"))
    if (decl.years_since or decl.age_at) and decl.type != "integer":
        found.append(("type", "a field computed from a date (years_since, age_at) is an integer"))
    return found


def check_field(doc: SourceDoc, at: tuple[str, ...], decl: FieldDecl, diagnostics: list[Diagnostic]) -> bool:
    """True when the declaration is usable; else each problem is appended, located at its key."""
    problems = _misplaced(decl)
    for key, why in problems:
        diagnostics.append(Diagnostic(doc.locate([*at, key], key=True), "fields.bad-declaration", why,
                                      field_path=".".join(at[:1] + at[2:])))
    return not problems



# The ``patient`` fact's fields the normaliser fills from the vitals section itself
# (engine.patient.normalise): a declared field with one of these names would be written over.
ENGINE_PATIENT_FIELDS = ("bmi", "height_cm", "weight_kg")


def check_section_fields(section: SectionSpec, diagnostics: list[Diagnostic]) -> None:
    """Date arithmetic names a date of the section; a per-field section holds measures; fact fields are distinct."""
    dates = [f.name for f in section.fields if f.type is ValueType.DATE]
    becomes: dict[str, str] = {}
    for spec in section.fields:
        if spec.derived is not None and spec.derived.date_field not in dates:
            diagnostics.append(Diagnostic(
                spec.where, "fields.unknown-field",
                f"'{spec.derived.date_field}' is not a date field of section '{section.name}'",
                field_path=f"{section.name}.{spec.name}",
                hint=did_you_mean(spec.derived.date_field, dates) or "declare it with 'type: date' first"))
        if section.per_field and (spec.type.value not in _MEASURES or spec.derived is not None):
            diagnostics.append(Diagnostic(spec.where, "fields.bad-declaration",
                                          f"section '{section.name}' gives one fact per field: each is a measure",
                                          field_path=f"{section.name}.{spec.name}"))
        if section.fact == "patient" and spec.becomes in ENGINE_PATIENT_FIELDS:
            diagnostics.append(Diagnostic(
                spec.where, "fields.engine-filled",
                f"the patient fact's '{spec.becomes}' is filled by the engine from vitals (height_cm, weight_kg), "
                "so a declared value would be written over",
                field_path=f"{section.name}.{spec.name}",
                hint=f"give the field another name (fact_field: declared_{spec.becomes}), or give vitals instead"))
        first = becomes.get(spec.becomes)
        if first is not None:
            diagnostics.append(Diagnostic(spec.where, "fields.duplicate",
                                          f"fact field '{spec.becomes}' is also filled by {first}",
                                          field_path=f"{section.name}.{spec.name}"))
        becomes[spec.becomes] = f"{section.name}.{spec.name} ({spec.where})"


def age_field(sections: tuple[SectionSpec, ...]) -> tuple[str, str] | None:
    """(section, field) of the patient's age: the declared field that fills the ``patient`` fact's ``age``."""
    return next(((s.name, f.name) for s in sections if s.fact == "patient" for f in s.fields
                 if f.becomes == "age" and f.type is ValueType.INTEGER), None)


def check_age_source(sections: tuple[SectionSpec, ...], diagnostics: list[Diagnostic]) -> None:
    """``age_at`` subtracts from the patient's age, so the pack must declare it."""
    if age_field(sections) is not None:
        return
    for section in sections:
        for spec in section.fields:
            if spec.derived is not None and spec.derived.how is DateArithmetic.AGE_AT:
                diagnostics.append(Diagnostic(
                    spec.where, "fields.unknown-field",
                    "age_at needs the patient's age: an integer field that fills the patient fact's age",
                    field_path=f"{section.name}.{spec.name}",
                    hint="declare demographics.age (type: integer) with 'fact: patient' on its section"))
