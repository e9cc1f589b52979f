"""Office and out-of-office blood pressure are read against their own thresholds (ACC/AHA 2017 section
4.2, Table 11): the category comes from the office readings when there are any, else from the
out-of-office readings and their corresponding bands; readings of different settings are never
averaged; white-coat and masked hypertension are named."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from engine.generator import Generator
from engine.patient.model import Patient
from engine.plan.model import Plan

AT = "2026-01-01T00:00:00Z"
BP = Path(__file__).resolve().parent.parent / "knowledge" / "bp"


def _plan(generator: Generator, readings: list[dict[str, Any]], **sections: Any) -> Plan:
    patient = Patient.model_validate({"id": "p", "vitals": {"blood_pressure": readings}, **sections})
    return generator.run(patient, at=AT).plan


def _assessed(plan: Plan, kind: str) -> list[str]:
    return [str(a.value) for a in plan.assessments if a.kind == kind]


def _reading(systolic: float, diastolic: float, setting: str) -> dict[str, Any]:
    return {"systolic": systolic, "diastolic": diastolic, "setting": setting}


def _rows(name: str) -> list[dict[str, str]]:
    with (BP / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize(("component", "office_threshold"), [("systolic", "office_systolic"),
                                                            ("diastolic", "office_diastolic")])
def test_each_settings_bands_start_at_table_11s_corresponding_values(component: str, office_threshold: str) -> None:
    bands = {(row["setting"], row["category"]): float(row["low"]) for row in _rows(f"{component}-categories.csv")}
    corresponding = {(row["setting"], float(row[office_threshold])): float(row[component])
                     for row in _rows("corresponding-values.csv")}
    settings = {setting for setting, _ in bands}
    assert settings == {"office", "home", "ambulatory"}
    # stage 1 starts where the setting's value corresponds to an office 130/80, stage 2 to an office 140/90
    stage_1_office = 130.0 if component == "systolic" else 80.0
    stage_2_office = 140.0 if component == "systolic" else 90.0
    for setting in settings:
        assert bands[(setting, "stage 1 hypertension")] == corresponding[(setting, stage_1_office)]
        assert bands[(setting, "stage 2 hypertension")] == corresponding[(setting, stage_2_office)]


def test_office_readings_give_the_category_and_home_readings_are_not_averaged_in(
        default_generator: Generator) -> None:
    office = [_reading(126, 78, "office"), _reading(124, 76, "office")]
    assert _assessed(_plan(default_generator, office), "bp-category") == ["elevated"]
    # the mean of all four readings (137/85.5) would be stage 1; the office mean stays elevated
    mixed = _plan(default_generator, office + [_reading(150, 94, "home"), _reading(148, 94, "home")])
    assert _assessed(mixed, "bp-category") == ["elevated"]
    assert _assessed(mixed, "bp-pattern") == ["masked hypertension"]


@pytest.mark.parametrize(("setting", "systolic", "diastolic", "category"), [
    ("home", 133, 78, "stage 1 hypertension"),
    ("home", 136, 78, "stage 2 hypertension"),  # home 135 corresponds to office 140
    ("home", 128, 86, "stage 2 hypertension"),  # home 85 corresponds to office 90
    ("ambulatory", 136, 78, "stage 2 hypertension"),
    ("office", 136, 78, "stage 1 hypertension"),
])
def test_out_of_office_readings_alone_use_their_own_bands(default_generator: Generator, setting: str, systolic: float,
                                                          diastolic: float, category: str) -> None:
    plan = _plan(default_generator, [_reading(systolic, diastolic, setting)])
    assert _assessed(plan, "bp-category") == [category]


def test_white_coat_hypertension_is_named_and_holds_the_first_line_medicine(default_generator: Generator) -> None:
    office = [_reading(152, 96, "office")]
    sustained = _plan(default_generator, office, demographics={"age": 50})
    assert any(r.id == "bp.start-first-line-medicine" for r in sustained.recommendations)
    plan = _plan(default_generator, office + [_reading(122, 76, "home")], demographics={"age": 50})
    assert _assessed(plan, "bp-category") == ["stage 2 hypertension"]
    assert _assessed(plan, "bp-pattern") == ["white-coat hypertension"]
    assert not any(r.id == "bp.start-first-line-medicine" for r in plan.recommendations)
    confirm = next(r for r in plan.recommendations if r.id == "bp.confirm-out-of-office")
    assert "Confirm with daytime ambulatory monitoring" in confirm.text


def test_the_risk_equations_read_the_same_systolic_as_the_category(default_generator: Generator) -> None:
    sections: dict[str, Any] = {"demographics": {"age": 60, "sex": "male", "race": "white"},
                                "labs": {"total_cholesterol_mg_dl": 210, "hdl_mg_dl": 45},
                                "lifestyle": {"smoking": "never"}}
    office_only = _plan(default_generator, [_reading(150, 90, "office")], **sections)
    with_home = _plan(default_generator, [_reading(150, 90, "office"), _reading(120, 76, "home")], **sections)
    assert _assessed(office_only, "ascvd-risk-10y") == _assessed(with_home, "ascvd-risk-10y") != []
