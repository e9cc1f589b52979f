"""The AHA PREVENT equations (``engine.clinical.prevent``) as the ``prevent_risk`` facts.

One fact per outcome and horizon: 10-year total CVD, ASCVD and heart failure always; 30-year ones
only when the recorded age is one the 30-year equations cover (30-59 years, Khan 2024), since an
older patient's 30-year risk is not given and would only add a "not calculated" line to every plan.
Each fact carries ``value`` (percent, one decimal) when computed, else ``missing`` (the inputs not
recorded, in words) and/or ``out_of_range`` (the ranges, never the values), and always ``model``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.clinical.not_calculated import input_label, join_words
from engine.clinical.prevent import HORIZONS, RANGES, THIRTY_YEAR_AGE, PreventInputs, PreventResult, risk
from engine.clinical.risk_inputs import InputRange, RiskInputs
from engine.facts.fact import Fact, Scalar

# prevent.py's outcome names -> the fact's short words (rules write `outcome: cvd`)
OUTCOME_WORDS = {"total_cvd": "cvd", "ascvd": "ascvd", "heart_failure": "hf"}

_PREVENT_INPUTS = ("age", "sex", "total_cholesterol_mg_dl", "hdl_mg_dl", "systolic", "treated_for_hypertension",
                   "on_statin", "diabetes", "smoker", "egfr", "bmi", "uacr_mg_g", "hba1c_percent", "sdi_decile")


def _ranges() -> dict[str, InputRange]:
    return {r.field: InputRange(r.low, r.high, r.unit, r.below_high, r.whole) for r in RANGES}


def prevent_inputs(inputs: RiskInputs) -> PreventInputs:
    return PreventInputs(
        age=inputs.age, sex=inputs.sex, total_cholesterol_mg_dl=inputs.total_cholesterol_mg_dl,
        hdl_mg_dl=inputs.hdl_mg_dl, systolic=inputs.systolic,
        treated_for_hypertension=inputs.treated_for_hypertension, on_statin=inputs.on_statin,
        diabetes=inputs.diabetes, smoker=inputs.smoker, egfr=inputs.egfr, bmi=inputs.bmi,
        uacr_mg_g=inputs.uacr_mg_g, hba1c_percent=inputs.hba1c_percent, sdi_decile=inputs.sdi_decile)


def result_fact(fact_type: str, result: PreventResult) -> Fact:
    """The fact of one estimate; ``missing`` and ``out_of_range`` name inputs and ranges, never values."""
    fields: dict[str, Scalar | None] = {
        "outcome": OUTCOME_WORDS[result.outcome], "years": result.years, "model": result.model,
        "value": result.percent,
        "missing": join_words([input_label(name) for name in result.missing]) or None,
        "out_of_range": "; ".join(result.out_of_range) or None,
    }
    return Fact.make(fact_type, fields)


def _thirty_year_applies(age: int | None) -> bool:
    return age is not None and THIRTY_YEAR_AGE.contains(float(age))


@dataclass(frozen=True)
class PreventEquations:
    """PREVENT (Khan 2024): the base model, or the UACR, HbA1c, SDI or full model as the add-ons recorded allow."""

    name: str = "prevent"
    version: str = "2024"
    fact_type: str = "prevent_risk"
    inputs: tuple[str, ...] = _PREVENT_INPUTS
    ranges: dict[str, InputRange] = field(default_factory=_ranges)

    def compute(self, inputs: RiskInputs) -> tuple[Fact, ...]:
        given = prevent_inputs(inputs)
        horizons = [years for years in HORIZONS if years == 10 or _thirty_year_applies(inputs.age)]
        return tuple(result_fact(self.fact_type, risk(given, outcome, years))
                     for years in horizons for outcome in OUTCOME_WORDS)
