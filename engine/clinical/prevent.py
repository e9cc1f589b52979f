"""10- and 30-year risk of total CVD, ASCVD and heart failure from the AHA PREVENT equations.

Source: Khan SS, Matsushita K, Sang Y, et al. Development and Validation of the American Heart
Association's Predicting Risk of cardiovascular disease EVENTs (PREVENT) Equations. Circulation.
2024;149(6):430-449, doi:10.1161/CIRCULATIONAHA.123.067626, and its Supplemental Material.
Sex-specific logistic models: risk = 1 / (1 + exp(-x)), x = constant + sum of coefficient x term, the
terms centred and scaled as the supplement defines them: age (years - 55) / 10 (its square in the
30-year models), non-HDL cholesterol (mmol/L) - 3.5, (HDL cholesterol (mmol/L) - 1.3) / 0.3, linear
splines in systolic pressure (knot 110 mmHg, per 20), BMI (knot 30, per 5) and eGFR (knot 60, per -15),
treatment interactions and age interactions. Cholesterol is converted with mg/dL x 0.02586 = mmol/L,
the factor the equations were published with.

Choices, and why:

* Coefficients. ``COEFFICIENTS`` holds the supplement's coefficient tables (base, UACR, HbA1c, SDI and
  full models; 10 and 30 years; total CVD, ASCVD and heart failure; 7 decimals). The supplement itself
  could not be read here, so the tables were taken from two independent transcriptions that agree on
  every coefficient of every table: the R package preventr (github.com/martingmayer/preventr, 0.12.0,
  R/sysdata.rda) and bcjaeger/PooledCohort (data-raw/coefs_prevent.xlsx). The base 10-year total-CVD
  equations also match those printed by the CDC Kidney Disease Surveillance System (question Q811), and
  the base 30-year equations those of Linden's Stata module prevent30i (SSC), except that the CDC page
  (and a port of the AHA's own R code) prints the women's 10-year total-CVD SBP >= 110 coefficient as
  0.360078 where both transcriptions have 0.3600781 (a 1e-7 difference, kept as transcribed). With them
  the supplement's worked example (Table S12 as cited by bcjaeger/PooledCohort's tests: a 50-year-old woman and man) is
  reproduced to 4 decimals; see tests/test_prevent.py. CHD and stroke equations exist too; they are not
  carried, as nothing here asks for them.
* Add-on models. UACR (ln mg/g), HbA1c (% - 5.3, separately with and without diabetes) and the social
  deprivation index (decile 1-3, 4-6, 7-10) each have their own model, and the full model takes all
  three with a "missing" term for each one not recorded, as the paper designed it (no imputation: the
  published term for "not measured" is used). With ``model=None`` the model follows the inputs, as
  preventr chooses it: none recorded -> base; one -> that one's model; two or three -> full, the absent
  one by its missing term, and ``note`` says so. ``PreventResult.model`` always names the model. A
  caller may ask for a model: "base" ignores the add-ons, a single-add-on model needs its input, and
  "full" takes the missing term for each add-on not recorded.
  bcjaeger/PooledCohort reports that the AHA online calculator, for women's ASCVD with SDI absent,
  computes as if SDI were decile 1-3 instead of using the missing-SDI term; that is not reproduced:
  the published model is.
* Each equation asks only for its own inputs. The heart-failure equations have no cholesterol or statin
  terms and the total-CVD and ASCVD equations no BMI terms (their coefficients are zero in every
  table, and a test holds that), so a missing BMI does not block ASCVD risk nor a missing lipid panel
  heart-failure risk. A published Python port of the AHA's own R package (AHA-DS-Analytics/PREVENT,
  which could not be read here) gates heart failure on BMI and CVD/ASCVD on the lipids the same way;
  preventr and the online calculator ask for every input whatever the outcome.
* Ranges. Ages 30-79 years (the population the equations were developed in); 30-year risk only for
  ages 30-59 (the port of the AHA's R package gives none past 59; preventr gives it with a warning
  that it is questionable); total
  cholesterol 130-320 mg/dL and HDL 20-100 mg/dL (every implementation consulted); systolic pressure
  90-200 mmHg (the calculator's range, per preventr's documentation, bcjaeger/PooledCohort and the
  Stata module; preventr itself stops at 180 by choice, calling higher values hypertensive urgency);
  eGFR 15-140 mL/min/1.73 m2 (preventr, bcjaeger/PooledCohort; the Stata module says 150); BMI from
  18.5 to under 40 kg/m2 (preventr cites the paper's Table 1 footnote on excluding people by BMI and
  shows 18.5-39.9; the port of the AHA's R package rejects 40 and above, bcjaeger/PooledCohort accepts
  40); UACR 0.1-25000 mg/g (preventr; ln(0) has no value); HbA1c 3-15 % (the
  equations' lower bound per preventr, which itself stops at 4.5 by choice, and the online calculator
  answered for 3 in bcjaeger/PooledCohort's tests); SDI decile a whole
  number 1-10. Bounds are inclusive except BMI's upper one. Outside a range no number is returned, for
  add-on inputs too (dropping an implausible UACR and answering from the base model would hide it);
  ``out_of_range`` names the range, never the patient's value, so the text can go into a plan without
  leaking a measurement out of its context.
* Missing data. A missing or unusable input that the equation needs (None, a non-finite number, a
  boolean where a number belongs, a sex other than "female"/"male") gives ``percent=None`` and its name
  in ``missing``, in ``PreventInputs`` field order; never a default. An add-on input that is absent or
  unusable counts as not recorded, which only changes the model chosen.
* Full precision, one rounding: IEEE doubles throughout, the percentage rounded half-up to one decimal
  from ``Decimal(repr(value))`` (the shortest decimal that round-trips, so 14.65 -> 14.7 on every
  platform), as engine/ascvd.py does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from engine.clinical.not_calculated import INPUT_LABELS, input_label, join_words, not_calculated
from engine.clinical.prevent_model import COEFFICIENTS, COLUMNS, RANGES, THIRTY_YEAR_AGE, CoefficientRow, ValidRange

__all__ = ["COEFFICIENTS", "COLUMNS", "HORIZONS", "MODELS", "OUTCOMES", "RANGES", "THIRTY_YEAR_AGE",
           "PreventInputs", "PreventResult", "ValidRange", "all_risks", "describe_missing", "risk",
           "select_model", "ten_year_risk", "thirty_year_risk"]

OUTCOMES = ("total_cvd", "ascvd", "heart_failure")
HORIZONS = (10, 30)
MODELS = ("base", "uacr", "hba1c", "sdi", "full")
MMOL_PER_MG_DL = 0.02586  # cholesterol; the factor the supplement's equations use


@dataclass(frozen=True)
class PreventInputs:
    age: float | None  # years
    sex: str | None  # "female" | "male" (others -> missing)
    total_cholesterol_mg_dl: float | None
    hdl_mg_dl: float | None
    systolic: float | None  # mmHg
    treated_for_hypertension: bool | None
    on_statin: bool | None
    diabetes: bool | None
    smoker: bool | None  # current smoking
    egfr: float | None  # mL/min/1.73 m2 (race-free CKD-EPI 2021, as in the derivation)
    bmi: float | None  # kg/m2; used by the heart-failure equations only
    uacr_mg_g: float | None = None  # add-on: urine albumin-to-creatinine ratio
    hba1c_percent: float | None = None  # add-on
    sdi_decile: int | None = None  # add-on: social deprivation index decile, 1 (least) - 10 (most deprived)


@dataclass(frozen=True)
class PreventResult:
    percent: float | None  # risk in percent, one decimal, half-up; None when it cannot be given
    outcome: str  # "total_cvd" | "ascvd" | "heart_failure"
    years: int  # 10 | 30
    model: str  # "base" | "uacr" | "hba1c" | "sdi" | "full"
    missing: tuple[str, ...]  # names of missing inputs, in PreventInputs field order
    out_of_range: tuple[str, ...]  # e.g. ("age 30-59 years",) -- never the patient's value
    note: str | None = None  # set when the full model stands in for an add-on that was not recorded


_FIELD_ORDER = ("age", "sex", "total_cholesterol_mg_dl", "hdl_mg_dl", "systolic", "treated_for_hypertension",
                "on_statin", "diabetes", "smoker", "egfr", "bmi", "uacr_mg_g", "hba1c_percent", "sdi_decile")
_NUMERIC_FIELDS = ("age", "total_cholesterol_mg_dl", "hdl_mg_dl", "systolic", "egfr", "bmi",
                   "uacr_mg_g", "hba1c_percent", "sdi_decile")
_BOOLEAN_FIELDS = ("treated_for_hypertension", "on_statin", "diabetes", "smoker")
_SHARED_FIELDS = ("age", "sex", "systolic", "treated_for_hypertension", "diabetes", "smoker", "egfr")
_OUTCOME_FIELDS = {  # what each equation needs besides _SHARED_FIELDS (the others' coefficients are zero)
    "total_cvd": ("total_cholesterol_mg_dl", "hdl_mg_dl", "on_statin"),
    "ascvd": ("total_cholesterol_mg_dl", "hdl_mg_dl", "on_statin"),
    "heart_failure": ("bmi",),
}
_ADD_ONS = (("uacr", "uacr_mg_g"), ("hba1c", "hba1c_percent"), ("sdi", "sdi_decile"))  # model, field
_MODEL_ADD_ONS = {"base": (), "uacr": ("uacr_mg_g",), "hba1c": ("hba1c_percent",), "sdi": ("sdi_decile",),
                  "full": ("uacr_mg_g", "hba1c_percent", "sdi_decile")}
_SEXES = frozenset({"female", "male"})
_ONE_DECIMAL = Decimal("0.1")
_OUTCOME_LABELS = {"total_cvd": "total CVD", "ascvd": "ASCVD", "heart_failure": "heart failure"}

_Value = float | bool | str | None


def _number(value: object) -> float | None:
    """A usable finite number, or None (booleans and non-finite values count as missing)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _sex(value: object) -> str | None:
    key = value.strip().lower() if isinstance(value, str) else None
    return key if key in _SEXES else None


def _usable(inputs: PreventInputs) -> dict[str, _Value]:
    """Every input as a usable value, None where missing or unusable."""
    values: dict[str, _Value] = {name: _number(getattr(inputs, name)) for name in _NUMERIC_FIELDS}
    for name in _BOOLEAN_FIELDS:
        flag = getattr(inputs, name)
        values[name] = flag if isinstance(flag, bool) else None
    values["sex"] = _sex(inputs.sex)
    return values


def _required_number(values: dict[str, _Value], name: str) -> float:
    value = values[name]
    if not isinstance(value, float):
        raise ValueError(f"{name} is missing")  # unreachable from risk(): it reports missing inputs first
    return value


def _required_flag(values: dict[str, _Value], name: str) -> bool:
    value = values[name]
    if not isinstance(value, bool):
        raise ValueError(f"{name} is missing")  # unreachable from risk(), as above
    return value


def _optional_number(values: dict[str, _Value], name: str) -> float | None:
    value = values[name]
    return value if isinstance(value, float) else None


def select_model(inputs: PreventInputs) -> str:
    """The model the recorded add-on inputs call for: base, the one add-on's model, or full for two or more."""
    present = [model for model, field in _ADD_ONS if _number(getattr(inputs, field)) is not None]
    if not present:
        return "base"
    return present[0] if len(present) == 1 else "full"


def _pressure_kidney_terms(values: dict[str, _Value], age: float) -> dict[str, float]:
    """Systolic pressure and eGFR splines with their treatment and age interactions."""
    systolic = _required_number(values, "systolic")
    egfr = _required_number(values, "egfr")
    treated = 1.0 if _required_flag(values, "treated_for_hypertension") else 0.0
    sbp_from_110 = (max(systolic, 110.0) - 130.0) / 20.0
    egfr_below_60 = (min(egfr, 60.0) - 60.0) / -15.0  # per 15 mL/min lower, so the sign flips
    return {
        "sbp_below_110": (min(systolic, 110.0) - 110.0) / 20.0,
        "sbp_from_110": sbp_from_110,
        "egfr_below_60": egfr_below_60,
        "egfr_from_60": (max(egfr, 60.0) - 90.0) / -15.0,
        "bp_treated": treated,
        "bp_treated_x_sbp_from_110": treated * sbp_from_110,
        "age_x_sbp_from_110": age * sbp_from_110,
        "age_x_egfr_below_60": age * egfr_below_60,
    }


def _status_terms(values: dict[str, _Value], age: float) -> dict[str, float]:
    diabetes = 1.0 if _required_flag(values, "diabetes") else 0.0
    smoker = 1.0 if _required_flag(values, "smoker") else 0.0
    return {"diabetes": diabetes, "smoker": smoker, "age_x_diabetes": age * diabetes, "age_x_smoker": age * smoker}


def _lipid_terms(values: dict[str, _Value], age: float) -> dict[str, float]:
    total = _required_number(values, "total_cholesterol_mg_dl")
    hdl_mg_dl = _required_number(values, "hdl_mg_dl")
    statin = 1.0 if _required_flag(values, "on_statin") else 0.0
    non_hdl = (total - hdl_mg_dl) * MMOL_PER_MG_DL - 3.5
    hdl = (hdl_mg_dl * MMOL_PER_MG_DL - 1.3) / 0.3
    return {"non_hdl": non_hdl, "hdl": hdl, "statin": statin, "statin_x_non_hdl": statin * non_hdl,
            "age_x_non_hdl": age * non_hdl, "age_x_hdl": age * hdl}


def _bmi_terms(bmi: float, age: float) -> dict[str, float]:
    bmi_from_30 = (max(bmi, 30.0) - 30.0) / 5.0
    return {"bmi_below_30": (min(bmi, 30.0) - 25.0) / 5.0, "bmi_from_30": bmi_from_30,
            "age_x_bmi_from_30": age * bmi_from_30}


def _uacr_terms(uacr: float | None) -> dict[str, float]:
    if uacr is None:
        return {"ln_uacr": 0.0, "uacr_missing": 1.0}
    return {"ln_uacr": math.log(uacr), "uacr_missing": 0.0}


def _hba1c_terms(hba1c: float | None, diabetes: bool) -> dict[str, float]:
    if hba1c is None:
        return {"hba1c_with_diabetes": 0.0, "hba1c_without_diabetes": 0.0, "hba1c_missing": 1.0}
    centred = hba1c - 5.3
    return {"hba1c_with_diabetes": centred if diabetes else 0.0,
            "hba1c_without_diabetes": 0.0 if diabetes else centred, "hba1c_missing": 0.0}


def _sdi_terms(decile: float | None) -> dict[str, float]:
    if decile is None:
        return {"sdi_decile_4_6": 0.0, "sdi_decile_7_10": 0.0, "sdi_missing": 1.0}
    # deciles 1-3 are the reference group
    return {"sdi_decile_4_6": 1.0 if 4 <= decile <= 6 else 0.0, "sdi_decile_7_10": 1.0 if decile >= 7 else 0.0,
            "sdi_missing": 0.0}


def _add_on_terms(values: dict[str, _Value], model: str) -> dict[str, float]:
    fields = _MODEL_ADD_ONS[model]
    terms: dict[str, float] = {}
    if "uacr_mg_g" in fields:
        terms.update(_uacr_terms(_optional_number(values, "uacr_mg_g")))
    if "hba1c_percent" in fields:
        terms.update(_hba1c_terms(_optional_number(values, "hba1c_percent"), _required_flag(values, "diabetes")))
    if "sdi_decile" in fields:
        terms.update(_sdi_terms(_optional_number(values, "sdi_decile")))
    return terms


def _terms(values: dict[str, _Value], model: str, years: int) -> dict[str, float]:
    """Every predictor term the inputs allow; terms an equation lacks have zero coefficients there."""
    age = (_required_number(values, "age") - 55.0) / 10.0
    terms = {"age": age, **_pressure_kidney_terms(values, age), **_status_terms(values, age)}
    if years == 30:
        terms["age_squared"] = age * age
    # The lipid and BMI terms are built only when recorded: heart failure has no lipid terms and
    # total CVD/ASCVD no BMI terms, so each is needed only by the equations that use it.
    if all(values[name] is not None for name in _OUTCOME_FIELDS["total_cvd"]):
        terms.update(_lipid_terms(values, age))
    if (bmi := _optional_number(values, "bmi")) is not None:
        terms.update(_bmi_terms(bmi, age))
    terms.update(_add_on_terms(values, model))
    return terms


def _fraction(table: dict[str, CoefficientRow], column: int, terms: dict[str, float]) -> float:
    """The logistic model: constant plus the sum of coefficient x term, through the inverse logit."""
    log_odds = table["constant"][column] + math.fsum(
        table[name][column] * value for name, value in terms.items() if name in table)
    if log_odds >= 0:  # the two forms keep exp() from overflowing on either side
        return 1.0 / (1.0 + math.exp(-log_odds))
    odds = math.exp(log_odds)
    return odds / (1.0 + odds)


def _round_percent(fraction: float) -> float:
    """Percentage, half-up to one decimal, from the shortest decimal that round-trips the double."""
    percent = min(100.0, max(0.0, fraction * 100.0))
    return float(Decimal(repr(percent)).quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP))


def _out_of_range(values: dict[str, _Value], fields: tuple[str, ...], years: int) -> tuple[str, ...]:
    ranges = (THIRTY_YEAR_AGE if r.field == "age" and years == 30 else r for r in RANGES)
    return tuple(r.text for r in ranges
                 if r.field in fields and isinstance(value := values[r.field], float) and not r.contains(value))


def _full_model_note(model: str, values: dict[str, _Value]) -> str | None:
    absent = [INPUT_LABELS[field] for _, field in _ADD_ONS if values[field] is None]
    if model != "full" or not absent:
        return None
    return f"full model: {join_words(absent)} not recorded; the model's terms for a missing value are used"


def _check_request(outcome: str, years: int, model: str | None) -> None:
    """A bad outcome, horizon or model name is a programming error, not a gap in the patient's data."""
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
    if years not in HORIZONS:
        raise ValueError(f"years must be one of {HORIZONS}, not {years!r}")
    if model is not None and model not in MODELS:
        raise ValueError(f"model must be one of {MODELS} or None, not {model!r}")


def risk(inputs: PreventInputs, outcome: str = "total_cvd", years: int = 10,
         model: str | None = None) -> PreventResult:
    """PREVENT risk of ``outcome`` over ``years`` (10 or 30), or why it cannot be given.

    ``model=None`` chooses the model from the add-on inputs recorded (see ``select_model``).
    """
    _check_request(outcome, years, model)
    chosen = model if model is not None else select_model(inputs)
    values = _usable(inputs)
    # A single-add-on model needs its add-on; the full model has a term for each one absent.
    needed = _SHARED_FIELDS + _OUTCOME_FIELDS[outcome] + (_MODEL_ADD_ONS[chosen] if chosen != "full" else ())
    missing = tuple(name for name in _FIELD_ORDER if name in needed and values[name] is None)
    out_of_range = _out_of_range(values, needed + _MODEL_ADD_ONS[chosen], years)
    note = _full_model_note(chosen, values)
    sex = values["sex"]
    if missing or out_of_range or not isinstance(sex, str):
        return PreventResult(None, outcome, years, chosen, missing, out_of_range, note)
    fraction = _fraction(COEFFICIENTS[(chosen, years)], COLUMNS.index((sex, outcome)), _terms(values, chosen, years))
    return PreventResult(_round_percent(fraction), outcome, years, chosen, (), (), note)


def ten_year_risk(inputs: PreventInputs, outcome: str = "total_cvd", model: str | None = None) -> PreventResult:
    """10-year PREVENT risk of ``outcome`` ("total_cvd", "ascvd" or "heart_failure")."""
    return risk(inputs, outcome, 10, model)


def thirty_year_risk(inputs: PreventInputs, outcome: str = "total_cvd", model: str | None = None) -> PreventResult:
    """30-year PREVENT risk of ``outcome``; given for ages 30-59 only."""
    return risk(inputs, outcome, 30, model)


def all_risks(inputs: PreventInputs, model: str | None = None) -> tuple[PreventResult, ...]:
    """All six estimates: 10-year total CVD, ASCVD, heart failure, then the same over 30 years."""
    return tuple(risk(inputs, outcome, years, model) for years in HORIZONS for outcome in OUTCOMES)


def describe_missing(result: PreventResult) -> str:
    """A clinician-readable sentence on why no risk was given; "" when the risk was calculated.

    E.g. "10-year ASCVD risk (PREVENT) not calculated: HDL cholesterol and eGFR are missing".
    """
    if result.percent is not None:
        return ""
    names = [input_label(name) for name in result.missing]
    by_text = {r.text: r for r in (*RANGES, THIRTY_YEAR_AGE)}
    outside: list[str] = []
    for text in result.out_of_range:
        known = by_text.get(text)
        outside.append(f"{known.label} is outside {text.removeprefix(known.label + ' ')}" if known
                       else f"{text} is out of range")
    label = _OUTCOME_LABELS.get(result.outcome, result.outcome)
    return not_calculated(f"{result.years}-year {label} risk (PREVENT)", names, outside)
