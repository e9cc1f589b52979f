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


@dataclass(frozen=True)
class ValidRange:
    field: str  # PreventInputs field name
    label: str  # clinician-readable name
    low: float
    high: float
    unit: str
    below_high: bool = False  # True: the upper bound itself is outside the range
    whole: bool = False  # True: only whole numbers are in range

    def contains(self, value: float) -> bool:
        if self.whole and not value.is_integer():
            return False
        return self.low <= value < self.high if self.below_high else self.low <= value <= self.high

    @property
    def text(self) -> str:
        """What ``PreventResult.out_of_range`` carries, e.g. "age 30-79 years"."""
        bounds = f"{self.low:g} to under {self.high:g}" if self.below_high else f"{self.low:g}-{self.high:g}"
        return f"{self.label} {bounds} {self.unit}".rstrip()


RANGES: tuple[ValidRange, ...] = (
    ValidRange("age", "age", 30, 79, "years"),
    ValidRange("total_cholesterol_mg_dl", "total cholesterol", 130, 320, "mg/dL"),
    ValidRange("hdl_mg_dl", "HDL cholesterol", 20, 100, "mg/dL"),
    ValidRange("systolic", "systolic blood pressure", 90, 200, "mmHg"),
    ValidRange("egfr", "eGFR", 15, 140, "mL/min/1.73 m2"),
    ValidRange("bmi", "BMI", 18.5, 40, "kg/m2", below_high=True),
    ValidRange("uacr_mg_g", "urine albumin-to-creatinine ratio", 0.1, 25000, "mg/g"),
    ValidRange("hba1c_percent", "HbA1c", 3, 15, "%"),
    ValidRange("sdi_decile", "social deprivation index decile", 1, 10, "", whole=True),
)
THIRTY_YEAR_AGE = ValidRange("age", "age", 30, 59, "years")  # replaces the age range for 30-year risk

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
_LABELS: dict[str, str] = {
    "age": "age",
    "sex": "sex",
    "total_cholesterol_mg_dl": "total cholesterol",
    "hdl_mg_dl": "HDL cholesterol",
    "systolic": "systolic blood pressure",
    "treated_for_hypertension": "hypertension treatment status",
    "on_statin": "statin use",
    "diabetes": "diabetes status",
    "smoker": "smoking status",
    "egfr": "eGFR",
    "bmi": "BMI",
    "uacr_mg_g": "urine albumin-to-creatinine ratio",
    "hba1c_percent": "HbA1c",
    "sdi_decile": "social deprivation index decile",
}
_OUTCOME_LABELS = {"total_cvd": "total CVD", "ascvd": "ASCVD", "heart_failure": "heart failure"}

# Coefficient rows: one value per (sex, outcome) column, in this order. A term a table lacks is zero.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("female", "total_cvd"), ("male", "total_cvd"),
    ("female", "ascvd"), ("male", "ascvd"),
    ("female", "heart_failure"), ("male", "heart_failure"),
)
_Row = tuple[float, float, float, float, float, float]

# Khan 2024 supplement, via preventr R/sysdata.rda and bcjaeger/PooledCohort data-raw/coefs_prevent.xlsx,
# which agree on every value (see the module docstring). Keys: (model, years).
COEFFICIENTS: dict[tuple[str, int], dict[str, _Row]] = {
    ("base", 10): {
        "age":                       ( 0.7939329,  0.7688528,   0.719883,  0.7099847,  0.8998235,  0.8972642),
        "non_hdl":                   ( 0.0305239,  0.0736174,  0.1176967,  0.1658663,        0.0,        0.0),
        "hdl":                       (-0.1606857, -0.0954431,  -0.151185, -0.1144285,        0.0,        0.0),
        "sbp_below_110":             (-0.2394003, -0.4347345, -0.0835358, -0.2837212, -0.4559771, -0.6811466),
        "sbp_from_110":              ( 0.3600781,  0.3362658,  0.3592852,  0.3239977,  0.3576505,  0.3634461),
        "diabetes":                  ( 0.8667604,  0.7692857,  0.8348585,  0.7189597,   1.038346,   0.923776),
        "smoker":                    ( 0.5360739,  0.4386871,  0.4831078,  0.3956973,   0.583916,  0.5023736),
        "bmi_below_30":              (       0.0,        0.0,        0.0,        0.0, -0.0072294, -0.0485841),
        "bmi_from_30":               (       0.0,        0.0,        0.0,        0.0,  0.2997706,  0.3726929),
        "egfr_below_60":             ( 0.6045917,  0.5378979,  0.4864619,  0.3690075,  0.7451638,  0.6926917),
        "egfr_from_60":              ( 0.0433769,  0.0164827,  0.0397779,  0.0203619,  0.0557087,  0.0251827),
        "bp_treated":                ( 0.3151672,   0.288879,  0.2265309,  0.2036522,  0.3534442,  0.2980922),
        "statin":                    (-0.1477655, -0.1337349, -0.0592374, -0.0865581,        0.0,        0.0),
        "bp_treated_x_sbp_from_110": (-0.0663612, -0.0475924, -0.0395762, -0.0322916, -0.0981511, -0.0497731),
        "statin_x_non_hdl":          ( 0.1197879,   0.150273,  0.0844423,   0.114563,        0.0,        0.0),
        "age_x_non_hdl":             (-0.0819715, -0.0517874, -0.0567839, -0.0300005,        0.0,        0.0),
        "age_x_hdl":                 ( 0.0306769,  0.0191169,  0.0325692,  0.0232747,        0.0,        0.0),
        "age_x_sbp_from_110":        (-0.0946348, -0.1049477, -0.1035985, -0.0927024, -0.0946663, -0.1289201),
        "age_x_diabetes":            (  -0.27057, -0.2251948, -0.2417542, -0.2018525, -0.3581041, -0.3040924),
        "age_x_smoker":              ( -0.078715, -0.0895067, -0.0791142, -0.0970527, -0.1159453, -0.1401688),
        "age_x_bmi_from_30":         (       0.0,        0.0,        0.0,        0.0,  -0.003878,  0.0068126),
        "age_x_egfr_below_60":       (-0.1637806, -0.1543702, -0.1671492, -0.1217081, -0.1884289, -0.1797778),
        "constant":                  ( -3.307728,  -3.031168,  -3.819975,  -3.500655,  -4.310409,  -3.946391),
    },
    ("base", 30): {
        "age":                       ( 0.5503079,  0.4627309,  0.4669202,  0.3994099,  0.6254374,  0.5681541),
        "age_squared":               (-0.0928369, -0.0984281, -0.0893118, -0.0937484, -0.0983038, -0.1048388),
        "non_hdl":                   ( 0.0409794,  0.0836088,  0.1256901,  0.1744643,        0.0,        0.0),
        "hdl":                       (-0.1663306, -0.1029824, -0.1542255,  -0.120203,        0.0,        0.0),
        "sbp_below_110":             (-0.1628654, -0.2140352, -0.0018093, -0.0665117, -0.3919241, -0.4761564),
        "sbp_from_110":              ( 0.3299505,  0.2904325,   0.322949,  0.2753037,  0.3142295,    0.30324),
        "diabetes":                  ( 0.6793894,  0.5331276,  0.6296707,  0.4790257,  0.8330787,  0.6840338),
        "smoker":                    ( 0.3196112,  0.2141914,   0.268292,  0.1782635,  0.3438651,  0.2656273),
        "bmi_below_30":              (       0.0,        0.0,        0.0,        0.0,  0.0594874,  0.0833107),
        "bmi_from_30":               (       0.0,        0.0,        0.0,        0.0,  0.2525536,    0.26999),
        "egfr_below_60":             ( 0.1857101,  0.1155556,   0.100106, -0.0218789,  0.2981642,  0.2541805),
        "egfr_from_60":              ( 0.0553528,  0.0603775,  0.0499663,  0.0602553,  0.0667159,  0.0638923),
        "bp_treated":                (    0.2894,   0.232714,  0.1875292,  0.1421182,   0.333921,  0.2583631),
        "statin":                    ( -0.075688, -0.0272112,  0.0152476,  0.0135996,        0.0,        0.0),
        "bp_treated_x_sbp_from_110": ( -0.056367, -0.0384488, -0.0276123, -0.0218265, -0.0893177, -0.0391938),
        "statin_x_non_hdl":          ( 0.1071019,   0.134192,  0.0736147,  0.1013148,        0.0,        0.0),
        "age_x_non_hdl":             (-0.0751438, -0.0511759, -0.0521962, -0.0312619,        0.0,        0.0),
        "age_x_hdl":                 ( 0.0301786,  0.0165865,  0.0316918,   0.020673,        0.0,        0.0),
        "age_x_sbp_from_110":        (-0.0998776, -0.1101437, -0.1046101, -0.0920935, -0.0974299, -0.1269124),
        "age_x_diabetes":            (-0.3206166, -0.2585943, -0.2727793, -0.2159947,  -0.404855, -0.3273572),
        "age_x_smoker":              (-0.1607862, -0.1566406, -0.1530907, -0.1548811, -0.1982991, -0.2043019),
        "age_x_bmi_from_30":         (       0.0,        0.0,        0.0,        0.0, -0.0035619, -0.0182831),
        "age_x_egfr_below_60":       (-0.1450788, -0.1166776, -0.1299149, -0.0712547, -0.1564215, -0.1342618),
        "constant":                  ( -1.318827,  -1.148204,  -1.974074,  -1.736444,  -2.205379,   -1.95751),
    },
    ("uacr", 10): {
        "age":                       ( 0.7969249,  0.7768655,  0.7201999,  0.7141718,  0.9145975,  0.9111795),
        "non_hdl":                   ( 0.0256635,  0.0659949,  0.1135771,  0.1602194,        0.0,        0.0),
        "hdl":                       (-0.1588107, -0.0951111, -0.1493506, -0.1139086,        0.0,        0.0),
        "sbp_below_110":             (-0.2255701,  -0.420667, -0.0726677, -0.2719456, -0.4441346, -0.6693649),
        "sbp_from_110":              ( 0.3396649,  0.3120151,  0.3436259,  0.3058719,  0.3260323,  0.3290082),
        "diabetes":                  ( 0.8047515,   0.698521,  0.7773094,  0.6600631,  0.9611365,  0.8377655),
        "smoker":                    ( 0.5285338,  0.4314669,  0.4746662,  0.3884022,  0.5755787,  0.4978917),
        "bmi_below_30":              (       0.0,        0.0,        0.0,        0.0,  0.0008831,  -0.042749),
        "bmi_from_30":               (       0.0,        0.0,        0.0,        0.0,  0.2988964,  0.3624165),
        "egfr_below_60":             ( 0.4803511,  0.3841364,  0.3824646,  0.2466316,  0.5915291,  0.5075796),
        "egfr_from_60":              ( 0.0434472,   0.009384,  0.0394178,  0.0151852,  0.0556823,  0.0137716),
        "bp_treated":                ( 0.2985207,  0.2676494,  0.2125182,   0.186167,  0.3314097,  0.2739963),
        "statin":                    (-0.1497787, -0.1390966, -0.0603046, -0.0894395,        0.0,        0.0),
        "bp_treated_x_sbp_from_110": (-0.0742889, -0.0579315, -0.0466053, -0.0411884, -0.1078596, -0.0645712),
        "statin_x_non_hdl":          (  0.106756,  0.1383719,  0.0733118,  0.1058212,        0.0,        0.0),
        "age_x_non_hdl":             (-0.0778126, -0.0488332, -0.0534262,  -0.028089,        0.0,        0.0),
        "age_x_hdl":                 ( 0.0306768,  0.0200406,  0.0325689,  0.0240427,        0.0,        0.0),
        "age_x_sbp_from_110":        (-0.0907168,  -0.102454, -0.0999887, -0.0912325, -0.0875231, -0.1230039),
        "age_x_diabetes":            (-0.2705122, -0.2236355, -0.2411762, -0.2004894,  -0.356859, -0.3013297),
        "age_x_smoker":              (-0.0830564,  -0.089485, -0.0826941,  -0.096936, -0.1220248, -0.1410318),
        "age_x_bmi_from_30":         (       0.0,        0.0,        0.0,        0.0, -0.0053637,  0.0021531),
        "age_x_egfr_below_60":       (-0.1389249, -0.1321848, -0.1444737, -0.1022867, -0.1610389, -0.1548018),
        "ln_uacr":                   ( 0.1793037,  0.1887974,  0.1501217,  0.1510073,  0.2197281,  0.2306299),
        "uacr_missing":              ( 0.0132073,  0.0916979,  0.0050257,     0.0556,  0.0326667,  0.1472194),
        "constant":                  ( -3.738341,  -3.510705,  -4.174614,   -3.85146,  -4.841506,  -4.556907),
    },
    ("uacr", 30): {
        "age":                       ( 0.5491768,   0.464491,  0.4629669,  0.3995607,  0.6319513,  0.5750236),
        "age_squared":               (-0.0937311, -0.0998895, -0.0902777,  -0.094557, -0.1009284, -0.1062268),
        "non_hdl":                   ( 0.0359847,  0.0757606,  0.1215214,  0.1686692,        0.0,        0.0),
        "hdl":                       (-0.1642965, -0.1031778, -0.1522069, -0.1202145,        0.0,        0.0),
        "sbp_below_110":             (-0.1483404, -0.1990714,  0.0092679, -0.0555561, -0.3787175, -0.4633994),
        "sbp_from_110":              (  0.313353,  0.2715816,  0.3113609,  0.2633566,  0.2863393,  0.2742874),
        "diabetes":                  ( 0.6253766,  0.4754637,   0.581256,  0.4362036,  0.7631221,   0.612208),
        "smoker":                    ( 0.3147172,  0.2069672,   0.263167,  0.1716233,  0.3355843,  0.2614987),
        "bmi_below_30":              (       0.0,        0.0,        0.0,        0.0,  0.0677084,  0.0895459),
        "bmi_from_30":               (       0.0,        0.0,        0.0,        0.0,  0.2517238,  0.2632424),
        "egfr_below_60":             ( 0.1094663,  0.0331103,  0.0391726, -0.0775282,  0.1940067,  0.1430472),
        "egfr_from_60":              ( 0.0550705,  0.0540474,  0.0492959,  0.0561236,  0.0664006,  0.0535184),
        "bp_treated":                ( 0.2782433,  0.2189911,  0.1786178,  0.1319331,  0.3171436,  0.2417468),
        "statin":                    (-0.0786239, -0.0331044,  0.0131058,  0.0102428,        0.0,        0.0),
        "bp_treated_x_sbp_from_110": (-0.0628947,   -0.04534, -0.0325135, -0.0269294, -0.0970661, -0.0498574),
        "statin_x_non_hdl":          (  0.093204,  0.1214535,  0.0617093,  0.0920557,        0.0,        0.0),
        "age_x_non_hdl":             (-0.0710685, -0.0483995, -0.0489189, -0.0297021,        0.0,        0.0),
        "age_x_hdl":                 ( 0.0306363,  0.0178997,  0.0321079,  0.0217935,        0.0,        0.0),
        "age_x_sbp_from_110":        (-0.0951455, -0.1059324, -0.1003185, -0.0893347, -0.0896239, -0.1193827),
        "age_x_diabetes":            (-0.3168231, -0.2492861, -0.2684574, -0.2081467,  -0.400743,  -0.316651),
        "age_x_smoker":              (-0.1636391, -0.1561543, -0.1547301, -0.1542716, -0.2042041, -0.2046122),
        "age_x_bmi_from_30":         (       0.0,        0.0,        0.0,        0.0, -0.0054699, -0.0216878),
        "age_x_egfr_below_60":       (-0.1265483, -0.1012429, -0.1130703, -0.0597254,   -0.13602, -0.1165637),
        "ln_uacr":                   ( 0.1142251,  0.1007571,  0.0903471,  0.0684872,  0.1486028,  0.1366452),
        "uacr_missing":              (-0.0055863,  0.0572456, -0.0145818,  0.0193962,   0.011608,  0.1078355),
        "constant":                  ( -1.583738,  -1.398727,  -2.178888,  -1.873449,  -2.538952,  -2.314872),
    },
    ("hba1c", 10): {
        "age":                       ( 0.7858178,  0.7699177,  0.7111831,  0.7064146,  0.8997391,   0.911787),
        "non_hdl":                   ( 0.0194438,  0.0605093,   0.106797,  0.1532267,        0.0,        0.0),
        "hdl":                       (-0.1521964, -0.0888525, -0.1425745, -0.1082166,        0.0,        0.0),
        "sbp_below_110":             (-0.2296681,  -0.417713, -0.0736824, -0.2675288, -0.4422749, -0.6568071),
        "sbp_from_110":              ( 0.3465777,  0.3288657,  0.3480844,  0.3173809,  0.3378691,  0.3524645),
        "diabetes":                  ( 0.5366241,  0.4759471,  0.5112951,   0.432604,   0.681284,  0.5849752),
        "smoker":                    ( 0.5411682,  0.4385663,  0.4880292,  0.3958842,  0.5886005,  0.5014014),
        "bmi_below_30":              (       0.0,        0.0,        0.0,        0.0, -0.0148657, -0.0512352),
        "bmi_from_30":               (       0.0,        0.0,        0.0,        0.0,  0.2958374,   0.365294),
        "egfr_below_60":             ( 0.5931898,  0.5334616,  0.4754997,  0.3665014,    0.73447,  0.6892219),
        "egfr_from_60":              ( 0.0472458,  0.0206431,  0.0438132,  0.0250243,    0.05926,  0.0292377),
        "bp_treated":                ( 0.3158567,  0.2917524,  0.2259093,  0.2061158,  0.3543475,  0.3038296),
        "statin":                    (-0.1535174, -0.1383313, -0.0648872, -0.0899988,        0.0,        0.0),
        "bp_treated_x_sbp_from_110": (-0.0687752, -0.0482622, -0.0437645, -0.0334959, -0.1002139, -0.0515032),
        "statin_x_non_hdl":          ( 0.1054746,  0.1393796,  0.0697082,  0.1034168,        0.0,        0.0),
        "age_x_non_hdl":             (-0.0761119, -0.0463501, -0.0506382, -0.0255406,        0.0,        0.0),
        "age_x_hdl":                 ( 0.0307469,  0.0205926,  0.0327475,  0.0247538,        0.0,        0.0),
        "age_x_sbp_from_110":        (-0.0905966, -0.1037717, -0.0996442, -0.0917441, -0.0878765, -0.1262343),
        "age_x_diabetes":            (-0.2241857, -0.1737697, -0.1924338, -0.1499195,  -0.303684, -0.2449514),
        "age_x_smoker":              ( -0.080186, -0.0915839, -0.0803539,  -0.098089, -0.1178943, -0.1392217),
        "age_x_bmi_from_30":         (       0.0,        0.0,        0.0,        0.0,  -0.008345,  0.0009592),
        "age_x_egfr_below_60":       (-0.1667286, -0.1637039, -0.1682586, -0.1305231, -0.1912183, -0.1917105),
        "hba1c_with_diabetes":       ( 0.1338348,    0.13159,  0.1339055,  0.1157161,  0.1856442,  0.1652857),
        "hba1c_without_diabetes":    ( 0.1622409,  0.1295185,  0.1596461,  0.1288303,  0.1833083,  0.1505859),
        "hba1c_missing":             (-0.0142496, -0.0128373,  0.0015678, -0.0010001, -0.0143112, -0.0113444),
        "constant":                  ( -3.306162,  -3.040901,  -3.838746,   -3.51835,  -4.288225,  -3.961954),
    },
    ("hba1c", 30): {
        "age":                       ( 0.5343493,  0.4519873,  0.4555574,  0.3883267,  0.6210856,  0.5703729),
        "age_squared":               (-0.0952314,  -0.101624, -0.0903501, -0.0958114, -0.1000972, -0.1084544),
        "non_hdl":                   ( 0.0298124,  0.0700456,  0.1148321,  0.1613374,        0.0,        0.0),
        "hdl":                       (-0.1578451, -0.0968005, -0.1458754, -0.1144418,        0.0,        0.0),
        "sbp_below_110":             (-0.1504488, -0.1923527,  0.0089323, -0.0474338, -0.3773697, -0.4471767),
        "sbp_from_110":              ( 0.3173368,  0.2827043,  0.3139029,  0.2691281,   0.295316,  0.2910152),
        "diabetes":                  ( 0.4314738,  0.3417152,   0.386281,  0.2859773,  0.5681692,  0.4507242),
        "smoker":                    ( 0.3209399,  0.2105272,  0.2714309,  0.1759553,  0.3449139,   0.259585),
        "bmi_below_30":              (       0.0,        0.0,        0.0,        0.0,  0.0540094,  0.0850676),
        "bmi_from_30":               (       0.0,        0.0,        0.0,        0.0,   0.249767,  0.2637222),
        "egfr_below_60":             ( 0.1771435,  0.1113291,  0.0930987, -0.0242898,  0.2875781,  0.2454706),
        "egfr_from_60":              ( 0.0582828,  0.0640135,  0.0532216,  0.0644523,  0.0692013,  0.0675649),
        "bp_treated":                ( 0.2888947,  0.2334248,  0.1862181,   0.142874,  0.3334936,  0.2611991),
        "statin":                    (-0.0795886, -0.0299421,  0.0106964,  0.0115062,        0.0,        0.0),
        "bp_treated_x_sbp_from_110": (-0.0600438, -0.0393204, -0.0329713,   -0.02333, -0.0922339, -0.0408908),
        "statin_x_non_hdl":          ( 0.0920598,  0.1228854,  0.0583609,  0.0899664,        0.0,        0.0),
        "age_x_non_hdl":             (-0.0696108, -0.0463737, -0.0463273, -0.0275478,        0.0,        0.0),
        "age_x_hdl":                 ( 0.0308807,  0.0184599,  0.0324717,   0.022573,        0.0,        0.0),
        "age_x_sbp_from_110":        (-0.0954051, -0.1085744, -0.1004777,  -0.090802, -0.0907885, -0.1241051),
        "age_x_diabetes":            (-0.2763408, -0.2208049, -0.2266944, -0.1771894, -0.3554646, -0.2849461),
        "age_x_smoker":              (-0.1623944, -0.1577978, -0.1541859, -0.1548847, -0.2008846, -0.2032308),
        "age_x_bmi_from_30":         (       0.0,        0.0,        0.0,        0.0, -0.0079611, -0.0239714),
        "age_x_egfr_below_60":       (-0.1430514, -0.1179375, -0.1286005, -0.0732754,  -0.156803,  -0.138301),
        "hba1c_with_diabetes":       ( 0.0940543,  0.0768169,  0.0875827,  0.0591089,  0.1448336,  0.1101184),
        "hba1c_without_diabetes":    ( 0.1116486,  0.0777295,  0.1126417,  0.0821158,  0.1277838,  0.0949198),
        "hba1c_missing":             (-0.0024798,  0.0092204,  0.0124356,  0.0179755, -0.0022589,  0.0084192),
        "constant":                  ( -1.341059,  -1.180767,  -2.011533,  -1.777708,  -2.193553,  -1.974999),
    },
    ("sdi", 10): {
        "age":                       ( 0.7754083,  0.7756377,  0.7028123,  0.7150087,  0.8819156,   0.894179),
        "non_hdl":                   ( 0.0221756,  0.0715325,  0.1056078,  0.1627339,        0.0,        0.0),
        "hdl":                       (-0.1650828, -0.0976775, -0.1502263, -0.1194988,        0.0,        0.0),
        "sbp_below_110":             (-0.2180808, -0.5186614, -0.0488757,  -0.363659, -0.4495491, -0.7067398),
        "sbp_from_110":              ( 0.3381188,  0.3235653,  0.3402681,  0.3179476,  0.3457405,   0.350241),
        "diabetes":                  ( 0.8624372,  0.7722496,   0.838022,  0.7156422,    1.02632,  0.9252453),
        "smoker":                    ( 0.4663953,  0.3761129,  0.4064592,  0.3404477,  0.5371646,  0.4364765),
        "bmi_below_30":              (       0.0,        0.0,        0.0,        0.0, -0.0168447, -0.0866297),
        "bmi_from_30":               (       0.0,        0.0,        0.0,        0.0,  0.2805126,  0.3706765),
        "egfr_below_60":             ( 0.5919004,  0.5180893,  0.4838394,  0.3545754,  0.7315223,  0.6696768),
        "egfr_from_60":              ( 0.0516821,  0.0118451,  0.0480415,  0.0157875,  0.0651679,  0.0237374),
        "bp_treated":                ( 0.3182166,  0.2634094,  0.2270648,  0.1786233,  0.3491487,  0.2688352),
        "statin":                    (-0.1460816, -0.1455263, -0.0585626, -0.1018269,        0.0,        0.0),
        "bp_treated_x_sbp_from_110": (-0.0574455, -0.0367013, -0.0349485,  -0.028313, -0.0890335, -0.0434892),
        "statin_x_non_hdl":          ( 0.1302287,  0.1617785,  0.1017299,  0.1209467,        0.0,        0.0),
        "age_x_non_hdl":             ( -0.083509, -0.0507669,  -0.062389, -0.0285806,        0.0,        0.0),
        "age_x_hdl":                 ( 0.0282181,  0.0178356,  0.0285106,  0.0247348,        0.0,        0.0),
        "age_x_sbp_from_110":        (-0.0952647, -0.1059337, -0.1033711, -0.0919494, -0.0971028, -0.1297155),
        "age_x_diabetes":            (-0.2718966, -0.2236755, -0.2477845, -0.1981491, -0.3528078,  -0.299086),
        "age_x_smoker":              (-0.0641738, -0.0723216, -0.0544326, -0.0776891,  -0.106216, -0.1079522),
        "age_x_bmi_from_30":         (       0.0,        0.0,        0.0,        0.0,  0.0064998,  0.0130483),
        "age_x_egfr_below_60":       (-0.1717026, -0.1548205, -0.1735372, -0.1284899, -0.1899413, -0.1797791),
        "sdi_decile_4_6":            ( 0.1442776,  0.0889119,  0.1473705,  0.0728242,  0.1343318,  0.1235632),
        "sdi_decile_7_10":           ( 0.2421409,   0.291897,  0.2451878,  0.2824453,  0.2496522,  0.3592212),
        "sdi_missing":               ( 0.1885076,  0.1508151,  0.1691593,  0.1437348,  0.1915023,    0.17924),
        "constant":                  ( -3.461564,  -3.159572,  -3.955898,  -3.624712,  -4.409382,  -4.058977),
    },
    ("sdi", 30): {
        "age":                       ( 0.5124233,   0.437377,  0.4396545,  0.3749788,  0.5919097,  0.5387527),
        "age_squared":               (-0.0978159,  -0.104443, -0.0918489, -0.0990063, -0.1023133, -0.1090333),
        "non_hdl":                   ( 0.0322131,  0.0812573,  0.1132729,  0.1708505,        0.0,        0.0),
        "hdl":                       (-0.1717884, -0.1069199, -0.1544977, -0.1272841,        0.0,        0.0),
        "sbp_below_110":             (-0.1364536, -0.2786727,   0.036315, -0.1275555, -0.3864727, -0.4829094),
        "sbp_from_110":              ( 0.3074443,  0.2729256,  0.3049229,  0.2659339,   0.301876,  0.2843569),
        "diabetes":                  ( 0.6709275,  0.5279006,  0.6344794,  0.4676531,  0.8162909,  0.6827667),
        "smoker":                    ( 0.2897728,  0.1878949,   0.234514,  0.1610104,  0.3449647,  0.2406677),
        "bmi_below_30":              (       0.0,        0.0,        0.0,        0.0,  0.0574975,  0.0618028),
        "bmi_from_30":               (       0.0,        0.0,        0.0,        0.0,  0.2367826,  0.2705615),
        "egfr_below_60":             ( 0.1670658,  0.0866569,  0.0898312, -0.0465144,  0.2790347,  0.2255837),
        "egfr_from_60":              ( 0.0618439,  0.0594948,  0.0564502,  0.0596996,  0.0742645,  0.0653632),
        "bp_treated":                ( 0.2969806,  0.2028246,  0.1933487,  0.1147096,  0.3352935,  0.2263243),
        "statin":                    (-0.0665514, -0.0308404,  0.0220467,  0.0052906,        0.0,        0.0),
        "bp_treated_x_sbp_from_110": (-0.0458917, -0.0283679, -0.0229229, -0.0186687, -0.0772532, -0.0316851),
        "statin_x_non_hdl":          ( 0.1168505,  0.1439353,  0.0903326,  0.1063151,        0.0,        0.0),
        "age_x_non_hdl":             (-0.0770419, -0.0510854, -0.0579383, -0.0307797,        0.0,        0.0),
        "age_x_hdl":                 (  0.027634,  0.0150236,  0.0274011,  0.0218126,        0.0,        0.0),
        "age_x_sbp_from_110":        (-0.0992045, -0.1095448, -0.1039749, -0.0898242, -0.0995144, -0.1258716),
        "age_x_diabetes":            (-0.3208137, -0.2561109, -0.2785102,  -0.210054, -0.4000423, -0.3243709),
        "age_x_smoker":              ( -0.134847, -0.1282945, -0.1167267, -0.1246327, -0.1770335, -0.1596172),
        "age_x_bmi_from_30":         (       0.0,        0.0,        0.0,        0.0,  0.0083046, -0.0103092),
        "age_x_egfr_below_60":       (-0.1399842, -0.1011023, -0.1269382, -0.0629358,  -0.149585, -0.1204785),
        "sdi_decile_4_6":            ( 0.1129725,  0.0314626,  0.1149139,  0.0199201,  0.0960646,  0.0680528),
        "sdi_decile_7_10":           ( 0.1975843,  0.2003953,  0.1976537,   0.194949,  0.1987543,  0.2619865),
        "sdi_missing":               ( 0.1627381,  0.0927451,  0.1391241,  0.0863835,  0.1562214,  0.1151424),
        "constant":                  ( -1.493211,  -1.251031,  -2.116951,  -1.836632,  -2.317899,  -2.060187),
    },
    ("full", 10): {
        "age":                       ( 0.7716794,  0.7847578,  0.7023067,  0.7128741,   0.884209,  0.9095703),
        "non_hdl":                   ( 0.0062109,  0.0534485,  0.0898765,  0.1465201,        0.0,        0.0),
        "hdl":                       (-0.1547756, -0.0911282, -0.1407316, -0.1125794,        0.0,        0.0),
        "sbp_below_110":             (-0.1933123, -0.4921973, -0.0256648, -0.3387216,  -0.421474, -0.6765184),
        "sbp_from_110":              ( 0.3071217,  0.2972415,   0.314511,  0.2980252,  0.3002919,  0.3111651),
        "diabetes":                  (  0.496753,  0.4527054,  0.4799217,   0.399583,  0.6170359,  0.5535052),
        "smoker":                    (  0.466605,  0.3726641,  0.4062049,  0.3379111,  0.5380269,  0.4326811),
        "bmi_below_30":              (       0.0,        0.0,        0.0,        0.0, -0.0191335, -0.0854286),
        "bmi_from_30":               (       0.0,        0.0,        0.0,        0.0,  0.2764302,  0.3551736),
        "egfr_below_60":             ( 0.4780697,  0.3886854,  0.3847744,  0.2582604,  0.5975847,  0.5102245),
        "egfr_from_60":              ( 0.0529077,  0.0081661,  0.0495174,  0.0147769,  0.0654197,   0.015472),
        "bp_treated":                ( 0.3034892,  0.2508052,  0.2133861,  0.1686621,  0.3313614,  0.2570964),
        "statin":                    (-0.1556524, -0.1538484, -0.0678552, -0.1073619,        0.0,        0.0),
        "bp_treated_x_sbp_from_110": (-0.0667026, -0.0474695, -0.0451416, -0.0381038, -0.1002304, -0.0591177),
        "statin_x_non_hdl":          ( 0.1061825,  0.1415382,  0.0788187,  0.1034169,        0.0,        0.0),
        "age_x_non_hdl":             (-0.0742271, -0.0436455, -0.0535985, -0.0228755,        0.0,        0.0),
        "age_x_hdl":                 ( 0.0288245,  0.0199549,  0.0291762,  0.0267453,        0.0,        0.0),
        "age_x_sbp_from_110":        (-0.0875188, -0.1022686, -0.0961839, -0.0897449, -0.0845363, -0.1219056),
        "age_x_diabetes":            (-0.2267102, -0.1762507, -0.2001466, -0.1497464, -0.2989062, -0.2437577),
        "age_x_smoker":              (-0.0676125, -0.0715873, -0.0586472,  -0.077206, -0.1111354,  -0.105363),
        "age_x_bmi_from_30":         (       0.0,        0.0,        0.0,        0.0,  0.0008104,  0.0037907),
        "age_x_egfr_below_60":       (-0.1493231, -0.1428668, -0.1537791, -0.1198368, -0.1666635, -0.1660207),
        "sdi_decile_4_6":            ( 0.1361989,  0.0802431,  0.1413965,  0.0651121,  0.1213034,  0.1106372),
        "sdi_decile_7_10":           ( 0.2261596,   0.275073,   0.228136,  0.2676683,  0.2314147,  0.3371204),
        "sdi_missing":               ( 0.1804508,   0.144759,  0.1588908,  0.1388492,  0.1819138,  0.1694628),
        "ln_uacr":                   ( 0.1645922,  0.1772853,  0.1371824,  0.1375837,  0.1948135,  0.2164607),
        "uacr_missing":              ( 0.0198413,  0.1095674,  0.0061613,  0.0652944,  0.0395368,  0.1702805),
        "hba1c_with_diabetes":       ( 0.1298513,  0.1165698,   0.123192,   0.101282,   0.176668,   0.148297),
        "hba1c_without_diabetes":    ( 0.1412555,  0.1048297,  0.1410572,  0.1092726,  0.1614911,  0.1234088),
        "hba1c_missing":             (-0.0031658, -0.0230072,   0.005866, -0.0112852, -0.0010583, -0.0234637),
        "constant":                  ( -3.860385,  -3.631387,  -4.291503,  -3.969788,  -4.896524,  -4.663513),
    },
    ("full", 30): {
        "age":                       ( 0.5073749,  0.4427595,  0.4386739,  0.3743566,  0.5927507,  0.5478829),
        "age_squared":               (-0.0981751, -0.1064108, -0.0921956, -0.0995499, -0.1028754, -0.1111928),
        "non_hdl":                   ( 0.0162303,  0.0629381,  0.0977728,  0.1544808,        0.0,        0.0),
        "hdl":                       (-0.1617147, -0.1015427, -0.1453525, -0.1215297,        0.0,        0.0),
        "sbp_below_110":             (-0.1111241, -0.2542326,  0.0590925, -0.1083968, -0.3593781, -0.4547346),
        "sbp_from_110":              (  0.282946,  0.2549679,  0.2862862,  0.2555179,  0.2628556,  0.2527602),
        "diabetes":                  ( 0.4004069,   0.333835,  0.3669136,  0.2696998,  0.5113472,  0.4385384),
        "smoker":                    ( 0.2918701,  0.1873833,  0.2354695,  0.1628432,   0.347344,  0.2397952),
        "bmi_below_30":              (       0.0,        0.0,        0.0,        0.0,  0.0564656,  0.0640931),
        "bmi_from_30":               (       0.0,        0.0,        0.0,        0.0,  0.2363857,  0.2643081),
        "egfr_below_60":             ( 0.1017102,  0.0246102,  0.0354338,  -0.077507,  0.1971295,  0.1354588),
        "egfr_from_60":              ( 0.0622643,  0.0552014,  0.0573093,  0.0583407,  0.0735227,  0.0570689),
        "bp_treated":                ( 0.2872416,  0.1979729,  0.1840085,  0.1120322,  0.3219386,   0.220666),
        "statin":                    (-0.0768135, -0.0407714,  0.0117504, -0.0025063,        0.0,        0.0),
        "bp_treated_x_sbp_from_110": (-0.0557282, -0.0365522, -0.0331945, -0.0256116, -0.0880321, -0.0436769),
        "statin_x_non_hdl":          ( 0.0917585,  0.1232822,  0.0664311,  0.0886745,        0.0,        0.0),
        "age_x_non_hdl":             (-0.0679131, -0.0441334, -0.0492826, -0.0254507,        0.0,        0.0),
        "age_x_hdl":                 (  0.029076,  0.0177865,  0.0288888,  0.0244639,        0.0,        0.0),
        "age_x_sbp_from_110":        (-0.0907755, -0.1046657, -0.0964709, -0.0869146, -0.0863132, -0.1168376),
        "age_x_diabetes":            (-0.2702118, -0.2116113, -0.2279648,  -0.165745, -0.3425359, -0.2730055),
        "age_x_smoker":              (-0.1373216, -0.1277905,  -0.120405, -0.1244714,  -0.181405, -0.1573691),
        "age_x_bmi_from_30":         (       0.0,        0.0,        0.0,        0.0,  0.0031285, -0.0174998),
        "age_x_egfr_below_60":       (-0.1255864, -0.0955922, -0.1157635, -0.0624552, -0.1356989, -0.1128676),
        "sdi_decile_4_6":            ( 0.1067741,  0.0256704,  0.1107632,   0.015675,  0.0847634,   0.057746),
        "sdi_decile_7_10":           ( 0.1853138,  0.1887637,  0.1840367,  0.1864231,    0.18397,  0.2446441),
        "sdi_missing":               ( 0.1567115,   0.089241,  0.1308962,  0.0845697,  0.1485802,  0.1076782),
        "ln_uacr":                   ( 0.1028065,  0.0894596,  0.0810739,  0.0560171,  0.1273306,  0.1233486),
        "uacr_missing":              (-0.0006181,  0.0710124, -0.0147785,  0.0252244,  0.0167008,  0.1274796),
        "hba1c_with_diabetes":       ( 0.0925285,  0.0676202,  0.0794709,  0.0501422,  0.1378342,  0.0985062),
        "hba1c_without_diabetes":    ( 0.0975598,   0.063409,  0.1002615,  0.0722905,  0.1138832,  0.0804844),
        "hba1c_missing":             ( 0.0101713,  0.0038783,   0.017301,  0.0114945,  0.0138979,  0.0022806),
        "constant":                  ( -1.748475,  -1.504558,  -2.314066,  -1.985368,  -2.642208,  -2.425439),
    },
}

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


def _fraction(table: dict[str, _Row], column: int, terms: dict[str, float]) -> float:
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


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _full_model_note(model: str, values: dict[str, _Value]) -> str | None:
    absent = [_LABELS[field] for _, field in _ADD_ONS if values[field] is None]
    if model != "full" or not absent:
        return None
    return f"full model: {_join(absent)} not recorded; the model's terms for a missing value are used"


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
    clauses: list[str] = []
    if result.missing:
        names = [_LABELS.get(name, name.replace("_", " ")) for name in result.missing]
        clauses.append(f"{_join(names)} {'is' if len(names) == 1 else 'are'} missing")
    by_text = {r.text: r for r in (*RANGES, THIRTY_YEAR_AGE)}
    outside: list[str] = []
    for text in result.out_of_range:
        known = by_text.get(text)
        outside.append(f"{known.label} is outside {text.removeprefix(known.label + ' ')}" if known
                       else f"{text} is out of range")
    if outside:
        clauses.append(_join(outside))
    if not clauses:
        clauses.append("the inputs are incomplete")
    label = _OUTCOME_LABELS.get(result.outcome, result.outcome)
    return f"{result.years}-year {label} risk (PREVENT) not calculated: " + "; ".join(clauses)
