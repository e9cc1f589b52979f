"""CDS Hooks 2.0 cards ("CDS Service Response", "Card Attributes") built from a care plan.

Optional attributes without a value are left out, never null or empty (spec: "Null and empty JSON
elements"). Card and suggestion uuids are version-5 UUIDs of the hookInstance and what the card is
about, so the same request gives the same bytes and the feedback endpoint can tell which rule a
card came from.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from engine.plan.model import EvidenceRef, Plan, Recommendation, SafetyWarning

SUMMARY_LIMIT = 139  # "One-sentence, <140-character summary"
Indicator = Literal["info", "warning", "critical"]
CONTRAINDICATING = ("avoid", "use-alternative", "stop")
TOP_RECOMMENDATIONS = 5
_ORDER: dict[Indicator, int] = {"critical": 0, "warning": 1, "info": 2}


def card_uuid(hook_instance: str, about: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:careplan:card:{hook_instance}:{about}"))


def shorten(text: str, limit: int = SUMMARY_LIMIT) -> str:
    """Cut at a word boundary with an ellipsis, so the summary stays under the spec's 140 characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def source_of(evidence: EvidenceRef) -> dict[str, Any]:
    """The card's source: the guideline the rule cites (spec: "the primary source of guidance")."""
    source: dict[str, Any] = {"label": shorten(evidence.short or f"{evidence.source}: {evidence.citation}", 120)}
    if evidence.url and evidence.url.startswith(("https://", "http://")):
        source["url"] = evidence.url
    return source


def recommendation_indicator(recommendation: Recommendation) -> Indicator:
    """critical: a strong recommendation not to give the medicine; warning: any other conflict."""
    if recommendation.action in CONTRAINDICATING and recommendation.strength == "strong":
        return "critical"
    return "warning"


def warning_indicator(warning: SafetyWarning) -> Indicator:
    return "critical" if warning.severity == "urgent" else "warning"


def deciding_rule(recommendation: Recommendation) -> str:
    """The rule (and table row) whose firing made the recommendation: the last step of its chain."""
    return recommendation.because[-1].rule if recommendation.because else recommendation.id


def citation_line(evidence: EvidenceRef) -> str:
    parts = [evidence.short or evidence.citation]
    if evidence.section:
        parts.append(evidence.section)
    if evidence.doi:
        parts.append(f"doi:{evidence.doi}")
    return "; ".join(parts)


def recommendation_detail(recommendation: Recommendation) -> str:
    lines = [recommendation.text, ""]
    if recommendation.alternatives:
        lines.append(f"- Alternatives the plan names: {', '.join(recommendation.alternatives)}")
    if recommendation.alternative_statement:
        lines.append(f"- Instead: {recommendation.alternative_statement}")
    if recommendation.strength:
        lines.append(f"- Strength: {recommendation.strength}")
    lines.append(f"- Rule: `{recommendation.id}` (fired by `{deciding_rule(recommendation)}`)")
    lines.append(f"- Source: {citation_line(recommendation.evidence)}")
    return "\n".join(lines)


def _action_words(recommendation: Recommendation) -> str:
    drug = recommendation.drug or recommendation.drug_class or "medicine"
    return {"avoid": f"Avoid {drug}", "use-alternative": f"Use an alternative to {drug}", "stop": f"Stop {drug}",
            "reduce-dose": f"Reduce the {drug} dose", "increase-dose": f"Increase the {drug} dose",
            "start": f"Start {drug}", "continue": f"Continue {drug}"}.get(recommendation.action,
                                                                         f"{recommendation.action} {drug}")


def recommendation_summary(recommendation: Recommendation) -> str:
    reason = recommendation.text.split(":")[0] if ":" in recommendation.text[:80] else ""
    return shorten(f"{_action_words(recommendation)}: {reason}" if reason else _action_words(recommendation))


def _plan_indicator(plan: Plan) -> Indicator:
    if plan.has_urgent_warning:
        return "critical"
    if plan.warnings or any(r.action in CONTRAINDICATING for r in plan.recommendations):
        return "warning"
    return "info"


def _counted(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _top(plan: Plan) -> list[Recommendation]:
    """Contraindications first, then by strength as the plan lists them (the plan's own order breaks ties)."""
    weight = {"strong": 0, "moderate": 1, "weak": 2, "optional": 3, "expert-opinion": 4, "no-recommendation": 5}
    ranked = sorted(enumerate(plan.recommendations),
                    key=lambda item: (item[1].action not in CONTRAINDICATING, weight.get(item[1].strength or "", 6),
                                      item[0]))
    return [r for _, r in ranked[:TOP_RECOMMENDATIONS]]


def patient_view_card(plan: Plan, hook_instance: str, plan_url: str, source_label: str) -> dict[str, Any]:
    urgent = [w for w in plan.warnings if w.severity == "urgent"]
    top = _top(plan)
    head = (f"{_counted(len(urgent), 'urgent warning')}; " if urgent else "")
    summary = f"Care plan: {head}{_counted(len(plan.recommendations), 'recommendation')}"
    if top:
        summary += f" (first: {_action_words(top[0]) if top[0].drug else top[0].text})"
    lines: list[str] = []
    if plan.warnings:
        lines += ["**Safety warnings**", ""] + [f"- **{w.severity}**: {w.text} (`{w.rule}`)" for w in plan.warnings]
        lines.append("")
    if top:
        lines += ["**Top recommendations**", ""]
        lines += [f"- {r.text} ({r.strength or 'no strength given'}; `{r.id}`; {r.evidence.short or r.evidence.source})"
                  for r in top]
        lines.append("")
    if plan.data_gaps:
        lines.append(f"{_counted(len(plan.data_gaps), 'data gap')} (missing results the plan asks for).")
    card: dict[str, Any] = {
        "uuid": card_uuid(hook_instance, "patient-view"), "summary": shorten(summary),
        "indicator": _plan_indicator(plan), "source": {"label": source_label},
        "links": [{"label": "Full care plan", "url": plan_url, "type": "absolute"}],
    }
    detail = "\n".join(lines).strip()
    if detail:
        card["detail"] = detail
    return card


def sort_cards(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(cards, key=lambda c: (_ORDER[c["indicator"]], c["summary"], c["uuid"]))
