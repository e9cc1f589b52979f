"""The rule language as pydantic models: what an informaticist writes in ``rules/**.yaml``.

The shape of a rule (metadata, evidence, actions, tests) is checked here. Conditions
(``when``) are kept as plain mappings and checked by ``engine.lang.patterns`` against the
pack's fact schema, since which keys are valid depends on the fact type named.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from engine.lang.vocabulary import ACTION_KINDS, Action, ActionKind, Category, Strength

RULE_ID = r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$"
SEMVER = r"^\d+\.\d+\.\d+$"


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


CITATION_KEY = r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$"


# One key or a list of keys in the file; always a list once read.
CiteKeys = Annotated[list[str], WithJsonSchema({"anyOf": [
    {"type": "string", "pattern": CITATION_KEY},
    {"type": "array", "items": {"type": "string", "pattern": CITATION_KEY}}]})]


class Evidence(Spec):
    """Where a rule comes from: ``cite`` names records of the pack's ``knowledge/citations.yaml``
    (docs/evidence.md); a small pack without that file may write ``source`` and ``citation`` inline."""

    cite: CiteKeys = Field(default_factory=list,
                           description="keys of knowledge/citations.yaml (one key or a list), first the main source")
    source: str | None = Field(default=None, min_length=1,
                               description="publisher, e.g. CPIC, ACC/AHA (default: the cited records')")
    citation: str | None = Field(default=None, min_length=1,
                                 description="the publication as text, for a pack without citation records")
    url: str | None = Field(default=None, description="a link to the cited source (must be one of its records' links)")
    section: str | None = Field(default=None, description="where in the source: a section, table or recommendation")
    strength: Strength | None = Field(default=None, description="the guideline's own strength grading")
    note: str | None = Field(default=None, description="what in the guideline this rule encodes")

    @field_validator("cite", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("cite")
    @classmethod
    def _keys(cls, value: list[str]) -> list[str]:
        for key in value:
            if not re.fullmatch(CITATION_KEY, key):
                raise ValueError(f"'{key}' is not a citation key (lower-case words joined by '-')")
        return value

    @model_validator(mode="after")
    def _cited(self) -> Evidence:
        if not self.cite and (self.source is None or self.citation is None):
            raise ValueError("name the source: 'cite: KEY' of knowledge/citations.yaml, "
                             "or both 'source' and 'citation' written out")
        return self


class RecommendSpec(Spec):
    id: str | None = Field(default=None, pattern=RULE_ID, description="defaults to the rule id")
    category: Category
    action: Action
    drug: Any = Field(default=None, description="lower-case generic name (text, ref or column)")
    drug_class: str | None = Field(default=None, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                                   description="medicine class (knowledge/medications/drug-classes.csv)")
    alternatives: list[str] = Field(default_factory=list)
    alternative_statement: Any = Field(
        default=None,
        description="the kind of medicine to use instead when the guideline names no specific drug (text or "
                    "column), e.g. 'an antidepressant not predominantly metabolised by CYP2C19'")
    treatments: list[str] = Field(
        default_factory=list,
        description="what this proposes, in the words a patient's preferences.declines uses (e.g. chemotherapy)")
    if_declined: list[str] = Field(default_factory=list,
                                   description="the options to discuss when the patient declines it")
    dose_change_percent: Any = Field(default=None,
                                     description="the change from the usual dose, in percent (-50 = half)")
    dose_range_percent: list[Any] | None = Field(
        default=None, min_length=2, max_length=2,
        description="[low, high]: a change given as a range, in percent of the usual dose ('start at 30-80%' is "
                    "[-70, -20]); numbers, refs or columns; leave dose_change_percent out when it is given")
    text: str = Field(min_length=1, description="clinician wording; {alias.field} and {row.column} are filled in")
    patient_text: str | None = Field(default=None, description="plain-language wording for the patient")
    strength: Strength | None = Field(default=None, description="overrides evidence.strength")
    cite: Any = Field(default=None, description="overrides evidence.cite: a key (or keys separated by ';') "
                                                "of knowledge/citations.yaml, e.g. a table cell '{row.cite}'")
    section: str | None = Field(default=None, description="overrides evidence.section (e.g. a table cell)")
    citation: str | None = Field(default=None, description="overrides evidence.citation (e.g. per table row)")
    url: str | None = Field(default=None, description="overrides evidence.url, with citation (e.g. per table row)")

    @model_validator(mode="after")
    def _one_dose_form(self) -> RecommendSpec:
        """A range and a single number for the same change would say two things (contract section 3)."""
        edges = self.dose_range_percent
        if edges is None or all(edge is None for edge in edges):  # empty table cells: no range
            return self
        if self.dose_change_percent is not None and not isinstance(self.dose_change_percent, dict):
            raise ValueError("give dose_change_percent or dose_range_percent, not both")
        numbers = [edge for edge in edges if isinstance(edge, (int, float)) and not isinstance(edge, bool)]
        if len(numbers) == 2 and numbers[0] >= numbers[1]:
            raise ValueError("dose_range_percent is [low, high] with low below high")
        return self

    @field_validator("id", mode="before")
    @classmethod
    def _slug(cls, value: Any) -> Any:
        """An id filled from a table cell ("pgx.{row.drug}") becomes a slug ("pgx.peginterferon-alfa-2b")."""
        if isinstance(value, str) and "{" not in value:
            return re.sub(r"[^a-z0-9.-]+", "-", value.lower()).strip("-")
        return value

    @field_validator("alternatives", "treatments", "if_declined", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        """A table cell lists alternatives (treatments, options) separated by ';'."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(";") if part.strip()]
        return value

    @field_validator("treatments")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [item.strip().lower() for item in value]


class GoalSpec(Spec):
    text: str = Field(min_length=1)
    target: str | None = None
    due: str | None = Field(default=None, pattern=r"^P(\d+[YMWD])+$", description="ISO 8601 duration, e.g. P3M")
    patient_text: str | None = None


class FollowUpSpec(Spec):
    text: str = Field(min_length=1)
    interval_days: int = Field(ge=0, le=3650)
    patient_text: str | None = Field(default=None, description="plain-language wording for the patient")


class WarnSpec(Spec):
    text: str = Field(min_length=1)
    severity: Literal["urgent", "caution"] = "caution"
    patient_text: str | None = Field(default=None, description="plain-language wording for the patient")


class SuppressSpec(Spec):
    recommendation: str | None = Field(default=None, description="id of the recommendation to suppress")
    drug: Any = None
    drug_class: Any = Field(
        default=None,
        description="a class from knowledge/medications/drug-classes.csv (text or ref): its medicines are removed "
                    "everywhere, alternatives included")
    actions: list[Action] = Field(default_factory=list, description="which actions on the drug")
    category: Category | None = None
    reason: str = Field(min_length=1)

    @field_validator("recommendation", mode="before")
    @classmethod
    def _slug(cls, value: Any) -> Any:
        """An id filled from a table cell names the recommendation as RecommendSpec.id slugs it."""
        return RecommendSpec._slug(value)

    @model_validator(mode="after")
    def _target(self) -> SuppressSpec:
        if (self.recommendation is None and self.drug is None and self.category is None
                and self.drug_class is None):
            raise ValueError("name a recommendation, a drug, a drug class or a category to suppress")
        return self


class DataGapSpec(Spec):
    text: str = Field(min_length=1)
    suggested_test: str | None = None


class AssessSpec(Spec):
    kind: str = Field(min_length=1, description="e.g. bp-category, phenotype, bmi-category")
    value: Any = Field(description="text, number, {ref: alias.field} or {column: name}")
    gene: Any = None
    unit: str | None = None
    details: dict[str, Any] = Field(default_factory=dict,
                                    description="labelled values shown with the assessment; missing ones are left out")


class ActionItem(Spec):
    """Exactly one of the keys: what the rule does when it fires."""

    assert_: dict[str, dict[str, Any]] | None = Field(default=None, alias="assert",
                                                       description="derive a fact: {type: {field: value}}")
    recommend: RecommendSpec | None = None
    goal: GoalSpec | None = None
    follow_up: FollowUpSpec | None = None
    warn: WarnSpec | None = None
    suppress: SuppressSpec | None = None
    data_gap: DataGapSpec | None = None
    assess: AssessSpec | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> ActionItem:
        given = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("each item of 'then' has exactly one action (" + ", ".join(ACTION_KINDS) + ")")
        return self

    def kind(self) -> ActionKind:
        for kind in ACTION_KINDS:
            if getattr(self, "assert_" if kind == "assert" else kind) is not None:
                return kind
        raise AssertionError("validated to hold one action")


class WhenSpec(Spec):
    all: list[dict[str, Any]] = Field(default_factory=list, description="every pattern must match")
    any: list[dict[str, Any]] = Field(default_factory=list, description="at least one pattern must match")
    none: list[dict[str, Any]] = Field(default_factory=list, description="no pattern may match")

    @model_validator(mode="after")
    def _something(self) -> WhenSpec:
        if not self.all and not self.any:
            raise ValueError("'when' needs at least one pattern under 'all' or 'any'")
        return self


class RecommendsExpect(Spec):
    """A recommendation the rule must have put in the plan; only the fields given are compared."""

    id: str | None = None
    drug: str | None = None
    action: Action | None = None
    category: Category | None = None
    strength: Strength | None = None
    drug_class: str | None = None
    alternatives: list[str] | None = Field(default=None, description="each of these must be offered")
    text_contains: str | None = Field(default=None, description="a piece of the clinician wording")


class AssessmentExpect(Spec):
    kind: str | None = None
    value: str | float | int | bool | None = None
    gene: str | None = None
    unit: str | None = None


class DataGapExpect(Spec):
    text_contains: str | None = None
    suggested_test: str | None = None


class SuppressesExpect(Spec):
    """A plan item the rule removed (an entry of the plan's ``suppressed`` with ``by`` this rule)."""

    id: str | None = Field(default=None, description="the id of the recommendation removed")
    reason_contains: str | None = None


class WarningExpect(Spec):
    severity: Literal["urgent", "caution"] | None = None
    text_contains: str | None = None


class ExpectSpec(Spec):
    """The mapping form of ``expect``: whether the rule fires and what it puts in the plan.

    Output assertions read the plan the whole pack makes for ``given``; with ``scope: rule`` (the
    default) only the items this rule (or row) produced count, with ``scope: plan`` every item does.
    """

    fires: bool = True
    recommends: RecommendsExpect | list[RecommendsExpect] | None = None
    assessments: list[AssessmentExpect] = Field(default_factory=list)
    data_gaps: list[DataGapExpect] = Field(default_factory=list)
    suppresses: SuppressesExpect | list[SuppressesExpect] | None = None
    warnings: list[WarningExpect] = Field(default_factory=list)
    text_contains: str | list[str] | None = Field(
        default=None, description="text every piece of which some item's wording contains")
    scope: Literal["rule", "plan"] = "rule"
    todo: str | None = Field(default=None, description="why this test is not expected to pass yet: "
                                                       "it is run and reported, never a failure")

    @model_validator(mode="after")
    def _outputs_need_firing(self) -> ExpectSpec:
        if not self.fires and self.scope == "rule" and self.asserts_outputs():
            raise ValueError("a rule that does not fire produces nothing: output assertions need 'fires: true' "
                             "(or 'scope: plan' to check the whole plan)")
        return self

    def asserts_outputs(self) -> bool:
        return bool(self.recommends or self.assessments or self.data_gaps or self.suppresses
                    or self.warnings or self.text_contains)


class RuleTestSpec(Spec):
    name: str = Field(min_length=1)
    given: dict[str, Any] = Field(description="patient-file sections (id may be left out)")
    expect: Literal["fires", "does_not_fire", "todo"] | ExpectSpec = Field(
        description="fires, does_not_fire, todo, or a mapping of output assertions (docs/testing-rules.md)")
    row: str | None = Field(default=None, description="for a table: the row key that must (not) fire")

    @property
    def expectation(self) -> ExpectSpec | None:
        """The expectation as a mapping; None for a bare ``todo`` (nothing to check)."""
        if isinstance(self.expect, ExpectSpec):
            return self.expect
        if self.expect == "todo":
            return None
        return ExpectSpec(fires=self.expect == "fires")

    @property
    def is_todo(self) -> bool:
        return self.expect == "todo" or (isinstance(self.expect, ExpectSpec) and self.expect.todo is not None)

    @property
    def shape(self) -> str | None:
        """'fires' or 'does_not_fire' for the rule's required pair of tests; None for a todo."""
        wanted = self.expectation
        if wanted is None or self.is_todo:
            return None
        return "fires" if wanted.fires else "does_not_fire"


class SidecarTestSpec(RuleTestSpec):
    """A test in ``rules/**/<name>.tests.yaml``: like an inline test, naming the rule it tests."""

    rule: str = Field(pattern=RULE_ID, description="id of the rule under test")


class TableRef(Spec):
    file: str = Field(description="path of a CSV or YAML table, relative to the pack root")
    key: list[str] = Field(min_length=1, description="columns whose values name a row")
    columns: dict[str, Literal["text", "number", "integer", "boolean"]] = Field(
        description="every column of the table and its type")
    where: dict[str, str | int | float | bool | list[str | int | float | bool]] = Field(
        default_factory=dict,
        description="use only the rows whose cells equal these values (a list: any of them), "
                    "so one table can serve several rules")


class RuleSpec(Spec):
    id: str = Field(pattern=RULE_ID, description="lower-case dotted id, e.g. pgx.cyp2c19.clopidogrel")
    title: str = Field(min_length=1)
    version: str = Field(pattern=SEMVER)
    status: Literal["active", "draft", "retired"] = "active"
    owner: str | None = None
    description: str | None = None
    evidence: Evidence
    table: TableRef | None = None
    when: WhenSpec
    then: list[ActionItem] = Field(min_length=1)
    tests: list[RuleTestSpec] = Field(min_length=1)
