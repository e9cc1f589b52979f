"""A plan out as FHIR R4, following the CPG-on-FHIR implementation guide."""

from __future__ import annotations
