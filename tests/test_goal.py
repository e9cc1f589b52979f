"""An evaluation for a goal (only the rules that can bear on some fact types) derives exactly the
facts of those types that the whole evaluation derives, while running fewer rulesets; a goal that
leaves out a ruleset it needs is caught by the same comparison."""

from __future__ import annotations

import dataclasses

from engine.facts.fact import Fact
from engine.generator import Generator
from engine.patient.model import Patient
from engine.run.goal import Goal, goal_for
from tests.synthetic_firings import synthetic_patients

PHENOTYPES = frozenset({"phenotype"})


def _of_types(generator: Generator, patient: Patient, types: frozenset[str], goal: Goal | None) -> list[Fact]:
    evaluation = generator.evaluator.evaluate(generator.facts(patient), goal)
    return sorted((f for f in evaluation.facts.values() if f.type in types), key=lambda f: f.fid)


def _genotyped(count: int) -> list[Patient]:
    patients = [p for p in synthetic_patients(count, seed=11, prefix="g") if p.genotypes]
    assert len(patients) >= count // 4  # the cohort does carry genotypes
    return patients


def test_a_goal_derives_the_same_phenotypes_as_the_whole_evaluation(default_generator: Generator) -> None:
    goal = goal_for(default_generator.compiled, PHENOTYPES)
    every = {r.name for r in (*default_generator.compiled.rulesets, *default_generator.compiled.lookups)}
    assert goal.rulesets < every and goal.through < default_generator.compiled.strata - 1  # it does skip work
    found = 0
    for patient in _genotyped(150):
        whole = _of_types(default_generator, patient, PHENOTYPES, None)
        assert _of_types(default_generator, patient, PHENOTYPES, goal) == whole, patient.id
        found += len(whole)
    assert found > 100  # phenotypes were derived, not compared empty


def test_a_goal_of_several_types_keeps_each_of_them(default_generator: Generator) -> None:
    types = frozenset({"phenotype", "gene_result", "activity_score"})
    goal = goal_for(default_generator.compiled, types)
    kinds: set[str] = set()
    for patient in _genotyped(60):
        whole = _of_types(default_generator, patient, types, None)
        assert _of_types(default_generator, patient, types, goal) == whole, patient.id
        kinds |= {f.type for f in whole}
    assert kinds == types


def test_a_goal_missing_a_ruleset_it_needs_changes_the_phenotypes(default_generator: Generator) -> None:
    goal = goal_for(default_generator.compiled, PHENOTYPES)
    patients = _genotyped(60)
    changed = []
    for left_out in sorted(goal.rulesets):
        wrong = dataclasses.replace(goal, rulesets=goal.rulesets - {left_out})
        if any(_of_types(default_generator, p, PHENOTYPES, wrong) != _of_types(default_generator, p, PHENOTYPES, None)
               for p in patients):
            changed.append(left_out)
    assert changed  # the comparison above would see a goal that skips too much
