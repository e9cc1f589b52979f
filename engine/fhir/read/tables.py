"""The code tables of knowledge/fhir/: which FHIR code fills which patient-file field or names which term.

Every code the FHIR reader understands is a row of one of these CSV files, never a literal in the
code, so a pack can extend them. Terms with no row in a table may still arrive under the local code
system ``LOCAL_SYSTEM`` (what ``tools/patient_to_fhir.py`` writes for a term with no standard code).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from engine.pack.locate import default_pack_root

# A code system of this project: its codes are the patient file's own words ("type 2 diabetes", or a
# field path such as "lifestyle.sleep_hours"), for terms the standard-code tables do not carry.
LOCAL_SYSTEM = "urn:careplan:patient-file"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"

Code = tuple[str, str]  # (system, code)


@dataclass(frozen=True)
class FieldRow:
    section: str
    field: str
    unit: str


@dataclass(frozen=True)
class FhirTables:
    """knowledge/fhir/*.csv, read once per pack root."""

    observation_fields: dict[Code, FieldRow] = field(default_factory=dict)
    coded_values: dict[tuple[Code, Code], tuple[str, str, str]] = field(default_factory=dict)
    conditions: dict[Code, str] = field(default_factory=dict)
    medications: dict[Code, str] = field(default_factory=dict)
    relationships: dict[Code, str] = field(default_factory=dict)
    genomics: dict[Code, str] = field(default_factory=dict)
    genomic_results: dict[Code, str] = field(default_factory=dict)
    race: dict[Code, str] = field(default_factory=dict)
    cancer_types: dict[Code, str] = field(default_factory=dict)

    def coded_observation(self, code: Code) -> bool:
        return any(key[0] == code for key in self.coded_values)


def _rows(folder: Path, name: str) -> list[dict[str, str]]:
    path = folder / name
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as stream:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(stream)]


def _terms(folder: Path, name: str, column: str) -> dict[Code, str]:
    return {(row["system"], row["code"]): row[column] for row in _rows(folder, name)}


@lru_cache(maxsize=8)
def fhir_tables(pack_root: Path | None = None) -> FhirTables:
    folder = (pack_root or default_pack_root()) / "knowledge" / "fhir"
    return FhirTables(
        observation_fields={(r["system"], r["code"]): FieldRow(r["section"], r["field"], r["unit"])
                            for r in _rows(folder, "observation-fields.csv")},
        coded_values={((r["system"], r["code"]), (r["value_system"], r["value_code"])):
                       (r["section"], r["field"], r["value"]) for r in _rows(folder, "coded-values.csv")},
        conditions=_terms(folder, "conditions.csv", "condition"),
        medications=_terms(folder, "medications.csv", "medication"),
        relationships=_terms(folder, "relationships.csv", "relative"),
        genomics=_terms(folder, "genomics.csv", "role"),
        genomic_results=_terms(folder, "genomic-results.csv", "result"),
        race=_terms(folder, "race.csv", "race"),
        cancer_types=_terms(folder, "cancer-types.csv", "type"),
    )
