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
# Ranges, read with both edges. "30%-80% of normal dose", "50% to 80% of normal dose" and
# "25-50% of the lowest recommended starting dose" are fractions of the usual dose; "a 25-50% lower
# starting dose" is a reduction; "increasing dose by 50-100%" an increase; "1.5 to 2 times
# recommended starting dose" a multiple. A range of milligrams ("if normal starting dose is 2-3
# mg/kg/day") names the usual dose, not a change, and is not read.
_RANGE = r"(\d+(?:\.\d+)?)\s*%?\s*(?:-|–|to)\s*(\d+(?:\.\d+)?)"
_RANGE_OF_DOSE = re.compile(_RANGE + r"\s*%\s*of\s*(?:the\s*)?(?:lowest\s*)?"
                            r"(?:normal|standard|recommended|usual|starting)")
_RANGE_REDUCTION = re.compile(_RANGE + r"\s*%\s*(?:reduction|less|lower)|reduc\w*[^.%]*?\bby\s*" + _RANGE + r"\s*%")
_RANGE_INCREASE = re.compile(r"increas\w*[^.%]*?\bby\s*" + _RANGE + r"\s*%")
_RANGE_TIMES = re.compile(_RANGE + r"\s*times")


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
    dose_range_percent: tuple[float, float] | None = None


def main_text(recommendation: str) -> str:
    return recommendation.split("Other Considerations", maxsplit=1)[0].strip()


def classify(row: CpicRow) -> Classified:
    strength = STRENGTHS.get(row.classification.strip().lower())
    text = main_text(row.recommendation).lower()
    dose_range = dose_range_percent(text)
    # a range is the structured change; the single-number field then stays empty (contract 3)
    dose = None if dose_range is not None else dose_change(text)
    direction = dose if dose_range is None else dose_range[0]
    if strength == "no-recommendation" or text.startswith("no recommendation") or not text:
        action = "consider"
    elif _NO_AVOID.search(text):  # "there is no need to avoid ..." is not an avoid
        action = "standard-dose"
    elif _AVOID.search(text):
        action = "avoid"
    elif _ALTERNATIVE.search(text) and row.alternative:
        action = "use-alternative"
    elif row.dosing and ((direction is not None and direction < 0) or _REDUCE.search(text) or _DOSE_CAP.search(text)):
        action = "reduce-dose"
    elif row.dosing and ((direction is not None and direction > 0) or _INCREASE.search(text)):
        action = "increase-dose"
    elif _STANDARD.search(text):
        action = "standard-dose"
    elif "monitor" in text:
        action = "monitor"
    else:
        action = "consider"
    return Classified(action, strength, dose, dose_range)


# What CPIC says to use instead when it names no specific drug, in the project's own words: the
# pattern of CPIC's sentence, and the class statement it gives (genes filled in from the match).
_ALTERNATIVE_CLASSES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?:alternative |appropriate )antidepressant not (?:predominantly |primarily )?"
                r"metabolized by (cyp\w+(?: or cyp\w+)?)"),
     "an antidepressant not predominantly metabolised by {genes}"),
    (re.compile(r"alternative drug not (?:predominantly |primarily )?metabolized by (cyp\w+)"),
     "a drug not predominantly metabolised by {genes}"),
    (re.compile(r"non-tramadol opioid"), "an opioid other than codeine or tramadol"),
    (re.compile(r"non-codeine opioid"), "an opioid other than tramadol or codeine"),
    (re.compile(r"non-thiopurine immunosuppressant"), "a non-thiopurine immunosuppressant (non-malignant conditions)"),
    (re.compile(r"alternative anesthetics"),
     "anaesthesia without halogenated volatile anaesthetics or succinylcholine"),
    (re.compile(r"alternative statin"), "another statin, chosen by the potency needed and the SLCO1B1 result"),
    (re.compile(r"alternative therapy not metabolized by (cyp2c9)"),
     "a drug not metabolised by {genes}, or a CYP2C9-metabolised NSAID with a shorter half-life"),
    (re.compile(r"alternative agent that is not dependent on (cyp2c19)"), "an antifungal not dependent on {genes}"),
    (re.compile(r"aromatase inhibitor"), "an aromatase inhibitor (with ovarian function suppression before menopause)"),
    (re.compile(r"alternative p2y12 inhibitor"), "another P2Y12 inhibitor"),
)
# Rows whose sentence only forbids the drug although CPIC flags an alternative: the guideline's own
# text names the kind of medicine (allopurinol: CPIC leaves the choice of agent outside its scope,
# Hershfield 2013; abacavir: another antiretroviral, Martin 2014).
_ALTERNATIVE_BY_DRUG = {"allopurinol": "a urate-lowering medicine other than allopurinol",
                        "abacavir": "an antiretroviral regimen without abacavir",
                        "atazanavir": "another antiretroviral"}


def alternative_statement(row: CpicRow) -> str | None:
    """The kind of medicine CPIC's row points to instead, when it names no specific drug."""
    text = main_text(row.recommendation).lower()
    for pattern, statement in _ALTERNATIVE_CLASSES:
        if match := pattern.search(text):
            genes = match.group(1).upper().replace(" OR ", " or ") if match.groups() else ""
            return statement.format(genes=genes)
    if row.alternative and row.drug in _ALTERNATIVE_BY_DRUG:
        return _ALTERNATIVE_BY_DRUG[row.drug]
    return None


def dose_range_cells(verdict: Classified) -> list[str]:
    """The two table cells (low, high) of a classified row's dose range; empty when it has none."""
    if verdict.dose_range_percent is None:
        return ["", ""]
    return [f"{edge:g}" for edge in verdict.dose_range_percent]


def dose_range_percent(text: str) -> tuple[float, float] | None:
    """A dose change the prose gives as a range, as signed percents, low edge first.

    "30%-80% of normal dose" is (-70, -20); "1.5 to 2 times the starting dose" is (50, 100).
    """
    edges: tuple[float, float] | None = None
    if match := _RANGE_OF_DOSE.search(text):
        edges = (float(match.group(1)) - 100, float(match.group(2)) - 100)
    elif match := _RANGE_REDUCTION.search(text):
        low, high = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        edges = (-float(low), -float(high))
    elif match := _RANGE_INCREASE.search(text):
        edges = (float(match.group(1)), float(match.group(2)))
    elif match := _RANGE_TIMES.search(text):
        edges = ((float(match.group(1)) - 1) * 100, (float(match.group(2)) - 1) * 100)
    if edges is None or edges[0] == edges[1]:
        return None
    return (min(edges), max(edges))


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
