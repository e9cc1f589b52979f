"""Decision-support source attributes (ONC HTI-1, 45 CFR 170.315(b)(11)(iv)): what a user may review
about where a pack's interventions come from and which patient data they use.

The pack states its developer, funding source and release and revision dates in ``pack.yaml``
(``source_attributes``); each rule's bibliographic citation is its ``evidence.cite``. Which of the
demographic and other categories the regulation names a rule uses is never written by hand: it is
derived from the (fact type, field) pairs the rule's patterns test (``Rule.reads``) through the
pack's declared mapping, ``knowledge/source-attribute-inputs.yaml`` (docs/evidence.md says why each
field maps where it does). A fact type the engine computes from other inputs (the Pooled Cohort
Equations' risk, from race, sex and age) is declared with the inputs it is computed from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.facts.schema import FactSchema
from engine.source.diagnostics import Diagnostic, DiagnosticError, did_you_mean
from engine.source.document import SourceDoc, load_file
from engine.source.pydantic_errors import diagnostics_from

INPUTS_FILE = "knowledge/source-attribute-inputs.yaml"

# The categories 45 CFR 170.315(b)(11)(iv)(A) asks an evidence-based intervention to say it uses, in order.
InputCategory = Literal["race", "ethnicity", "language", "sexual orientation", "gender identity", "sex",
                   "date of birth", "social determinants of health", "health status assessments"]
INPUT_CATEGORIES: tuple[InputCategory, ...] = ("race", "ethnicity", "language", "sexual orientation", "gender identity",
                                    "sex", "date of birth", "social determinants of health",
                                    "health status assessments")


class SourceAttributes(BaseModel):
    """The pack-level source attributes of ``pack.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    developer: str = Field(min_length=1, description="who translated the guidelines into this pack's rules")
    funding_source: str = Field(min_length=1, description="who funded the development of the pack")
    release_date: dt.date = Field(description="when this version of the pack was released")
    revision_date: dt.date | None = Field(default=None, description="when it was last revised, if it was")
    intended_use: str | None = Field(default=None, description="the decisions the pack supports, and for whom")
    contact: str | None = Field(default=None, description="where users report a problem with an intervention")

    @model_validator(mode="after")
    def _revised_after_release(self) -> SourceAttributes:
        if self.revision_date is not None and self.revision_date < self.release_date:
            raise ValueError("revision_date is before release_date")
        return self


class AttributeInputs(BaseModel):
    """The declared mapping: which fact fields are which category, and what computed facts are made from."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    categories: dict[InputCategory, list[str]] = Field(
        default_factory=dict, description="category -> 'fact_type.field' (or 'fact_type.*') it covers")
    computed: dict[str, list[str]] = Field(
        default_factory=dict, description="an input fact type the engine computes -> the 'type.field' it reads")

    def categories_of(self, reads: Iterable[tuple[str, str]]) -> tuple[InputCategory, ...]:
        """The categories a set of (fact type, field) pairs uses, computed facts followed to their inputs."""
        pairs = set(reads)
        for fact_type, _ in list(pairs):
            pairs |= {_pair(ref) for ref in self.computed.get(fact_type, [])}
        used = {category for category, refs in self.categories.items()
                if any(_covers(ref, pair) for ref in refs for pair in pairs)}
        return tuple(c for c in INPUT_CATEGORIES if c in used)


def _pair(ref: str) -> tuple[str, str]:
    fact_type, _, field = ref.partition(".")
    return fact_type, field


def _covers(ref: str, pair: tuple[str, str]) -> bool:
    fact_type, field = _pair(ref)
    return fact_type == pair[0] and field in ("*", pair[1])


def _check_ref(doc: SourceDoc, at: list[str | int], ref: str, schema: FactSchema) -> Diagnostic | None:
    fact_type, field = _pair(ref)
    known = schema.get(fact_type)
    if known is None:
        return Diagnostic(doc.locate(at), "ref.unknown-fact-type", f"'{fact_type}' is not a fact type",
                          field_path=".".join(map(str, at)), hint=did_you_mean(fact_type, schema.names()))
    if field != "*" and field not in known.fields:
        return Diagnostic(doc.locate(at), "ref.unknown-field", f"'{fact_type}' has no field '{field}'",
                          field_path=".".join(map(str, at)), hint=did_you_mean(field, known.fields))
    return None


def _check_refs(doc: SourceDoc, inputs: AttributeInputs, schema: FactSchema) -> list[Diagnostic]:
    found = []
    for section, mapping in (("categories", inputs.categories), ("computed", inputs.computed)):
        for name, refs in mapping.items():
            found += [_check_ref(doc, [section, name, i], ref, schema) for i, ref in enumerate(refs)]
    return [d for d in found if d is not None]


def load_attribute_inputs(root: Path, schema: FactSchema, diagnostics: list[Diagnostic]) -> AttributeInputs:
    """The pack's mapping, each reference checked against its fact schema; none when the file is absent."""
    path = root / INPUTS_FILE
    if not path.is_file():
        return AttributeInputs()
    try:
        doc = load_file(path, INPUTS_FILE)
        inputs = AttributeInputs.model_validate(doc.data or {})
    except DiagnosticError as exc:
        diagnostics.extend(exc.diagnostics)
        return AttributeInputs()
    except ValidationError as exc:
        diagnostics.extend(diagnostics_from(exc, doc, AttributeInputs))
        return AttributeInputs()
    diagnostics.extend(_check_refs(doc, inputs, schema))
    return inputs
