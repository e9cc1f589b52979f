"""Load a rule pack (rules/, knowledge/, templates/, pack.yaml) and check it whole.

Every problem in every file is collected as a located diagnostic before anything is
reported, so an informaticist sees all of them in one run.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.clinical.calculators import RiskCalculator
from engine.clinical.drug_classes import DRUG_CLASSES_FILE, DrugClasses, load_drug_classes
from engine.facts.field_file import OBSERVATIONS_FILE, field_files, load_declarations
from engine.facts.fields import FieldDeclarations
from engine.facts.inputs import INPUT_TYPES
from engine.facts.schema import FactSchema, FactType, FieldKind
from engine.lang.rule import Rule, RuleSource
from engine.lang.rule_file import load_rule_file
from engine.pack.calculators import DeclaredCalculator, load_calculators, mark_calculated
from engine.pack.citation_refs import citation_errors
from engine.pack.citations import Citations, load_citations
from engine.pack.extend import resolve_pack_root
from engine.pack.field_values import field_value_findings
from engine.pack.source_attributes import AttributeInputs, SourceAttributes, load_attribute_inputs
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, did_you_mean
from engine.source.document import SourceDoc, load_file
from engine.source.package_files import default_pack_root
from engine.source.pydantic_errors import diagnostics_from

PACK_FOLDERS = ("rules", "knowledge", "templates")
INCLUDE_DRAFTS_ENV = "CAREPLAN_INCLUDE_DRAFTS"
_TEXT_REF = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)\}")
_VALUE_KINDS = {"text": FieldKind.TEXT, "number": FieldKind.NUMBER,
                "integer": FieldKind.INTEGER, "boolean": FieldKind.BOOLEAN}


class PackMeta(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    name: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+(\+[0-9A-Za-z.-]+)?$")  # +drafts when drafts are compiled
    description: str | None = None
    data_versions: dict[str, str] = Field(default_factory=dict, description="source -> version of its data")
    extends: str | None = Field(default=None, description="'default' or the path of the pack this one extends "
                                                          "(engine.pack.extend)")
    replaces: list[str] = Field(default_factory=list, description="folders of the base pack (e.g. rules/bp, "
                                                                  "knowledge/bp) whose files are not inherited "
                                                                  "(engine.pack.extend)")
    source_attributes: SourceAttributes | None = Field(
        default=None, description="decision-support source attributes (HTI-1, 45 CFR 170.315(b)(11)(iv))")


class DerivedTypeSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
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
    inactive: list[RuleSource] = field(default_factory=list)  # checked, not compiled: retired, drafts
    include_drafts: bool = False
    citations: Citations = field(default_factory=Citations)  # knowledge/citations.yaml
    attribute_inputs: AttributeInputs = field(default_factory=AttributeInputs)  # source-attribute categories
    fields: FieldDeclarations = field(default_factory=FieldDeclarations)  # the patient fields it declares
    calculators: tuple[DeclaredCalculator, ...] = ()  # knowledge/calculators.yaml: the risk equations it runs

    def defer_sources(self, read: Callable[[], list[RuleSource]]) -> None:
        """Read the rule files (``sources``) only when they are first asked for. A pack read back from
        the cache does this (``engine.compile.snapshot``): ``generate`` reads only the compiled rules."""
        vars(self).pop("sources", None)
        vars(self)["_read_sources"] = read

    if not TYPE_CHECKING:  # mypy would take any attribute of a Pack as valid
        def __getattr__(self, name: str) -> Any:
            """Called only for an attribute the pack lacks: ``sources`` when deferred."""
            read = vars(self).get("_read_sources") if name == "sources" else None
            if read is None:
                raise AttributeError(f"'Pack' object has no attribute {name!r}")
            sources = self.sources = read()  # two threads may both read them: equal lists of the same rules
            vars(self).pop("_read_sources", None)
            return sources

    def __getstate__(self) -> dict[str, Any]:
        """A copy or a pickle holds the rule files themselves, never the reader of deferred ones."""
        state = dict(vars(self))
        if state.pop("_read_sources", None) is not None:
            state["sources"] = self.sources
        return state

    @property
    def risk_calculators(self) -> tuple[RiskCalculator, ...]:
        """The implementations of the calculators it declares, in declaration order (the normaliser runs these)."""
        return tuple(c.implementation for c in self.calculators)

    @property
    def rules(self) -> list[Rule]:
        return [rule for source in self.sources for rule in source.rules]

    @property
    def templates(self) -> Path:
        return self.root / "templates"


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _target(path: Path) -> Path | None:
    """Where a path leads once every link is followed; None for a loop."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def escaping_links(root: Path) -> list[Path]:
    """Every link in the pack that leads out of it: ``pack.yaml`` or one of rules/, knowledge/ and
    templates/ that leads out of the pack, or a link inside one of those folders that leads out of it."""
    base = _target(root) or root
    found: list[Path] = []
    pack_file = root / "pack.yaml"
    if pack_file.is_symlink() and not _within(_target(pack_file) or base.parent, base):
        found.append(pack_file)
    for name in PACK_FOLDERS:
        folder = root / name
        inside = _target(folder)
        if folder.is_symlink() and (inside is None or not _within(inside, base)):
            found.append(folder)
            continue
        if inside is None or not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_symlink() and not _within(_target(path) or base.parent, inside):
                found.append(path)
    return found


def pack_digest(root: Path) -> str:
    """sha256 over every pack file's relative path and bytes, in sorted order.

    A link that leads out of the pack is hashed by its name and where it points, never read
    (``load_pack`` refuses it; the digest must still change when one appears).
    """
    digest = hashlib.sha256()
    escaping = set(escaping_links(root))
    files = [root / "pack.yaml"]
    for name in PACK_FOLDERS:
        folder = root / name
        files += [folder] if folder in escaping else [
            p for p in sorted(folder.rglob("*")) if p in escaping or p.is_file()]
    for path in files:
        if path in escaping:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0->" + os.fsencode(os.readlink(path)))
        elif path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def _check_links(root: Path, diagnostics: list[Diagnostic]) -> bool:
    """A link that leads out of the pack is refused: the pack must hold what it reads (and never
    hand, say, /etc/passwd to a template). True when there was none."""
    escaping = escaping_links(root)
    for path in escaping:
        shown = path.relative_to(root).as_posix()
        scope = "the pack" if path.parent == root else f"{shown.split('/')[0]}/"
        diagnostics.append(Diagnostic(Location(shown), "pack.link-outside",
                                      f"a symbolic link that leads out of {scope} is refused",
                                      hint="copy the file into the pack instead of linking to it"))
    return not escaping


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


def _declare(doc: SourceDoc, types: dict[str, FactType], declared: dict[str, Location],
             diagnostics: list[Diagnostic]) -> None:
    """The derived fact types one fact-types file declares, added to ``types``."""
    if not isinstance(doc.data, dict):
        diagnostics.append(Diagnostic(doc.locate([]), "schema.wrong-type",
                                      "a fact-types file maps each fact type's name to its label and fields",
                                      hint="write 'name: {label: ..., fields: {field: text}}' at the top level"))
        return
    for name, body in doc.data.items():
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


def _load_schema(root: Path, fields: FieldDeclarations, diagnostics: list[Diagnostic]) -> FactSchema:
    """The structural input types, those of the declared sections, then the pack's derived types."""
    types = fields.fact_types(INPUT_TYPES)
    declared: dict[str, Location] = {}
    for path in _fact_type_files(root):
        try:
            doc = load_file(path, path.relative_to(root).as_posix())
        except DiagnosticError as exc:
            diagnostics.extend(exc.diagnostics)
            continue
        if doc.data is not None:  # an empty file declares nothing
            _declare(doc, types, declared, diagnostics)
    return FactSchema(types)


def _declarations(root: Path, diagnostics: list[Diagnostic]) -> FieldDeclarations:
    """A pack that declares no patient fields reads the default pack's patient file (packs written before
    declarations keep working); one that declares any reads exactly what it declares."""
    return load_declarations(root if field_files(root) else default_pack_root(), diagnostics)


def inherited_fields_digest(root: Path) -> str:
    """For a pack that declares no fields, a digest of the default pack's field files it reads (a cache of the
    compiled pack must notice when they change); empty for a pack with its own."""
    if field_files(root):
        return ""
    default = default_pack_root()
    digest = hashlib.sha256()
    for path in [*field_files(default), default / OBSERVATIONS_FILE]:
        if path.is_file():
            digest.update(path.relative_to(default).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def pack_fields(root: Path) -> FieldDeclarations:
    """The patient fields of the pack at ``root``; raises DiagnosticError on an error in them."""
    diagnostics: list[Diagnostic] = []
    found = _declarations(root, diagnostics)
    if any(d.severity.value == "error" for d in diagnostics):
        raise DiagnosticError(diagnostics)
    return found


def include_drafts_from_environment() -> bool:
    return os.environ.get(INCLUDE_DRAFTS_ENV, "") not in ("", "0")


def _compiled(source: RuleSource, include_drafts: bool) -> bool:
    """Whether a rule file is compiled: active rules are; drafts only when asked; retired rules never."""
    status = source.spec.status
    return status == "active" or (status == "draft" and include_drafts)


def _load_sources(root: Path, schema: FactSchema, diagnostics: list[Diagnostic]) -> list[RuleSource]:
    sources: list[RuleSource] = []
    seen: dict[str, Location] = {}
    for path in sorted((root / "rules").rglob("*.yaml")):
        if path.name.endswith(".tests.yaml"):
            continue  # a sidecar file of rule tests (engine.authoring.sidecar_tests), not a rule
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
    return sources


def load_pack(root: Path, *, include_drafts: bool | None = None) -> Pack:
    """Load and check a pack; raises DiagnosticError listing every problem found.

    Every rule file is checked whatever its ``status``; retired rules are never compiled, drafts
    only with ``include_drafts`` (default: the ``CAREPLAN_INCLUDE_DRAFTS`` environment variable).
    """
    drafts = include_drafts_from_environment() if include_drafts is None else include_drafts
    diagnostics: list[Diagnostic] = []
    if not (root / "rules").is_dir():
        raise DiagnosticError([Diagnostic(Location(str(root)), "pack.not-found",
                                          "not a rule pack: it has no rules/ directory")])
    if not _check_links(root, diagnostics):
        raise DiagnosticError(diagnostics)  # nothing is read through a link that leads out of the pack
    root = resolve_pack_root(root)  # a pack that extends another is read from the two merged
    meta = _load_meta(root, diagnostics)
    fields = _declarations(root, diagnostics)
    schema = _load_schema(root, fields, diagnostics)
    citations = load_citations(root, diagnostics)
    calculators = load_calculators(root, schema, citations, diagnostics)
    mark_calculated(schema, calculators)  # before the rules: they match a calculator's fact, never assert it
    sources = _load_sources(root, schema, diagnostics)
    diagnostics.extend(field_value_findings(sources, schema))  # smoking: nevr can never match
    drug_classes = load_drug_classes(root, diagnostics)
    _check_drug_classes(sources, drug_classes, diagnostics)
    diagnostics.extend(citation_errors(sources, citations))
    attribute_inputs = load_attribute_inputs(root, schema, diagnostics)
    _check_required_templates(root, diagnostics)
    if any(d.severity.value == "error" for d in diagnostics):
        raise DiagnosticError(diagnostics)
    active = [s for s in sources if _compiled(s, drafts)]
    inactive = [s for s in sources if not _compiled(s, drafts)]
    if drafts and any(s.spec.status == "draft" for s in active):
        # a plan made with draft rules says so: its pack version carries "+drafts"
        meta = meta.model_copy(update={"version": f"{meta.version}+drafts"})
    return Pack(root, meta, schema, active, pack_digest(root), diagnostics, drug_classes, inactive, drafts,
                citations, attribute_inputs, fields, calculators)


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
