"""What risk calculators read (``RiskInputs``) and the shape of a validated input range (``InputRange``).

Kept apart from the calculators so each equation's adapter and the pack's declaration checker
(``engine.pack.calculators``) share one vocabulary of input names: the field names below.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RiskInputs:
    """What risk calculators may read; None is "not recorded", never a default."""

    age: int | None
    sex: str | None
    race: str | None
    total_cholesterol_mg_dl: float | None
    hdl_mg_dl: float | None
    systolic: float | None  # unrounded mean of the category's readings, mmHg
    treated_for_hypertension: bool  # an active medicine the pack classes as lowering blood pressure
    diabetes: bool  # a diabetes condition, or HbA1c >= 6.5% (ADA diagnostic criterion)
    smoker: bool | None  # current smoker; None when smoking status is not recorded
    egfr: float | None = None  # mL/min/1.73 m2
    bmi: float | None = None  # kg/m2, unrounded, from the recorded height and weight
    on_statin: bool = False  # an active medicine the pack classes as a statin
    uacr_mg_g: float | None = None  # urine albumin-to-creatinine ratio
    hba1c_percent: float | None = None
    sdi_decile: int | None = None  # social deprivation index decile of the residence, 1-10


INPUT_NAMES: tuple[str, ...] = tuple(RiskInputs.__dataclass_fields__)


@dataclass(frozen=True)
class InputRange:
    """An inclusive range an equation was validated in (``below_high``: the upper bound is excluded)."""

    low: float
    high: float
    unit: str
    below_high: bool = False
    whole: bool = False

    def within(self, other: InputRange) -> bool:
        """True when this range lies inside ``other`` (a pack may narrow a range, never widen it)."""
        top_ok = self.high < other.high or (self.high == other.high and (self.below_high or not other.below_high))
        return self.low >= other.low and top_ok

    def contains(self, value: float) -> bool:
        if self.whole and not value.is_integer():
            return False
        return self.low <= value < self.high if self.below_high else self.low <= value <= self.high

    def text(self, label: str) -> str:
        """The range in words, never a patient's value: "age 30-79 years"."""
        bounds = f"{self.low:g} to under {self.high:g}" if self.below_high else f"{self.low:g}-{self.high:g}"
        return f"{label} {bounds} {self.unit}".rstrip()
