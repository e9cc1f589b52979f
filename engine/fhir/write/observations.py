"""The plan's assessments, and its data gaps, as Observations.

A phenotype becomes two Observations of the HL7 Genomics Reporting IG (STU2/STU3 profiles): a
*genotype* (LOINC 84413-4 "Genotype display name", with the gene studied, LOINC 48018-6) where the
patient file gave a diplotype, and a *therapeutic implication* (genomics-reporting ``tbd-codes-cs``
``therapeutic-implication``) whose ``predicted-therapeutic-implication`` component is the CPIC
phenotype, derived from the genotype. Risk scores name their calculator in ``method``. Every
other assessment is an Observation coded by the plan's own assessment kind; its details are
components. A data gap is an Observation with no value and a ``dataAbsentReason``.
"""

from __future__ import annotations

from engine.fhir.write.identity import ASSESSMENT_SYSTEM, Identities, Resource, coding, concept, reference, resource_id
from engine.plan.model import Assessment, DataGap

LOINC = "http://loinc.org"
GENOMICS_TBD = "http://hl7.org/fhir/uv/genomics-reporting/CodeSystem/tbd-codes-cs"
GENOMICS = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/"
UCUM = "http://unitsofmeasure.org"
_OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
_V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"  # diagnostic service section: GE = Genetics
_DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
# laboratory: required by the IG's base genomics profile; GE: the category its genomics report carries
_GENOMICS_CATEGORY = [{"coding": [coding(_OBSERVATION_CATEGORY, "laboratory", "Laboratory")]},
                      {"coding": [coding(_V2_0074, "GE", "Genetics")]}]
_ASSESSMENT_CATEGORY = [{"coding": [coding(_OBSERVATION_CATEGORY, "survey", "Survey")],
                         "text": "care-plan assessment"}]
# Calculators the default pack's assessments come from (docs/contract.md, section 3), for packs whose
# assessment does not name its calculator in its details.
_CALCULATORS: dict[str, str] = {"ascvd-risk-10y": "2013 ACC/AHA Pooled Cohort Equations"}
_UCUM_UNITS: dict[str, str] = {"%": "%"}


def assessment_observations(assessment: Assessment, index: int, ids: Identities, patient: Resource,
                            issued: str) -> list[tuple[str, Resource]]:
    """The Observations for one assessment, each with its fullUrl."""
    if assessment.kind == "phenotype" and assessment.gene:
        return _phenotype(assessment, index, ids, patient, issued)
    urn = ids.urn("Observation", f"assessment|{index}")
    obs = _base(urn, patient, issued, _ASSESSMENT_CATEGORY,
                concept(assessment.kind, coding(ASSESSMENT_SYSTEM, assessment.kind)))
    obs.update(_value(assessment.value, assessment.unit))
    components = [_component(name, value) for name, value in sorted(assessment.details.items())
                  if name not in ("calculator", "version")]
    if components:
        obs["component"] = components
    method = _method(assessment)
    if method:
        obs["method"] = concept(method)
    _explain(obs, assessment.because)
    return [(urn, obs)]


def data_gap_observation(gap: DataGap, index: int, ids: Identities, patient: Resource,
                         issued: str) -> tuple[str, Resource]:
    """What the plan could not assess: the test that would supply it, with no value and the reason why."""
    urn = ids.urn("Observation", f"data-gap|{index}")
    what = gap.suggested_test or "missing information"
    obs = _base(urn, patient, issued, _ASSESSMENT_CATEGORY, concept(what))
    # not-performed: the test that would give the value has not been done; unknown: nothing names one
    reason = "not-performed" if gap.suggested_test else "unknown"
    obs["dataAbsentReason"] = concept(gap.text, coding(_DATA_ABSENT, reason))
    obs["note"] = [{"text": gap.text}]
    obs["identifier"] = [{"system": "urn:careplan:rule", "value": gap.rule}]
    return urn, obs


def _phenotype(assessment: Assessment, index: int, ids: Identities, patient: Resource,
               issued: str) -> list[tuple[str, Resource]]:
    gene = str(assessment.gene)
    gene_component = {"code": concept("Gene studied", coding(LOINC, "48018-6", "Gene studied [ID]")),
                      "valueCodeableConcept": concept(gene)}
    entries: list[tuple[str, Resource]] = []
    implication_urn = ids.urn("Observation", f"assessment|{index}|implication")
    implication = _base(implication_urn, patient, issued, _GENOMICS_CATEGORY,
                        concept("Therapeutic implication",
                                coding(GENOMICS_TBD, "therapeutic-implication", "Therapeutic Implication")))
    implication["component"] = [
        {"code": concept("Predicted therapeutic implication",
                         coding(GENOMICS_TBD, "predicted-therapeutic-implication")),
         "valueCodeableConcept": concept(f"{gene} {assessment.value}")},
        gene_component]
    diplotype = assessment.details.get("diplotype")
    if isinstance(diplotype, str):
        genotype_urn = ids.urn("Observation", f"assessment|{index}|genotype")
        genotype = _base(genotype_urn, patient, issued, _GENOMICS_CATEGORY,
                         concept("Genotype display name", coding(LOINC, "84413-4", "Genotype display name")))
        genotype["meta"] = {"profile": [GENOMICS + "genotype"]}
        genotype["valueCodeableConcept"] = concept(f"{gene} {diplotype}")
        genotype["component"] = [gene_component]
        entries.append((genotype_urn, genotype))
        # the profile asks for derivedFrom; without a genotype the implication stands unprofiled
        implication["meta"] = {"profile": [GENOMICS + "therapeutic-implication"]}
        implication["derivedFrom"] = [reference(genotype_urn, f"{gene} {diplotype}")]
    for name, value in sorted(assessment.details.items()):
        if name != "diplotype":
            implication["component"].append(_component(name, value))
    _explain(implication, assessment.because)
    entries.append((implication_urn, implication))
    return entries


def _base(urn: str, patient: Resource, issued: str, category: list[Resource], code: Resource) -> Resource:
    return {"resourceType": "Observation", "id": resource_id(urn), "status": "final",
            "category": category, "code": code, "subject": patient,
            "effectiveDateTime": issued, "issued": issued}


def _value(value: str | float | int | bool, unit: str | None) -> Resource:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int | float):
        quantity: Resource = {"value": value}
        if unit:
            quantity["unit"] = unit
            if unit in _UCUM_UNITS:
                quantity.update(system=UCUM, code=_UCUM_UNITS[unit])
        return {"valueQuantity": quantity}
    return {"valueCodeableConcept": concept(value)}


def _component(name: str, value: str | float | int | bool) -> Resource:
    component: Resource = {"code": concept(name)}
    if isinstance(value, bool):
        component["valueBoolean"] = value
    elif isinstance(value, int | float):
        component["valueQuantity"] = {"value": value}
    else:
        component["valueString"] = value
    return component


def _method(assessment: Assessment) -> str | None:
    """The calculator and its version, where the assessment is a calculated score."""
    named = assessment.details.get("calculator")
    calculator = str(named) if named is not None else _CALCULATORS.get(assessment.kind)
    if calculator is None:
        return None
    version = assessment.details.get("version")
    equation = assessment.details.get("equation")
    text = f"{calculator} {version}" if version is not None else calculator
    return f"{text} ({equation} equation)" if equation is not None else text


def _explain(obs: Resource, because: list[str]) -> None:
    if because:
        obs["note"] = [{"text": line} for line in because]
