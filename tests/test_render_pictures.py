"""The patient document's pictures: the 10-year risk as 100 people, the blood-pressure readings
as a chart, both inline SVG with their meaning in words."""

from __future__ import annotations

import html as html_text
import re
from pathlib import Path

import pytest

from engine.generator import Generator
from engine.patient.loader import load_patient
from engine.patient.model import BloodPressureReading
from engine.plan.model import Assessment, Goal, Plan
from engine.render.bp_chart import bp_chart
from engine.render.risk_picture import people_of_100, risk_picture

ROOT = Path(__file__).resolve().parent.parent
AT = "2026-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def complex_patient(default_generator: Generator) -> tuple[Plan, list[BloodPressureReading], str]:
    patient = load_patient(ROOT / "examples/complex-patient.yaml")
    plan = default_generator.run(patient, at=AT).plan
    return plan, list(patient.vitals.blood_pressure), default_generator.render(plan, "html", "patient", patient)


def _with_risk(plan: Plan, *assessments: Assessment) -> Plan:
    """The plan with its 10-year risks (PCE and PREVENT) replaced by ``assessments``."""
    kept = [a for a in plan.assessments if a.kind != "ascvd-risk-10y" and not a.kind.startswith("prevent-")]
    return plan.model_copy(update={"assessments": [*kept, *assessments]})


def _affected(html: str) -> int:
    return html.count('class="person affected"')


@pytest.mark.parametrize(("percent", "people"), [(19.4, 19), (12.5, 13), (0.4, 0), (0.5, 1), (99.6, 100), (7, 7)])
def test_risk_is_rounded_to_the_nearest_whole_person_halves_up(percent: float, people: int) -> None:
    assert people_of_100(percent) == people


def test_the_icon_array_colours_as_many_people_as_the_risk_says(
        complex_patient: tuple[Plan, list[BloodPressureReading], str]) -> None:
    plan, _, html = complex_patient
    # The plan has both 10-year risks; the picture is PREVENT's total CVD (the 2025 BP guideline's).
    assert next(a for a in plan.assessments if a.kind == "ascvd-risk-10y").value == 19.4
    risk = next(a for a in plan.assessments if a.kind == "prevent-cvd-10y")
    assert risk.value == 27.4
    section = html.split('<section id="risk-picture"')[1].split("</section>")[0]
    assert section.count('class="person') == 100
    assert _affected(section) == 27
    sentence = ("About 27 of 100 people like you will have a heart attack, a stroke or heart failure in the "
                "next 10 years.")
    assert sentence in html_text.unescape(section)
    svg = section.split("<svg")[1].split("</svg>")[0]
    assert 'role="img"' in svg and f"<title>{sentence}" in html_text.unescape(svg) and "aria-label=" in svg


def test_prevent_10_year_cvd_risk_is_pictured_when_the_plan_has_it(
        default_generator: Generator, complex_patient: tuple[Plan, list[BloodPressureReading], str]) -> None:
    plan, _, _ = complex_patient
    prevent = Assessment(kind="prevent-risk", value=8.2, unit="%", details={"outcome": "cvd", "years": 10},
                         because=[])
    prevent_30 = Assessment(kind="prevent-risk", value=31.0, unit="%", details={"outcome": "cvd", "years": 30},
                            because=[])
    pce = Assessment(kind="ascvd-risk-10y", value=19.4, unit="%", because=[])
    both = _with_risk(plan, prevent_30, pce, prevent)
    picture = risk_picture(both)
    assert picture is not None and picture.source == "prevent" and picture.people == 8
    html = default_generator.render(both, "html", "patient")
    assert _affected(html) == 8
    assert "About 8 of 100 people like you will have a heart attack, a stroke or heart failure" in html


def test_a_risk_below_half_a_percent_says_fewer_than_one(
        default_generator: Generator, complex_patient: tuple[Plan, list[BloodPressureReading], str]) -> None:
    plan, _, _ = complex_patient
    html = default_generator.render(_with_risk(plan, Assessment(kind="ascvd-risk-10y", value=0.3, because=[])),
                                    "html", "patient")
    assert 'class="person' in html and _affected(html) == 0
    assert "Fewer than 1 of 100 people like you" in html


def test_a_plan_without_a_10_year_risk_has_no_icon_array(
        default_generator: Generator, complex_patient: tuple[Plan, list[BloodPressureReading], str]) -> None:
    plan, _, html = complex_patient
    assert 'id="risk-picture"' in html  # the section this test says is absent does exist with a risk
    assert 'id="risk-picture"' not in default_generator.render(_with_risk(plan), "html", "patient")


def test_the_bp_chart_draws_one_point_per_reading_with_the_target(
        complex_patient: tuple[Plan, list[BloodPressureReading], str]) -> None:
    _, readings, html = complex_patient
    assert len(readings) == 3
    svg = html.split('<section id="bp-chart"')[1].split("</svg>")[0]
    assert svg.count('<circle class="systolic"') == 3 and svg.count('<rect class="diastolic"') == 3
    assert svg.count('<line class="target"') == 2  # the plan's goal: below 130/80
    for reading in readings:
        assert f">{reading.date}</text>" in svg
    assert 'role="img"' in svg and "<title>Chart of your 3 blood pressure readings." in svg
    table = html.split('<table class="readings">')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + 3  # a header row and one row per reading


def test_chart_points_follow_the_dates_and_undated_readings_come_last(
        complex_patient: tuple[Plan, list[BloodPressureReading], str]) -> None:
    plan, _, _ = complex_patient
    readings = [BloodPressureReading(systolic=140, diastolic=90, date=None),
                BloodPressureReading(systolic=150, diastolic=95, date="2026-03-02"),
                BloodPressureReading(systolic=130, diastolic=85, date="2026-03-01")]
    chart = bp_chart(readings, plan)
    assert chart is not None
    assert [p.label for p in chart.points] == ["2026-03-01", "2026-03-02", "no date"]
    xs = [p.x for p in chart.points]
    assert xs == sorted(xs)
    higher = [p.systolic_y for p in chart.points]
    assert higher[1] < higher[0]  # 150 is drawn above 130 (SVG y grows downwards)
    assert (chart.target_systolic, chart.target_diastolic) == (130, 80)


def test_no_readings_no_chart_and_no_goal_no_target_line(
        default_generator: Generator, complex_patient: tuple[Plan, list[BloodPressureReading], str]) -> None:
    plan, readings, html = complex_patient
    assert 'id="bp-chart"' in html
    assert 'id="bp-chart"' not in default_generator.render(plan, "html", "patient")  # no patient, no readings
    no_goal = plan.model_copy(update={"goals": [g for g in plan.goals if not g.rule.startswith("bp.")]})
    chart = bp_chart(readings, no_goal)
    assert chart is not None and chart.target_systolic is None
    other = Goal(text="Bring blood pressure below 140/90 mmHg", target="< 140/90 mmHg", rule="bp.target")
    moved = bp_chart(readings, no_goal.model_copy(update={"goals": [other]}))
    assert moved is not None and (moved.target_systolic, moved.target_diastolic) == (140, 90)


def test_the_pictures_are_deterministic(
        default_generator: Generator, complex_patient: tuple[Plan, list[BloodPressureReading], str]) -> None:
    plan, _, html = complex_patient
    patient = load_patient(ROOT / "examples/complex-patient.yaml")
    assert default_generator.render(plan, "html", "patient", patient) == html
    assert re.search(r"\d\.\d{3,}", html.split("<svg")[2].split("</svg>")[0]) is None  # coordinates rounded
