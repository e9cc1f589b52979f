"""FHIR R4 resources in: a Bundle -> the fields of a careplan patient file, plus what could not be mapped."""

from __future__ import annotations
