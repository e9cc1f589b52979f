"""The patient facts file (docs/contract.md, section 2) as a strict pydantic model.

Units are fixed by field names; every measured value carries its physiological range,
and a value outside it is refused rather than clamped. Error messages never repeat the
patient's value (it may identify them); the field path, range and unit say enough.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict, model_validator
from pydantic_core import PydanticCustomError


def measured(low: float, high: float, unit: str, *, integer: bool = False) -> Any:
    """A number checked against an inclusive physiological range, typed strictly (no "150")."""

    def check(value: float) -> float:
        if not low <= value <= high:
            raise PydanticCustomError(
                "range", "value is outside {low}..{high} {unit}",
                {"low": _plain(low), "high": _plain(high), "unit": unit},
            )
        return value

    base: Any = int if integer else float
    return Annotated[
        base, Strict(), AfterValidator(check),
        Field(json_schema_extra={"minimum": low, "maximum": high, "x-unit": unit}),
    ]


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


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
    date: dt.date | None = None
    setting: Literal["office", "home", "ambulatory"] = "office"

    @model_validator(mode="after")
    def _pulse_pressure(self) -> BloodPressureReading:
        if self.diastolic >= self.systolic:
            raise PydanticCustomError("bp_order", "diastolic must be lower than systolic")
        return self


class Vitals(StrictModel):
    blood_pressure: list[BloodPressureReading] = Field(default_factory=list)
    height_cm: measured(50, 250, "cm") | None = None  # type: ignore[valid-type]
    weight_kg: measured(2, 400, "kg") | None = None  # type: ignore[valid-type]


class CodedCondition(StrictModel):
    system: str
    code: str
    display: str


class Labs(StrictModel):
    egfr: measured(1, 200, "mL/min/1.73m2") | None = None  # type: ignore[valid-type]
    total_cholesterol_mg_dl: measured(50, 1000, "mg/dL") | None = None  # type: ignore[valid-type]
    hdl_mg_dl: measured(5, 200, "mg/dL") | None = None  # type: ignore[valid-type]
    ldl_mg_dl: measured(5, 1000, "mg/dL") | None = None  # type: ignore[valid-type]
    hba1c_percent: measured(3, 20, "%") | None = None  # type: ignore[valid-type]
    potassium_mmol_l: measured(1.5, 10, "mmol/L") | None = None  # type: ignore[valid-type]
    sodium_mmol_l: measured(100, 180, "mmol/L") | None = None  # type: ignore[valid-type]
    creatinine_mg_dl: measured(0.1, 25, "mg/dL") | None = None  # type: ignore[valid-type]
    urine_acr_mg_g: measured(0, 10000, "mg/g") | None = None  # type: ignore[valid-type]


class Medication(StrictModel):
    name: str = Field(min_length=1, description="lower-case generic name")
    status: Literal["active", "planned", "stopped"] = "active"
    indication: str | None = None
    dose_mg: measured(0.001, 100000, "mg") | None = None  # type: ignore[valid-type]
    months_on_drug: measured(0, 1200, "months", integer=True) | None = Field(  # type: ignore[valid-type]
        default=None, description="how long an active medicine has been taken (some CPIC populations use it)")


class Genotype(StrictModel):
    gene: str = Field(min_length=1, description="HGNC symbol")
    diplotype: str | None = Field(default=None, description='star-allele diplotype, e.g. "*1/*2"')
    allele: str | None = Field(default=None, description='e.g. "*57:01" for an HLA result')
    result: Result | None = None
    phenotype: str | None = Field(default=None, description="a lab-called phenotype in CPIC terms")
    activity_score: measured(0, 10, "activity score") | None = None  # type: ignore[valid-type]

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
    gene: str
    variant: str


class Cancer(StrictModel):
    """One cancer diagnosis. Vocabulary, units and what the rules read from it: docs/oncology.md."""

    type: str = Field(min_length=1, description=(
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
    tumour_size_mm: measured(0, 500, "mm") | None = Field(  # type: ignore[valid-type]
        default=None, description="largest dimension of the invasive tumour (pathological where known)")
    menopausal_status: Literal["pre", "peri", "post"] | None = None
    oncotype_dx_recurrence_score: measured(0, 100, "points", integer=True) | None = None  # type: ignore[valid-type]
    pd_l1_tps_percent: measured(0, 100, "%") | None = Field(  # type: ignore[valid-type]
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
        default_factory=list, description='tumour (not germline) alterations, e.g. {gene: EGFR, variant: L858R}')


class FamilyHistoryEntry(StrictModel):
    relative: str
    condition: str
    age_at_diagnosis: measured(0, 120, "years", integer=True) | None = None  # type: ignore[valid-type]


class Preferences(StrictModel):
    goals: list[str] = Field(default_factory=list)
    prefers_non_pharmacologic: Annotated[bool, Strict()] = False
    declines: list[str] = Field(default_factory=list)


class Patient(StrictModel):
    """One patient's facts. Every section is optional except ``id``."""

    id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._-]+$",
                    description="local identifier; never an MRN in examples")
    demographics: Demographics = Field(default_factory=Demographics)
    vitals: Vitals = Field(default_factory=Vitals)
    conditions: list[str | CodedCondition] = Field(default_factory=list)
    allergies: list[str] = Field(default_factory=list)
    labs: Labs = Field(default_factory=Labs)
    medications: list[Medication] = Field(default_factory=list)
    genotypes: list[Genotype] = Field(default_factory=list)
    lifestyle: Lifestyle = Field(default_factory=Lifestyle)
    stress: Stress = Field(default_factory=Stress)
    cancer: list[Cancer] = Field(default_factory=list)
    family_history: list[FamilyHistoryEntry] = Field(default_factory=list)
    preferences: Preferences = Field(default_factory=Preferences)
