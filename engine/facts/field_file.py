"""Reading a pack's field declarations (``knowledge/fields.yaml``, ``knowledge/<domain>/fields.yaml``)
and its observation codes (``knowledge/observations.csv``), with located errors.

Every problem in every file is collected before anything is reported. A section may be extended
from several files (a lung-screening domain adds ``pack_years`` to ``lifestyle``); a field
declared twice is refused naming both places.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.facts.field_checks import check_age_source, check_field, check_section_fields
from engine.facts.fields import (
    DateArithmetic,
    Derivation,
    FieldDeclarations,
    FieldSpec,
    ObservationCode,
    SectionSpec,
    ValueType,
)
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, did_you_mean
from engine.source.document import SourceDoc, load_file
from engine.source.pydantic_errors import diagnostics_from

OBSERVATIONS_FILE = "knowledge/observations.csv"
OBSERVATION_COLUMNS = ("system", "code", "section", "field", "unit")
# Patient-file keys the Python model owns (lists, nested records, what the normaliser derives):
# a pack cannot declare them as flat sections.
STRUCTURAL_SECTIONS = frozenset({"id", "as_of", "vitals", "conditions", "allergies", "medications", "genotypes",
                                 "cancer", "family_history", "preferences", "observations"})
_SNAKE = r"^[a-z][a-z0-9_]*$"


class FieldDecl(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    type: Literal["text", "number", "integer", "boolean", "date", "one-of"]
    unit: str | None = Field(default=None, min_length=1)
    range: tuple[float, float] | None = None
    places: int | None = Field(default=None, ge=0, le=6)
    values: list[str] | None = Field(default=None, min_length=1)
    description: str = ""
    fact_field: str | None = Field(default=None, pattern=_SNAKE)
    years_since: str | None = None
    age_at: str | None = None


class SectionDecl(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    fact: str | None = Field(default=None, pattern=_SNAKE)
    per_field: bool = False
    label: str | None = None
    description: str | None = None
    fields: dict[str, Any] = Field(default_factory=dict)  # each checked as a FieldDecl, located at its key


@dataclass
class _Section:
    """A section gathered across files: its settings from the first file that gave them."""

    name: str
    settings: SectionDecl
    where: Location
    fields: list[FieldSpec] = field(default_factory=list)


def field_files(root: Path) -> list[Path]:
    knowledge = root / "knowledge"
    files = [knowledge / "fields.yaml"] + sorted(knowledge.glob("*/fields.yaml"))
    return [path for path in files if path.is_file()]


def _spec(section: str, name: str, decl: FieldDecl, where: Location) -> FieldSpec:
    derived = None
    if decl.years_since is not None:
        derived = Derivation(DateArithmetic.YEARS_SINCE, decl.years_since)
    elif decl.age_at is not None:
        derived = Derivation(DateArithmetic.AGE_AT, decl.age_at)
    low, high = decl.range if decl.range is not None else (None, None)
    return FieldSpec(section, name, ValueType(decl.type), where, decl.unit, low, high, decl.places,
                     tuple(decl.values or ()), decl.description, decl.fact_field or "", derived)


def _merge_settings(doc: SourceDoc, name: str, decl: SectionDecl, gathered: _Section,
                    diagnostics: list[Diagnostic]) -> None:
    """A second file extending a section may not restate its settings differently."""
    for key in ("fact", "per_field", "label"):
        value, first = getattr(decl, key), getattr(gathered.settings, key)
        if key in decl.model_fields_set and key in gathered.settings.model_fields_set and value != first:
            diagnostics.append(Diagnostic(doc.locate([name, key]), "fields.conflict",
                                          f"section '{name}' has another {key} at {gathered.where}",
                                          hint="state a section's settings in one file; others only add fields"))
        elif key in decl.model_fields_set and key not in gathered.settings.model_fields_set:
            gathered.settings = gathered.settings.model_copy(update={key: value})
            gathered.settings.model_fields_set.add(key)


def _read_sections(doc: SourceDoc, sections: dict[str, _Section], declared: dict[tuple[str, str], Location],
                   diagnostics: list[Diagnostic]) -> None:
    if not isinstance(doc.data, dict):
        diagnostics.append(Diagnostic(doc.locate([]), "fields.wrong-type",
                                      "a fields file maps each patient-file section to its fields",
                                      hint="write 'lifestyle: {fields: {smoking: {type: one-of, values: [...]}}}'"))
        return
    for name, body in doc.data.items():
        if name in STRUCTURAL_SECTIONS or not isinstance(name, str) or not name.isidentifier() or name != name.lower():
            diagnostics.append(Diagnostic(
                doc.locate([name], key=True), "fields.bad-section",
                f"'{name}' is a structural part of the patient file or not a lower_snake_case name",
                hint="declare flat sections only (structural: " + ", ".join(sorted(STRUCTURAL_SECTIONS)) + ")"))
            continue
        try:
            decl = SectionDecl.model_validate(body)
        except ValidationError as exc:
            diagnostics.extend(diagnostics_from(exc, doc, SectionDecl, prefix=(name,), code_prefix="fields"))
            continue
        gathered = sections.get(name)
        if gathered is None:
            gathered = sections[name] = _Section(name, decl, doc.locate([name], key=True))
        else:
            _merge_settings(doc, name, decl, gathered, diagnostics)
        for field_name, written in decl.fields.items():
            where = doc.locate([name, "fields", field_name], key=True)
            try:
                field_decl = FieldDecl.model_validate(written)
            except ValidationError as exc:
                diagnostics.extend(diagnostics_from(exc, doc, FieldDecl, prefix=(name, "fields", field_name),
                                                    code_prefix="fields"))
                continue
            first = declared.get((name, field_name))
            if first is not None:
                diagnostics.append(Diagnostic(where, "fields.duplicate",
                                              f"field '{name}.{field_name}' is also declared at {first}",
                                              hint="declare each field once; remove one of the two"))
                continue
            declared[(name, field_name)] = where
            if check_field(doc, (name, "fields", field_name), field_decl, diagnostics):
                gathered.fields.append(_spec(name, field_name, field_decl, where))


def _observations(root: Path, known: FieldDeclarations, diagnostics: list[Diagnostic]) -> list[ObservationCode]:
    path = root / OBSERVATIONS_FILE
    if not path.is_file():
        return []
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    if not rows or tuple(c.strip() for c in rows[0]) != OBSERVATION_COLUMNS:
        diagnostics.append(Diagnostic(Location(OBSERVATIONS_FILE, 1, 1), "fields.bad-table",
                                      f"the header must be {','.join(OBSERVATION_COLUMNS)}"))
        return []
    codes: list[ObservationCode] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        where = Location(OBSERVATIONS_FILE, line, 1)
        if len(cells) != len(OBSERVATION_COLUMNS) or not all(cells):
            diagnostics.append(Diagnostic(where, "fields.bad-table",
                                          f"a row holds {len(OBSERVATION_COLUMNS)} non-empty cells"))
            continue
        system, code, section, name, unit = cells
        target = known.field(section, name)
        if target is None or target.derived is not None or target.type not in (ValueType.NUMBER, ValueType.INTEGER):
            names = [f"{s.name}.{f.name}" for s in known.sections for f in s.inputs()]
            diagnostics.append(Diagnostic(where, "fields.unknown-field",
                                          f"'{section}.{name}' is not a declared number field",
                                          hint=did_you_mean(f"{section}.{name}", names)
                                          or "declare the field in a fields.yaml first"))
            continue
        if (system, code) in seen:
            diagnostics.append(Diagnostic(where, "fields.duplicate",
                                          f"code {system}|{code} is also mapped at {OBSERVATIONS_FILE}:"
                                          f"{seen[(system, code)]}"))
            continue
        seen[(system, code)] = line
        codes.append(ObservationCode(system, code, section, name, unit, where))
    return codes


def load_declarations(root: Path, diagnostics: list[Diagnostic]) -> FieldDeclarations:
    """Every field the pack at ``root`` declares; problems are appended to ``diagnostics``."""
    sections: dict[str, _Section] = {}
    declared: dict[tuple[str, str], Location] = {}
    for path in field_files(root):
        try:
            doc = load_file(path, path.relative_to(root).as_posix())
        except DiagnosticError as exc:
            diagnostics.extend(exc.diagnostics)
            continue
        if doc.data is not None:
            _read_sections(doc, sections, declared, diagnostics)
    specs = tuple(SectionSpec(s.name, s.settings.fact or s.name, tuple(s.fields), s.settings.per_field,
                              s.settings.label or "", s.settings.description or "")
                  for s in sections.values())
    for spec in specs:
        check_section_fields(spec, diagnostics)
    check_age_source(specs, diagnostics)
    found = FieldDeclarations(specs)
    return FieldDeclarations(specs, tuple(_observations(root, found, diagnostics)))


def declarations_of(root: Path) -> FieldDeclarations:
    """The declarations of a pack, raising DiagnosticError on any error in them."""
    diagnostics: list[Diagnostic] = []
    found = load_declarations(root, diagnostics)
    if any(d.severity.value == "error" for d in diagnostics):
        raise DiagnosticError(diagnostics)
    return found
