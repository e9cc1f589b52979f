"""``careplan knowledge import-cpic``: build a rule pack whose PGx tables are CPIC's own rows.

The imported pack is the base pack (rules, knowledge, templates) with its recommendation
tables, and the genes and alleles each drug needs, rebuilt from CPIC's recommendation table.
Each row keeps CPIC's recommendation text (the user's own import; the project ships its own
wording), with the action class, strength and dose change read by ``engine.clinical.cpic``. What
changed against the pack it replaces is reported row by row.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from engine.authoring.citations import add_guideline_records
from engine.clinical.cpic import (
    CpicRow,
    alternative_statement,
    classify,
    dose_range_cells,
    main_text,
    read_recommendations,
)
from engine.pack.load import load_pack

ONE_GENE = "knowledge/pgx/recommendations-one-gene.csv"
TWO_GENES = "knowledge/pgx/recommendations-two-genes.csv"
DRUG_GENES = "knowledge/pgx/drug-genes.csv"
DRUG_ALLELES = "knowledge/pgx/drug-alleles.csv"
ONE_HEADER = ["drug", "population", "gene", "result", "action", "strength", "dose_change_percent",
              "dose_range_low_percent", "dose_range_high_percent",
              "alternatives", "alternative_statement", "guideline", "text"]
TWO_HEADER = ["drug", "population", "gene1", "result1", "gene2", "result2", "action", "strength",
              "dose_change_percent", "dose_range_low_percent", "dose_range_high_percent",
              "alternatives", "alternative_statement", "guideline", "text"]

RowKey = tuple[str, str, tuple[tuple[str, str], ...]]


@dataclass
class ImportReport:
    written: int = 0
    skipped: list[str] = field(default_factory=list)
    added: list[RowKey] = field(default_factory=list)
    removed: list[RowKey] = field(default_factory=list)
    changed: list[tuple[RowKey, str]] = field(default_factory=list)
    text_only: int = 0
    new_guidelines: list[str] = field(default_factory=list)  # given a citation record to complete

    def lines(self) -> list[str]:
        out = [f"{self.written} recommendation rows written; {len(self.skipped)} skipped"]
        out.append(f"against the previous pack: {len(self.added)} added, {len(self.removed)} removed, "
                   f"{len(self.changed)} changed in action or strength, {self.text_only} changed in wording only")
        out.extend(f"  + {_show(k)}" for k in self.added)
        out.extend(f"  - {_show(k)}" for k in self.removed)
        out.extend(f"  ~ {_show(k)}: {what}" for k, what in self.changed)
        out.extend(f"  skipped: {why}" for why in self.skipped)
        out.extend(f"  new guideline, cited by a record to complete in knowledge/citations.yaml: {name}"
                   for name in self.new_guidelines)
        return out


def _show(key: RowKey) -> str:
    drug, population, lookup = key
    return f"{drug} [{population}] " + "; ".join(f"{g}={r}" for g, r in lookup)


def _read_tables(root: Path) -> dict[RowKey, tuple[str, str, str]]:
    """(drug, population, lookup) -> (action, strength, text) from a pack's recommendation tables."""
    found: dict[RowKey, tuple[str, str, str]] = {}
    for name, genes in ((ONE_GENE, 1), (TWO_GENES, 2)):
        path = root / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                lookup: tuple[tuple[str, str], ...]
                if genes == 1:
                    lookup = ((row["gene"], row["result"]),)
                else:
                    lookup = tuple(sorted([(row["gene1"], row["result1"]), (row["gene2"], row["result2"])]))
                found[(row["drug"], row["population"], lookup)] = (row["action"], row["strength"], row["text"])
    return found


def _write(path: Path, header: list[str], rows: Iterable[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(sorted(rows))


def _tables(rows: list[CpicRow], report: ImportReport) -> dict[str, list[list[str]]]:
    one: list[list[str]] = []
    two: list[list[str]] = []
    genes: set[tuple[str, str]] = set()
    alleles: set[tuple[str, str, str]] = set()
    for row in rows:
        if not row.classification or row.classification.upper() == "N/A":
            report.skipped.append(f"line {row.line}: {_show(row.key)} has no classification")
            continue
        if len(row.lookup) > 2:
            report.skipped.append(f"line {row.line}: {_show(row.key)} has more than two genes")
            continue
        verdict = classify(row)
        dose = "" if verdict.dose_change_percent is None else f"{verdict.dose_change_percent:g}"
        guideline = row.guideline.removeprefix("Annotation of ") or "CPIC guideline"
        tail = [verdict.action, verdict.strength or "", dose, *dose_range_cells(verdict), "",
                alternative_statement(row) or "", guideline,
                main_text(row.recommendation)]
        flat = [part for pair in row.lookup for part in pair]
        (one if len(row.lookup) == 1 else two).append([row.drug, row.population, *flat, *tail])
        report.written += 1
        for gene, result in row.lookup:
            if gene.startswith("HLA-"):
                allele = result.split(" ")[0]
                if allele.startswith("*"):
                    alleles.add((row.drug, gene, allele))
            else:
                genes.add((row.drug, gene))
    return {
        ONE_GENE: one, TWO_GENES: two,
        DRUG_GENES: [[d, g, f"{g} genotyping"] for d, g in genes],
        DRUG_ALLELES: [[d, g, a, f"{g}{a} testing"] for d, g, a in alleles],
    }


def import_cpic(recommendations: Path, out: Path, base: Path) -> ImportReport:
    """Write the imported pack to ``out`` (replacing a pack there) and report what changed."""
    rows = read_recommendations(recommendations)
    previous_root = out if (out / "pack.yaml").is_file() else base
    previous = _read_tables(previous_root)
    report = ImportReport()
    tables = _tables(rows, report)
    with tempfile.TemporaryDirectory(prefix="careplan-import-") as scratch:
        staging = Path(scratch) / "pack"
        staging.mkdir()
        for name in ("rules", "knowledge", "templates", "schema"):
            if (base / name).is_dir():
                shutil.copytree(base / name, staging / name)
        (staging / "pack.yaml").write_text(
            f"name: cpic-import\nversion: 0.1.0\ndescription: \"base pack with CPIC's recommendation table "
            f"imported from {recommendations.name}\"\n", encoding="utf-8")
        headers = {ONE_GENE: ONE_HEADER, TWO_GENES: TWO_HEADER, DRUG_GENES: ["drug", "gene", "test"],
                   DRUG_ALLELES: ["drug", "gene", "allele", "test"]}
        for name, table in tables.items():
            _write(staging / name, headers[name], table)
        names = [r[ONE_HEADER.index("guideline")] for r in tables[ONE_GENE]]
        names += [r[TWO_HEADER.index("guideline")] for r in tables[TWO_GENES]]
        report.new_guidelines = add_guideline_records(staging, names)  # every row must cite a record
        load_pack(staging)  # the imported pack must load and check cleanly before it replaces anything
        current = _read_tables(staging)
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(staging, out)
    for key in sorted(current.keys() - previous.keys()):
        report.added.append(key)
    for key in sorted(previous.keys() - current.keys()):
        report.removed.append(key)
    for key in sorted(current.keys() & previous.keys()):
        old, new = previous[key], current[key]
        if old[:2] != new[:2]:
            report.changed.append((key, f"{old[0]}/{old[1]} -> {new[0]}/{new[1]}"))
        elif old[2] != new[2]:
            report.text_only += 1
    return report
