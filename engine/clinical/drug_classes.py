"""Medicine classes: which class a generic medicine belongs to, from the pack's knowledge.

Guidelines speak in classes ("ACE inhibitors are contraindicated in pregnancy") while
plans name medicines ("lisinopril"). The pack's ``knowledge/medications/drug-classes.csv``
(columns ``drug``, ``class``, ``lowers_bp``) joins the two, so one ``suppress: {drug_class: ...}``
removes every medicine of the class wherever it appears, alternatives included, and the
Pooled Cohort Equations can tell whether the patient is treated for hypertension.
The antihypertensive rows follow ACC/AHA 2017 Tables 18 and 19 (oral antihypertensive drugs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from engine.lang.tables import load_table
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location

DRUG_CLASSES_FILE = "knowledge/medications/drug-classes.csv"
_COLUMNS = {"drug": "text", "class": "text", "lowers_bp": "boolean"}


@dataclass(frozen=True)
class DrugClasses:
    """The pack's medicine -> class table (empty when the pack has none)."""

    by_drug: dict[str, str] = field(default_factory=dict)
    lowers_bp: frozenset[str] = frozenset()

    def class_of(self, drug: str | None) -> str | None:
        return self.by_drug.get(drug or "")

    def classify(self, term: str | None) -> str | None:
        """The class a medicine or a class word names: "lisinopril", "ACE inhibitors" -> "ace-inhibitor"."""
        if not term:
            return None
        word = term.strip().lower()
        if word in self.by_drug:
            return self.by_drug[word]
        slug = "-".join(word.replace("-", " ").split())
        for candidate in (slug, slug.removesuffix("s")):
            if candidate in self.classes:
                return candidate
        return None

    @cached_property
    def classes(self) -> frozenset[str]:
        return frozenset(self.by_drug.values())

    def any_lowers_bp(self, drugs: Iterable[str]) -> bool:
        return any(drug in self.lowers_bp for drug in drugs)


def load_drug_classes(root: Path, diagnostics: list[Diagnostic]) -> DrugClasses:
    """Read the table if the pack has one; a bad or repeated row is a located error."""
    path = root / DRUG_CLASSES_FILE
    if not path.is_file():
        return DrugClasses()
    try:
        rows = load_table(path, DRUG_CLASSES_FILE, _COLUMNS)
    except DiagnosticError as exc:
        diagnostics.extend(exc.diagnostics)
        return DrugClasses()
    by_drug: dict[str, str] = {}
    first_seen: dict[str, Location] = {}
    lowering: set[str] = set()
    for row in rows:
        drug, drug_class = str(row.cells["drug"]), str(row.cells["class"])
        if drug != drug.lower() or not drug or not drug_class:
            diagnostics.append(Diagnostic(row.location, "table.wrong-type",
                                          "drug and class must be given, the drug as a lower-case generic name"))
            continue
        if drug in first_seen:
            diagnostics.append(Diagnostic(row.location, "table.duplicate-row",
                                          f"'{drug}' is already classed at {first_seen[drug]}"))
            continue
        first_seen[drug] = row.location
        by_drug[drug] = drug_class
        if row.cells.get("lowers_bp") is True:
            lowering.add(drug)
    return DrugClasses(by_drug, frozenset(lowering))
