"""The in-memory store behind patient-view's plan links: bounded in count and in time."""

from __future__ import annotations

from engine.generator import Generator
from engine.patient.loader import parse_patient
from engine.plan.model import Plan
from engine.service.plan_store import PlanStore


class Clock:
    """A clock the test moves by hand (the store's own is time.monotonic)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _plan(default_generator: Generator) -> Plan:
    patient = parse_patient('{"id": "store-test", "demographics": {"age": 50, "sex": "female"}}', "p.json",
                            default_generator.patient_model)
    return default_generator.run(patient, at="2026-01-01T00:00:00Z").plan


def test_a_kept_plan_is_served_until_it_expires(default_generator: Generator) -> None:
    clock = Clock()
    store = PlanStore(capacity=4, ttl_seconds=60, clock=clock)
    token = store.keep("hook-1", _plan(default_generator))
    html = store.document(token, lambda plan: default_generator.render(plan, "html"))
    assert html is not None and "store-test" in html
    clock.now += 59
    assert store.document(token, lambda plan: "rendered again") == html  # rendered once, then kept
    clock.now += 2
    assert store.document(token, lambda plan: "x") is None
    assert len(store) == 0


def test_the_oldest_plans_leave_when_the_store_is_full(default_generator: Generator) -> None:
    store = PlanStore(capacity=2, ttl_seconds=600, clock=Clock())
    plan = _plan(default_generator)
    first, second, third = (store.keep(f"hook-{i}", plan) for i in range(3))
    assert store.document(first, lambda p: "doc") is None
    assert store.document(second, lambda p: "doc") == "doc" and store.document(third, lambda p: "doc") == "doc"
    assert len(store) == 2


def test_links_are_stable_in_a_process_and_unguessable_across_processes() -> None:
    one, other = PlanStore(), PlanStore()
    assert one.token("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea") == one.token("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea")
    assert one.token("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea") != other.token("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea")
    assert "d1577c69" not in one.token("d1577c69-dfbe-44ad-ba6d-3e05e953b2ea")
