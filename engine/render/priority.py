"""The order a document puts recommendations in on its first screen: what to do first.

The plan's own order (docs/contract.md) groups by category and action; a reader opening the
document needs the reverse view: the changes that keep a patient safe, then the strongest advice.
The ranking here is for documents only and never changes the plan's JSON order.

1. Medicine safety: ``avoid``, ``stop``, ``use-alternative`` and dose changes of a named medicine
   (a prescription that would harm, per the pharmacogenomic and allergy rules) come first.
2. Then by the guideline's strength (strong, moderate, weak or optional, expert opinion, not graded).
3. ``not-indicated`` (advice *not* to do something routine) last.
Within one rank the plan's order is kept, so the result is deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.plan.model import Recommendation

MEDICINE_SAFETY_ACTIONS = frozenset({"avoid", "stop", "use-alternative", "reduce-dose", "increase-dose"})
_STRENGTH_RANK = {"strong": 0, "moderate": 1, "weak": 2, "optional": 2, "expert-opinion": 3,
                  "no-recommendation": 4}
_UNGRADED = 4
_LAST = 9


def priority_rank(rec: Recommendation) -> int:
    """0 for a medicine-safety change, then 1 + strength rank; ``not-indicated`` always last."""
    if rec.action == "not-indicated":
        return _LAST
    if rec.action in MEDICINE_SAFETY_ACTIONS and rec.drug:
        return 0
    return 1 + _STRENGTH_RANK.get(rec.strength or "", _UNGRADED)


def by_priority(recommendations: Sequence[Recommendation]) -> list[Recommendation]:
    """The recommendations in priority order (stable: ties keep the plan's order)."""
    return sorted(recommendations, key=priority_rank)


def priority_label(rec: Recommendation) -> str:
    """A short label for the rank, as the first-screen table shows it."""
    rank = priority_rank(rec)
    if rank == 0:
        return "Medicine safety"
    if rank == _LAST:
        return "Not indicated"
    return {1: "Strong", 2: "Moderate", 3: "Weak", 4: "Expert opinion"}.get(rank, "Not graded")
