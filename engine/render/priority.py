"""The order a document puts recommendations in on its first screen: what to do first.

The plan's own order (docs/contract.md) groups by category and action; a reader opening the
document needs the most pressing things first. The ranking here is for documents only and never
changes the plan's JSON order.

0. Urgent: made by a rule that also raised an urgent warning (a hypertensive crisis to assess
   today, a positive PHQ-9 item 9 to assess the same day), whatever the guideline's grade.
1. Medicine safety: ``avoid``, ``stop``, ``use-alternative`` and dose changes of a named medicine
   (a prescription that would harm, per the pharmacogenomic and allergy rules).
2. Then by the guideline's strength: strong, moderate, weak or optional, expert opinion, not graded.
3. ``not-indicated`` (advice *not* to do something routine) last.
Within one rank the plan's order is kept, so the result is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.plan.model import Plan, Recommendation

MEDICINE_SAFETY_ACTIONS = frozenset({"avoid", "stop", "use-alternative", "reduce-dose", "increase-dose"})
_STRENGTH_RANK = {"strong": 0, "moderate": 1, "weak": 2, "optional": 2, "expert-opinion": 3,
                  "no-recommendation": 4}
_UNGRADED = 4
_URGENT, _SAFETY, _GRADED, _LAST = 0, 1, 2, 9
_LABELS = {_URGENT: "Urgent", _SAFETY: "Medicine safety", _GRADED: "Strong", _GRADED + 1: "Moderate",
           _GRADED + 2: "Weak", _GRADED + 3: "Expert opinion", _LAST: "Not indicated"}


def urgent_rules(plan: Plan) -> frozenset[str]:
    return frozenset(w.rule for w in plan.warnings if w.severity == "urgent")


def priority_rank(rec: Recommendation, urgent: frozenset[str] = frozenset()) -> int:
    """The rank of the module's list (lower is sooner)."""
    if rec.because and rec.because[-1].rule in urgent:  # the last step is the rule that made it
        return _URGENT
    if rec.action == "not-indicated":
        return _LAST
    if rec.action in MEDICINE_SAFETY_ACTIONS and rec.drug:
        return _SAFETY
    return _GRADED + _STRENGTH_RANK.get(rec.strength or "", _UNGRADED)


def by_priority(plan: Plan) -> list[Recommendation]:
    """The plan's recommendations in priority order (stable: ties keep the plan's order)."""
    urgent = urgent_rules(plan)
    return sorted(plan.recommendations, key=lambda rec: priority_rank(rec, urgent))


def priority_labels(plan: Plan, recommendations: Sequence[Recommendation] | None = None) -> dict[str, str]:
    """Recommendation id -> the rank's short label, as the first-screen table shows it."""
    urgent = urgent_rules(plan)
    return {rec.id: _LABELS.get(priority_rank(rec, urgent), "Not graded")
            for rec in (plan.recommendations if recommendations is None else recommendations)}
