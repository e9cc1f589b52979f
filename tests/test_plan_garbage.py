"""A plan and its JSON leave no reference cycles behind: what they built is freed as soon as it is dropped.

A batch worker and the resident process make plan after plan. Garbage in a cycle waits for the
cyclic collector, and once it has outlived two young collections it waits for a full pass over
the whole heap (the compiled pack, the memos: about 160 ms each on the project's machine). A
recursive inner function (``Evaluation.chain``'s walk) once held every plan's evaluation in such
a cycle. (Documents are another matter: a Jinja macro and its context refer to each other, and the
standard library's indenting JSON encoder, which writes the FHIR bundle, is made of recursive
closures; neither is this project's code.)
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from engine.generator import Generator
from engine.intake.records import load_record

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.yaml"))
AT = "2026-01-01T00:00:00Z"


@contextmanager
def collector_paused() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _plan(generator: Generator, path: Path) -> int:
    """Make one plan and its JSON (what ``careplan batch`` writes by default); how many firings it had."""
    result = generator.run(load_record(path, model=generator.patient_model), at=AT)
    assert generator.render(result.plan, "json").startswith("{")
    return len(result.evaluation.firings)


def test_the_check_finds_a_cycle_a_plan_leaves() -> None:
    """The control: garbage in a cycle is counted by the same check."""
    with collector_paused():
        ring: list[object] = []
        ring.append(ring)
        del ring
        assert gc.collect() >= 1


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_a_plan_leaves_no_cycles(default_generator: Generator, path: Path) -> None:
    _plan(default_generator, path)  # first use: rules built, lookups filed, memos filled
    with collector_paused():
        assert _plan(default_generator, path) > 0
        assert gc.collect() == 0
