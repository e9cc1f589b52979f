"""FHIR R4 resources in: a Bundle -> the fields of a careplan patient file, plus what could not be mapped.

``patient_from_resources`` is the entry point (engine.intake for files, engine.service for a CDS Hooks
prefetch): each resource is checked against its fhir.resources R4B model, mapped through the tables
of knowledge/fhir/ to the mapping a YAML patient file gives, and that mapping is validated with the
pack's patient model, so every rule downstream sees the same facts whichever format came in.
"""

from __future__ import annotations

from engine.fhir.read.bundle import patient_from_resources, resources_of_bundle

__all__ = ["patient_from_resources", "resources_of_bundle"]
