"""Genomics Reporting IG observations -> the patient file's genotypes.

A genotype (LOINC 84413-4, "genotype display name": the diplotype as text), a phenotype (53040-2,
the gene's effect on drug metabolism, in CPIC terms) or a variant assessment (69548-6: present,
absent or indeterminate, with an optional haplotype component 84414-2 for an HLA allele). The gene
is the component 48018-6 ("gene studied"), an HGNC coding whose display (or text) is the symbol.
"""

from __future__ import annotations

from typing import Any

from engine.fhir.read.draft import Draft
from engine.fhir.read.elements import codings, first_code, number, scalar_value
from engine.fhir.read.tables import LOCAL_SYSTEM

ACTIVITY_SCORE = (LOCAL_SYSTEM, "genotypes.activity_score")


def _gene(concept: Any) -> str | None:
    if not isinstance(concept, dict):
        return None
    for coding in concept.get("coding", []):
        if coding.get("system") == LOCAL_SYSTEM or not coding.get("display"):
            continue
        return str(coding["display"])
    local = [code for system, code in codings(concept) if system == LOCAL_SYSTEM]
    return local[0] if local else concept.get("text")


def _parts(draft: Draft, resource: dict[str, Any]) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    for component in resource.get("component", []):
        found = codings(component.get("code"))
        roles = [draft.tables.genomics.get(code) for code in found]
        if "gene" in roles:
            parts["gene"] = _gene(component.get("valueCodeableConcept"))
        elif "allele" in roles:
            parts["allele"] = scalar_value(component)
        elif ACTIVITY_SCORE in found:
            parts["activity_score"] = number(scalar_value(component))
    return parts


def _result(draft: Draft, concept: Any) -> str | None:
    for code in codings(concept):
        if code in draft.tables.genomic_results:
            return draft.tables.genomic_results[code]
        if code[0] == LOCAL_SYSTEM:
            return code[1]
    return None


def genotype_of(draft: Draft, resource: dict[str, Any], index: int) -> None:
    code = first_code(resource.get("code"))
    role = next(draft.tables.genomics[c] for c in codings(resource.get("code")) if c in draft.tables.genomics)
    parts = _parts(draft, resource)
    if not parts.get("gene"):
        draft.gap("Observation", code, "it names no gene (component 48018-6)")
        return
    entry: dict[str, Any] = {"gene": parts["gene"]}
    if role == "result":
        result = _result(draft, resource.get("valueCodeableConcept"))
        if result is None:
            draft.gap("Observation", code, "its result has no mapping")
            return
        entry["result"] = result
        if parts.get("allele"):
            entry["allele"] = parts["allele"]
    else:
        value = scalar_value(resource)
        if value is None:
            draft.gap("Observation", code, "it has no value")
            return
        entry[role] = value
    if parts.get("activity_score") is not None:
        entry["activity_score"] = parts["activity_score"]
    draft.append("genotypes", entry, index, ("valueCodeableConcept",))
