"""Facts from the declared sections of a patient file, as the pack's declarations say.

A section becomes one fact holding its fields (``lifestyle``), or one fact per field given
(``labs``: ``lab {name: egfr, value: 55.0}``); several sections may fill one fact type
(demographics fills ``patient``, which the normaliser completes with the body measures).
A number with declared decimal places is kept to those places (durable-rules cannot parse
exponent floats, and the loader refused any value that would round to zero); a date reaches the
engine as its ISO text.
"""

from __future__ import annotations

import datetime as dt

from engine.facts.fact import Fact, Scalar
from engine.facts.fields import FieldDeclarations, FieldSpec, ValueType
from engine.patient.model import Patient


def _kept(spec: FieldSpec, value: Scalar | dt.date) -> Scalar:
    if isinstance(value, dt.date):
        return value.isoformat()
    if spec.type is ValueType.NUMBER and spec.places is not None and not isinstance(value, bool):
        return float(round(float(value), spec.places))
    return value


def declared_facts(patient: Patient) -> tuple[dict[str, dict[str, Scalar]], list[Fact]]:
    """(fact type -> fields) of the one-fact sections, and the facts of the per-field sections."""
    declarations = type(patient).declarations or FieldDeclarations()
    merged: dict[str, dict[str, Scalar]] = {}
    per_field: list[Fact] = []
    for section in declarations.sections:
        values = patient.section_values(section.name)
        for spec in section.fields:
            if spec.name not in values:
                continue
            value = _kept(spec, values[spec.name])
            if section.per_field:
                per_field.append(Fact.make(section.fact, {"name": spec.name, "value": value}))
            else:
                merged.setdefault(section.fact, {})[spec.becomes] = value
    return merged, per_field
