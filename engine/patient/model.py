"""The structural part of the patient facts file (docs/contract.md, section 2) as a strict pydantic model.

Structural: the id, lists of readings, medicines, genotypes, cancers with their somatic variants,
family history, preferences, coded observations and the as-of date. The flat sections
(demographics, labs, lifestyle, stress, and any a pack adds) are declared by the pack
(``engine.facts.fields``) and built onto this model per pack by ``engine.patient.declared``;
``Patient.model_validate`` on this class validates against the default pack's declarations.

Units are fixed by field names; every measured value carries its physiological range,
and a value outside it is refused rather than clamped, so every number that reaches the
engine is one it holds exactly (``engine.facts.fact.engine_json``). Lists, texts and the
copy numbers of a diplotype are bounded too (the limits below, named in the JSON Schema
and in the errors). Error messages never repeat the patient's value (it may identify
them); the field path, range and unit say enough.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal, Self, cast

from pydantic import AfterValidator, Field, PrivateAttr, Strict, model_validator
from pydantic_core import PydanticCustomError

from engine.facts.fact import Scalar
from engine.facts.fields import FieldDeclarations
from engine.patient.values import IsoDate, Name, StrictModel, Text, measured
from engine.source.diagnostics import Diagnostic

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
MAX_OBSERVATIONS = 1000


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


Result = Literal["positive", "negative", "indeterminate", "no result"]


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


class ObservationCode(StrictModel):
    system: Name = Field(description="the code system's URI, e.g. http://loinc.org")
    code: Name


class Observation(StrictModel):
    """A coded measurement (CONTRACT v2); the pack's knowledge/observations.csv says which field it fills."""

    code: ObservationCode
    # bounded like every number of the file; the field it fills checks its own range
    value: measured(-1_000_000, 1_000_000, "(in the unit the pack's table expects)")  # type: ignore[valid-type]
    unit: Text | None = Field(default=None, description="UCUM, e.g. {pack-years}, mg/dL")
    date: IsoDate | None = None


class Patient(StrictModel):
    """One patient's facts. Every section is optional except ``id``.

    The declared sections are fields of the subclass ``engine.patient.declared`` builds for a pack;
    read them with ``section_values``, which also holds the values coded observations filled.
    """

    declarations: ClassVar[FieldDeclarations | None] = None  # set on each built subclass
    _filled: dict[tuple[str, str], Scalar] = PrivateAttr(default_factory=dict)
    _unmapped: tuple[int, ...] = PrivateAttr(default=())
    _warnings: tuple[Diagnostic, ...] = PrivateAttr(default=())  # located, set by engine.patient.loader
    _input_gaps: tuple[str, ...] = PrivateAttr(default=())  # what a FHIR/PharmCAT reader could not map

    id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._-]+$",
                    description="local identifier; never an MRN in examples")
    as_of: IsoDate | None = Field(default=None, description=(
        "the date the file describes the patient at; date arithmetic (years since, age at) counts to it"))
    vitals: Vitals = Field(default_factory=Vitals)
    conditions: list[Text | CodedCondition] = Field(default_factory=list, max_length=MAX_CONDITIONS)
    allergies: list[Text] = Field(default_factory=list, max_length=MAX_ALLERGIES)
    medications: list[Medication] = Field(default_factory=list, max_length=MAX_MEDICATIONS)
    genotypes: list[Genotype] = Field(default_factory=list, max_length=MAX_GENOTYPES)
    cancer: list[Cancer] = Field(default_factory=list, max_length=MAX_CANCERS)
    family_history: list[FamilyHistoryEntry] = Field(default_factory=list, max_length=MAX_RELATIVES)
    preferences: Preferences = Field(default_factory=Preferences)
    observations: list[Observation] = Field(default_factory=list, max_length=MAX_OBSERVATIONS)

    @classmethod
    def model_validate(cls, obj: Any, *, strict: bool | None = None, extra: Any = None,
                       from_attributes: bool | None = None, context: Any | None = None,
                       by_alias: bool | None = None, by_name: bool | None = None) -> Self:
        """On this structural class: validate with the default pack's model (its declared sections)."""
        options: dict[str, Any] = {"strict": strict, "extra": extra, "from_attributes": from_attributes,
                                   "context": context, "by_alias": by_alias, "by_name": by_name}
        if cls.declarations is None:
            from engine.patient.declared import default_patient_model  # built on this class: import late
            return cast(Self, default_patient_model().model_validate(obj, **options))
        return super().model_validate(obj, **options)

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if cls.declarations is None:
            from engine.patient.declared import default_patient_model
            return default_patient_model().model_json_schema(*args, **kwargs)
        return super().model_json_schema(*args, **kwargs)

    def section_values(self, section: str) -> dict[str, Scalar]:
        """A declared section's values as written, with those that coded observations and date arithmetic
        filled; {} when absent."""
        given = getattr(self, section, None)
        values: dict[str, Scalar] = dict(given.model_dump(exclude_none=True)) if given is not None else {}
        values.update({name: value for (where, name), value in self._filled.items() if where == section})
        return values

    def value(self, section: str, name: str) -> Scalar | None:
        return self.section_values(section).get(name)

    @property
    def unmapped_observations(self) -> tuple[int, ...]:
        """Indexes of observations whose code the pack does not map (reported, never used)."""
        return self._unmapped

    @property
    def load_warnings(self) -> tuple[Diagnostic, ...]:
        """What the loader noted without refusing the file (an observation the pack does not map)."""
        return self._warnings

    def noted(self, warnings: list[Diagnostic]) -> None:
        self._warnings = tuple(warnings)

    @property
    def input_gaps(self) -> tuple[str, ...]:
        """What the record held that its reader could not map (engine.intake): the plan lists each as a
        data gap, so nothing in the record is dropped silently. Never a patient's value."""
        return self._input_gaps

    def note_input_gaps(self, gaps: list[str]) -> None:
        self._input_gaps = tuple(sorted(set(gaps)))

    def fill(self, filled: dict[tuple[str, str], Scalar], unmapped: tuple[int, ...]) -> None:
        """Set what the declared model computed while validating (``engine.patient.declared``)."""
        self._filled, self._unmapped = dict(filled), unmapped
