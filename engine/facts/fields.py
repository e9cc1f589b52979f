"""The patient fields a pack declares: sections, their fields, and the fact each section becomes.

A pack's ``knowledge/fields.yaml`` and ``knowledge/<domain>/fields.yaml`` declare every flat
section of the patient file (demographics, labs, lifestyle, ...): each field's type, unit,
range, decimal places, allowed words and description, and the fact type and field it fills.
The patient loader builds its model from these declarations, the JSON Schema for patient files
and docs/patient-fields.md are generated from them, and the input fact types of the declared
sections come from them, with each field's domain so that rule patterns can be checked against
it. Coded observations map to declared fields through ``knowledge/observations.csv``.

Pure data: reading the files is ``engine.facts.field_file``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from engine.facts.schema import FactType, FieldDomain, FieldKind
from engine.source.diagnostics import Location


class ValueType(str, Enum):
    """What a declared field holds; ``one-of`` is text limited to the declared ``values``."""

    TEXT = "text"
    NUMBER = "number"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    DATE = "date"
    ONE_OF = "one-of"

    @property
    def kind(self) -> FieldKind:
        """The fact field's kind: dates reach the engine as ISO text (YYYY-MM-DD)."""
        return {ValueType.NUMBER: FieldKind.NUMBER, ValueType.INTEGER: FieldKind.INTEGER,
                ValueType.BOOLEAN: FieldKind.BOOLEAN}.get(self, FieldKind.TEXT)


class DateArithmetic(str, Enum):
    """Whole years computed from a declared date against the patient file's ``as_of`` date."""

    YEARS_SINCE = "years_since"  # as_of - date, in completed years
    AGE_AT = "age_at"  # the patient's age at the date: age - years_since(date)


@dataclass(frozen=True)
class Derivation:
    how: DateArithmetic
    date_field: str  # a date field of the same section


@dataclass(frozen=True)
class FieldSpec:
    """One declared field. ``derived`` fields are computed, never written in the patient file."""

    section: str
    name: str
    type: ValueType
    where: Location  # of the declaration, for messages about it
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    places: int | None = None
    values: tuple[str, ...] = ()
    description: str = ""
    fact_field: str = ""
    derived: Derivation | None = None

    @property
    def becomes(self) -> str:
        return self.fact_field or self.name

    @property
    def domain(self) -> FieldDomain:
        kind = FieldKind.INTEGER if self.derived else self.type.kind
        return FieldDomain(kind, self.values, self.low, self.high, self.unit or "")


@dataclass(frozen=True)
class SectionSpec:
    """A flat section of the patient file. ``per_field``: one fact per field given (``lab``:
    ``{name: egfr, value: 55}``) instead of one fact holding every field."""

    name: str
    fact: str
    fields: tuple[FieldSpec, ...]
    per_field: bool = False
    label: str = ""
    description: str = ""

    def inputs(self) -> tuple[FieldSpec, ...]:
        """The fields a patient file may write (not the derived ones)."""
        return tuple(f for f in self.fields if f.derived is None)


@dataclass(frozen=True)
class ObservationCode:
    """One row of ``knowledge/observations.csv``: a coded observation and the field it fills."""

    system: str
    code: str
    section: str
    field: str
    unit: str
    where: Location


@dataclass(frozen=True)
class FieldDeclarations:
    sections: tuple[SectionSpec, ...] = ()
    observations: tuple[ObservationCode, ...] = ()

    def section(self, name: str) -> SectionSpec | None:
        return next((s for s in self.sections if s.name == name), None)

    def field(self, section: str, name: str) -> FieldSpec | None:
        found = self.section(section)
        return next((f for f in found.fields if f.name == name), None) if found else None

    def observation(self, system: str, code: str) -> ObservationCode | None:
        return next((o for o in self.observations if (o.system, o.code) == (system, code)), None)

    def fact_types(self, inputs: dict[str, FactType]) -> dict[str, FactType]:
        """The fact types of the declared sections, merged into the structural ``inputs`` they extend
        (demographics fills ``patient``, beside the body measures the normaliser derives)."""
        types = dict(inputs)
        for section in self.sections:
            types[section.fact] = _section_type(section, types.get(section.fact))
        return types


def _section_type(section: SectionSpec, existing: FactType | None) -> FactType:
    if section.per_field:
        names = tuple(f.name for f in section.fields)
        keyed = {f.name: f.domain for f in section.fields}
        return FactType(section.fact, {"name": FieldKind.TEXT, "value": FieldKind.NUMBER},
                        section.label or f"{section.fact} {{name}} = {{value}}", False, section.description,
                        domains={"name": FieldDomain(FieldKind.TEXT, names, closed=False)},
                        keyed=("name", "value", keyed))
    fields = {f.becomes: f.domain.kind for f in section.fields}
    domains = {f.becomes: f.domain for f in section.fields}
    if existing is None:
        return FactType(section.fact, fields, section.label or section.fact, False, section.description,
                        domains=domains)
    return FactType(existing.name, {**fields, **existing.fields}, existing.label, False,
                    existing.description or section.description, domains={**existing.domains, **domains})
