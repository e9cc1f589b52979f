"""The care plan (docs/contract.md, section 3) as a pydantic model; JSON output is its dump."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from engine.lang.vocabulary import Action, Category, Strength
from engine.pack.source_attributes import SourceAttributes

PLAN_SCHEMA = "careplan/plan@1"


class PlanModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PackInfo(PlanModel):
    name: str
    version: str
    digest: str
    data_versions: dict[str, str] = Field(default_factory=dict, description="versions of the sources' data")
    source_attributes: SourceAttributes | None = Field(
        default=None, description="the pack's decision-support source attributes (HTI-1), when it states them")


class Because(PlanModel):
    """One step of the chain that led to an item: the rule and the facts it matched."""

    model_config = ConfigDict(extra="forbid", frozen=True)  # shared by the chains of one plan (engine.plan.builder)

    rule: str
    version: str
    source: str = Field(description="file:line of the rule (and table row)")
    facts: list[str]
    produced: list[str] = Field(default_factory=list)


class Assessment(PlanModel):
    kind: str
    value: str | float | int | bool
    unit: str | None = None
    gene: str | None = None
    details: dict[str, str | float | int | bool] = Field(default_factory=dict)
    because: list[str]


class CitedSource(PlanModel):
    """A further source the recommendation cites (the first is flattened into its evidence)."""

    model_config = ConfigDict(extra="forbid", frozen=True)  # shared between plans (engine.plan.builder)

    cite: str = Field(description="key of the pack's knowledge/citations.yaml")
    authors: list[str] = Field(default_factory=list)
    title: str
    journal: str | None = None
    year: int | None = None
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    short: str = Field(description="first author, journal, year and PMID, as a clinician looks it up")


class EvidenceRef(PlanModel):
    """The source behind a recommendation: ``source``, ``citation`` and ``url`` (contract v2), and, where
    the rule cites a record of the pack's knowledge/citations.yaml, that record's fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)  # shared between plans (engine.plan.builder)

    source: str
    citation: str
    url: str | None = None
    cite: str | None = Field(default=None, description="key of the main cited record")
    authors: list[str] = Field(default_factory=list)
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    pmid: str | None = None
    doi: str | None = None
    short: str | None = Field(default=None, description="'Lee CR et al. Clin Pharmacol Ther 2022; PMID 35034351'")
    section: str | None = Field(default=None, description="where in the source the rule's statement is")
    also: list[CitedSource] = Field(default_factory=list, description="further sources the rule cites")


class SharedDecision(PlanModel):
    """A recommendation the patient's preferences put up for discussion rather than silently dropped."""

    declined: str | None = Field(default=None, description="the item of preferences.declines that matched")
    preference: str | None = Field(default=None, description="a stated preference that bears on it")
    options: list[str] = Field(default_factory=list, description="what to discuss instead (from the rule)")
    text: str = Field(description="what the clinician should do with it")


class Recommendation(PlanModel):
    id: str
    title: str = Field(description="the title of the rule that made the recommendation")
    category: Category
    action: Action
    drug: str | None = None
    drug_class: str | None = Field(default=None, description="the medicine class proposed")
    alternatives: list[str] = Field(default_factory=list, description="lower-case generic names")
    alternative_statement: str | None = Field(
        default=None, description="the kind of medicine to use instead where the guideline names no specific drug "
                                  "(e.g. 'an antidepressant not predominantly metabolised by CYP2C19')")
    dose_change_percent: float | None = Field(
        default=None, description="change from the usual dose in percent (-50 = half); null when a range is given")
    dose_range_percent: tuple[float, float] | None = Field(
        default=None, description="[low, high] change from the usual dose in percent, where the guidance is a "
                                  "range ('start at 30-80% of the usual dose' is [-70, -20])")
    text: str
    patient_text: str | None = None
    strength: Strength | None = None
    evidence: EvidenceRef
    inputs_used: list[str] = Field(
        default_factory=list,
        description="which of the HTI-1 source-attribute categories (race, sex, date of birth, health status "
                    "assessments, ...) the rules behind it read, derived from their patterns")
    shared_decision: SharedDecision | None = None
    because: list[Because]


class Goal(PlanModel):
    text: str
    target: str | None = None
    due: str | None = None
    patient_text: str | None = None
    rule: str


class FollowUp(PlanModel):
    text: str
    interval_days: int
    patient_text: str | None = None
    rule: str


class Suppressed(PlanModel):
    id: str
    by: str
    reason: str


class DataGap(PlanModel):
    text: str
    suggested_test: str | None = None
    rule: str


class SafetyWarning(PlanModel):
    """A safety warning a human must read; ``urgent`` ones make the exit code 1."""

    text: str
    severity: Literal["urgent", "caution"]
    patient_text: str | None = None
    rule: str


class MedicationReview(PlanModel):
    """One medicine of the patient file: what the pack checked for it and what the plan says."""

    drug: str
    status: str = Field(description="as the patient file gives it (active, planned, ...)")
    checked: list[str] = Field(default_factory=list,
                               description="what the pack's rules for this medicine read (genotype GENE, age, ...)")
    unavailable: list[str] = Field(default_factory=list,
                                   description="checks the pack has for it whose input the patient file lacks")
    outcome: str = Field(description="the strongest action the plan takes on it, 'no change', or "
                                     "'not evaluated by this pack'")
    by: list[str] = Field(default_factory=list, description="the rules behind the outcome")


class PatientPreferences(PlanModel):
    """What the patient told us (preferences section of the patient file), shown back to them."""

    goals: list[str] = Field(default_factory=list, description="the patient's own goals, in their words")
    declines: list[str] = Field(default_factory=list)
    prefers_non_pharmacologic: bool = False


class Plan(PlanModel):
    schema_: str = Field(default=PLAN_SCHEMA, alias="schema")
    patient_id: str
    generated_at: str
    pack: PackInfo
    assessments: list[Assessment] = Field(default_factory=list)
    recommendations: list[Recommendation] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    follow_up: list[FollowUp] = Field(default_factory=list)
    suppressed: list[Suppressed] = Field(default_factory=list)
    data_gaps: list[DataGap] = Field(default_factory=list)
    warnings: list[SafetyWarning] = Field(default_factory=list)
    preferences: PatientPreferences = Field(default_factory=PatientPreferences)
    medication_review: list[MedicationReview] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    @property
    def has_urgent_warning(self) -> bool:
        return any(w.severity == "urgent" for w in self.warnings)

    @property
    def exit_code(self) -> int:
        """docs/contract.md: 1 when the plan carries an urgent safety warning a human must act on, else 0."""
        return 1 if self.has_urgent_warning else 0

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2) + "\n"
