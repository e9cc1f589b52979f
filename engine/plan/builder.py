"""Build the care plan from an evaluation: de-duplicate, resolve conflicts, order, explain.

Conflicts are explicit and recorded: a recommendation to avoid, stop or not use a drug
suppresses any recommendation to start, continue or dose that same drug; a ``suppress``
action names what it removes; an alternative that is itself avoided for this patient is
not offered. Every removal is listed in ``suppressed`` with what removed it and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.clinical.drug_classes import DrugClasses
from engine.compile.compiler import CompiledPack
from engine.facts.schema import FactSchema
from engine.lang.vocabulary import ACTIONS, CATEGORIES
from engine.pack.citations import Citations
from engine.pack.source_attributes import INPUT_CATEGORIES, AttributeInputs, InputCategory, SourceAttributes
from engine.plan.evidence import evidence_ref
from engine.plan.medication_review import review
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
    SafetyWarning,
    Suppressed,
)
from engine.plan.preferences import PREFERENCE_RULE, Offer, apply_preferences, order_key, preferences_of
from engine.run.fact_memo import FactMemo
from engine.run.outputs import (
    AssessOutput,
    DataGapOutput,
    EvidenceOutput,
    FollowUpOutput,
    GoalOutput,
    RecommendOutput,
    SuppressOutput,
    WarnOutput,
)
from engine.run.trace import Evaluation, Firing

_DESCRIBED_LIMIT = 4096  # fact descriptions kept: a plan has some tens of facts; more would only grow memory
_NEGATIVE = {"avoid", "stop", "not-indicated", "use-alternative"}
_POSITIVE = {"start", "continue", "standard-dose", "consider", "increase-dose", "reduce-dose"}


class PlanBuilder:
    def __init__(self, compiled: CompiledPack, schema: FactSchema, data_versions: dict[str, str] | None = None,
                 drug_classes: DrugClasses | None = None, citations: Citations | None = None,
                 attributes: tuple[SourceAttributes | None, AttributeInputs] | None = None) -> None:
        self.compiled = compiled
        self.citations = citations or Citations()
        self.source_attributes, self._attribute_inputs = attributes or (None, AttributeInputs())
        # per rule, the source-attribute categories its own patterns read (a chain's union is the item's);
        # worked out when a rule first fires: most of a pack's thousands of rules never fire in one run
        self._rule_inputs: dict[str, tuple[InputCategory, ...]] = {}
        self._described: FactMemo[str] = FactMemo(_DESCRIBED_LIMIT)
        self._evidence: dict[EvidenceOutput, EvidenceRef] = {}
        self.schema = schema
        self.data_versions = dict(data_versions or {})
        self.drug_classes = drug_classes or DrugClasses()
        self.review_index = compiled.medicine_rules

    def rule_inputs(self, rule_id: str) -> tuple[InputCategory, ...]:
        """The source-attribute categories rule ``rule_id``'s own patterns read (none for an unknown rule)."""
        found = self._rule_inputs.get(rule_id)
        if found is None:
            rule = self.compiled.rules.get(rule_id)
            found = self._attribute_inputs.categories_of(rule.reads) if rule is not None else ()
            self._rule_inputs[rule_id] = found
        return found

    def describe(self, fid: str, evaluation: Evaluation) -> str:
        # one content always reads the same, and chains repeat their facts: each is described once,
        # kept by its whole content (a 48-bit id could collide across a cohort) in a bounded memo
        fact = evaluation.facts[fid]
        found = self._described.get(fact)
        if found is None:
            fact_type = self.schema.get(fact.type)
            found = self._described.put(fact, fact_type.describe(fact.values) if fact_type else fact.type)
        return found

    def evidence(self, out: EvidenceOutput) -> EvidenceRef:
        """A recommendation's evidence, built once per rule's citation: it reads only the pack's records,
        and the plan model is frozen, so plans share it (a pack has one per rule or table row at most)."""
        found = self._evidence.get(out)
        if found is None:
            found = self._evidence[out] = evidence_ref(out, self.citations)
        return found

    def because(self, firing: Firing, evaluation: Evaluation, known: dict[int, Because] | None = None) -> list[Because]:
        """The chain behind ``firing``, a step per firing. ``known``: the steps already built for this
        evaluation, by firing (chains share their upstream firings: a genotype's phenotype is behind
        every recommendation for that gene), used again and added to; a step is frozen, so shared."""
        known = {} if known is None else known
        steps = []
        for step in evaluation.chain(firing.seq):
            found = known.get(step.seq)
            if found is None:
                # built without pydantic's validation (a third of building a plan): every field is the
                # str or list of str the model declares, straight from the evaluation
                found = known[step.seq] = Because.model_construct(
                    rule=step.rule_id, version=step.rule_version, source=step.source,
                    facts=[self.describe(fid, evaluation) for fid in step.matched],
                    produced=[self.describe(fid, evaluation) for fid in step.produced])
            steps.append(found)
        return steps

    def build(self, patient_id: str, generated_at: str, evaluation: Evaluation) -> Plan:
        plan = Plan(patient_id=patient_id, generated_at=generated_at,
                    pack=PackInfo(name=self.compiled.name, version=self.compiled.version,
                                  digest=self.compiled.digest, data_versions=self.data_versions,
                                  source_attributes=self.source_attributes))
        outputs = _Outputs.of(evaluation)
        offers: dict[str, Offer] = {}
        steps: dict[int, Because] = {}  # each firing's step of a chain, built once per plan
        recommendations = self._recommendations(outputs.recommend, evaluation, offers, steps)
        suppressed = self._suppress(recommendations, outputs.suppress)
        removed = {s.id for s in suppressed}
        kept = [r for r in recommendations.values() if r.id not in removed]
        preferences = preferences_of(evaluation)
        suppressed += apply_preferences(preferences, kept, offers, self.drug_classes.by_drug)
        plan.recommendations = sorted(kept, key=lambda r: (
            order_key(preferences, r), CATEGORIES.index(r.category), ACTIONS.index(r.action), r.drug or "", r.id))
        orphans = _Orphans(plan.recommendations, suppressed)
        goals = [(f, g) for f, g in outputs.goal if orphans.keep(f, "goal", g.text)]
        follow_ups = [(f, d) for f, d in outputs.follow_up if orphans.keep(f, "follow-up", d.text)]
        plan.suppressed = sorted(suppressed + orphans.dropped, key=lambda s: (s.id, s.by))
        plan.preferences = preferences
        plan.assessments = self._assessments(outputs.assess, evaluation, steps)
        plan.goals = sorted({g.text: Goal(text=g.text, target=g.target, due=g.due,
                                          patient_text=g.patient_text, rule=f.rule_id)
                             for f, g in goals}.values(), key=lambda g: (g.rule, g.text))
        plan.follow_up = sorted({d.text: FollowUp(text=d.text, interval_days=d.interval_days,
                                                  patient_text=d.patient_text, rule=f.rule_id)
                                 for f, d in follow_ups}.values(),
                                key=lambda x: (x.interval_days, x.text))
        plan.data_gaps = sorted({d.text: DataGap(text=d.text, suggested_test=d.suggested_test, rule=f.rule_id)
                                 for f, d in outputs.data_gap}.values(), key=lambda x: x.text)
        plan.warnings = sorted({d.text: SafetyWarning(text=d.text, severity=d.severity,
                                                      patient_text=d.patient_text, rule=f.rule_id)
                                for f, d in outputs.warn}.values(),
                               key=lambda w: (w.severity != "urgent", w.text))
        inputs = [f for f in evaluation.facts.values() if f.origin == "input"]
        plan.medication_review = review(inputs, plan.recommendations, self.review_index, self.drug_classes)
        return plan

    def _recommendations(self, items: list[tuple[Firing, RecommendOutput]], evaluation: Evaluation,
                         offers: dict[str, Offer], steps: dict[int, Because]) -> dict[str, Recommendation]:
        found: dict[str, Recommendation] = {}
        for firing, out in items:
            chain = self.because(firing, evaluation, steps)
            existing = found.get(out.id)
            if existing is not None:
                known = {(b.rule, tuple(b.facts)) for b in existing.because}
                existing.because.extend(b for b in chain if (b.rule, tuple(b.facts)) not in known)
                continue
            found[out.id] = Recommendation(
                id=out.id, title=out.title, category=out.category, action=out.action,
                drug=out.drug, drug_class=out.drug_class, alternatives=sorted(set(out.alternatives)),
                alternative_statement=out.alternative_statement,
                dose_change_percent=out.dose_change_percent,
                dose_range_percent=out.dose_range_percent, text=out.text,
                patient_text=out.patient_text, strength=out.strength,
                evidence=self.evidence(out.evidence),
                because=chain)
            offers[out.id] = Offer(out.treatments, out.if_declined)
        for rec in found.values():
            used = {c for step in rec.because for c in self.rule_inputs(step.rule)}
            rec.inputs_used = [c for c in INPUT_CATEGORIES if c in used]
        return found

    def _suppress(self, recs: dict[str, Recommendation],
                  explicit: list[tuple[Firing, SuppressOutput]]) -> list[Suppressed]:
        out: dict[tuple[str, str], Suppressed] = {}
        for firing, action in explicit:
            self._apply_suppress(firing.rule_id, action, recs, out)
        negative = {r.drug: r for r in sorted(recs.values(), key=lambda r: r.id)
                    if r.drug and r.action in _NEGATIVE}
        _precedence(recs, negative, out)
        return list(out.values())

    def _apply_suppress(self, by: str, action: SuppressOutput, recs: dict[str, Recommendation],
                        out: dict[tuple[str, str], Suppressed]) -> None:
        """One ``suppress`` action: the recommendations it names, and the alternatives it rules out."""
        for rec in recs.values():
            if rec.id != by and self._targets(action, rec):
                out[(rec.id, by)] = Suppressed(id=rec.id, by=by, reason=action.reason)
            if not action.names_drug():
                continue
            removed = [a for a in rec.alternatives if self._names_drug(action, a)]
            for alt in removed:
                rec.alternatives.remove(alt)
                out[(f"{rec.id}/alternative:{alt}", by)] = Suppressed(
                    id=f"{rec.id}/alternative:{alt}", by=by, reason=action.reason)
            if removed and not rec.alternatives and rec.drug is None and rec.drug_class is None:
                # every medicine it offered is ruled out: nothing is left to recommend
                out[(rec.id, by)] = Suppressed(id=rec.id, by=by, reason=action.reason)

    def _names_drug(self, action: SuppressOutput, drug: str) -> bool:
        return (action.drug is not None and action.drug == drug) or (
            action.drug_class is not None and self.drug_classes.class_of(drug) == action.drug_class)

    def _targets(self, action: SuppressOutput, rec: Recommendation) -> bool:
        """Whether a suppress action names this recommendation (by id, drug, drug class or category)."""
        if action.recommendation == rec.id:
            return True
        if action.drug is not None and action.drug == rec.drug:
            return not action.actions or rec.action in action.actions
        if action.drug_class is not None:
            in_class = rec.drug_class == action.drug_class or (
                rec.drug is not None and self.drug_classes.class_of(rec.drug) == action.drug_class)
            return in_class and (not action.actions or rec.action in action.actions)
        return action.category is not None and action.category == rec.category and action.drug is None

    def _assessments(self, items: list[tuple[Firing, AssessOutput]], evaluation: Evaluation,
                     steps: dict[int, Because]) -> list[Assessment]:
        found: dict[tuple[str, str, str], Assessment] = {}
        for firing, out in items:
            key = (out.kind, str(out.gene or ""), str(out.value))
            if key in found:
                continue
            reasons = []
            for step in self.because(firing, evaluation, steps):
                facts = "; ".join(step.facts)
                reasons.append(f"{step.rule} ({step.source}): {facts}" if facts else f"{step.rule} ({step.source})")
            found[key] = Assessment(kind=out.kind, value=out.value, unit=out.unit,
                                    gene=out.gene, details=out.details, because=reasons)
        return [found[k] for k in sorted(found)]


def _precedence(recs: dict[str, Recommendation], negative: dict[str, Recommendation],
                out: dict[tuple[str, str], Suppressed]) -> None:
    """An avoid/stop/not-indicated of a drug wins over any proposal of it, alternatives included."""
    for rec in recs.values():
        blocker = negative.get(rec.drug or "")
        if blocker is not None and rec.action in _POSITIVE and rec.id != blocker.id:
            out[(rec.id, blocker.id)] = Suppressed(
                id=rec.id, by=blocker.id,
                reason=f"{blocker.action} {rec.drug} takes precedence over {rec.action}")
    _standard_dose_superseded(recs, out)
    for rec in recs.values():
        flagged = [alt for alt in rec.alternatives if alt in negative]
        for alt in flagged:
            rec.alternatives.remove(alt)
            out[(f"{rec.id}/alternative:{alt}", negative[alt].id)] = Suppressed(
                id=f"{rec.id}/alternative:{alt}", by=negative[alt].id,
                reason=f"{alt} is itself flagged ({negative[alt].action}) for this patient")


@dataclass
class _Outputs:
    """An evaluation's plan items by kind, each with the firing that produced it, in a stable order."""

    recommend: list[tuple[Firing, RecommendOutput]] = field(default_factory=list)
    goal: list[tuple[Firing, GoalOutput]] = field(default_factory=list)
    follow_up: list[tuple[Firing, FollowUpOutput]] = field(default_factory=list)
    warn: list[tuple[Firing, WarnOutput]] = field(default_factory=list)
    suppress: list[tuple[Firing, SuppressOutput]] = field(default_factory=list)
    data_gap: list[tuple[Firing, DataGapOutput]] = field(default_factory=list)
    assess: list[tuple[Firing, AssessOutput]] = field(default_factory=list)

    @staticmethod
    def of(evaluation: Evaluation) -> _Outputs:
        found = _Outputs()
        lists: dict[type, list[Any]] = {
            RecommendOutput: found.recommend, GoalOutput: found.goal, FollowUpOutput: found.follow_up,
            WarnOutput: found.warn, SuppressOutput: found.suppress, DataGapOutput: found.data_gap,
            AssessOutput: found.assess,
        }
        for firing in sorted(evaluation.firings, key=lambda f: (f.rule_id, f.matched)):
            for output in firing.outputs:
                lists[type(output)].append((firing, output))
        return found


def _standard_dose_superseded(recs: dict[str, Recommendation], out: dict[tuple[str, str], Suppressed]) -> None:
    """A standard dose says only that a genotype changes nothing; any other statement on the drug
    (an age limit, kidney function, an interaction, a dose change) is the one the plan keeps."""
    removed = {key[0] for key in out}
    for rec in recs.values():
        if rec.action != "standard-dose" or rec.drug is None or rec.id in removed:
            continue
        others = sorted((r for r in recs.values() if r.drug == rec.drug and r.action != "standard-dose"
                         and r.id not in removed), key=lambda r: r.id)
        if others:
            out[(rec.id, others[0].id)] = Suppressed(
                id=rec.id, by=others[0].id,
                reason=f"{others[0].action} {rec.drug} takes precedence over a standard dose from the genotype alone")


class _Orphans:
    """Goals and follow-ups belong to the recommendation their firing made: when that recommendation
    is suppressed or the patient declines it, "statin started: recheck lipids" would contradict the
    plan, so they are dropped too and listed as suppressed with the reason."""

    def __init__(self, kept: list[Recommendation], suppressed: list[Suppressed]) -> None:
        self.kept = {r.id: r for r in kept}
        self.blocker = {s.id: s for s in sorted(suppressed, key=lambda s: (s.id, s.by))}
        self._dropped: dict[tuple[str, str], Suppressed] = {}

    def _why_not(self, rec_id: str) -> tuple[str, str] | None:
        """Who took the recommendation out of the plan and why; None while it stands."""
        rec = self.kept.get(rec_id)
        if rec is None:
            blocker = self.blocker.get(rec_id)
            return (blocker.by, f"{rec_id} is not recommended: {blocker.reason}") if blocker else None
        if rec.shared_decision is not None and rec.shared_decision.declined is not None:
            return PREFERENCE_RULE, f"the patient declines {rec.shared_decision.declined} ({rec_id})"
        return None

    def keep(self, firing: Firing, kind: str, text: str) -> bool:
        made = [o.id for o in firing.outputs if isinstance(o, RecommendOutput)]
        reasons = [self._why_not(rec_id) for rec_id in made]
        if not made or any(reason is None for reason in reasons):
            return True
        by, reason = next(r for r in reasons if r is not None)
        item = Suppressed(id=f"{firing.rule_id}/{kind}", by=by, reason=f"{reason}; so not: {text}")
        self._dropped.setdefault((item.id, item.by), item)
        return False

    @property
    def dropped(self) -> list[Suppressed]:
        return list(self._dropped.values())
