"""10-year ASCVD risk from the 2013 ACC/AHA Pooled Cohort Equations (PCE).

Source: Goff DC Jr, Lloyd-Jones DM, Bennett G, et al. 2013 ACC/AHA Guideline on the Assessment
of Cardiovascular Risk. Circulation. 2014;129(25 Suppl 2):S49-S73 (also J Am Coll Cardiol.
2014;63(25 Pt B):2935-2959), Appendix 7 / Table A of the Work Group report: sex- and
race-specific Cox models, risk = 1 - S10 ** exp(individual sum - group mean sum).

Choices, and why:

* Coefficients. Table A prints the coefficients to 3 decimals, the baseline survival S10 to 4
  and the mean sum to 2. The table below keeps the extended-precision values carried by the
  widely used reference implementations (Cerner's ASCVD Risk Calculator,
  github.com/cerner/ascvd-risk-calculator app/load_fhir_data.js; zipnosis/ascvd
  lib/ascvd/ten_year_calculator.rb; bcjaeger/PooledCohort, which copies Cerner's). Every one of
  them rounds to the Table A value (cross-checked against the Table A transcription in
  vcastro/CVrisk data-raw/score_coef.R; ``TABLE_A`` below and its test). The extra digits matter:
  with the rounded S10 and mean the African-American female estimate moves by up to 0.2
  percentage points, and the reference implementations' published test vectors are only
  reproduced with the extended values.
* Full precision, one rounding. The sum, exponent and power use ``math.log``/``math.exp`` in
  IEEE double precision; only the final percentage is rounded, half-up to one decimal via
  ``Decimal(repr(value))`` (shortest round-tripping decimal, so 5.25 -> 5.3 and the result is
  the same on every platform). A consequence: the guideline's worked example for a white man
  (Table A footnote, "5.3%") comes out 5.4 (5.38...), because Table A sums coefficient x value
  products that were already rounded; the three other groups agree with the table (2.1, 3.0,
  6.1). bcjaeger/PooledCohort and lhegstrom/PyASCVD test 5.4 for the same reason.
* Ranges. The equations were derived for ages 40-79 and are applied only to total cholesterol
  130-320 mg/dL, HDL cholesterol 20-100 mg/dL and systolic blood pressure 90-200 mmHg, bounds
  inclusive: the ranges the ACC/AHA ASCVD Risk Estimator accepts, as enforced in Cerner's
  implementation (isValidTotalCholesterol/isValidHDL/isValidSysBP, age 40-79). Outside
  them no number is returned: extrapolating a Cox model with log and interaction terms gives
  paradoxical results. ``out_of_range`` names the range, never the patient's value, so the
  message can go into a plan without leaking a measurement out of its context.
* Race. The guideline provides white and African-American equations and advises the white
  equations for other groups, noting they may over- or underestimate risk. "black" (and the
  OMB/US Core wording "Black or African American", "African American", any case) selects the
  African-American equations; anything else, or no race, the white ones, and
  ``equation_note`` says so.
* Missing data. No imputation: a missing or unrecognised input (including a non-finite number
  or a sex other than "female"/"male") yields ``percent=None`` and is listed in ``missing`` in the
  fixed order of ``PceInputs``'s fields, so a data gap in the plan is stable.
* No smoothing. The published equations are not monotone everywhere in the validated ranges
  (for white men smoking adds 7.837 - 1.795 ln(age), negative at 79; for women the age gradient
  turns negative with low HDL and high TC or SBP); they are reproduced as published.
* The risk is capped to 0-100 (the formula cannot leave (0, 1), but the cap keeps the contract
  explicit).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from engine.clinical.not_calculated import input_label, not_calculated

__all__ = ["COEFFICIENTS", "RANGES", "TABLE_A", "PceCoefficients", "PceInputs", "PceResult", "ValidRange",
           "describe_missing", "ten_year_risk"]


@dataclass(frozen=True)
class PceInputs:
    age: int | None  # years
    sex: str | None  # "female" | "male" (others -> missing)
    race: str | None  # "black" -> African-American equations; anything else or None -> white equations
    total_cholesterol_mg_dl: float | None
    hdl_mg_dl: float | None
    systolic: float | None  # mmHg
    treated_for_hypertension: bool | None
    diabetes: bool | None
    smoker: bool | None


@dataclass(frozen=True)
class PceResult:
    percent: float | None  # 10-year risk in percent, one decimal, half-up
    equation: str | None  # e.g. "white male", "african-american female"; None when sex is unknown
    missing: tuple[str, ...]  # names of missing inputs, in PceInputs field order
    out_of_range: tuple[str, ...]  # e.g. ("age 40-79 years",) -- never the patient's value
    equation_note: str | None = None  # set when the white equations stand in for another or unknown race


@dataclass(frozen=True)
class PceCoefficients:
    """One race-sex equation: coefficient per term, mean individual sum, 10-year baseline survival."""

    ln_age: float
    ln_age_squared: float
    ln_total_cholesterol: float
    ln_age_x_ln_total_cholesterol: float
    ln_hdl: float
    ln_age_x_ln_hdl: float
    ln_treated_sbp: float
    ln_age_x_ln_treated_sbp: float
    ln_untreated_sbp: float
    ln_age_x_ln_untreated_sbp: float
    smoker: float
    ln_age_x_smoker: float
    diabetes: float
    mean_sum: float
    baseline_survival: float


# Extended precision, as in cerner/ascvd-risk-calculator and zipnosis/ascvd (see module docstring).
COEFFICIENTS: dict[str, PceCoefficients] = {
    "white female": PceCoefficients(
        ln_age=-29.799, ln_age_squared=4.884, ln_total_cholesterol=13.540, ln_age_x_ln_total_cholesterol=-3.114,
        ln_hdl=-13.578, ln_age_x_ln_hdl=3.149, ln_treated_sbp=2.019, ln_age_x_ln_treated_sbp=0.0,
        ln_untreated_sbp=1.957, ln_age_x_ln_untreated_sbp=0.0, smoker=7.574, ln_age_x_smoker=-1.665,
        diabetes=0.661, mean_sum=-29.1817, baseline_survival=0.96652),
    "african-american female": PceCoefficients(
        ln_age=17.1141, ln_age_squared=0.0, ln_total_cholesterol=0.9396, ln_age_x_ln_total_cholesterol=0.0,
        ln_hdl=-18.9196, ln_age_x_ln_hdl=4.4748, ln_treated_sbp=29.2907, ln_age_x_ln_treated_sbp=-6.4321,
        ln_untreated_sbp=27.8197, ln_age_x_ln_untreated_sbp=-6.0873, smoker=0.6908, ln_age_x_smoker=0.0,
        diabetes=0.8738, mean_sum=86.6081, baseline_survival=0.95334),
    "white male": PceCoefficients(
        ln_age=12.344, ln_age_squared=0.0, ln_total_cholesterol=11.853, ln_age_x_ln_total_cholesterol=-2.664,
        ln_hdl=-7.990, ln_age_x_ln_hdl=1.769, ln_treated_sbp=1.797, ln_age_x_ln_treated_sbp=0.0,
        ln_untreated_sbp=1.764, ln_age_x_ln_untreated_sbp=0.0, smoker=7.837, ln_age_x_smoker=-1.795,
        diabetes=0.658, mean_sum=61.1816, baseline_survival=0.91436),
    "african-american male": PceCoefficients(
        ln_age=2.469, ln_age_squared=0.0, ln_total_cholesterol=0.302, ln_age_x_ln_total_cholesterol=0.0,
        ln_hdl=-0.307, ln_age_x_ln_hdl=0.0, ln_treated_sbp=1.916, ln_age_x_ln_treated_sbp=0.0,
        ln_untreated_sbp=1.809, ln_age_x_ln_untreated_sbp=0.0, smoker=0.549, ln_age_x_smoker=0.0,
        diabetes=0.645, mean_sum=19.5425, baseline_survival=0.89536),
}

# Table A as printed (3-decimal coefficients, S10 to 4 decimals, mean to 2), transcribed from
# vcastro/CVrisk data-raw/score_coef.R; kept only to check COEFFICIENTS against it.
TABLE_A: dict[str, PceCoefficients] = {
    "white female": PceCoefficients(-29.799, 4.884, 13.540, -3.114, -13.578, 3.149, 2.019, 0.0, 1.957, 0.0,
                                    7.574, -1.665, 0.661, -29.18, 0.9665),
    "african-american female": PceCoefficients(17.114, 0.0, 0.940, 0.0, -18.920, 4.475, 29.291, -6.432, 27.820,
                                               -6.087, 0.691, 0.0, 0.874, 86.61, 0.9533),
    "white male": PceCoefficients(12.344, 0.0, 11.853, -2.664, -7.990, 1.769, 1.797, 0.0, 1.764, 0.0,
                                  7.837, -1.795, 0.658, 61.18, 0.9144),
    "african-american male": PceCoefficients(2.469, 0.0, 0.302, 0.0, -0.307, 0.0, 1.916, 0.0, 1.809, 0.0,
                                             0.549, 0.0, 0.645, 19.54, 0.8954),
}


@dataclass(frozen=True)
class ValidRange:
    field: str  # PceInputs field name
    label: str  # clinician-readable name
    low: int
    high: int
    unit: str

    @property
    def text(self) -> str:
        """What ``PceResult.out_of_range`` carries, e.g. "age 40-79 years"."""
        return f"{self.label} {self.low}-{self.high} {self.unit}"


RANGES: tuple[ValidRange, ...] = (
    ValidRange("age", "age", 40, 79, "years"),
    ValidRange("total_cholesterol_mg_dl", "total cholesterol", 130, 320, "mg/dL"),
    ValidRange("hdl_mg_dl", "HDL cholesterol", 20, 100, "mg/dL"),
    ValidRange("systolic", "systolic blood pressure", 90, 200, "mmHg"),
)

_NUMERIC_FIELDS = ("age", "total_cholesterol_mg_dl", "hdl_mg_dl", "systolic")
_BOOLEAN_FIELDS = ("treated_for_hypertension", "diabetes", "smoker")
_FIELD_ORDER = ("age", "sex", "total_cholesterol_mg_dl", "hdl_mg_dl", "systolic",
                "treated_for_hypertension", "diabetes", "smoker")
_BLACK = frozenset({"black", "black or african american", "african american", "african-american"})
_SEXES = frozenset({"female", "male"})
_ONE_DECIMAL = Decimal("0.1")
_OTHER_RACE_NOTE = ("white equations used: the guideline advises them for races other than white or "
                    "African-American, and they may over- or underestimate risk")
_NO_RACE_NOTE = "white equations used: race not recorded; the estimate may over- or underestimate risk"


def _number(value: object) -> float | None:
    """A usable finite number, or None (booleans and non-finite values count as missing)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _equation(sex: str | None, race: str | None) -> tuple[str | None, str | None]:
    """(equation name, note) for a sex and race; name None when sex is not female/male."""
    sex_key = sex.strip().lower() if isinstance(sex, str) else None
    if sex_key not in _SEXES:
        return None, None
    race_key = " ".join(race.strip().lower().split()) if isinstance(race, str) else ""
    if race_key in _BLACK:
        return f"african-american {sex_key}", None
    if race_key == "white":
        return f"white {sex_key}", None
    return f"white {sex_key}", (_NO_RACE_NOTE if race_key == "" else _OTHER_RACE_NOTE)


def _individual_sum(c: PceCoefficients, age: float, total_cholesterol: float, hdl: float, systolic: float,
                    treated: bool, smoker: bool, diabetes: bool) -> float:
    ln_age = math.log(age)
    ln_tc = math.log(total_cholesterol)
    ln_hdl = math.log(hdl)
    ln_sbp = math.log(systolic)
    if treated:
        sbp_terms = c.ln_treated_sbp * ln_sbp + c.ln_age_x_ln_treated_sbp * ln_age * ln_sbp
    else:
        sbp_terms = c.ln_untreated_sbp * ln_sbp + c.ln_age_x_ln_untreated_sbp * ln_age * ln_sbp
    smoking_terms = (c.smoker + c.ln_age_x_smoker * ln_age) if smoker else 0.0
    return (c.ln_age * ln_age
            + c.ln_age_squared * ln_age * ln_age
            + c.ln_total_cholesterol * ln_tc
            + c.ln_age_x_ln_total_cholesterol * ln_age * ln_tc
            + c.ln_hdl * ln_hdl
            + c.ln_age_x_ln_hdl * ln_age * ln_hdl
            + sbp_terms
            + smoking_terms
            + (c.diabetes if diabetes else 0.0))


def _risk_fraction(c: PceCoefficients, individual_sum: float) -> float:
    """1 - S10 ** exp(sum - mean), capped to [0, 1]."""
    risk = 1.0 - math.pow(c.baseline_survival, math.exp(individual_sum - c.mean_sum))
    return min(1.0, max(0.0, risk))


def _round_percent(fraction: float) -> float:
    """Percentage, half-up to one decimal, from the shortest decimal that round-trips the double."""
    percent = min(100.0, max(0.0, fraction * 100.0))
    return float(Decimal(repr(percent)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP))


def ten_year_risk(inputs: PceInputs) -> PceResult:
    """10-year risk of a first hard ASCVD event (PCE 2013), or why it cannot be given."""
    equation, note = _equation(inputs.sex, inputs.race)
    numbers = {name: _number(getattr(inputs, name)) for name in _NUMERIC_FIELDS}
    flags = {name: value if isinstance(value := getattr(inputs, name), bool) else None for name in _BOOLEAN_FIELDS}

    present: dict[str, object] = {**numbers, **flags, "sex": equation}
    missing = tuple(name for name in _FIELD_ORDER if present[name] is None)
    out_of_range = tuple(r.text for r in RANGES
                         if (v := numbers[r.field]) is not None and not r.low <= v <= r.high)

    age, tc, hdl, sbp = (numbers[name] for name in _NUMERIC_FIELDS)
    treated, diabetes, smoker = (flags[name] for name in _BOOLEAN_FIELDS)
    if (out_of_range or equation is None or age is None or tc is None or hdl is None or sbp is None
            or treated is None or diabetes is None or smoker is None):
        return PceResult(None, equation, missing, out_of_range, note)

    coefficients = COEFFICIENTS[equation]
    total = _individual_sum(coefficients, age, tc, hdl, sbp, treated, smoker, diabetes)
    return PceResult(_round_percent(_risk_fraction(coefficients, total)), equation, (), (), note)


def describe_missing(result: PceResult) -> str:
    """A clinician-readable sentence on why no risk was given; "" when the risk was calculated.

    E.g. "10-year ASCVD risk not calculated: HDL cholesterol and smoking status are missing".
    """
    if result.percent is not None:
        return ""
    names = [input_label(name) for name in result.missing]
    by_text = {r.text: r for r in RANGES}
    outside: list[str] = []
    for text in result.out_of_range:
        known = by_text.get(text)
        outside.append(f"{known.label} is outside {known.low}-{known.high} {known.unit}" if known
                       else f"{text} is out of range")
    return not_calculated("10-year ASCVD risk", names, outside)
