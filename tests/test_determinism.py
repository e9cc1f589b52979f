"""The plan depends on what the patient file says, never on the order its lists are written in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.generator import Generator
from engine.patient.loader import load_patient
from engine.patient.model import Patient
from tests.packs import rule_doc, write_pack
from tests.patient_facts import facts_of
from tests.strategies import patient_data

AT = "2026-01-01T00:00:00Z"
SECTIONS = ("genotypes", "medications", "conditions")
SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def order_pack(tmp_path_factory: pytest.TempPathFactory) -> Generator:
    """Rules whose output shows the mean pressure, joins two list sections, and negates one."""
    rules = {
        "bp": rule_doc("t.bp", {"all": [{"blood_pressure": {"systolic": {"ge": 130}, "as": "b"}}]},
                       [{"warn": {"text": "mean {b.systolic}/{b.diastolic} over {b.readings}"}}]),
        "drug-gene": rule_doc("t.drug-gene", {"all": [
            {"genotype": {"gene": "CYP2C19", "as": "g"}},
            {"medication": {"status": {"ne": "stopped"}, "as": "m"}}]},
            [{"recommend": {"category": "medication", "action": "consider", "drug": {"ref": "m.name"},
                            "text": "{m.name} with {g.gene} {g.diplotype}"}}]),
        "no-ckd": rule_doc("t.no-ckd", {"all": [{"medication": {"as": "m"}}], "none": [{"condition": {"name": "ckd"}}]},
                           [{"data_gap": {"text": "{m.name}: no kidney disease recorded"}}]),
    }
    return Generator(write_pack(tmp_path_factory.mktemp("order"), rules))


@st.composite
def patient_and_shuffled(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    data = draw(patient_data())
    shuffled = dict(data)
    for section in SECTIONS:
        shuffled[section] = draw(st.permutations(data[section]))
    readings = data["vitals"]["blood_pressure"]
    shuffled["vitals"] = {**data["vitals"], "blood_pressure": draw(st.permutations(readings))}
    return data, shuffled


def _plan(generator: Generator, data: dict[str, Any]) -> str:
    return generator.run(Patient.model_validate(data), at=AT).plan.to_json()


@SETTINGS
@given(pair=patient_and_shuffled())
def test_default_pack_plan_ignores_list_order(default_generator: Generator,
                                              pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    data, shuffled = pair
    assert _plan(default_generator, data) == _plan(default_generator, shuffled)


@SETTINGS
@given(pair=patient_and_shuffled())
def test_custom_pack_plan_ignores_list_order(order_pack: Generator,
                                             pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    data, shuffled = pair
    assert _plan(order_pack, data) == _plan(order_pack, shuffled)


@SETTINGS
@given(data=patient_data())
def test_same_input_twice_gives_the_same_bytes(order_pack: Generator, default_generator: Generator,
                                               data: dict[str, Any]) -> None:
    for generator in (order_pack, default_generator):
        first = generator.run(Patient.model_validate(data), at=AT).plan.to_json().encode()
        assert first == generator.run(Patient.model_validate(data), at=AT).plan.to_json().encode()


def test_example_patients_give_stable_bytes(default_generator: Generator) -> None:
    root = Path(__file__).resolve().parent.parent / "examples"
    for path in sorted(root.glob("*.yaml")):
        patient = load_patient(path)
        outputs = {default_generator.run(patient, at=AT).plan.to_json() for _ in range(3)}
        assert len(outputs) == 1


def test_mean_pressure_ignores_the_order_of_decimal_readings(order_pack: Generator) -> None:
    values = [133.3, 183.9, 142.8, 171.8]
    plans = []
    for ordered in (values, list(reversed(values))):
        data = {"id": "p", "vitals": {"blood_pressure": [{"systolic": v, "diastolic": 80} for v in ordered]}}
        facts = [f.values for f in facts_of(Patient.model_validate(data)) if f.type == "blood_pressure"]
        plans.append((facts, _plan(order_pack, data)))
    assert plans[0] == plans[1]
