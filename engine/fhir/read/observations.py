"""FHIR Observations -> blood pressure readings, flat fields, coded observations and genotypes.

In order: the blood-pressure panel (LOINC 85354-9 with systolic 8480-6 and diastolic 8462-4
components); a Genomics Reporting genotype, phenotype or result (knowledge/fhir/genomics.csv); a
code the pack's knowledge/observations.csv maps (passed on as a coded observation of the patient
file, checked there as in any patient file); a code of knowledge/fhir/observation-fields.csv or
coded-values.csv; a field path in the local code system. Anything else is a data gap.
"""

from __future__ import annotations

from typing import Any

from engine.facts.fields import FieldDeclarations
from engine.fhir.read.draft import Draft
from engine.fhir.read.elements import (
    codings,
    effective_day,
    first_code,
    quantity,
    scalar_value,
)
from engine.fhir.read.genomics import genotype_of
from engine.fhir.read.tables import LOCAL_SYSTEM, LOINC, Code

BP_PANEL = (LOINC, "85354-9")
SYSTOLIC = (LOINC, "8480-6")
DIASTOLIC = (LOINC, "8462-4")
# The reading's setting (office, home, ambulatory): no standard code carries it, so an extension of
# this project does; absent means office, as in the patient file.
BP_SETTING_URL = "urn:careplan:bp-setting"
STRUCTURAL_FIELDS = {("vitals", "height_cm"), ("vitals", "weight_kg")}
LIST_FIELDS = {("preferences", "goals"), ("preferences", "declines")}


def _component(resource: dict[str, Any], code: Code) -> tuple[Any, int]:
    """The value of the component with this code, and its index (None, -1 when absent)."""
    for number, component in enumerate(resource.get("component", [])):
        if code in codings(component.get("code")):
            return scalar_value(component), number
    return None, -1


def _blood_pressure(draft: Draft, resource: dict[str, Any], index: int) -> None:
    (systolic, at_systolic), (diastolic, at_diastolic) = _component(resource, SYSTOLIC), _component(resource, DIASTOLIC)
    if systolic is None or diastolic is None:
        draft.gap("Observation", BP_PANEL, "it lacks a systolic or a diastolic component")
        return
    reading: dict[str, Any] = {"systolic": systolic, "diastolic": diastolic}
    when = effective_day(resource)
    if when is not None:
        reading["date"] = when
    for extension in resource.get("extension", []):
        if extension.get("url") == BP_SETTING_URL and "valueCode" in extension:
            reading["setting"] = extension["valueCode"]
    draft.append("blood_pressure", reading, index, ("code",), section="vitals")
    where = ("vitals", "blood_pressure", len(draft.data["vitals"]["blood_pressure"]) - 1)
    for name, number in (("systolic", at_systolic), ("diastolic", at_diastolic)):
        draft.origins.append(((*where, name), index, ("component", number, "valueQuantity", "value")))


def _pack_observation(draft: Draft, resource: dict[str, Any], index: int, code: Code) -> None:
    read = quantity(resource.get("valueQuantity"))
    if read is None:
        draft.gap("Observation", code, "it has no numeric valueQuantity")
        return
    item: dict[str, Any] = {"code": {"system": code[0], "code": code[1]}, "value": read[0]}
    if read[1] is not None:
        item["unit"] = read[1]
    when = effective_day(resource)
    if when is not None:
        item["date"] = when
    draft.append("observations", item, index, ("valueQuantity",))


def _declared(declarations: FieldDeclarations | None, section: str, name: str) -> bool:
    if (section, name) in STRUCTURAL_FIELDS or (section, name) in LIST_FIELDS:
        return True
    if (section, name) == ("preferences", "prefers_non_pharmacologic"):
        return True
    return declarations is not None and declarations.field(section, name) is not None


def _fill(draft: Draft, resource: dict[str, Any], index: int, target: tuple[str, str], value: Any) -> None:
    section, name = target
    if target in LIST_FIELDS:
        draft.data.setdefault(section, {}).setdefault(name, []).append(value)
        draft.origins.append(((section, name), index, ("value",)))
    else:
        draft.set_field(section, name, value, effective_day(resource), index)


def _table_field(draft: Draft, resource: dict[str, Any], code: Code) -> tuple[tuple[str, str], Any] | None:
    """The (section, field) and value a standard code fills, or None; a unit mismatch is a gap."""
    row = draft.tables.observation_fields.get(code)
    if row is not None:
        read = quantity(resource.get("valueQuantity"))
        if read is None or read[1] != row.unit:
            draft.gap("Observation", code, f"its value is not a quantity in {row.unit}")
            return None
        return (row.section, row.field), read[0]
    for value_code in codings(resource.get("valueCodeableConcept")):
        coded = draft.tables.coded_values.get((code, value_code))
        if coded is not None:
            value: Any = {"true": True, "false": False}.get(coded[2], coded[2])
            return (coded[0], coded[1]), value
    if draft.tables.coded_observation(code):
        draft.gap("Observation", code, "its coded value has no mapping")
    return None


def _cancer_field(draft: Draft, resource: dict[str, Any], index: int, name: str) -> None:
    focus = next((f.get("reference") for f in resource.get("focus", []) if isinstance(f, dict)), None)
    cancer = draft.cancers.get(str(focus))
    if cancer is None:
        draft.gap("Observation", (LOCAL_SYSTEM, f"cancer.{name}"), "its focus is not a cancer Condition of the record")
        return
    draft.data["cancer"][cancer][name] = scalar_value(resource)
    draft.origins.append((("cancer", cancer, name), index, ("value",)))


def _local_field(draft: Draft, resource: dict[str, Any], index: int, code: Code,
                 declarations: FieldDeclarations | None) -> bool:
    section, _, name = code[1].partition(".")
    if section == "cancer" and name:
        _cancer_field(draft, resource, index, name)
        return True
    if not name or not _declared(declarations, section, name):
        return False
    _fill(draft, resource, index, (section, name), scalar_value(resource))
    return True


def map_observation(draft: Draft, resource: dict[str, Any], index: int,
                    declarations: FieldDeclarations | None) -> None:
    found = codings(resource.get("code"))
    before = len(draft.gaps)
    if BP_PANEL in found:
        _blood_pressure(draft, resource, index)
        return
    if any(draft.tables.genomics.get(code) in ("diplotype", "phenotype", "result") for code in found):
        genotype_of(draft, resource, index)
        return
    for code in found:
        if declarations is not None and declarations.observation(*code) is not None:
            _pack_observation(draft, resource, index, code)
            return
        if code[0] == LOCAL_SYSTEM and _local_field(draft, resource, index, code, declarations):
            return
        target = _table_field(draft, resource, code)
        if target is not None:
            if _declared(declarations, *target[0]):
                _fill(draft, resource, index, target[0], target[1])
            else:
                draft.gap("Observation", code, f"this pack has no field {'.'.join(target[0])}")
            return
    if len(draft.gaps) == before:
        draft.gap("Observation", first_code(resource.get("code")), "no mapping")
