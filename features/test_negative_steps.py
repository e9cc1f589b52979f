"""A negative step fails on a name the pack does not have, instead of passing because nothing matched.

"the rule X did not fire" is true of every X the pack has never heard of, so a misspelt or
renamed rule would turn the assertion into one that can never fail. The step functions are
called here as a scenario would call them, against a real plan.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from engine.generator import Generator, Result
from engine.patient.model import Patient
from features.steps.common import GENERATED_AT
from features.steps.plan_steps import (
    does_not_mention,
    does_not_offer,
    no_assessment,
    no_data_gap_mentioning,
    no_data_gap_suggesting,
    no_goal_mentioning,
    no_recommendation,
    no_recommendation_for_drug,
    no_recommendations_in_category,
    rule_did_not_fire,
)
from features.steps.vocabulary import PackVocabulary

Step = Callable[[Result, PackVocabulary, str], None]


@pytest.fixture(scope="module")
def plan(generator: Generator) -> Result:
    """A CYP2C19 intermediate metabolizer with clopidogrel after PCI, stage 1 pressure and no lipid panel."""
    patient = Patient.model_validate({
        "id": "negative-steps",
        "demographics": {"age": 55, "sex": "male"},
        "vitals": {"blood_pressure": [{"systolic": 134, "diastolic": 82}]},
        "lifestyle": {"smoking": "never"},
        "genotypes": [{"gene": "CYP2C19", "diplotype": "*1/*2"}],
        "medications": [{"name": "clopidogrel", "status": "planned", "indication": "PCI"}],
    })
    return generator.run(patient, at=GENERATED_AT)


def test_a_made_up_rule_id_fails_the_did_not_fire_step(plan: Result, vocabulary: PackVocabulary) -> None:
    with pytest.raises(AssertionError, match=r"the rule 'pgx\.no-such-rule' does not exist in the pack default"):
        rule_did_not_fire(plan, vocabulary, "pgx.no-such-rule")


def test_a_recommendation_id_named_as_a_rule_says_which_rule_makes_it(plan: Result,
                                                                      vocabulary: PackVocabulary) -> None:
    """The mistake clopidogrel.feature made: 'pgx.clopidogrel' is a recommendation, not a rule."""
    with pytest.raises(AssertionError, match=r"'pgx\.clopidogrel' is a recommendation, made by the rule "
                                             r"'pgx\.recommend-one-gene'"):
        rule_did_not_fire(plan, vocabulary, "pgx.clopidogrel")


def test_a_misspelt_rule_id_gets_the_nearest_names(plan: Result, vocabulary: PackVocabulary) -> None:
    with pytest.raises(AssertionError, match=r"did you mean 'pgx\.lab-called-phenotype'"):
        rule_did_not_fire(plan, vocabulary, "pgx.lab-caled-phenotype")


def test_table_rows_are_rules_of_the_pack(plan: Result, vocabulary: PackVocabulary) -> None:
    """A row id and a table rule's own id are known; a row the table does not have is not."""
    rule_did_not_fire(plan, vocabulary, "pgx.lab-called-phenotype")
    rule_did_not_fire(plan, vocabulary, "pgx.phenotype-from-function-pair[CYP2C19,No function,No function]")
    with pytest.raises(AssertionError, match="does not exist in the pack"):
        rule_did_not_fire(plan, vocabulary, "pgx.phenotype-from-function-pair[CYP2C19,Made-up function,No function]")


def test_a_rule_that_fired_still_fails_the_did_not_fire_step(plan: Result, vocabulary: PackVocabulary) -> None:
    with pytest.raises(AssertionError, match=r"'pgx\.recommend-one-gene' fired; the firings were"):
        rule_did_not_fire(plan, vocabulary, "pgx.recommend-one-gene")


@pytest.mark.parametrize(("step", "name", "message"), [
    (no_recommendation_for_drug, "clopidogrell", r"the medicine 'clopidogrell' does not exist in the pack .*"
                                                 r"did you mean 'clopidogrel'"),
    (no_recommendation, "pgx.clopidogrell", r"no rule of the pack .* makes a recommendation 'pgx\.clopidogrell'; "
                                            r"did you mean 'pgx\.clopidogrel'"),
    (no_recommendations_in_category, "lifestyles", r"'lifestyles' is not a recommendation category"),
    (no_assessment, "bp-catgory", r"makes an assessment 'bp-catgory'; did you mean 'bp-category'"),
    (no_goal_mentioning, "unicorn", r"no goal of the pack .* mentions 'unicorn'"),
    (no_data_gap_mentioning, "unicorn", r"no data gap of the pack .* mentions 'unicorn' in its text"),
    (no_data_gap_suggesting, "lipid panel", r"no data gap of the pack .* suggests 'lipid panel'; did you mean "
                                            r".*'lipid panel \(total and HDL cholesterol\)'"),
], ids=lambda value: value.__name__ if callable(value) else None)
def test_a_name_the_pack_does_not_have_fails_the_step(plan: Result, vocabulary: PackVocabulary, step: Step,
                                                       name: str, message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        step(plan, vocabulary, name)


def test_a_medicine_the_recommendation_never_offers_fails_does_not_offer(plan: Result,
                                                                         vocabulary: PackVocabulary) -> None:
    with pytest.raises(AssertionError, match=r"no rule of the pack .* offers 'warfarin' in 'pgx\.clopidogrel'"):
        does_not_offer(plan, vocabulary, "pgx.clopidogrel", "warfarin")


def test_wording_the_recommendation_never_uses_fails_does_not_mention(plan: Result,
                                                                      vocabulary: PackVocabulary) -> None:
    with pytest.raises(AssertionError, match=r"words 'pgx\.clopidogrel' with 'thiazide', so it can never mention it"):
        does_not_mention(plan, vocabulary, "pgx.clopidogrel", "thiazide")


def test_the_negative_steps_pass_on_real_names_that_are_absent(plan: Result, vocabulary: PackVocabulary) -> None:
    """The guard lets through what the pack can produce: these are real, and absent from this plan."""
    no_recommendation_for_drug(plan, vocabulary, "simvastatin")
    no_recommendation(plan, vocabulary, "lifestyle.sodium-reduction")
    no_recommendations_in_category(plan, vocabulary, "oncology")
    no_assessment(plan, vocabulary, "recurrence-risk")
    no_goal_mentioning(plan, vocabulary, "potassium")
    no_data_gap_mentioning(plan, vocabulary, "GAD-7")
    does_not_offer(plan, vocabulary, "pgx.clopidogrel", "ticlopidine")
    does_not_mention(plan, vocabulary, "pgx.clopidogrel", "Prasugrel is not an option after a stroke")


def test_a_data_gap_that_is_there_fails_no_data_gap_suggesting(plan: Result, vocabulary: PackVocabulary) -> None:
    with pytest.raises(AssertionError, match=r"a data gap suggests 'diet history \(sodium intake\)'"):
        no_data_gap_suggesting(plan, vocabulary, "diet history (sodium intake)")
