"""The patient's preferences applied to a plan: declined treatments become shared decisions.

A guideline recommendation the patient declines is not dropped (the clinician must still
know what the guideline says) nor pressed on them: it becomes a documented shared
decision carrying the options its rule lists under ``if_declined``. A medicine the
patient declines is not offered as an alternative either. A stated preference for
non-drug treatment marks medicine starts for discussion and puts lifestyle advice first;
whether lifestyle alone is acceptable stays the rules' decision (ACC/AHA 2017 allows it
for elevated BP and low-risk stage 1, not for stage 2).
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.plan.model import PatientPreferences, Recommendation, SharedDecision, Suppressed
from engine.run.trace import Evaluation

PREFERENCE_RULE = "patient.preferences"
_PROPOSING = {"start", "continue", "consider", "increase-dose", "reduce-dose", "standard-dose", "refer", "test",
              "monitor", "lifestyle"}
_MEDICINE_STARTS = {"start", "increase-dose"}  # not PGx "consider" rows about a medicine already chosen
_NON_DRUG_FIRST = ("lifestyle", "stress")


@dataclass(frozen=True)
class Offer:
    """What a recommendation's rule says it proposes, and what to discuss if the patient says no."""

    treatments: tuple[str, ...] = ()
    if_declined: tuple[str, ...] = ()


def preferences_of(evaluation: Evaluation) -> PatientPreferences:
    """The preferences the patient stated, read from the evaluation's input facts."""
    facts = evaluation.facts.values()
    declines = sorted({str(f.values["item"]) for f in facts if f.type == "declined" and "item" in f.values})
    prefers = any(f.type == "preference" and f.values.get("prefers_non_pharmacologic") is True for f in facts)
    goals = sorted({str(f.values["text"]) for f in facts if f.type == "patient_goal" and "text" in f.values})
    return PatientPreferences(goals=goals, declines=declines, prefers_non_pharmacologic=prefers)


def _shared_decision(prefs: PatientPreferences, rec: Recommendation, offer: Offer) -> str | None:
    """Mark ``rec`` as a shared decision when the patient declines it or prefers no medicine; the declined item."""
    offered = {item for item in (*offer.treatments, rec.drug, rec.drug_class) if item}
    declined = next((item for item in prefs.declines if item in offered), None)
    if declined is not None and rec.action in _PROPOSING:
        rec.shared_decision = SharedDecision(
            declined=declined, options=list(offer.if_declined),
            text=f"The patient declines {declined}. Discuss what the guideline expects from it, "
                 "offer the options listed and record the patient's decision.")
    elif prefs.prefers_non_pharmacologic and rec.category == "medication" and rec.action in _MEDICINE_STARTS:
        rec.shared_decision = SharedDecision(
            preference="prefers non-pharmacologic treatment", options=list(offer.if_declined),
            text="The patient prefers treatment without medicines. The guideline recommends this medicine "
                 "for this patient's risk; discuss it alongside the lifestyle plan and record the decision.")
    return declined


def apply_preferences(prefs: PatientPreferences, recs: list[Recommendation], offers: dict[str, Offer],
                      drug_classes: dict[str, str]) -> list[Suppressed]:
    """Mark shared decisions in place; return the alternatives removed because the patient declines them."""
    removed: list[Suppressed] = []
    for rec in recs:
        declined = _shared_decision(prefs, rec, offers.get(rec.id, Offer()))
        for alternative in list(rec.alternatives):
            reason = next((item for item in prefs.declines
                           if item in (alternative, drug_classes.get(alternative))), None)
            # a declined class the whole recommendation is about stays visible as its shared decision
            if reason is not None and reason != declined:
                rec.alternatives.remove(alternative)
                removed.append(Suppressed(id=f"{rec.id}/alternative:{alternative}", by=PREFERENCE_RULE,
                                          reason=f"the patient declines {reason}"))
    return removed


def order_key(prefs: PatientPreferences, rec: Recommendation) -> int:
    """Lifestyle and stress advice first when the patient prefers non-drug treatment."""
    if prefs.prefers_non_pharmacologic and rec.category in _NON_DRUG_FIRST:
        return 0
    return 1
