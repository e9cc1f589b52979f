"""order-select and order-sign: each draft MedicationRequest checked against the plan made as if it were
prescribed, and a card where the plan says not to give it, to change its dose, or warns about it.

The draft's drug is added to the patient as a *planned* medicine, so every rule that reads the
patient's medicines sees it: genotype (CPIC), interactions, kidney and age limits, allergies and
pregnancy. A recommendation on that drug whose action is avoid, use-alternative or stop becomes a
card with one suggestion per alternative the plan names; a dose change becomes a card without one;
a safety warning that names the drug becomes a card too.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from engine.fhir.read.elements import look_up
from engine.fhir.read.tables import fhir_tables
from engine.plan.model import Plan, Recommendation, SafetyWarning
from engine.service.cards import (
    CONTRAINDICATING,
    card_uuid,
    recommendation_detail,
    recommendation_indicator,
    recommendation_summary,
    shorten,
    source_of,
    warning_indicator,
)
from engine.service.errors import Problem, ServiceError
from engine.service.hook_requests import OrderContext

DOSE_CHANGES = ("reduce-dose", "increase-dose")
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
# what the clinician may pick when overriding a card (spec: "Reasons for rejecting a card")
OVERRIDE_SYSTEM = "urn:careplan:override-reason"
OVERRIDE_REASONS = (
    ("already-tolerating", "Patient is already taking this medicine without problems"),
    ("benefit-outweighs-risk", "Benefit outweighs the risk for this patient"),
    ("result-disputed", "The result or fact behind the card is not accepted"),
)


@dataclass(frozen=True)
class DraftOrder:
    reference: str  # "MedicationRequest/{id}"
    resource: dict[str, Any]
    drug: str | None
    where: str  # its place in the request, for errors


def drug_name(medication_request: dict[str, Any]) -> str | None:
    """The pack's name for the order's drug, by the FHIR reader's table (knowledge/fhir/medications.csv),
    so the order is the medicine the plan was made with; None when the table does not know its code."""
    return look_up(medication_request.get("medicationCodeableConcept"), fhir_tables().medications)


def _concept_of(drug: str) -> dict[str, Any]:
    """The drug as a CodeableConcept: its RxNorm code from the same table where it has one."""
    concept: dict[str, Any] = {"text": drug}
    codes = sorted(code for (system, code), name in fhir_tables().medications.items()
                   if name == drug and system == RXNORM)
    if codes:
        concept["coding"] = [{"system": RXNORM, "code": codes[0], "display": drug}]
    return concept


def draft_orders(context: OrderContext, hook: str) -> tuple[list[DraftOrder], list[DraftOrder]]:
    """All draft MedicationRequests, and those to check: order-select checks its ``selections``,
    order-sign every draft (spec: the hooks' context tables)."""
    drafts = []
    for index, entry in enumerate(context.draftOrders.entry):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise ServiceError(400, "invalid-request", "a draftOrders entry holds no FHIR resource",
                               [Problem(f"context.draftOrders.entry[{index}].resource", "a FHIR resource is expected")])
        if resource["resourceType"] != "MedicationRequest":
            continue  # other orders (ServiceRequest, ...) are not this service's concern
        reference = f"MedicationRequest/{resource.get('id', index)}"
        drafts.append(DraftOrder(reference, resource, drug_name(resource),
                                 f"context.draftOrders.entry[{index}].resource"))
    if hook == "order-select" and context.selections is not None:
        chosen = set(context.selections)
        return drafts, [d for d in drafts if d.reference in chosen]
    return drafts, drafts


def _replacement(order: DraftOrder, alternative: str) -> dict[str, Any]:
    """The draft in its entirety with the other drug (spec: an update holds the whole resource). The
    dosage and dispense amounts are dropped: they were written for the first drug, not this one."""
    resource = copy.deepcopy(order.resource)
    resource["medicationCodeableConcept"] = _concept_of(alternative)
    resource.pop("medicationReference", None)
    resource.pop("dosageInstruction", None)
    resource.pop("dispenseRequest", None)
    return resource


def _suggestions(order: DraftOrder, recommendation: Recommendation, hook_instance: str) -> list[dict[str, Any]]:
    return [{
        "label": f"Replace {order.drug} with {alternative}",
        "uuid": card_uuid(hook_instance, f"{order.reference}:{recommendation.id}:{alternative}"),
        "actions": [{"type": "update",
                     "description": f"Change the draft order from {order.drug} to {alternative}; "
                                    f"set its dose for {alternative}",
                     "resource": _replacement(order, alternative)}],
    } for alternative in recommendation.alternatives]


def _recommendation_card(order: DraftOrder, recommendation: Recommendation, hook_instance: str) -> dict[str, Any]:
    card: dict[str, Any] = {
        "uuid": card_uuid(hook_instance, f"{order.reference}:{recommendation.id}"),
        "summary": recommendation_summary(recommendation),
        "detail": recommendation_detail(recommendation),
        "indicator": recommendation_indicator(recommendation),
        "source": source_of(recommendation.evidence),
        "overrideReasons": [{"system": OVERRIDE_SYSTEM, "code": code, "display": display}
                            for code, display in OVERRIDE_REASONS],
    }
    suggestions = _suggestions(order, recommendation, hook_instance) \
        if recommendation.action in CONTRAINDICATING else []
    if suggestions:
        card["suggestions"] = suggestions
        card["selectionBehavior"] = "at-most-one"
    return card


def _names(text: str, drug: str) -> bool:
    return re.search(rf"\b{re.escape(drug)}\b", text, re.IGNORECASE) is not None


def _warning_card(order: DraftOrder, warning: SafetyWarning, hook_instance: str, source_label: str) -> dict[str, Any]:
    return {"uuid": card_uuid(hook_instance, f"{order.reference}:warning:{warning.rule}"),
            "summary": shorten(warning.text), "detail": f"{warning.text}\n\n- Rule: `{warning.rule}`",
            "indicator": warning_indicator(warning), "source": {"label": source_label}}


def order_cards(plan: Plan, orders: list[DraftOrder], hook_instance: str, source_label: str) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    for order in orders:
        if order.drug is None:
            continue
        for recommendation in plan.recommendations:
            if recommendation.drug == order.drug and recommendation.action in CONTRAINDICATING + DOSE_CHANGES:
                cards.append(_recommendation_card(order, recommendation, hook_instance))
        cards += [_warning_card(order, w, hook_instance, source_label)
                  for w in plan.warnings if _names(w.text, order.drug)]
    return cards
