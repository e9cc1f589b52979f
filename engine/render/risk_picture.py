"""The 10-year risk as a 100-person icon array: geometry for an inline SVG, no script.

Icon arrays (a grid of 100 people, N of them coloured) are how risk is best understood by
patients, including those with low numeracy, understand a risk more accurately (Galesic,
Garcia-Retamero and Gigerenzer, Health Psychol 2009;28:210-6, PMID 19290713,
doi:10.1037/a0014474): "N of 100 people like you" reads more reliably than a percentage.

Which risk: the PREVENT 10-year total cardiovascular risk when the plan has it (the 2025
AHA/ACC guideline uses PREVENT), else the Pooled Cohort Equations' 10-year ASCVD risk
(``ascvd-risk-10y``). Rounding: to the nearest whole person, halves up (12.5 % is 13 people),
so the picture and its sentence say the same number; above 0 but below 0.5 % is 0 people and
the sentence says "fewer than 1".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.plan.model import Assessment, Plan

PCE_KIND = "ascvd-risk-10y"
COLUMNS = 10
PEOPLE = 100
ICON_WIDTH = 24  # SVG user units per person, with its gap
ICON_HEIGHT = 30


@dataclass(frozen=True)
class Person:
    x: int
    y: int
    affected: bool


@dataclass(frozen=True)
class RiskPicture:
    percent: float  # the plan's figure, as it stands in the assessment
    people: int  # of 100, rounded as the module says
    source: str  # "prevent" or "pce"
    persons: tuple[Person, ...]
    width: int
    height: int

    @property
    def fewer_than_one(self) -> bool:
        return self.people == 0 and self.percent > 0


def people_of_100(percent: float) -> int:
    """Whole people of 100 for a risk in percent: nearest, halves up, within 0..100."""
    return max(0, min(PEOPLE, math.floor(percent + 0.5)))


PREVENT_10Y_CVD_KIND = "prevent-cvd-10y"  # rules/cardiovascular/prevent-risk.yaml; docs/contract.md, section 3


def _is_prevent_10y_cvd(a: Assessment) -> bool:
    """A PREVENT 10-year total-CVD assessment: the default pack's kind, or a pack's own prevent-* kind whose
    details say outcome cvd and 10 years."""
    if a.kind == PREVENT_10Y_CVD_KIND:
        return True
    if not a.kind.startswith("prevent"):
        return False
    return str(a.details.get("outcome")) == "cvd" and str(a.details.get("years")) == "10"


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).rstrip("% "))
    except ValueError:
        return None


def chosen_risk(plan: Plan) -> tuple[float, str] | None:
    """The 10-year risk to picture and where it comes from, or None when the plan has none."""
    for source, test in (("prevent", _is_prevent_10y_cvd), ("pce", lambda a: a.kind == PCE_KIND)):
        for a in plan.assessments:
            value = _number(a.value) if test(a) else None
            if value is not None and 0 <= value <= PEOPLE:
                return value, source
    return None


def risk_picture(plan: Plan) -> RiskPicture | None:
    found = chosen_risk(plan)
    if found is None:
        return None
    percent, source = found
    people = people_of_100(percent)
    persons = tuple(Person(x=(i % COLUMNS) * ICON_WIDTH, y=(i // COLUMNS) * ICON_HEIGHT, affected=i < people)
                    for i in range(PEOPLE))
    return RiskPicture(percent=percent, people=people, source=source, persons=persons,
                       width=COLUMNS * ICON_WIDTH, height=(PEOPLE // COLUMNS) * ICON_HEIGHT)
