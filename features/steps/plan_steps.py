"""When steps (generate and render a plan) and Then steps (check the plan, its trace and its text).

`plan` is the engine's `Result`: `plan.plan` is the care plan, `plan.evaluation` the rule trace.
`document` is a rendered plan (a str). Failure messages show what the plan holds instead.

A negative step (no recommendation X, the rule X did not fire, does not offer X, ...) first
checks that X is something the loaded pack can produce (`vocabulary`, see
`features.steps.vocabulary`), so a misspelt or renamed name fails instead of passing.
"""

from __future__ import annotations

from engine.generator import Generator, Result
from engine.patient.model import Patient
from engine.plan.model import Recommendation
from features.steps.common import GENERATED_AT, PatientFacts, column, step, then, when, words
from features.steps.vocabulary import PackVocabulary


def _recommendation(plan: Result, rec_id: str) -> Recommendation:
    found = [r for r in plan.plan.recommendations if r.id == rec_id]
    assert found, f"no recommendation {rec_id!r}; the plan has {_ids(plan)}"
    return found[0]


def _ids(plan: Result) -> list[str]:
    return [r.id for r in plan.plan.recommendations]


def _for_drug(plan: Result, drug: str) -> list[tuple[str, str, list[str]]]:
    return [(r.id, r.action, r.alternatives) for r in plan.plan.recommendations if r.drug == drug]


def _fired(plan: Result, rule_id: str) -> bool:
    """A rule fired: its exact id, or one of its decision-table rows (`id[...]`)."""
    return any(f.rule_id == rule_id or f.rule_id.startswith(rule_id + "[") for f in plan.evaluation.firings)


def _firings(plan: Result) -> list[str]:
    return [f.rule_id for f in plan.evaluation.firings]


def _assessments(plan: Result) -> list[tuple[str, str | None, object]]:
    return [(a.kind, a.gene, a.value) for a in plan.plan.assessments]


# --- When --------------------------------------------------------------------------------------


# a When, also usable as a Given
@step("the care plan is generated",
      example='the care plan is generated', target_fixture="plan")
def _(generator: Generator, patient: PatientFacts) -> Result:
    return generator.run(Patient.model_validate(patient), at=GENERATED_AT)


@when('the plan is rendered as "{fmt:q}" for the "{audience:q}"',
      example='the plan is rendered as "md" for the "patient"', target_fixture="document")
def _(generator: Generator, plan: Result, fmt: str, audience: str) -> str:
    return generator.render(plan.plan, fmt, audience)


@when('the plan is rendered as "{fmt:q}"', example='the plan is rendered as "html"', target_fixture="document")
def _(generator: Generator, plan: Result, fmt: str) -> str:
    return generator.render(plan.plan, fmt, "clinician")


# --- recommendations ---------------------------------------------------------------------------


@then('the plan recommends "{action:q}" for "{drug:q}"', example='the plan recommends "avoid" for "clopidogrel"')
def _(plan: Result, action: str, drug: str) -> None:
    found = _for_drug(plan, drug)
    assert any(a == action for _, a, _ in found), f"wanted {action!r} for {drug!r}; the plan has {found}"


@then('the plan recommends "{action:q}" for "{drug:q}" with alternatives "{alternatives:q}"',
      example='the plan recommends "avoid" for "clopidogrel" with alternatives "prasugrel, ticagrelor"')
def _(plan: Result, action: str, drug: str, alternatives: str) -> None:
    found = _for_drug(plan, drug)
    assert any(a == action and sorted(alt) == sorted(words(alternatives)) for _, a, alt in found), (
        f"wanted {action!r} for {drug!r} with alternatives {words(alternatives)}; the plan has {found}"
    )


@then('the plan recommends "{action:q}" for "{drug:q}" with no alternatives',
      example='the plan recommends "standard-dose" for "clopidogrel" with no alternatives')
def _(plan: Result, action: str, drug: str) -> None:
    found = _for_drug(plan, drug)
    assert any(a == action and not alt for _, a, alt in found), (
        f"wanted {action!r} for {drug!r} with no alternatives; the plan has {found}"
    )


@then('the plan has no recommendation for "{drug:q}"', example='the plan has no recommendation for "clopidogrel"')
def no_recommendation_for_drug(plan: Result, vocabulary: PackVocabulary, drug: str) -> None:
    vocabulary.require_drug(drug)
    found = _for_drug(plan, drug)
    assert not found, f"wanted nothing for {drug!r}; the plan has {found}"


@then('the plan has a recommendation "{rec_id:q}"', example='the plan has a recommendation "lifestyle.sleep"')
def _(plan: Result, rec_id: str) -> None:
    _recommendation(plan, rec_id)


@then('the plan has a "{category:q}" recommendation "{rec_id:q}"',
      example='the plan has a "lifestyle" recommendation "lifestyle.dash-diet"')
def _(plan: Result, category: str, rec_id: str) -> None:
    found = _recommendation(plan, rec_id)
    assert found.category == category, f"{rec_id!r} is in category {found.category!r}, not {category!r}"


@then('the plan has no recommendation "{rec_id:q}"',
      example='the plan has no recommendation "lifestyle.sodium-reduction"')
def no_recommendation(plan: Result, vocabulary: PackVocabulary, rec_id: str) -> None:
    vocabulary.require_recommendation(rec_id)
    assert rec_id not in _ids(plan), f"{rec_id!r} is in the plan: {_ids(plan)}"


@then('the plan has no "{category:q}" recommendations', example='the plan has no "lifestyle" recommendations')
def no_recommendations_in_category(plan: Result, vocabulary: PackVocabulary, category: str) -> None:
    vocabulary.require_category(category)
    found = [r.id for r in plan.plan.recommendations if r.category == category]
    assert not found, f"wanted no {category!r} recommendations; the plan has {found}"


@then("the plan has no recommendations", example='the plan has no recommendations')
def _(plan: Result) -> None:
    assert not plan.plan.recommendations, f"wanted no recommendations; the plan has {_ids(plan)}"


@then('the recommendation "{rec_id:q}" has action "{action:q}"',
      example='the recommendation "pgx.untested-gene[clopidogrel,CYP2C19]" has action "test"')
def _(plan: Result, rec_id: str, action: str) -> None:
    found = _recommendation(plan, rec_id)
    assert found.action == action, f"{rec_id!r} has action {found.action!r}, not {action!r}"


@then('the recommendation "{rec_id:q}" cites "{source:q}"', example='the recommendation "pgx.clopidogrel" cites "CPIC"')
def _(plan: Result, rec_id: str, source: str) -> None:
    found = _recommendation(plan, rec_id)
    assert found.evidence.source == source, f"{rec_id!r} cites {found.evidence.source!r}, not {source!r}"


@then('the recommendation "{rec_id:q}" has strength "{strength:q}"',
      example='the recommendation "pgx.clopidogrel" has strength "strong"')
def _(plan: Result, rec_id: str, strength: str) -> None:
    found = _recommendation(plan, rec_id)
    assert found.strength == strength, f"{rec_id!r} has strength {found.strength!r}, not {strength!r}"


@then('the recommendation "{rec_id:q}" cites "{source:q}" and has strength "{strength:q}"',
      example='the recommendation "pgx.clopidogrel" cites "CPIC" and has strength "strong"')
def _(plan: Result, rec_id: str, source: str, strength: str) -> None:
    found = _recommendation(plan, rec_id)
    assert (found.evidence.source, found.strength) == (source, strength), (
        f"{rec_id!r} cites {found.evidence.source!r} with strength {found.strength!r}"
    )


@then('the recommendation "{rec_id:q}" mentions "{text:q}"',
      example='the recommendation "pgx.clopidogrel" mentions "poor metabolizer"')
def _(plan: Result, rec_id: str, text: str) -> None:
    found = _recommendation(plan, rec_id)
    assert text.lower() in found.text.lower(), f"{rec_id!r} says {found.text!r}"


@then('the recommendation "{rec_id:q}" is explained by the rule "{rule_id:q}"',
      example='the recommendation "pgx.clopidogrel" is explained by the rule "pgx.phenotype-from-function-pair"')
def _(plan: Result, rec_id: str, rule_id: str) -> None:
    chain = [b.rule for b in _recommendation(plan, rec_id).because]
    assert any(r == rule_id or r.startswith(rule_id + "[") for r in chain), (
        f"{rule_id!r} is not in the chain of {rec_id!r}: {chain}"
    )


@then('the recommendation "{rec_id:q}" offers "{drugs:q}"',
      example='the recommendation "bp.start-first-line-medicine" offers "chlorthalidone, amlodipine"')
def _(plan: Result, rec_id: str, drugs: str) -> None:
    offered = _recommendation(plan, rec_id).alternatives
    missing = [d for d in words(drugs) if d not in offered]
    assert not missing, f"{rec_id} does not offer {missing}; it offers {offered}"


def one_of(text: str) -> list[str]:
    """A list written "A, B or C" (or "A or B") as its items."""
    return [item.strip() for part in text.split(",") for item in part.split(" or ") if item.strip()]


@then('the recommendation "{rec_id:q}" offers one of "{drugs:q}"',
      example='the recommendation "bp.start-first-line-medicine" offers one of "chlorthalidone, amlodipine or '
              'lisinopril"')
def offers_one_of(plan: Result, vocabulary: PackVocabulary, rec_id: str, drugs: str) -> None:
    options = one_of(drugs)
    for drug in options:  # each option must be one the pack can offer here, or a typo would pass beside a match
        vocabulary.require_offer(rec_id, drug)
    offered = _recommendation(plan, rec_id).alternatives
    assert any(d in offered for d in options), f"{rec_id} offers none of {options}; it offers {offered}"


@then('the plan recommends {count:d} items of category "{category:q}"',
      example='the plan recommends 2 items of category "lifestyle"')
def recommends_n_of_category(plan: Result, vocabulary: PackVocabulary, count: int, category: str) -> None:
    vocabulary.require_category(category)
    found = [r.id for r in plan.plan.recommendations if r.category == category]
    assert len(found) == count, f"wanted {count} {category!r} recommendations; the plan has {len(found)}: {found}"


@then('the recommendation "{rec_id:q}" does not offer "{drugs:q}"',
      example='the recommendation "bp.start-first-line-medicine" does not offer "lisinopril"')
def does_not_offer(plan: Result, vocabulary: PackVocabulary, rec_id: str, drugs: str) -> None:
    for drug in words(drugs):
        vocabulary.require_offer(rec_id, drug)
    offered = _recommendation(plan, rec_id).alternatives
    present = [d for d in words(drugs) if d in offered]
    assert not present, f"{rec_id} still offers {present}; it offers {offered}"


@then('the recommendation "{rec_id:q}" is a shared decision because the patient declines "{item:q}"',
      example='the recommendation "cardiovascular.start-statin" is a shared decision because the patient '
              'declines "statin"')
def _(plan: Result, rec_id: str, item: str) -> None:
    decision = _recommendation(plan, rec_id).shared_decision
    assert decision is not None and decision.declined == item, f"{rec_id} shared decision: {decision}"
    assert decision.options, f"{rec_id} is a shared decision with no options to discuss"


@then('the recommendation "{rec_id:q}" is a shared decision',
      example='the recommendation "bp.start-first-line-medicine" is a shared decision')
def _(plan: Result, rec_id: str) -> None:
    decision = _recommendation(plan, rec_id).shared_decision
    assert decision is not None, f"{rec_id} is not a shared decision"


@then('the recommendation "{rec_id:q}" is not a shared decision',
      example='the recommendation "bp.start-first-line-medicine" is not a shared decision')
def _(plan: Result, rec_id: str) -> None:
    decision = _recommendation(plan, rec_id).shared_decision
    assert decision is None, f"{rec_id} is a shared decision: {decision}"


@then('the shared decision on "{rec_id:q}" offers "{text:q}"',
      example='the shared decision on "oncology.breast-chemo-shared-decision" offers "ovarian function suppression"')
def _(plan: Result, rec_id: str, text: str) -> None:
    decision = _recommendation(plan, rec_id).shared_decision
    options = decision.options if decision else []
    assert any(text.lower() in o.lower() for o in options), f"{rec_id}: no option mentions {text!r}; options {options}"


@then('the recommendation "{rec_id:q}" does not mention "{text:q}"',
      example='the recommendation "bp.start-first-line-medicine" does not mention "Black adult"')
def does_not_mention(plan: Result, vocabulary: PackVocabulary, rec_id: str, text: str) -> None:
    vocabulary.require_recommendation_wording(rec_id, text)
    found = _recommendation(plan, rec_id).text
    assert text.lower() not in found.lower(), f"{rec_id} mentions {text!r}: {found}"


@then('the first recommendation is a "{category:q}" recommendation',
      example='the first recommendation is a "lifestyle" recommendation')
def _(plan: Result, category: str) -> None:
    order = [(r.category, r.id) for r in plan.plan.recommendations]
    assert order and order[0][0] == category, f"the recommendations come in this order: {order}"


@then("the command would exit with code {code:d}", example='the command would exit with code 1')
def _(plan: Result, code: int) -> None:
    assert plan.plan.exit_code == code, (
        f"the plan exits {plan.plan.exit_code}; urgent warnings: "
        f"{[w.text for w in plan.plan.warnings if w.severity == 'urgent']}")


# --- assessments -------------------------------------------------------------------------------


@then('the assessment "{kind:q}" for "{gene:q}" is "{value:q}"',
      example='the assessment "phenotype" for "CYP2C19" is "Poor Metabolizer"')
def _(plan: Result, kind: str, gene: str, value: str) -> None:
    found = _assessments(plan)
    assert (kind, gene, value) in found, f"wanted {kind} {gene} = {value!r}; the plan has {found}"


@then('the assessment "{kind:q}" is "{value:q}"', example='the assessment "bp-category" is "stage 1 hypertension"')
def _(plan: Result, kind: str, value: str) -> None:
    found = _assessments(plan)
    assert any(k == kind and str(v) == value for k, _, v in found), f"wanted {kind} = {value!r}; the plan has {found}"


@then('the activity score for "{gene:q}" is {score:g}', example='the activity score for "CYP2D6" is 1.25')
def _(plan: Result, gene: str, score: float) -> None:
    found = sorted(
        float(f.values["value"])
        for f in plan.evaluation.facts.values()
        if f.type == "activity_score" and f.values.get("gene") == gene
    )
    assert found and all(abs(v - score) < 1e-9 for v in found), f"wanted {gene} activity score {score}; found {found}"


@then('the assessment "{kind:q}" shows "{label:q}" as "{value:q}"',
      example='the assessment "recurrence-risk" shows "recurrence score (Oncotype DX)" as "19"')
def _(plan: Result, kind: str, label: str, value: str) -> None:
    details = [a.details for a in plan.plan.assessments if a.kind == kind]
    assert any(str(d.get(label)) == value for d in details), f"wanted {kind} {label} = {value!r}; details {details}"


@then('the plan has no assessment "{kind:q}"', example='the plan has no assessment "phenotype"')
def no_assessment(plan: Result, vocabulary: PackVocabulary, kind: str) -> None:
    vocabulary.require_assessment(kind)
    found = _assessments(plan)
    assert not any(k == kind for k, _, _ in found), f"wanted no {kind!r} assessment; the plan has {found}"


# --- goals and follow-up -----------------------------------------------------------------------


@then('the plan has a goal mentioning "{text:q}"', example='the plan has a goal mentioning "sodium"')
def _(plan: Result, text: str) -> None:
    goals = [f"{g.text} {g.target or ''}" for g in plan.plan.goals]
    assert any(text.lower() in g.lower() for g in goals), f"no goal mentions {text!r}; the goals are {goals}"


@then('the plan has no goal mentioning "{text:q}"', example='the plan has no goal mentioning "sodium"')
def no_goal_mentioning(plan: Result, vocabulary: PackVocabulary, text: str) -> None:
    vocabulary.require_goal_wording(text)
    goals = [f"{g.text} {g.target or ''}" for g in plan.plan.goals]
    assert not any(text.lower() in g.lower() for g in goals), f"a goal mentions {text!r}: {goals}"


@then('the plan has a follow-up in {days:d} days mentioning "{text:q}"',
      example='the plan has a follow-up in 84 days mentioning "lipids"')
def _(plan: Result, days: int, text: str) -> None:
    found = [(f.interval_days, f.text) for f in plan.plan.follow_up]
    assert any(d == days and text.lower() in t.lower() for d, t in found), f"the follow-ups are {found}"


@then("the plan has no goals", example='the plan has no goals')
def _(plan: Result) -> None:
    assert not plan.plan.goals, f"wanted no goals; the plan has {[g.text for g in plan.plan.goals]}"


@then("the follow-up interval is {days:d} days", example='the follow-up interval is 90 days')
def _(plan: Result, days: int) -> None:
    intervals = [f.interval_days for f in plan.plan.follow_up]
    assert intervals, "the plan has no follow-up"
    assert min(intervals) == days, f"the shortest follow-up is {min(intervals)} days (all: {intervals})"


@then('the plan has {count:d} follow-up from "{prefix:q}" rules', example='the plan has 1 follow-up from "bp." rules')
def _(plan: Result, count: int, prefix: str) -> None:
    found = [f for f in plan.plan.follow_up if f.rule.startswith(prefix)]
    assert len(found) == count, f"wanted {count} follow-up from {prefix!r} rules; the plan has {found}"


@then("the plan has no follow-up", example='the plan has no follow-up')
def _(plan: Result) -> None:
    assert not plan.plan.follow_up, f"wanted no follow-up; the plan has {plan.plan.follow_up}"


# --- suppressed, data gaps, warnings -----------------------------------------------------------


@then('"{rec_id:q}" is suppressed by "{by:q}"', example='"lifestyle.weight-loss" is suppressed by "bp.crisis"')
def _(plan: Result, rec_id: str, by: str) -> None:
    found = [(s.id, s.by) for s in plan.plan.suppressed]
    assert any(i == rec_id and (b == by or b.startswith(by + "[")) for i, b in found), (
        f"wanted {rec_id!r} suppressed by {by!r}; the plan suppresses {found}"
    )


@then("the plan suppresses nothing", example='the plan suppresses nothing')
def _(plan: Result) -> None:
    assert not plan.plan.suppressed, f"the plan suppresses {plan.plan.suppressed}"


@then('the plan has a data gap suggesting "{test:q}"',
      example='the plan has a data gap suggesting "CYP2C19 genotyping"')
def _(plan: Result, test: str) -> None:
    found = [g.suggested_test for g in plan.plan.data_gaps]
    assert test in found, f"no data gap suggests {test!r}; suggested tests are {found}"


@then('the plan has a data gap mentioning "{text:q}"', example='the plan has a data gap mentioning "CYP2C19"')
def _(plan: Result, text: str) -> None:
    found = [g.text for g in plan.plan.data_gaps]
    assert any(text.lower() in g.lower() for g in found), f"no data gap mentions {text!r}; the gaps are {found}"


@then('the plan has no data gap mentioning "{text:q}"', example='the plan has no data gap mentioning "GAD-7"')
def no_data_gap_mentioning(plan: Result, vocabulary: PackVocabulary, text: str) -> None:
    vocabulary.require_data_gap_wording(text)
    found = [g.text for g in plan.plan.data_gaps]
    assert not any(text.lower() in g.lower() for g in found), f"a data gap mentions {text!r}: {found}"


@then('the plan has no data gap suggesting "{test:q}"',
      example='the plan has no data gap suggesting "lipid panel (total and HDL cholesterol)"')
def no_data_gap_suggesting(plan: Result, vocabulary: PackVocabulary, test: str) -> None:
    vocabulary.require_suggested_test(test)
    found = [g.suggested_test for g in plan.plan.data_gaps]
    assert test not in found, f"a data gap suggests {test!r}; suggested tests are {found}"


@then('the plan has a caution mentioning "{text:q}"', example='the plan has a caution mentioning "oxaliplatin"')
def _(plan: Result, text: str) -> None:
    found = [(w.severity, w.text) for w in plan.plan.warnings]
    assert any(s == "caution" and text.lower() in t.lower() for s, t in found), f"the warnings are {found}"


@then("the plan has no data gaps", example='the plan has no data gaps')
def _(plan: Result) -> None:
    assert not plan.plan.data_gaps, f"wanted no data gaps; the plan has {plan.plan.data_gaps}"


@then("the plan has an urgent warning", example='the plan has an urgent warning')
def _(plan: Result) -> None:
    assert plan.plan.has_urgent_warning, f"wanted an urgent warning; the warnings are {plan.plan.warnings}"


@then('the plan has a warning mentioning "{text:q}"', example='the plan has a warning mentioning "emergency"')
def _(plan: Result, text: str) -> None:
    found = [w.text for w in plan.plan.warnings]
    assert any(text.lower() in w.lower() for w in found), f"no warning mentions {text!r}; the warnings are {found}"


@then("the plan has no urgent warning", example='the plan has no urgent warning')
def _(plan: Result) -> None:
    assert not plan.plan.has_urgent_warning, f"wanted no urgent warning; the warnings are {plan.plan.warnings}"


@then("the plan has no warnings", example='the plan has no warnings')
def _(plan: Result) -> None:
    assert not plan.plan.warnings, f"wanted no warnings; the plan has {plan.plan.warnings}"


# --- the rule trace ----------------------------------------------------------------------------


@then('the rule "{rule_id:q}" fired', example='the rule "pgx.phenotype-from-function-pair" fired')
def _(plan: Result, rule_id: str) -> None:
    assert _fired(plan, rule_id), f"{rule_id!r} did not fire; the firings were {_firings(plan)}"


@then('the rule "{rule_id:q}" did not fire', example='the rule "pgx.recommend-one-gene" did not fire')
def rule_did_not_fire(plan: Result, vocabulary: PackVocabulary, rule_id: str) -> None:
    vocabulary.require_rule(rule_id)
    assert not _fired(plan, rule_id), f"{rule_id!r} fired; the firings were {_firings(plan)}"


@then("these rules fired:", example='these rules fired:')
def _(plan: Result, datatable: list[list[str]]) -> None:
    missing = [r for r in column(datatable) if not _fired(plan, r)]
    assert not missing, f"{missing} did not fire; the firings were {_firings(plan)}"


# --- rendered documents ------------------------------------------------------------------------


@then('the document contains "{text:q}"', example='the document contains "clopidogrel"')
def _(document: str, text: str) -> None:
    assert text in document, f"{text!r} is not in the document:\n{document[:2000]}"


@then('the document does not contain "{text:q}"', example='the document does not contain "Traceback"')
def _(document: str, text: str) -> None:
    assert text not in document, f"{text!r} is in the document:\n{document[:2000]}"
