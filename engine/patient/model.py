"""The patient facts file (docs/contract.md, section 2) as a strict pydantic model.

Units are fixed by field names; every measured value carries its physiological range,
and a value outside it is refused rather than clamped, so every number that reaches the
engine is one it holds exactly (``engine.facts.fact.engine_json``). Lists, texts and the
copy numbers of a diplotype are bounded too (the limits below, named in the JSON Schema
and in the errors). Error messages never repeat the patient's value (it may identify
them); the field path, range and unit say enough.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, Strict, model_validator
from pydantic_core import PydanticCustomError

MAX_TEXT = 1000  # characters in one free-text value (a name, an indication, a goal)
MAX_COPIES = 20  # copies of one allele in a diplotype ("*1x3"); CPIC tables stop at "≥3"

# How many items a list may hold: generous for any one patient, small enough that a runaway
# export is refused with a clear error instead of slowing the engine down.
MAX_READINGS = 1000
MAX_CONDITIONS = 1000
MAX_ALLERGIES = 500
MAX_MEDICATIONS = 1000
MAX_GENOTYPES = 1000
MAX_CANCERS = 50
MAX_VARIANTS = 1000
MAX_RELATIVES = 1000
MAX_PREFERENCES = 100


def measured(low: float, high: float, unit: str, *, integer: bool = False, places: int | None = None) -> Any:
    """A number checked against an inclusive physiological range, typed strictly (no "150").

    ``places``: the decimal places the normaliser keeps for this field; a value that would
    round to 0 there is refused (the engine must see the value the file holds, not zero).
    """

    def in_range(value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not low <= value <= high:
            raise PydanticCustomError(
                "range", "value is outside {low}..{high} {unit}",
                {"low": _plain(low), "high": _plain(high), "unit": unit},
            )
        if places is not None and isinstance(value, float) and value != 0 and round(value, places) == 0:
            raise PydanticCustomError(
                "range", "a value this small is kept as 0 (the engine keeps {places} decimal places); write 0 or "
                "at least {smallest} {unit}", {"places": places, "smallest": _plain(0.5 * 10 ** -places), "unit": unit},
            )
        return value

    base: Any = int if integer else float
    return Annotated[
        base, Strict(), BeforeValidator(in_range),
        Field(json_schema_extra={"minimum": low, "maximum": high, "x-unit": unit}),
    ]


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    """A date, or text written YYYY-MM-DD (JSON has no dates); never a number read as a timestamp."""
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_type", "expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "expected a date (YYYY-MM-DD)")
    if not _ISO_DATE.fullmatch(value.strip()):
        raise PydanticCustomError("date_type", "expected a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise PydanticCustomError("date_value", "not a real calendar date (YYYY-MM-DD)") from None


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
_COPIES = re.compile(r".+?x(?:≥|>=)?([0-9]+)")  # engine.patient.normalise.allele_copies reads the same suffix


def _copies_bounded(diplotype: str | None) -> str | None:
    """Refuse a copy number ("*1x3") above MAX_COPIES: it would be multiplied into an activity score."""
    if diplotype is None:
        return None
    for allele in diplotype.split("/"):
        match = _COPIES.fullmatch(allele.strip())
        if match and not (len(match.group(1)) <= 2 and 1 <= int(match.group(1)) <= MAX_COPIES):
            raise PydanticCustomError(
                "range", "a copy number (the N of xN) must lie between 1 and {high}",
                {"high": MAX_COPIES})
    return diplotype


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


Result = Literal["positive", "negative", "indeterminate", "no result"]


class Demographics(StrictModel):
    age: measured(0, 120, "years", integer=True) | None = None  # type: ignore[valid-type]
    sex: Literal["female", "male", "other", "unknown"] | None = None
    pregnant: Annotated[bool, Strict()] | None = None
    race: Literal[
        "black", "white", "asian", "hispanic", "american-indian", "pacific-islander", "other", "unknown"
    ] | None = Field(default=None, description="self-reported; used only where a guideline uses it")


class BloodPressureReading(StrictModel):
    systolic: measured(50, 300, "mmHg")  # type: ignore[valid-type]
    diastolic: measured(20, 200, "mmHg")  # type: ignore[valid-type]
    date: IsoDate | None = None
    setting: Literal["office", "home", "ambulatory"] = "office"

    @model_validator(mode="after")
    def _pulse_pressure(self) -> BloodPressureReading:
        if self.diastolic >= self.systolic:
            raise PydanticCustomError("bp_order", "diastolic must be lower than systolic")
        return self


class Vitals(StrictModel):
    blood_pressure: list[BloodPressureReading] = Field(default_factory=list, max_length=MAX_READINGS)
    height_cm: measured(50, 250, "cm") | None = None  # type: ignore[valid-type]
    weight_kg: measured(2, 400, "kg") | None = None  # type: ignore[valid-type]


class CodedCondition(StrictModel):
    system: Text
    code: Text
    display: Text


class Labs(StrictModel):
    egfr: measured(1, 200, "mL/min/1.73m2") | None = None  # type: ignore[valid-type]
    total_cholesterol_mg_dl: measured(50, 1000, "mg/dL") | None = None  # type: ignore[valid-type]
    hdl_mg_dl: measured(5, 200, "mg/dL") | None = None  # type: ignore[valid-type]
    ldl_mg_dl: measured(5, 1000, "mg/dL") | None = None  # type: ignore[valid-type]
    hba1c_percent: measured(3, 20, "%") | None = None  # type: ignore[valid-type]
    potassium_mmol_l: measured(1.5, 10, "mmol/L") | None = None  # type: ignore[valid-type]
    sodium_mmol_l: measured(100, 180, "mmol/L") | None = None  # type: ignore[valid-type]
    creatinine_mg_dl: measured(0.1, 25, "mg/dL") | None = None  # type: ignore[valid-type]
    urine_acr_mg_g: measured(0, 10000, "mg/g", places=2) | None = None  # type: ignore[valid-type]


class Medication(StrictModel):
    name: Name = Field(description="lower-case generic name")
    status: Literal["active", "planned", "stopped"] = "active"
    indication: Text | None = None
    dose_mg: measured(0.001, 100000, "mg") | None = None  # type: ignore[valid-type]
    months_on_drug: measured(0, 1200, "months", integer=True) | None = Field(  # type: ignore[valid-type]
        default=None, description="how long an active medicine has been taken (some CPIC populations use it)")


class Genotype(StrictModel):
    gene: Name = Field(description="HGNC symbol")
    diplotype: Annotated[Text | None, AfterValidator(_copies_bounded)] = Field(
        default=None, description=f'star-allele diplotype, e.g. "*1/*2" or "*1x2/*4" (at most {MAX_COPIES} copies)')
    allele: Text | None = Field(default=None, description='e.g. "*57:01" for an HLA result')
    result: Result | None = None
    phenotype: Text | None = Field(default=None, description="a lab-called phenotype in CPIC terms")
    activity_score: measured(0, 10, "activity score", places=2) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _says_something(self) -> Genotype:
        if not any(v is not None for v in (self.diplotype, self.result, self.phenotype, self.activity_score)):
            raise PydanticCustomError(
                "genotype_empty", "give a diplotype, a phenotype, an activity score or a result",
            )
        return self


class Lifestyle(StrictModel):
    smoking: Literal["current", "former", "never"] | None = None
    alcohol_drinks_per_week: measured(0, 200, "drinks/week") | None = None  # type: ignore[valid-type]
    activity_minutes_per_week: measured(0, 5000, "min/week") | None = None  # type: ignore[valid-type]
    resistance_training_days_per_week: measured(0, 7, "days/week", integer=True) | None = None  # type: ignore[valid-type]
    sodium_mg_per_day: measured(0, 20000, "mg/day") | None = None  # type: ignore[valid-type]
    potassium_mg_per_day: measured(0, 20000, "mg/day") | None = None  # type: ignore[valid-type]
    fruit_vegetable_servings_per_day: measured(0, 40, "servings/day") | None = None  # type: ignore[valid-type]
    sleep_hours: measured(0, 24, "hours/night") | None = None  # type: ignore[valid-type]


class Stress(StrictModel):
    pss10: measured(0, 40, "points", integer=True) | None = None  # type: ignore[valid-type]
    phq9: measured(0, 27, "points", integer=True) | None = None  # type: ignore[valid-type]
    phq9_item9: measured(0, 3, "points", integer=True) | None = None  # type: ignore[valid-type]
    gad7: measured(0, 21, "points", integer=True) | None = None  # type: ignore[valid-type]


class SomaticVariant(StrictModel):
    gene: Text
    variant: Text


class Cancer(StrictModel):
    """One cancer diagnosis. Vocabulary, units and what the rules read from it: docs/oncology.md."""

    type: Name = Field(description=(
        'primary site, e.g. "breast", "non-small cell lung", "colon", "rectal", "colorectal"; '
        'the normaliser lower-cases it, drops a trailing "cancer" and maps "nsclc" and "crc"'))
    stage: Literal[
        "0", "I", "IA", "IA1", "IA2", "IA3", "IB", "IB1", "IB2", "IB3", "IC", "II", "IIA", "IIA1", "IIA2", "IIB",
        "IIC", "III", "IIIA", "IIIB", "IIIC", "IIIC1", "IIIC2", "IV", "IVA", "IVB", "IVC",
    ] | None = Field(default=None, description="AJCC stage group (write 0 as '0': it is text)")
    er: Result | None = Field(default=None, description="oestrogen receptor status")
    pr: Result | None = Field(default=None, description="progesterone receptor status")
    her2: Result | None = Field(default=None, description="HER2 status (ASCO/CAP: IHC 3+ or ISH-amplified is positive)")
    nodes_positive: measured(0, 100, "nodes", integer=True) | None = Field(  # type: ignore[valid-type]
        default=None, description="number of involved regional lymph nodes (0 = node-negative)")
    tumour_size_mm: measured(0, 500, "mm", places=1) | None = Field(  # type: ignore[valid-type]
        default=None, description="largest dimension of the invasive tumour (pathological where known)")
    menopausal_status: Literal["pre", "peri", "post"] | None = None
    oncotype_dx_recurrence_score: measured(0, 100, "points", integer=True) | None = None  # type: ignore[valid-type]
    pd_l1_tps_percent: measured(0, 100, "%", places=1) | None = Field(  # type: ignore[valid-type]
        default=None, description="PD-L1 tumour proportion score by immunohistochemistry (percent of tumour cells)")
    msi_status: Literal["high", "low", "stable"] | None = Field(
        default=None, description="microsatellite instability: high (MSI-H), low (MSI-L) or stable (MSS)")
    mmr_status: Literal["deficient", "proficient"] | None = Field(
        default=None, description="mismatch-repair protein status by immunohistochemistry (dMMR or pMMR)")
    biomarker_testing: Literal["complete", "pending", "not done"] | None = Field(
        default=None, description=(
            "state of the tumour's predictive biomarker testing (for NSCLC: EGFR, ALK, ROS1, BRAF, KRAS, MET, RET, "
            "NTRK, HER2 and PD-L1); 'complete' means every result is in somatic_variants and the fields above"))
    somatic_variants: list[SomaticVariant] = Field(
        default_factory=list, max_length=MAX_VARIANTS,
        description='tumour (not germline) alterations, e.g. {gene: EGFR, variant: L858R}')


class FamilyHistoryEntry(StrictModel):
    relative: Text
    condition: Text
    age_at_diagnosis: measured(0, 120, "years", integer=True) | None = None  # type: ignore[valid-type]


class Preferences(StrictModel):
    goals: list[Text] = Field(default_factory=list, max_length=MAX_PREFERENCES)
    prefers_non_pharmacologic: Annotated[bool, Strict()] = False
    declines: list[Text] = Field(default_factory=list, max_length=MAX_PREFERENCES)


class Patient(StrictModel):
    """One patient's facts. Every section is optional except ``id``."""

    id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._-]+$",
                    description="local identifier; never an MRN in examples")
    demographics: Demographics = Field(default_factory=Demographics)
    vitals: Vitals = Field(default_factory=Vitals)
    conditions: list[Text | CodedCondition] = Field(default_factory=list, max_length=MAX_CONDITIONS)
    allergies: list[Text] = Field(default_factory=list, max_length=MAX_ALLERGIES)
    labs: Labs = Field(default_factory=Labs)
    medications: list[Medication] = Field(default_factory=list, max_length=MAX_MEDICATIONS)
    genotypes: list[Genotype] = Field(default_factory=list, max_length=MAX_GENOTYPES)
    lifestyle: Lifestyle = Field(default_factory=Lifestyle)
    stress: Stress = Field(default_factory=Stress)
    cancer: list[Cancer] = Field(default_factory=list, max_length=MAX_CANCERS)
    family_history: list[FamilyHistoryEntry] = Field(default_factory=list, max_length=MAX_RELATIVES)
    preferences: Preferences = Field(default_factory=Preferences)
