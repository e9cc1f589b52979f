"""The patient's blood-pressure readings as a small chart: geometry for an inline SVG, no script.

One point per reading of the patient file (systolic a circle, diastolic a square, so the two
differ by shape as well as colour), in date order (undated readings after the dated ones, in
file order), evenly spaced along x with the date beneath. The target lines come from the plan's
blood-pressure goal ("< 130/80 mmHg"); a plan without one draws no target line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from engine.patient.model import BloodPressureReading
from engine.plan.model import Plan

WIDTH = 560
HEIGHT = 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 44  # margins for the axis labels
STEP_MMHG = 20
SQUARE = 9
_TARGET = re.compile(r"(\d{2,3})\s*/\s*(\d{2,3})\s*mm\s*Hg", re.IGNORECASE)


@dataclass(frozen=True)
class ChartPoint:
    x: float
    systolic_y: float
    diastolic_y: float
    systolic: float
    diastolic: float
    label: str  # the date, or "no date"
    setting: str

    @property
    def square_x(self) -> float:
        """The diastolic square's corner (the template draws a 9-unit square centred on the point)."""
        return round(self.x - SQUARE / 2, 1)

    @property
    def square_y(self) -> float:
        return round(self.diastolic_y - SQUARE / 2, 1)


@dataclass(frozen=True)
class GridLine:
    y: float
    mmhg: int

    @property
    def label_y(self) -> float:
        return round(self.y + 4, 1)  # the label's baseline, so its middle sits on the line


@dataclass(frozen=True)
class BpChart:
    points: tuple[ChartPoint, ...]
    grid: tuple[GridLine, ...]
    target_systolic: int | None
    target_diastolic: int | None
    target_systolic_y: float | None
    target_diastolic_y: float | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    label_x: int = LEFT - 6
    right_edge: int = WIDTH - RIGHT
    bottom_edge: int = HEIGHT - BOTTOM

    @property
    def systolic_line(self) -> str:
        return " ".join(f"{p.x:g},{p.systolic_y:g}" for p in self.points)

    @property
    def diastolic_line(self) -> str:
        return " ".join(f"{p.x:g},{p.diastolic_y:g}" for p in self.points)


def bp_target(plan: Plan) -> tuple[int, int] | None:
    """The plan's blood-pressure target (systolic, diastolic) from its goal, if it has one."""
    for goal in plan.goals:
        if "blood pressure" not in goal.text.lower() and not goal.rule.startswith("bp."):
            continue
        found = _TARGET.search(goal.target or "") or _TARGET.search(goal.text)
        if found:
            return int(found.group(1)), int(found.group(2))
    return None


def _ordered(readings: Sequence[BloodPressureReading]) -> list[BloodPressureReading]:
    return sorted(readings, key=lambda r: (r.date is None, str(r.date or "")))  # stable for ties


def _scale(low: float, high: float) -> tuple[int, int]:
    """The y range in whole steps of 20 mmHg around the readings and the target."""
    bottom = int(low // STEP_MMHG) * STEP_MMHG
    top = int(-(-high // STEP_MMHG)) * STEP_MMHG
    return bottom, max(top, bottom + STEP_MMHG)


def bp_chart(readings: Sequence[BloodPressureReading], plan: Plan) -> BpChart | None:
    """The chart of the readings, or None when there are none."""
    if not readings:
        return None
    ordered = _ordered(readings)
    target = bp_target(plan)
    values = [float(v) for r in ordered for v in (r.systolic, r.diastolic)] + list(target or ())
    bottom, top = _scale(min(values) - 5, max(values) + 5)
    plot_height = HEIGHT - TOP - BOTTOM

    def y(mmhg: float) -> float:
        return round(TOP + (top - mmhg) * plot_height / (top - bottom), 1)

    plot_width = WIDTH - LEFT - RIGHT
    gap = plot_width / len(ordered)
    points = tuple(
        ChartPoint(x=round(LEFT + gap * (i + 0.5), 1), systolic_y=y(r.systolic), diastolic_y=y(r.diastolic),
                   systolic=float(r.systolic), diastolic=float(r.diastolic),
                   label=str(r.date) if r.date else "no date", setting=r.setting)
        for i, r in enumerate(ordered))
    grid = tuple(GridLine(y=y(m), mmhg=m) for m in range(bottom, top + 1, STEP_MMHG))
    return BpChart(points=points, grid=grid,
                   target_systolic=target[0] if target else None, target_diastolic=target[1] if target else None,
                   target_systolic_y=y(target[0]) if target else None,
                   target_diastolic_y=y(target[1]) if target else None)
