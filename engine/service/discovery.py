"""The services ``GET /cds-services`` lists (CDS Hooks 2.0, "Discovery") and the prefetch each asks for.

One prefetch set serves all three hooks: the facts a plan reads (demographics, conditions, medicines,
allergies, measurements and genotype results). ``Observation?patient=`` is not narrowed by code because
the pack decides which codes it maps (knowledge/observations.csv), and genotype results are Observations too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PATIENT_ID = "{{context.patientId}}"

PREFETCH: dict[str, str] = {
    "patient": f"Patient/{PATIENT_ID}",
    "conditions": f"Condition?patient={PATIENT_ID}",
    "medications": f"MedicationRequest?patient={PATIENT_ID}",
    "allergies": f"AllergyIntolerance?patient={PATIENT_ID}",
    "observations": f"Observation?patient={PATIENT_ID}",
}


@dataclass(frozen=True)
class Service:
    id: str
    hook: str
    title: str
    description: str

    def discovery(self) -> dict[str, Any]:
        return {"hook": self.hook, "title": self.title, "description": self.description, "id": self.id,
                "prefetch": dict(PREFETCH)}


SERVICES: tuple[Service, ...] = (
    Service("careplan-patient-view", "patient-view", "Care plan summary",
            "One card summarising the patient's care plan (urgent safety warnings first, then the top "
            "recommendations) with a link to the full plan."),
    Service("careplan-order-select", "order-select", "Medication safety while ordering",
            "Checks each draft medication order against the care plan computed as if it were added "
            "(genotype, interactions, kidney function, age, pregnancy, allergies) and suggests the "
            "alternative the plan names."),
    Service("careplan-order-sign", "order-sign", "Medication safety before signing",
            "The order-select checks, once more on the orders about to be signed."),
)

BY_ID: dict[str, Service] = {service.id: service for service in SERVICES}


def discovery_document() -> dict[str, Any]:
    return {"services": [service.discovery() for service in SERVICES]}
