"""Read CPIC's recommendation table and classify each row into the plan's action vocabulary.

Used by ``careplan knowledge import-cpic`` (to build decision tables from CPIC's own rows)
and by ``tools/cpic_conformance.py`` (to check the shipped tables against CPIC's). CPIC gives
prose and three flags; the plan needs an action class, a strength and, where the prose
states one, a dose change. The classifier reads only the recommendation itself, not the
"Other Considerations" that CPIC appends.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

STRENGTHS = {"strong": "strong", "moderate": "moderate", "optional": "optional",
             "no recommendation": "no-recommendation"}
REQUIRED_COLUMNS = ("drug", "population", "lookup_key", "classification", "dosingInformation",
                    "alternateDrugAvailable", "recommendation")

_NO_AVOID = re.compile(r"no (?:need|reason) to avoid")
_DOSE_CAP = re.compile(r"(?:≤|<=|no more than|not exceed\w*)\s*\d+\s*mg")
_AVOID = re.compile(r"\bavoid\b|not recommended|contraindicated|should not be (used|prescribed)|do not (use|prescribe)")
_ALTERNATIVE = re.compile(r"\balternative\b|select (another|a different)")
_REDUCE = re.compile(r"\b(reduc|decreas|lower)\w*")
_INCREASE = re.compile(r"\bincreas\w* (?:the )?(?:[a-z]+ ){0,2}dose|\bhigher (?:starting |initial )?dose"
                       r"|\bdose\w* (?:by )?\d+(?:\.\d+)?\s*(?:to|-)\s*\d+(?:\.\d+)?\s*times"
                       r"|\bdose\w* increase")
_STANDARD = re.compile(r"standard|label[- ]recommended|recommended (starting|maintenance)? ?dos|normal (starting )?dos"
                       r"|usual|initiate therapy with recommended|per standard")
_PERCENT_REDUCTION = re.compile(r"(\d+)\s*%\s*(?:reduction|less|lower)|reduc\w*[^.%]*?\bby\s*(\d+)\s*%")
_PERCENT_OF_DOSE = re.compile(r"\b(\d+)\s*%\s*of\s*(?:the\s*)?(?:lowest\s*)?"
                              r"(?:normal|standard|recommended|usual|starting)")
_PERCENT_INCREASE = re.compile(r"increas\w*[^.%]*?\bby\s*(\d+)\s*%")


@dataclass(frozen=True)
class CpicRow:
    line: int
    drug: str
    population: str
    lookup: tuple[tuple[str, str], ...]  # (gene, result) pairs, genes sorted
    classification: str
    dosing: bool
    alternative: bool
    recommendation: str
    guideline: str

    @property
    def key(self) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        return (self.drug, self.population, self.lookup)


@dataclass(frozen=True)
class Classified:
    action: str
    strength: str | None
    dose_change_percent: float | None


def main_text(recommendation: str) -> str:
    return recommendation.split("Other Considerations", maxsplit=1)[0].strip()


def classify(row: CpicRow) -> Classified:
    strength = STRENGTHS.get(row.classification.strip().lower())
    text = main_text(row.recommendation).lower()
    dose = dose_change(text)
    if strength == "no-recommendation" or text.startswith("no recommendation") or not text:
        action = "consider"
    elif _NO_AVOID.search(text):  # "there is no need to avoid ..." is not an avoid
        action = "standard-dose"
    elif _AVOID.search(text):
        action = "avoid"
    elif _ALTERNATIVE.search(text) and row.alternative:
        action = "use-alternative"
    elif row.dosing and ((dose is not None and dose < 0) or _REDUCE.search(text) or _DOSE_CAP.search(text)):
        action = "reduce-dose"
    elif row.dosing and ((dose is not None and dose > 0) or _INCREASE.search(text)):
        action = "increase-dose"
    elif _STANDARD.search(text):
        action = "standard-dose"
    elif "monitor" in text:
        action = "monitor"
    else:
        action = "consider"
    return Classified(action, strength, dose)


def dose_change(text: str) -> float | None:
    """The dose change the prose states, as a signed percent (-50 = half the usual dose)."""
    match = _PERCENT_REDUCTION.search(text)
    if match:
        return -float(match.group(1) or match.group(2))
    match = _PERCENT_OF_DOSE.search(text)
    if match:
        return float(match.group(1)) - 100
    match = _PERCENT_INCREASE.search(text)
    if match:
        return float(match.group(1))
    return None


def parse_lookup(text: str) -> tuple[tuple[str, str], ...]:
    """``"TPMT=Normal Metabolizer; NUDT15=No Result"`` -> sorted (gene, result) pairs."""
    pairs = []
    for part in text.split("; "):
        gene, _, result = part.partition("=")
        pairs.append((gene.strip(), result.strip()))
    return tuple(sorted(pairs))


def read_recommendations(path: Path) -> list[CpicRow]:
    """Every row of CPIC's recommendation table; raises ValueError naming a missing column."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        rows = []
        for row in reader:
            rows.append(CpicRow(
                line=reader.line_num, drug=row["drug"].strip().lower(), population=row["population"].strip(),
                lookup=parse_lookup(row["lookup_key"]), classification=row["classification"].strip(),
                dosing=row["dosingInformation"].strip().lower() == "true",
                alternative=row["alternateDrugAvailable"].strip().lower() == "true",
                recommendation=row["recommendation"].strip(), guideline=row.get("guideline", "").strip()))
    return rows
