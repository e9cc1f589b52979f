"""The screen in front of each durable ruleset never turns away a fact durable could have matched.

Every synthetic patient's firings are the same with the screens and without them, while the
screens do keep facts (and whole rulesets) out of durable; a screen that turns away one fact type
is caught by the same comparison.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from engine.facts.fact import Fact
from engine.generator import Generator
from engine.patient.model import Patient
from engine.run.routes import Routes
from engine.run.runtime import Session
from engine.run.screen import Screen
from tests.synthetic_firings import firings as _firings
from tests.synthetic_firings import synthetic_patients


@contextmanager
def _screens(generator: Generator, screens: dict[str, Screen]) -> Iterator[None]:
    kept = generator.evaluator._routes
    generator.evaluator._routes = Routes(generator.compiled, screens)
    try:
        yield
    finally:
        generator.evaluator._routes = kept


@contextmanager
def _counting_facts_sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    sent = [0]
    original = Session.assert_texts

    def counted(self: Session, ruleset: str, texts: list[str]) -> object:
        sent[0] += len(texts)
        return original(self, ruleset, texts)

    monkeypatch.setattr(Session, "assert_texts", counted)
    yield sent
    monkeypatch.undo()


def test_every_patient_fires_the_same_rules_with_and_without_the_screens(
        default_generator: Generator, monkeypatch: pytest.MonkeyPatch) -> None:
    patients = synthetic_patients(150, seed=7)
    with _counting_facts_sent(monkeypatch) as sent:
        screened = [_firings(default_generator, p) for p in patients]
    with _screens(default_generator, {}), _counting_facts_sent(monkeypatch) as sent_unscreened:
        unscreened = [_firings(default_generator, p) for p in patients]
    assert sum(len(f) for f in screened) > 1000  # real plans, not empty ones
    for patient, mine, theirs in zip(patients, screened, unscreened, strict=True):
        assert mine == theirs, patient.id
    assert 0 < sent[0] < sent_unscreened[0]  # the screens did keep facts out of durable


class _TurnsAway(Screen):
    """A wrong screen: it turns away every fact of one type."""

    def __init__(self, inner: Screen, fact_type: str) -> None:
        self._inner, self._type = inner, fact_type

    def admits(self, fact: Fact) -> bool:
        return fact.type != self._type and self._inner.admits(fact)


def test_a_screen_that_turns_away_a_usable_fact_changes_the_firings(default_generator: Generator) -> None:
    patient = Patient.model_validate({"id": "pgx", "genotypes": [{"gene": "CYP2C19", "diplotype": "*2/*2"}],
                                      "medications": [{"name": "clopidogrel", "status": "planned",
                                                       "indication": "PCI"}]})
    right = _firings(default_generator, patient)
    screens = default_generator.evaluator._routes.screens
    wrong: dict[str, Screen] = {name: _TurnsAway(screen, "medication") for name, screen in screens.items()}
    reads = {fact_type for rule, _, _ in right for fact_type, _ in default_generator.compiled.rules[rule].reads}
    assert "medication" in reads  # the plan does use the medicine
    with _screens(default_generator, wrong):
        assert _firings(default_generator, patient) != right
