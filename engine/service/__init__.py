"""``careplan serve``: a CDS Hooks 2.0 service (FastAPI on uvicorn) answering patient-view,
order-select and order-sign with cards built from the plan.

May import: engine.intake, engine.generator and every stage below them. Only engine.cli imports it.
"""

from __future__ import annotations
