"""The medication review: every current or planned medicine of the patient, once, with what the pack
checked for it and the outcome (docs/contract.md, section 3, ``medication_review``).

A medicine no rule of the pack speaks to is listed as "not evaluated by this pack", never left
out: a plan that says nothing about a medicine must not read as "this medicine is fine". What a
rule checks is read from its patterns, never written by hand (``engine.compile.medicine_rules``).
A check whose input the patient file lacks is listed under ``unavailable``, so "genotype CYP2D6"
that was never tested is not read as checked.
"""

from __future__ import annotations

from engine.clinical.drug_classes import DrugClasses
from engine.compile.medicine_rules import LAB_CHECKS, MedicineRules
from engine.facts.fact import Fact
from engine.lang.vocabulary import Action
from engine.plan.model import MedicationReview, Recommendation

NOT_EVALUATED = "not evaluated by this pack"
NO_CHANGE = "no change"
# the outcome a reader must see first when several recommendations speak to one medicine
_PRECEDENCE: tuple[Action, ...] = ("avoid", "stop", "use-alternative", "not-indicated", "reduce-dose",
                                   "increase-dose", "consider", "monitor", "test", "refer", "standard-dose",
                                   "continue", "start", "lifestyle")


def _available(check: str, inputs: list[Fact]) -> bool:
    """Whether the patient file holds what a check reads (only the checks a file can lack are tested)."""
    if check.startswith("genotype "):
        gene = check.removeprefix("genotype ")
        return any(f.type == "genotype" and f.values.get("gene") == gene for f in inputs)
    lab = next((name for name, label in LAB_CHECKS.items() if label == check), None)
    if lab is not None:
        return any(f.type == "lab" and f.values.get("name") == lab for f in inputs)
    if check == "age":
        return any(f.type == "patient" and "age" in f.values for f in inputs)
    return True


def review(inputs: list[Fact], recommendations: list[Recommendation], index: MedicineRules,
           classes: DrugClasses) -> list[MedicationReview]:
    """One entry per medicine of the patient file (by name), in name order."""
    medicines: dict[str, str] = {}
    for fact in sorted(inputs, key=lambda f: f.fid):
        name = fact.values.get("name")
        if fact.type == "medication" and isinstance(name, str):
            status = str(fact.values.get("status", ""))
            medicines[name] = status if name not in medicines else min(medicines[name], status)
    entries = []
    for drug, status in sorted(medicines.items()):
        speaking = [r for r in recommendations if r.drug == drug]
        issuing = {r.because[-1].rule for r in speaking if r.because}
        rules = index.rules_for(drug, classes.class_of(drug))
        checks = sorted({c for rule_id in rules | issuing for c in index.checks.get(rule_id, set())})
        if speaking:
            strongest = min(speaking, key=lambda r: _PRECEDENCE.index(r.action))
            outcome: str = strongest.action
        else:
            outcome = NO_CHANGE if rules else NOT_EVALUATED
        entries.append(MedicationReview(
            drug=drug, status=status, checked=checks, outcome=outcome,
            unavailable=[c for c in checks if not _available(c, inputs)],
            by=sorted(issuing)))
    return entries
