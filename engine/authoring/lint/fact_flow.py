"""Facts and knowledge that lead nowhere.

``lint.never-produced`` (error): a pattern on a derived fact type that no rule asserts (input types
come from the patient file). Under ``all`` the rule can never fire; under ``none`` the exclusion
is always met, silently. ``lint.unused-fact-type`` (warning): a declared fact type no rule reads.
``lint.unused-knowledge`` (warning): a file in ``knowledge/`` that no rule's table names and the
engine does not read itself.
"""

from __future__ import annotations

from pathlib import Path

from engine.authoring.lint.finding import Finding, finding
from engine.authoring.lint.placed import every_rule, locate, placed_patterns
from engine.clinical.drug_classes import DRUG_CLASSES_FILE
from engine.clinical.pedigree import CANCER_SITES_FILE, RELATIVES_FILE
from engine.fhir.read.tables import FHIR_TABLES_DIR
from engine.lang.rule import RuleSource
from engine.pack.calculators import CALCULATORS_FILE
from engine.pack.load import Pack
from engine.source.diagnostics import DiagnosticError, Location, Severity
from engine.source.document import load_file

FACT_TYPES_FILE = "fact-types.yaml"
# knowledge the engine reads itself (not through a rule's table): medicine classes, the pedigree
# tables of the family-history normaliser, and the pack-level files other parts of careplan own
ENGINE_READS = frozenset({DRUG_CLASSES_FILE, RELATIVES_FILE, CANCER_SITES_FILE, "knowledge/observations.csv",
                          "knowledge/citations.yaml", "knowledge/source-attribute-inputs.yaml"})
ENGINE_READ_NAMES = frozenset({FACT_TYPES_FILE, "fields.yaml"})
TABLE_SUFFIXES = (".csv", ".yaml", ".yml", ".json")


_EFFECTS = {"all": "the rule can never fire", "any": "this alternative of 'any' can never match",
            "none": "the exclusion is always met"}


def _producing(pack: Pack) -> list[RuleSource]:
    """The rule files whose facts can exist in some run: compiled ones and drafts (retired ones never run)."""
    return pack.sources + [s for s in pack.inactive if s.spec.status == "draft"]


def never_produced(pack: Pack) -> list[Finding]:
    produced = {t for _, rule in every_rule(_producing(pack)) for t in rule.produces}
    found: list[Finding] = []
    for source, rule in every_rule(pack.sources):
        for placed in placed_patterns(source, rule):
            fact_type = pack.schema.get(placed.pattern.type)
            if fact_type is None or not fact_type.derived or fact_type.name in produced:
                continue
            effect = _EFFECTS[placed.section]
            found.append(finding(
                locate(source, rule, placed.path, key=True), "never-produced",
                f"no rule asserts '{fact_type.name}' and it is not an input, so {effect}",
                rule_id=rule.id, hint=f"add a rule that asserts {fact_type.name}, or match the fact it is made from"))
    return found


def _declared(root: Path) -> list[tuple[str, Location]]:
    files = [root / "knowledge" / FACT_TYPES_FILE] + sorted((root / "knowledge").glob(f"*/{FACT_TYPES_FILE}"))
    declared: list[tuple[str, Location]] = []
    for path in files:
        try:
            doc = load_file(path, path.relative_to(root).as_posix()) if path.is_file() else None
        except DiagnosticError:
            continue  # the loader reports it
        if doc is not None and isinstance(doc.data, dict):
            declared += [(str(name), doc.locate([name], key=True)) for name in doc.data]
    return declared


def unused_fact_types(pack: Pack) -> list[Finding]:
    read = {t for _, rule in every_rule(pack.sources + pack.inactive) for t in rule.consumes | rule.negated_types}
    return [finding(location, "unused-fact-type", f"no rule reads the fact type '{name}'",
                    severity=Severity.WARNING, hint="use it in a rule's 'when', or remove the declaration")
            for name, location in _declared(pack.root) if name not in read]


def unused_knowledge(pack: Pack) -> list[Finding]:
    named = {s.spec.table.file for s in pack.sources + pack.inactive if s.spec.table is not None}
    named |= {CALCULATORS_FILE, *(c.vectors_path for c in pack.calculators)}  # read by the loader and validate
    found: list[Finding] = []
    for path in sorted((pack.root / "knowledge").rglob("*")):
        display = path.relative_to(pack.root).as_posix()
        if (not path.is_file() or path.suffix not in TABLE_SUFFIXES or path.name in ENGINE_READ_NAMES
                or display in ENGINE_READS or display in named or display.startswith(f"{FHIR_TABLES_DIR}/")):
            continue
        found.append(finding(Location(display, 1, 1), "unused-knowledge", "no rule's table names this file",
                             severity=Severity.WARNING,
                             hint="name it in a rule's 'table: {file: ...}', or remove it"))
    return found
