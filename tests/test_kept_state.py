"""A ruleset's durable state is kept from patient to patient, and no patient sees another's facts.

At the end of a patient each touched ruleset's facts are retracted and its state kept when it
is verifiably empty (``engine.run.runtime._empty_kept_state``); building a state is most of
durable's cost. These tests run one synthetic cohort through one process with kept states and
with a fresh state for every patient, and in both orders: every patient's firings must be the
same. A keep that forgets to retract is caught by the same comparison.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from engine.generator import Generator
from engine.run import runtime
from engine.run.runtime import EngineError
from tests.synthetic_firings import firings as _firings
from tests.synthetic_firings import synthetic_patients


@contextmanager
def _counting_deletes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    deleted = [0]
    original = runtime._delete_state

    def counted(host: runtime._Host, ruleset: str) -> None:
        deleted[0] += 1
        original(host, ruleset)

    monkeypatch.setattr(runtime, "_delete_state", counted)
    yield deleted
    monkeypatch.undo()


def _fresh_states(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "RENEW_AFTER", 1)  # every state deleted after its first patient


def test_kept_states_give_every_patient_the_firings_a_fresh_state_gives(
        default_generator: Generator, monkeypatch: pytest.MonkeyPatch) -> None:
    patients = synthetic_patients(120, seed=11, prefix="k")
    with _counting_deletes(monkeypatch) as deleted:
        kept = [_firings(default_generator, p) for p in patients]
    backwards = [_firings(default_generator, p) for p in reversed(patients)][::-1]
    _fresh_states(monkeypatch)
    with _counting_deletes(monkeypatch) as deleted_fresh:
        fresh = [_firings(default_generator, p) for p in patients]
    assert sum(len(f) for f in fresh) > 1000  # real plans, not empty ones
    for patient, mine, reordered, theirs in zip(patients, kept, backwards, fresh, strict=True):
        assert mine == theirs == reordered, patient.id
    assert deleted_fresh[0] > 3 * len(patients) and deleted[0] < len(patients)  # states were kept


def test_a_state_kept_without_retracting_is_caught(default_generator: Generator,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    patients = synthetic_patients(40, seed=12, prefix="k")
    _fresh_states(monkeypatch)
    fresh = [_firings(default_generator, p) for p in patients]
    monkeypatch.undo()

    def keeps_without_retracting(host: runtime._Host, ruleset: str, texts: list[str]) -> bool:
        return True

    monkeypatch.setattr(runtime, "_empty_kept_state", keeps_without_retracting)
    wrong = 0
    for patient, theirs in zip(patients, fresh, strict=True):
        try:
            wrong += _firings(default_generator, patient) != theirs
        except EngineError:  # the same fact twice in one state: durable refuses it
            wrong += 1
    monkeypatch.undo()
    for ruleset in list(default_generator.evaluator.runtime.registered):  # leave no leaked state behind
        runtime._delete_state(runtime._get_host(), ruleset)
    assert wrong > 0


def test_after_a_failed_patient_the_next_patient_is_evaluated_as_if_first(
        default_generator: Generator, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = synthetic_patients(2, seed=13, prefix="k")
    expected = _firings(default_generator, second)
    original = runtime._Host.record

    def fails_once_then_records(host: runtime._Host, ruleset_name: str, rule_name: str, message: object) -> None:
        monkeypatch.setattr(runtime._Host, "record", original)
        host.failures.append("an action failed (test)")  # as record does when an action raises

    monkeypatch.setattr(runtime._Host, "record", fails_once_then_records)
    with _counting_deletes(monkeypatch) as deleted:
        with pytest.raises(EngineError, match="an action failed"):
            _firings(default_generator, first)
        assert deleted[0] >= 1  # the failed ruleset's state was deleted, not kept
    assert _firings(default_generator, second) == expected
