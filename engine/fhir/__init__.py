"""FHIR R4 at the edges (fhir.resources, its R4B models: the 4.x resources this project reads and writes).

``engine.fhir.read``: a Bundle of Patient, Observation, Condition, MedicationRequest/Statement,
AllergyIntolerance and FamilyMemberHistory resources -> the patient file's fields, codes mapped
through tables in knowledge/. ``engine.fhir.write``: a plan -> a CPG-on-FHIR Bundle (CarePlan,
RequestGroup, Goals, Observations).

May import: engine.render, engine.plan, engine.patient, engine.pack and the stages below them.
Imported by engine.intake, engine.generator, engine.service.
"""

from __future__ import annotations
