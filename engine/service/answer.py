"""One hook call answered: the request checked, its FHIR data gathered, the plan made, the cards built.

One compiled pack serves the process. durable-rules keeps its rulesets in process-wide state, so
plans are made one at a time under a lock; a plan takes tens of milliseconds, and the HTTP layer
stays concurrent around it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from engine.fhir.read import patient_from_resources
from engine.generator import Generator
from engine.patient.model import Patient
from engine.plan.model import Plan
from engine.run.runtime import EngineError
from engine.service.cards import patient_view_card, sort_cards
from engine.service.discovery import BY_ID
from engine.service.errors import ServiceError, from_diagnostics, invalid
from engine.service.hook_requests import HookRequest, OrderContext, OrderSelectContext, PatientViewContext
from engine.service.orders import DraftOrder, draft_orders, order_cards
from engine.service.plan_store import PlanStore
from engine.service.prefetch import Found, gather
from engine.source.diagnostics import DiagnosticError, Location


class HookAnswerer:
    def __init__(self, generator: Generator, store: PlanStore | None = None) -> None:
        self.generator = generator
        self.store = store or PlanStore()
        self._lock = threading.Lock()
        meta = generator.pack.meta
        self.source_label = f"careplan ({meta.name} {meta.version})"

    def warm_up(self) -> None:
        """One plan and one document before the first call, so that call does not pay for first-use work
        (the FHIR models' validators, the templates): a made-up patient with one draft order."""
        resources: list[dict[str, Any]] = [
            {"resourceType": "Patient", "id": "warm-up", "gender": "unknown"},
            {"resourceType": "MedicationRequest", "id": "warm-up-1", "status": "draft", "intent": "order",
             "subject": {"reference": "Patient/warm-up"}, "medicationCodeableConcept": {"text": "warm-up"}}]
        patient = patient_from_resources(resources, self.generator.patient_model, source="warm-up")
        with self._lock:
            plan = self.generator.run(patient).plan
        self.generator.render(plan, "html")

    def answer(self, service_id: str, body: dict[str, Any], base_url: str) -> dict[str, Any]:
        service = BY_ID.get(service_id)
        if service is None:
            raise ServiceError(404, "unknown-service", "no CDS service has this id; GET /cds-services lists them")
        try:
            request = HookRequest.model_validate(body)
        except ValidationError as exc:
            raise invalid("request", exc) from None
        if request.hook != service.hook:
            raise ServiceError(400, "wrong-hook", f"this service answers the '{service.hook}' hook")
        if service.hook == "patient-view":
            return self._patient_view(request, base_url)
        return self._orders(request, service.hook)

    def _patient_view(self, request: HookRequest, base_url: str) -> dict[str, Any]:
        context = _context(PatientViewContext, request)
        plan = self._plan(request, context.patientId, [])
        token = self.store.keep(str(request.hookInstance), plan)
        card = patient_view_card(plan, str(request.hookInstance), f"{base_url.rstrip('/')}/plans/{token}",
                                 self.source_label)
        return {"cards": [card]}

    def _orders(self, request: HookRequest, hook: str) -> dict[str, Any]:
        context = _context(OrderSelectContext if hook == "order-select" else OrderContext, request)
        drafts, checked = draft_orders(context, hook)
        if not checked:
            return {"cards": []}
        plan = self._plan(request, context.patientId, drafts)
        return {"cards": sort_cards(order_cards(plan, checked, str(request.hookInstance), self.source_label))}

    def _plan(self, request: HookRequest, patient_id: str, drafts: list[DraftOrder]) -> Plan:
        found = gather(request, patient_id).found
        _check_subject([resource for _, resource in found], patient_id)
        patient = self._patient(found, patient_id, drafts)
        with self._lock:
            try:
                return self.generator.run(patient).plan
            except EngineError:
                raise ServiceError(500, "engine-failed", "the engine failed and no plan was produced") from None

    def _patient(self, found: list[Found], patient_id: str, drafts: list[DraftOrder]) -> Patient:
        """The draft orders join the patient's MedicationRequests as drafts (a prefetched copy of the same
        order is replaced), so the FHIR reader reads them as planned medicines. A ``patient`` prefetched
        as null (the client has no Patient resource) leaves a patient with only the context's id."""
        ordered = {d.reference for d in drafts}
        kept = [(w, r) for w, r in found if f"{r.get('resourceType')}/{r.get('id')}" not in ordered]
        if not any(r.get("resourceType") == "Patient" for _, r in kept):
            kept.insert(0, ("context.patientId", {"resourceType": "Patient", "id": patient_id}))
        kept += [(d.where, {**d.resource, "status": "draft"}) for d in drafts]
        places = [where for where, _ in kept]

        def locate(index: int, path: Sequence[str | int]) -> Location:
            inside = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
            return Location(places[index] + inside if 0 <= index < len(places) else "prefetch")

        try:
            return patient_from_resources([r for _, r in kept], self.generator.patient_model, source="prefetch",
                                          locate=locate)
        except DiagnosticError as exc:
            raise from_diagnostics("the patient's FHIR data does not fit the pack's patient fields",
                                   exc.diagnostics) from None


def _context(model: type[PatientViewContext] | type[OrderContext], request: HookRequest) -> Any:
    try:
        return model.model_validate(request.context)
    except ValidationError as exc:
        raise invalid("hook context", exc, ("context",)) from None


def _check_subject(resources: list[dict[str, Any]], patient_id: str) -> None:
    """Data about another patient than the one in context is refused, never mixed into the plan."""
    for resource in resources:
        if resource.get("resourceType") == "Patient" and resource.get("id") not in (None, patient_id):
            raise ServiceError(400, "wrong-patient", "the Patient resource is not the patient of context.patientId")
