"""Load a rule pack (rules/, knowledge/, templates/, pack.yaml) and check it whole.

Every problem in every file is collected as a located diagnostic before anything is
reported, so an informaticist sees all of them in one run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.clinical.drug_classes import DRUG_CLASSES_FILE, DrugClasses, load_drug_classes
from engine.facts.inputs import INPUT_TYPES
from engine.facts.schema import FactSchema, FactType, FieldKind
from engine.lang.rule import Rule, RuleSource
from engine.lang.rule_file import load_rule_file
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, did_you_mean
from engine.source.document import load_file
from engine.source.pydantic_errors import diagnostics_from

_TEXT_REF = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\}")
_VALUE_KINDS = {"text": FieldKind.TEXT, "number": FieldKind.NUMBER,
                "integer": FieldKind.INTEGER, "boolean": FieldKind.BOOLEAN}


class PackMeta(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    description: str | None = None
    data_versions: dict[str, str] = Field(default_factory=dict, description="source -> version of its data")


class DerivedTypeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    description: str = ""
    label: str
    fields: dict[str, str]


@dataclass
class Pack:
    root: Path
    meta: PackMeta
    schema: FactSchema
    sources: list[RuleSource]
    digest: str
    warnings: list[Diagnostic] = field(default_factory=list)
    drug_classes: DrugClasses = field(default_factory=DrugClasses)

    @property
    def rules(self) -> list[Rule]:
        return [rule for source in self.sources for rule in source.rules]

    @property
    def templates(self) -> Path:
        return self.root / "templates"


def pack_digest(root: Path) -> str:
    """sha256 over every pack file's relative path and bytes, in sorted order."""
    digest = hashlib.sha256()
    files = [root / "pack.yaml"] + [
        p for d in ("rules", "knowledge", "templates") for p in sorted((root / d).rglob("*")) if p.is_file()
    ]
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def _load_meta(root: Path, diagnostics: list[Diagnostic]) -> PackMeta:
    try:
        doc = load_file(root / "pack.yaml", "pack.yaml")
        return PackMeta.model_validate(doc.data)
    except DiagnosticError as exc:
        diagnostics.extend(exc.diagnostics)
    except ValidationError as exc:
        diagnostics.extend(diagnostics_from(exc, doc, PackMeta))
    return PackMeta(name="unnamed", version="0.0.0")


def _fact_type_files(root: Path) -> list[Path]:
    """``knowledge/fact-types.yaml`` and each domain's ``knowledge/<domain>/fact-types.yaml``."""
    knowledge = root / "knowledge"
    files = [knowledge / "fact-types.yaml"] + sorted(knowledge.glob("*/fact-types.yaml"))
    return [path for path in files if path.is_file()]


def _load_schema(root: Path, diagnostics: list[Diagnostic]) -> FactSchema:
    types = dict(INPUT_TYPES)
    declared: dict[str, Location] = {}
    for path in _fact_type_files(root):
        display = path.relative_to(root).as_posix()
        try:
            doc = load_file(path, display)
        except DiagnosticError as exc:
            diagnostics.extend(exc.diagnostics)
            continue
        for name, body in (doc.data or {}).items():
            if name in declared:
                diagnostics.append(Diagnostic(doc.locate([name], key=True), "schema.duplicate-fact-type",
                                              f"fact type '{name}' is also declared at {declared[name]}"))
                continue
            if name in types or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                diagnostics.append(Diagnostic(doc.locate([name], key=True), "schema.bad-fact-type",
                                              f"'{name}' is an input type or not a lower_snake_case name"))
                continue
            try:
                spec = DerivedTypeSpec.model_validate(body)
            except ValidationError as exc:
                diagnostics.extend(diagnostics_from(exc, doc, DerivedTypeSpec, prefix=(name,)))
                continue
            fields: dict[str, FieldKind] = {}
            for field_name, kind in spec.fields.items():
                if kind not in _VALUE_KINDS:
                    diagnostics.append(Diagnostic(doc.locate([name, "fields", field_name]), "schema.bad-value",
                                                  f"field kind must be one of {', '.join(_VALUE_KINDS)}"))
                    continue
                fields[field_name] = _VALUE_KINDS[kind]
            declared[name] = doc.locate([name], key=True)
            types[name] = FactType(name, fields, spec.label, True, spec.description)
    return FactSchema(types)


def load_pack(root: Path) -> Pack:
    """Load and check a pack; raises DiagnosticError listing every problem found."""
    diagnostics: list[Diagnostic] = []
    if not (root / "rules").is_dir():
        raise DiagnosticError([Diagnostic(Location(str(root)), "pack.not-found",
                                          "not a rule pack: it has no rules/ directory")])
    meta = _load_meta(root, diagnostics)
    schema = _load_schema(root, diagnostics)
    sources: list[RuleSource] = []
    seen: dict[str, Location] = {}
    for path in sorted((root / "rules").rglob("*.yaml")):
        display = path.relative_to(root).as_posix()
        source = load_rule_file(root, path, display, schema, diagnostics)
        if source is None:
            continue
        first = seen.get(source.spec.id)
        if first is not None:
            diagnostics.append(Diagnostic(source.doc.locate(["id"]), "ref.duplicate-id",
                                          f"rule id '{source.spec.id}' is also used at {first}",
                                          rule_id=source.spec.id))
            continue
        seen[source.spec.id] = source.doc.locate(["id"])
        sources.append(source)
    drug_classes = load_drug_classes(root, diagnostics)
    _check_drug_classes(sources, drug_classes, diagnostics)
    _check_required_templates(root, diagnostics)
    if any(d.severity.value == "error" for d in diagnostics):
        raise DiagnosticError(diagnostics)
    return Pack(root, meta, schema, sources, pack_digest(root), diagnostics, drug_classes)


def _check_drug_classes(sources: list[RuleSource], known: DrugClasses, diagnostics: list[Diagnostic]) -> None:
    """A ``drug_class`` a rule names must be a class of the pack's table, or it would silently match nothing."""
    classes = known.classes
    for source in sources:
        reported: set[str] = set()
        for rule in source.rules:
            for index, action in enumerate(rule.actions):
                for kind in ("recommend", "suppress"):
                    spec = getattr(action, kind)
                    name = getattr(spec, "drug_class", None) if spec is not None else None
                    if not isinstance(name, str) or name in classes or name in reported:
                        continue
                    reported.add(name)
                    diagnostics.append(Diagnostic(
                        source.doc.locate(["then", index, kind, "drug_class"]), "ref.unknown-drug-class",
                        f"'{name}' is not a class in {DRUG_CLASSES_FILE}", rule_id=source.spec.id,
                        hint=did_you_mean(name, sorted(classes))
                        or f"add the class's medicines to {DRUG_CLASSES_FILE}"))


# The templates every pack ships (the renderer's contract with a pack): clinician and patient, md and html.
REQUIRED_TEMPLATES = ("plan.md.j2", "plan.html.j2", "patient.md.j2", "patient.html.j2")


def _check_required_templates(root: Path, diagnostics: list[Diagnostic]) -> None:
    """That the templates exist; their syntax is checked by ``careplan validate``."""
    for name in REQUIRED_TEMPLATES:
        if not (root / "templates" / name).is_file():
            diagnostics.append(Diagnostic(Location(f"templates/{name}"), "template.missing",
                                          "required template is missing"))
