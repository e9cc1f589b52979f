"""A plan out as FHIR R4, following the CPG-on-FHIR implementation guide (docs/fhir-output.md).

``bundle_json(plan)`` is the text ``careplan generate --format fhir`` writes; ``plan_bundle(plan)``
the same Bundle as a dict. Modules: identity (deterministic ids, the project's code systems),
extensions (profile and extension URLs), requests (one request resource per recommendation),
observations (assessments, genomics, data gaps), goals, issues (warnings and suppressed items as
DetectedIssues), careplan (CarePlan and RequestGroup), bundle (assembly and the model check).
"""

from __future__ import annotations

from engine.fhir.write.bundle import bundle_json, plan_bundle

__all__ = ["bundle_json", "plan_bundle"]
