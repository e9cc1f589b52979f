"""Coded observations (``observations: [{code: {system, code}, value, unit, date}]``, CONTRACT v2)
mapped to the pack's declared fields through its ``knowledge/observations.csv``.

An observation whose code the table maps fills that field, once its unit is the one the table
expects (no conversion is guessed) and its value passes the field's own checks (type, range,
places): a mismatch is exit 2 naming ``observations[i]``. Several observations of one field: the
latest dated one is used; two of the same date (or undated) that disagree are refused. A field
the file gives both in its section and as an observation is refused (which one is meant?). An
observation whose code the table does not map is reported as a located warning and not used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import PrivateAttr, TypeAdapter, ValidationError, create_model, model_validator
from pydantic_core import PydanticCustomError

from engine.facts.fact import Scalar
from engine.facts.fields import FieldDeclarations, FieldSpec
from engine.patient.model import Observation, Patient


class MappedObservation(Observation):
    """An observation checked against a pack's table; ``fills`` is its (section, field), None if unmapped."""

    _fills: tuple[str, str] | None = PrivateAttr(default=None)

    @property
    def fills(self) -> tuple[str, str] | None:
        return self._fills


def _checked_value(observation: Observation, spec: FieldSpec, adapter: TypeAdapter[Any]) -> None:
    try:
        adapter.validate_python(
            int(observation.value) if spec.type.value == "integer" and observation.value.is_integer()
            else observation.value)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        raise PydanticCustomError(
            "range", "{problem} (the value fills {field})",
            {"problem": first["msg"], "field": f"{spec.section}.{spec.name}"}) from None


def observation_model(declarations: FieldDeclarations,
                      annotate: Callable[[FieldSpec], Any]) -> type[MappedObservation]:
    """The observation model of a pack: each observation is checked against the pack's table as it is read."""
    adapters: dict[tuple[str, str], TypeAdapter[Any]] = {}  # one per field: building one costs milliseconds

    def mapped(self: MappedObservation) -> MappedObservation:
        row = declarations.observation(self.code.system, self.code.code)
        if row is None:
            return self  # reported by the loader as a warning, never used
        spec = declarations.field(row.section, row.field)
        if spec is None:  # the pack loader refuses such a row; a model built by hand may not
            return self
        if self.unit != row.unit:
            raise PydanticCustomError(
                "observation_unit", "the unit of {system}|{code} must be '{unit}' (it fills {field})",
                {"system": row.system, "code": row.code, "unit": row.unit, "field": f"{row.section}.{row.field}"})
        key = (row.section, row.field)
        if key not in adapters:
            adapters[key] = TypeAdapter(annotate(spec))
        _checked_value(self, spec, adapters[key])
        self._fills = (row.section, row.field)
        return self

    validators: dict[str, Any] = {"map_code": model_validator(mode="after")(mapped)}
    model: type[MappedObservation] = create_model("Observation", __base__=MappedObservation,
                                                  __validators__=validators)
    return model


def _value_of(observation: MappedObservation, spec: FieldSpec) -> Scalar:
    value = observation.value
    return int(value) if spec.type.value == "integer" else value


def filled_by_observations(patient: Patient, declarations: FieldDeclarations) -> dict[tuple[str, str], Scalar]:
    """The declared fields the patient's observations fill; raises PydanticCustomError on a conflict."""
    chosen: dict[tuple[str, str], tuple[int, MappedObservation]] = {}
    for index, observation in enumerate(patient.observations):
        if not isinstance(observation, MappedObservation) or observation.fills is None:
            continue
        target = observation.fills
        if target[1] in patient.section_values(target[0]):
            raise PydanticCustomError(
                "observation_conflict", "observations[{index}] fills {field}, which the file also gives",
                {"index": index, "field": ".".join(target)})
        previous = chosen.get(target)
        if previous is None or _later(observation, previous[1]):
            chosen[target] = (index, observation)
        elif observation.date == previous[1].date and observation.value != previous[1].value:
            raise PydanticCustomError(
                "observation_conflict", "observations[{first}] and [{second}] give {field} on the same date "
                "(or undated) with different values", {"first": previous[0], "second": index,
                                                       "field": ".".join(target)})
    return {target: _value_of(obs, spec) for target, (_, obs) in sorted(chosen.items())
            if (spec := declarations.field(*target)) is not None}


def _later(candidate: Observation, current: Observation) -> bool:
    """A dated observation outranks an undated one, and a later one an earlier one."""
    if candidate.date is None:
        return False
    return current.date is None or candidate.date > current.date


def unmapped(patient: Patient) -> tuple[int, ...]:
    return tuple(i for i, o in enumerate(patient.observations)
                 if isinstance(o, MappedObservation) and o.fills is None)
