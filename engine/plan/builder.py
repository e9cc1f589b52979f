"""Build the care plan from an evaluation: de-duplicate, resolve conflicts, order, explain.

Conflicts are explicit and recorded: a recommendation to avoid, stop or not use a drug
suppresses any recommendation to start, continue or dose that same drug; a ``suppress``
action names what it removes; an alternative that is itself avoided for this patient is
not offered. Every removal is listed in ``suppressed`` with what removed it and why.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from engine.clinical.drug_classes import DrugClasses
from engine.compile.compiler import CompiledPack
from engine.facts.schema import FactSchema
from engine.lang.model import ACTIONS, CATEGORIES
from engine.plan.model import (
    Assessment,
    Because,
    DataGap,
    EvidenceRef,
    FollowUp,
    Goal,
    PackInfo,
    Plan,
    Recommendation,
    Suppressed,
    Warning,
)
from engine.plan.preferences import Offer, Preferences
from engine.run.trace import Evaluation, Firing

_NEGATIVE = {"avoid", "stop", "not-indicated", "use-alternative"}
_POSITIVE = {"start", "continue", "standard-dose", "consider", "increase-dose", "reduce-dose"}


class PlanBuilder:
    def __init__(self, compiled: CompiledPack, schema: FactSchema, data_versions: dict[str, str] | None = None,
                 drug_classes: DrugClasses | None = None) -> None:
        self.compiled = compiled
        self.schema = schema
        self.data_versions = dict(data_versions or {})
        self.drug_classes = drug_classes or DrugClasses()

    def describe(self, fid: str, evaluation: Evaluation) -> str:
        fact = evaluation.facts[fid]
        fact_type = self.schema.get(fact.type)
        return fact_type.describe(fact.values) if fact_type else fact.type

    def because(self, firing: Firing, evaluation: Evaluation) -> list[Because]:
        steps = []
        for step in evaluation.chain(firing.seq):
            steps.append(Because(
                rule=step.rule_id, version=step.rule_version, source=step.source,
                facts=[self.describe(fid, evaluation) for fid in step.matched],
                produced=[self.describe(fid, evaluation) for fid in step.produced],
            ))
        return steps

    def build(self, patient_id: str, generated_at: str, evaluation: Evaluation) -> Plan:
        plan = Plan(patient_id=patient_id, generated_at=generated_at,
                    pack=PackInfo(name=self.compiled.name, version=self.compiled.version,
                                  digest=self.compiled.digest, data_versions=self.data_versions))
        outputs: dict[str, list[tuple[Firing, dict[str, Any]]]] = defaultdict(list)
        for firing in sorted(evaluation.firings, key=lambda f: (f.rule_id, f.matched)):
            for output in firing.outputs:
                outputs[output.kind].append((firing, output.data))
        offers: dict[str, Offer] = {}
        recommendations = self._recommendations(outputs["recommend"], evaluation, offers)
        suppressed = self._suppress(recommendations, outputs["suppress"])
        removed = {s.id for s in suppressed}
        kept = [r for r in recommendations.values() if r.id not in removed]
        preferences = Preferences.of(evaluation)
        suppressed += preferences.apply(kept, offers, self.drug_classes.by_drug)
        plan.recommendations = sorted(kept, key=lambda r: (
            preferences.order_key(r), CATEGORIES.index(r.category), ACTIONS.index(r.action), r.drug or "", r.id))
        plan.suppressed = sorted(suppressed, key=lambda s: (s.id, s.by))
        plan.preferences = preferences.stated()
        plan.assessments = self._assessments(outputs["assess"], evaluation)
        plan.goals = sorted({g["text"]: Goal(text=g["text"], target=g.get("target"), due=g.get("due"),
                                             patient_text=g.get("patient_text"), rule=f.rule_id)
                             for f, g in outputs["goal"]}.values(), key=lambda g: (g.rule, g.text))
        plan.follow_up = sorted({d["text"]: FollowUp(text=d["text"], interval_days=d["interval_days"],
                                                     patient_text=d.get("patient_text"), rule=f.rule_id)
                                 for f, d in outputs["follow_up"]}.values(),
                                key=lambda x: (x.interval_days, x.text))
        plan.data_gaps = sorted({d["text"]: DataGap(text=d["text"], suggested_test=d.get("suggested_test"),
                                                    rule=f.rule_id)
                                 for f, d in outputs["data_gap"]}.values(), key=lambda x: x.text)
        plan.warnings = sorted({d["text"]: Warning(text=d["text"], severity=d["severity"],
                                                   patient_text=d.get("patient_text"), rule=f.rule_id)
                                for f, d in outputs["warn"]}.values(),
                               key=lambda w: (w.severity != "urgent", w.text))
        return plan

    def _recommendations(self, items: list[tuple[Firing, dict[str, Any]]], evaluation: Evaluation,
                         offers: dict[str, Offer]) -> dict[str, Recommendation]:
        found: dict[str, Recommendation] = {}
        for firing, data in items:
            chain = self.because(firing, evaluation)
            existing = found.get(data["id"])
            if existing is not None:
                known = {(b.rule, tuple(b.facts)) for b in existing.because}
                existing.because.extend(b for b in chain if (b.rule, tuple(b.facts)) not in known)
                continue
            found[data["id"]] = Recommendation(
                id=data["id"], title=data["title"], category=data["category"], action=data["action"],
                drug=data.get("drug"), drug_class=data.get("drug_class"),
                alternatives=sorted(set(data.get("alternatives") or [])),
                dose_change_percent=data.get("dose_change_percent"), text=data["text"],
                patient_text=data.get("patient_text"), strength=data.get("strength"),
                evidence=EvidenceRef(**data["evidence"]), because=chain)
            offers[data["id"]] = Offer(tuple(data.get("treatments") or ()), tuple(data.get("if_declined") or ()))
        return found

    def _suppress(self, recs: dict[str, Recommendation],
                  explicit: list[tuple[Firing, dict[str, Any]]]) -> list[Suppressed]:
        out: dict[tuple[str, str], Suppressed] = {}
        for firing, data in explicit:
            for rec in recs.values():
                if rec.id != firing.rule_id and self._targets(data, rec):
                    out[(rec.id, firing.rule_id)] = Suppressed(id=rec.id, by=firing.rule_id, reason=data["reason"])
                if data.get("drug") is None and data.get("drug_class") is None:
                    continue
                removed = [a for a in rec.alternatives if self._names_drug(data, a)]
                for alt in removed:
                    rec.alternatives.remove(alt)
                    out[(f"{rec.id}/alternative:{alt}", firing.rule_id)] = Suppressed(
                        id=f"{rec.id}/alternative:{alt}", by=firing.rule_id, reason=data["reason"])
                if removed and not rec.alternatives and rec.drug is None and rec.drug_class is None:
                    # every medicine it offered is ruled out: nothing is left to recommend
                    out[(rec.id, firing.rule_id)] = Suppressed(id=rec.id, by=firing.rule_id, reason=data["reason"])
        negative = {r.drug: r for r in sorted(recs.values(), key=lambda r: r.id)
                    if r.drug and r.action in _NEGATIVE}
        for rec in recs.values():
            blocker = negative.get(rec.drug or "")
            if blocker is not None and rec.action in _POSITIVE and rec.id != blocker.id:
                out[(rec.id, blocker.id)] = Suppressed(
                    id=rec.id, by=blocker.id,
                    reason=f"{blocker.action} {rec.drug} takes precedence over {rec.action}")
        for rec in recs.values():
            flagged = [alt for alt in rec.alternatives if alt in negative]
            for alt in flagged:
                rec.alternatives.remove(alt)
                out[(f"{rec.id}/alternative:{alt}", negative[alt].id)] = Suppressed(
                    id=f"{rec.id}/alternative:{alt}", by=negative[alt].id,
                    reason=f"{alt} is itself flagged ({negative[alt].action}) for this patient")
        return list(out.values())

    def _names_drug(self, data: dict[str, Any], drug: str) -> bool:
        return (data.get("drug") is not None and data["drug"] == drug) or (
            data.get("drug_class") is not None and self.drug_classes.class_of(drug) == data["drug_class"])

    def _targets(self, data: dict[str, Any], rec: Recommendation) -> bool:
        """Whether a suppress action names this recommendation (by id, drug, drug class or category)."""
        if data.get("recommendation") == rec.id:
            return True
        if data.get("drug") is not None and data["drug"] == rec.drug:
            return not data.get("actions") or rec.action in data["actions"]
        if data.get("drug_class") is not None:
            in_class = rec.drug_class == data["drug_class"] or (
                rec.drug is not None and self.drug_classes.class_of(rec.drug) == data["drug_class"])
            return in_class and (not data.get("actions") or rec.action in data["actions"])
        return data.get("category") is not None and data["category"] == rec.category and data.get("drug") is None

    def _assessments(self, items: list[tuple[Firing, dict[str, Any]]], evaluation: Evaluation) -> list[Assessment]:
        found: dict[tuple[str, str, str], Assessment] = {}
        for firing, data in items:
            key = (data["kind"], str(data.get("gene") or ""), str(data["value"]))
            if key in found:
                continue
            reasons = []
            for step in self.because(firing, evaluation):
                facts = "; ".join(step.facts)
                reasons.append(f"{step.rule} ({step.source}): {facts}" if facts else f"{step.rule} ({step.source})")
            found[key] = Assessment(kind=data["kind"], value=data["value"], unit=data.get("unit"),
                                    gene=data.get("gene"), details=data.get("details") or {}, because=reasons)
        return [found[k] for k in sorted(found)]
