"""``careplan explain``: each plan item with the chain of rules and facts that produced it."""

from __future__ import annotations

from engine.plan.model import Because, Plan
from engine.run.trace import Evaluation


def _steps(because: list[Because]) -> list[str]:
    lines = []
    for number, step in enumerate(because, start=1):
        lines.append(f"  {number}. {step.rule} v{step.version}  {step.source}")
        for fact in step.facts:
            lines.append(f"       matched:  {fact}")
        for fact in step.produced:
            lines.append(f"       produced: {fact}")
    return lines


def explain_text(plan: Plan, evaluation: Evaluation) -> str:
    lines = [f"Care plan for {plan.patient_id}: pack {plan.pack.name} {plan.pack.version} ({plan.pack.digest})", ""]
    if not plan.recommendations and not plan.assessments:
        lines.append("No rule produced a recommendation or assessment for this patient.")
    for rec in plan.recommendations:
        drug = f" {rec.drug}" if rec.drug else ""
        strength = f", {rec.strength}" if rec.strength else ""
        lines.append(f"Recommendation {rec.id}: {rec.action}{drug} [{rec.category}{strength}; {rec.evidence.source}]")
        lines.append(f"  {rec.text}")
        if rec.alternatives:
            lines.append(f"  {'alternatives' if rec.drug else 'options'}: {', '.join(rec.alternatives)}")
        if rec.shared_decision is not None:
            why = (f"the patient declines {rec.shared_decision.declined}" if rec.shared_decision.declined
                   else rec.shared_decision.preference or "the patient's preferences")
            options = "; ".join(rec.shared_decision.options) or "none listed"
            lines.append(f"  shared decision ({why}); options: {options}")
        chain = " -> ".join(dict.fromkeys(step.rule.split("[")[0] for step in rec.because))
        lines.append(f"  chain: {chain} -> recommendation")
        lines.extend(_steps(rec.because))
        lines.append("")
    for assessment in plan.assessments:
        gene = f" {assessment.gene}" if assessment.gene else ""
        lines.append(f"Assessment {assessment.kind}{gene}: {assessment.value}")
        for reason in assessment.because:
            lines.append(f"  - {reason}")
        lines.append("")
    for item in plan.suppressed:
        lines.append(f"Suppressed {item.id}: by {item.by}: {item.reason}")
    for gap in plan.data_gaps:
        lines.append(f"Data gap ({gap.rule}): {gap.text}")
    fired = sorted({f.rule_id for f in evaluation.firings})
    lines.append("")
    lines.append(f"{len(evaluation.firings)} firings of {len(fired)} rules over "
                 f"{sum(1 for f in evaluation.facts.values() if f.origin == 'input')} patient facts.")
    return "\n".join(lines) + "\n"
