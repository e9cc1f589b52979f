"""Reading a patient record in whichever format it arrives: a careplan patient file (YAML or JSON),
a FHIR R4 Bundle (or FHIR NDJSON of resources), or a PharmCAT report. It detects the format and hands
back the same validated ``Patient`` whichever format it came in, with whatever could not be mapped
recorded for the plan's data gaps.

May import: engine.fhir, engine.pharmcat and every stage below them. Imported by engine.cli,
engine.batch and engine.service.
"""

from __future__ import annotations
