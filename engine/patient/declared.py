"""The patient model of a pack: the structural ``Patient`` plus one strict section per declared section.

Built with ``pydantic.create_model`` from the pack's field declarations (``engine.facts.fields``)
when the pack loads, with the value types the structural model uses (``engine.patient.values``),
so a declared field is read, refused and described exactly like a built-in one: strict numbers,
inclusive ranges with their unit, decimal places, the words of a one-of field, real dates, and
no patient value in any message. Each observation of the file is checked against the pack's
observation table as it is read (``engine.patient.observations``).
"""

from __future__ import annotations

import functools
from typing import Annotated, Any, Literal

from pydantic import Field, Strict, create_model, model_validator

from engine.facts.field_file import declarations_of
from engine.facts.fields import FieldDeclarations, FieldSpec, SectionSpec, ValueType
from engine.patient.derive import derived_values
from engine.patient.model import MAX_OBSERVATIONS, Observation, Patient
from engine.patient.observations import filled_by_observations, observation_model, unmapped
from engine.patient.values import IsoDate, StrictModel, Text, measured
from engine.source.package_files import default_pack_root


def _number(spec: FieldSpec) -> Any:
    integer = spec.type is ValueType.INTEGER
    if spec.low is not None and spec.high is not None:
        return measured(spec.low, spec.high, spec.unit or "", integer=integer, places=spec.places)
    extra: dict[str, Any] | None = {"x-unit": spec.unit} if spec.unit else None
    return Annotated[int if integer else float, Strict(), Field(json_schema_extra=extra)]


def field_annotation(spec: FieldSpec) -> Any:
    """The pydantic type of one declared field (without its ``| None``)."""
    if spec.type in (ValueType.NUMBER, ValueType.INTEGER):
        return _number(spec)
    if spec.type is ValueType.BOOLEAN:
        return Annotated[bool, Strict()]
    if spec.type is ValueType.DATE:
        return IsoDate
    if spec.type is ValueType.ONE_OF:
        return Literal[spec.values]
    return Text


def _class_name(section: str) -> str:
    return "".join(part.capitalize() for part in section.split("_"))


def section_model(section: SectionSpec) -> type[StrictModel]:
    fields: dict[str, Any] = {
        spec.name: (field_annotation(spec) | None, Field(default=None, description=spec.description or None))
        for spec in section.inputs()}
    model: type[StrictModel] = create_model(_class_name(section.name), __base__=StrictModel,
                                            __doc__=section.description or None, **fields)
    return model


@functools.lru_cache(maxsize=32)
def patient_model(declarations: FieldDeclarations) -> type[Patient]:
    """The Patient model of a pack whose flat sections are ``declarations``."""
    sections: dict[str, Any] = {}
    for section in declarations.sections:
        model = section_model(section)
        sections[section.name] = (model, Field(default_factory=model, description=section.description or None))
    observation: type[Observation] = observation_model(declarations, field_annotation)
    sections["observations"] = (list[observation], Field(default_factory=list, max_length=MAX_OBSERVATIONS,  # type: ignore[valid-type]
                                                         description="coded measurements (CONTRACT v2)"))

    def filled(self: Patient) -> Patient:
        values = filled_by_observations(self, declarations)
        self.fill(values, unmapped(self))
        self.fill({**values, **derived_values(self, declarations)}, unmapped(self))
        return self

    validators: dict[str, Any] = {"fill_declared": model_validator(mode="after")(filled)}
    built: type[Patient] = create_model("Patient", __base__=Patient, __doc__=Patient.__doc__,
                                        __validators__=validators, **sections)
    built.declarations = declarations
    return built


@functools.lru_cache(maxsize=1)
def default_patient_model() -> type[Patient]:
    """The default pack's patient model (what ``Patient.model_validate`` validates against)."""
    return patient_model(declarations_of(default_pack_root()))
