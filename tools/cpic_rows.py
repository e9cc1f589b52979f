"""Write the project's own rows for CPIC drugs the pack's recommendation tables do not cover yet.

    python tools/cpic_rows.py PATH/recommendations.csv [--drug D ...] [--write]

CPIC's table gives, per (drug, population, lookup key), a strength, three flags and prose. This
tool takes only the facts from it: the key, the action class, strength and dose change (a single
number, or both edges of a range) that ``engine.clinical.cpic.classify`` reads from the row, and
the kind of medicine to use instead that ``engine.clinical.cpic.alternative_statement`` reads.
The ``text`` of each row is the
project's own, written from those facts with the short templates below (one per drug and
phenotype group and action), never CPIC's recommendation or implications sentences. Where a
drug shares a guideline and a table with a drug the pack already words (the tertiary-amine
tricyclics with amitriptyline, desipramine with nortriptyline, the CYP2C9 NSAIDs with
celecoxib (except poor metabolizers, whose celecoxib wording is celecoxib's own), the
proton-pump inhibitors with omeprazole, paromomycin with amikacin), the
existing row for the same key is reused with the drug's name, provided its action
agrees with the new row's.

A few rows deliberately depart from the classifier (``OVERRIDES``, each with its reason); they
show up as disagreements in ``tools/cpic_conformance.py``.

Without ``--write`` it prints the rows; with it, appends them to
knowledge/pgx/recommendations-one-gene.csv / recommendations-two-genes.csv and the genes to
knowledge/pgx/drug-genes.csv (drugs already in the tables are skipped).
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.clinical.cpic import (  # noqa: E402
    Classified,
    CpicRow,
    alternative_statement,
    classify,
    dose_range_cells,
    read_recommendations,
)

PGX = ROOT / "knowledge" / "pgx"
ONE = PGX / "recommendations-one-gene.csv"
TWO = PGX / "recommendations-two-genes.csv"
DRUG_GENES = PGX / "drug-genes.csv"
ACTIVITY_GENES = ("CYP2C9", "CYP2D6")
TESTS = {"G6PD": "G6PD testing (enzyme activity or genotype)"}

# ---------------------------------------------------------------------------------------------
# Phenotype wording


def _score_phenotypes() -> dict[str, list[tuple[float, float, str]]]:
    table: dict[str, list[tuple[float, float, str]]] = {}
    with (PGX / "activity-score-phenotypes.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["gene"], []).append((float(row["low"]), float(row["high"]), row["phenotype"]))
    return table


SCORES = _score_phenotypes()
GROUP = {"Poor Metabolizer": "PM", "Likely Poor Metabolizer": "PM", "Intermediate Metabolizer": "IM",
         "Likely Intermediate Metabolizer": "IM", "Normal Metabolizer": "NM", "Rapid Metabolizer": "RM",
         "Ultrarapid Metabolizer": "UM"}


def score_phenotype(gene: str, result: str) -> str | None:
    value = float(result.lstrip("≥"))
    for low, high, phenotype in SCORES.get(gene, []):
        if low <= value <= high:
            return phenotype
    return None


def group(gene: str, result: str) -> str:
    """PM, IM, NM, RM, UM; NA (not assignable, indeterminate); NR (no result); else the result."""
    if result == "No Result":
        return "NR"
    if result in ("n/a", "Indeterminate"):
        return "NA"
    if gene in ACTIVITY_GENES:
        phenotype = score_phenotype(gene, result)
        return GROUP[phenotype] if phenotype else "NA"
    return GROUP.get(result, result)


_SPECIAL_RESULTS = {"No Result": "no {gene} result", "n/a": "{gene} activity score not assignable",
                    "Indeterminate": "{gene} result indeterminate"}


def describe(gene: str, result: str) -> str:
    if result in _SPECIAL_RESULTS:
        return _SPECIAL_RESULTS[result].format(gene=gene)
    if gene in ACTIVITY_GENES:
        phenotype = (score_phenotype(gene, result) or "").lower()
        score = f"at least {result.lstrip('≥')}" if result.startswith("≥") else result
        return f"{gene} activity score {score} ({phenotype})"
    if gene == "G6PD" and result == "Deficient with CNSHA":
        return "G6PD deficient with chronic non-spherocytic haemolytic anaemia"
    if gene == "MT-RNR1":
        return f"MT-RNR1 result: {result}"
    return f"{gene} {result.lower()}"


def lead(lookup: tuple[tuple[str, str], ...], order: list[str]) -> str:
    parts = [describe(gene, dict(lookup)[gene]) for gene in order]
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


# ---------------------------------------------------------------------------------------------
# Templates: drug -> {key: body}. A key is tried from the most to the least specific:
# (population, result, action), (population, group, action), (population, action), (result, action),
# (group, action),
# (action,). ``{drug}`` is replaced by the drug's name.

NO_REC = "CPIC makes no genotype-guided recommendation; prescribe {drug} on clinical grounds."
NO_REC_EVIDENCE = ("CPIC makes no genotype-guided recommendation, as the evidence of a clinical effect is "
                   "insufficient; prescribe {drug} on clinical grounds.")

G6PD: dict[tuple[str, ...], str] = {
    ("Normal", "standard-dose"): "no G6PD-related reason to avoid {drug}; use it as usual.",
    ("NA", "consider"): ("the genotype does not settle G6PD status; measure G6PD enzyme activity and decide on "
                         "{drug} from the activity-based result."),
    ("Variable", "consider"): ("the genotype does not settle G6PD status; measure G6PD enzyme activity and decide "
                               "on {drug} from the activity-based result."),
}


def g6pd(avoid: str, **extra: str) -> dict[tuple[str, ...], str]:
    table: dict[tuple[str, ...], str] = dict(G6PD)
    table[("avoid",)] = avoid
    for key, body in extra.items():
        result, action = key.split("__")
        table[(result.replace("_", " "), action)] = body
    return table


TEMPLATES: dict[str, dict[tuple[str, ...], str]] = {
    # --- G6PD ------------------------------------------------------------------------------
    "dapsone": g6pd("high risk of acute haemolytic anaemia and methaemoglobinaemia; do not use {drug} "
                    "(for example for Pneumocystis prophylaxis choose another agent)."),
    "methylene blue": g6pd("methylene blue can cause acute haemolysis and may not reverse methaemoglobinaemia; "
                           "do not use it and choose another treatment."),
    "pegloticase": g6pd("high risk of acute haemolysis and methaemoglobinaemia; do not use {drug}; "
                        "treat refractory gout another way."),
    "tafenoquine": g6pd("high risk of acute haemolytic anaemia; do not use {drug} and treat or prevent malaria "
                        "with another drug."),
    "toluidine blue": g6pd("toluidine blue can cause acute haemolysis; do not use it and choose another "
                           "diagnostic stain."),
    "primaquine": g6pd(
        "primaquine can cause severe acute haemolysis; avoid it.",
        Deficient__avoid=("primaquine can cause acute haemolysis; avoid it unless expert malaria treatment "
                          "guidelines call for a G6PD-adapted regimen (such as weekly dosing for radical cure of "
                          "P. vivax or P. ovale, or a single low dose against P. falciparum transmission), and then "
                          "watch closely for haemolysis.")),
    "nitrofurantoin": g6pd("high risk of acute haemolysis; avoid {drug}."),
    # --- CYP2C9 NSAIDs with a long half-life ---------------------------------------------------
    "meloxicam": {
        ("NM", "standard-dose"): ("normal or near-normal {drug} clearance; start at the usual dose and use the lowest "
                                  "effective dose for the shortest time."),
        ("IM", "standard-dose"): ("normal or near-normal {drug} clearance; start at the usual dose and use the lowest "
                                  "effective dose for the shortest time."),
        ("1.0", "use-alternative"): ("markedly slower clearance of meloxicam, whose half-life is already long; "
                                     "start at 50% of the lowest recommended starting dose and titrate, only after "
                                     "steady state (at least 7 days), to no more than 50% of the maximum dose, or "
                                     "choose an analgesic not cleared by CYP2C9."),
        ("PM", "use-alternative"): ("meloxicam exposure is several times higher and lasts longer, with a high risk of "
                                    "adverse effects; choose an analgesic not cleared by CYP2C9 (or not affected by "
                                    "its variants), or an NSAID cleared by CYP2C9 with a shorter half-life, dosed "
                                    "for the CYP2C9 result."),
        ("NA", "consider"): NO_REC,
    },
    # --- CYP2D6 ----------------------------------------------------------------------------
    "atomoxetine": {
        ("adults", "PM", "reduce-dose"): (
            "atomoxetine exposure is several times higher, with more side effects; start at 40 mg/day and raise it "
            "to 80 mg/day only if there is no response and no adverse effect after 2 weeks; if the response stays "
            "poor, adjust by a plasma level 2-4 hours after the dose, and lower the dose if side effects are not "
            "acceptable."),
        ("adults", "IM", "reduce-dose"): (
            "atomoxetine exposure is higher, with more side effects; start at 40 mg/day and raise it to 80 mg/day "
            "only if there is no response and no adverse effect after 2 weeks; if the response stays poor, adjust "
            "by a plasma level 2-4 hours after the dose, and lower the dose if side effects are not acceptable."),
        ("adults", "increase-dose"): (
            "CYP2D6 does not raise atomoxetine exposure at this score, and the usual exposure may not be enough; "
            "start at 40 mg/day, "
            "raise it to 80 mg/day after 3 days and, with no response and no adverse effect after 2 weeks, "
            "consider 100 mg/day; if there is still no response, adjust by a peak plasma level (1-2 hours after "
            "the dose)."),
        ("pediatrics", "PM", "reduce-dose"): (
            "atomoxetine exposure is several times higher, with more side effects; start at 0.5 mg/kg/day and keep "
            "it there; with no response and no adverse effect after 2 weeks, adjust by a plasma level about 4 "
            "hours after the dose, and lower the dose if side effects are not acceptable."),
        ("pediatrics", "IM", "reduce-dose"): (
            "atomoxetine exposure is higher, with more side effects; start at 0.5 mg/kg/day and keep it there; "
            "with no response and no adverse effect after 2 weeks, adjust by a plasma level 2-4 hours after the "
            "dose, and lower the dose if side effects are not acceptable."),
        ("pediatrics", "increase-dose"): (
            "CYP2D6 does not raise atomoxetine exposure at this score, and the usual exposure may not be "
            "enough; start at 0.5 mg/kg/day and raise it to 1.2 mg/kg/day after 3 days; with no response and no "
            "adverse effect "
            "after 2 weeks, adjust by a peak plasma level (1-2 hours after the dose)."),
        ("NA", "consider"): NO_REC,
    },
    "fluvoxamine": {
        ("NM", "standard-dose"): "normal fluvoxamine clearance; start at the usual dose.",
        ("IM", "standard-dose"): ("fluvoxamine levels may be somewhat higher, without a known clinical effect; "
                                  "start at the usual dose."),
        ("PM", "use-alternative"): ("fluvoxamine levels are higher, with more side effects; begin at half to "
                                    "three-quarters of the usual starting dose with slower steps up, or prefer "
                                    "an antidepressant that does not depend on CYP2D6."),
        ("UM", "consider"): ("CPIC makes no genotype-guided recommendation for lack of evidence; prescribe "
                             "{drug} on clinical grounds."),
        ("NA", "consider"): NO_REC,
    },
    "hydrocodone": {
        ("NM", "standard-dose"): "normal hydrocodone metabolism; use the label's age- or weight-based dose.",
        ("IM", "standard-dose"): ("less hydromorphone is formed from hydrocodone, with no clear effect on pain "
                                  "relief; use the label's age- or weight-based dose, and if it does not work and an "
                                  "opioid is still needed, choose one other than codeine or tramadol."),
        ("PM", "standard-dose"): ("little hydromorphone is formed from hydrocodone, with no clear effect on pain "
                                  "relief; use the label's age- or weight-based dose, and if it does not work and an "
                                  "opioid is still needed, choose one other than codeine or tramadol."),
        ("UM", "consider"): ("CPIC makes no genotype-guided recommendation, as evidence on pain relief and adverse "
                             "effects is minimal; prescribe {drug} on clinical grounds."),
        ("NA", "consider"): NO_REC,
    },
    "paroxetine": {
        ("NM", "standard-dose"): "normal paroxetine clearance; start at the usual dose.",
        ("IM", "reduce-dose"): ("paroxetine levels are higher; begin below the usual starting dose and take smaller, "
                                "slower steps up."),
        ("PM", "reduce-dose"): ("paroxetine exposure is much higher, with more side effects; start at 50% of the "
                                "usual starting dose, titrate slowly and aim for a maintenance dose about half that "
                                "of normal metabolizers, or choose an antidepressant CYP2D6 does not metabolize."),
        ("UM", "use-alternative"): ("paroxetine is cleared faster, and levels may be too low to work; choose an "
                                    "antidepressant not mainly cleared by CYP2D6."),
        ("NA", "consider"): NO_REC,
    },
    "tamoxifen": {
        ("NM", "standard-dose"): ("normal formation of endoxifen, tamoxifen's active metabolite; give tamoxifen at "
                                  "the standard dose (20 mg/day) and avoid moderate or strong CYP2D6 inhibitors."),
        ("UM", "standard-dose"): ("normal or high formation of endoxifen, tamoxifen's active metabolite; give "
                                  "tamoxifen at the standard dose (20 mg/day) and avoid moderate or strong CYP2D6 "
                                  "inhibitors."),
        ("IM", "use-alternative"): ("less endoxifen is formed, with a higher risk of recurrence; consider an "
                                    "aromatase inhibitor (with ovarian function suppression if premenopausal); if "
                                    "one cannot be used, consider tamoxifen 40 mg/day, and avoid CYP2D6 inhibitors."),
        ("PM", "use-alternative"): ("very little endoxifen is formed, with a higher risk of recurrence; use another "
                                    "endocrine therapy, such as an aromatase inhibitor (with ovarian function "
                                    "suppression if premenopausal); if tamoxifen must be used, 40 mg/day still "
                                    "leaves endoxifen lower than in normal metabolizers."),
        ("NA", "consider"): NO_REC,
    },
    "tropisetron": {
        ("NM", "standard-dose"): "normal tropisetron clearance; start at the usual dose.",
        ("IM", "consider"): ("CPIC makes no genotype-guided recommendation, as the evidence of a clinical effect is "
                             "insufficient; the usual starting dose can be used."),
        ("PM", "consider"): ("CPIC makes no genotype-guided recommendation, as the evidence of a clinical effect is "
                             "insufficient; the usual starting dose can be used."),
        ("UM", "use-alternative"): ("tropisetron is cleared faster and may fail to prevent nausea and vomiting; "
                                    "choose an antiemetic not mainly cleared by CYP2D6, such as granisetron."),
        ("NA", "consider"): NO_REC,
    },
    "venlafaxine": {
        ("NM", "standard-dose"): "normal venlafaxine metabolism; start at the usual dose.",
        ("PM", "use-alternative"): ("venlafaxine is converted much less to its active metabolite (desvenlafaxine), "
                                    "with more side effects reported; consider an antidepressant not mainly "
                                    "metabolized by CYP2D6."),
        ("consider",): ("CPIC makes no genotype-guided recommendation, as evidence on efficacy and side effects is "
                        "minimal; prescribe {drug} on clinical grounds."),
        ("NA", "consider"): NO_REC,
    },
    "vortioxetine": {
        ("NM", "standard-dose"): "normal vortioxetine clearance; start at the usual dose.",
        ("IM", "standard-dose"): ("vortioxetine levels are modestly higher, without a known clinical effect; start "
                                  "at the usual dose."),
        ("PM", "use-alternative"): ("vortioxetine exposure is about twice the usual; start at half the usual starting "
                                    "dose (for example 5 mg/day) and do not exceed 10 mg/day, or choose an "
                                    "antidepressant not mainly cleared by CYP2D6."),
        ("UM", "use-alternative"): ("vortioxetine is cleared faster and may not work; choose an antidepressant not "
                                    "mainly cleared by CYP2D6, or, if vortioxetine is used, begin at the usual dose "
                                    "and titrate by response, expecting that some patients need at least 1.5 times "
                                    "the usual maintenance dose."),
        ("NA", "consider"): NO_REC,
    },
    # --- SLCO1B1 statins -----------------------------------------------------------------------
    "lovastatin": {
        ("consider",): ("normal hepatic uptake of lovastatin, with no added myopathy risk; prescribe the desired "
                        "starting dose and adjust it to disease-specific guidelines."),
        ("Poor Function", "use-alternative"): ("markedly higher lovastatin acid exposure and myopathy risk; "
                                               "prescribe another statin chosen for the intensity needed."),
        ("use-alternative",): ("higher lovastatin acid exposure and myopathy risk; prescribe another statin chosen "
                               "for the intensity needed, or, if lovastatin is kept, give no more than 20 mg/day."),
        ("NA", "consider"): NO_REC,
    },
    "pitavastatin": {
        ("consider",): ("normal hepatic uptake of pitavastatin, with no added myopathy risk; prescribe the desired "
                        "starting dose and adjust it to disease-specific guidelines."),
        ("Poor Function", "reduce-dose"): ("markedly higher pitavastatin exposure and myopathy risk; start at 1 mg/day "
                                           "or less and adjust to disease-specific guidelines; if more than 1 mg/day "
                                           "is needed, consider another statin or pitavastatin plus a non-statin "
                                           "lipid-lowering drug."),
        ("reduce-dose",): ("higher pitavastatin exposure and myopathy risk, especially above 1 mg/day; start at "
                           "2 mg/day or less and adjust to disease-specific guidelines; if more than 2 mg/day is "
                           "needed, consider another statin or pitavastatin plus a non-statin lipid-lowering drug."),
        ("NA", "consider"): NO_REC,
    },
    "pravastatin": {
        ("Normal Function", "consider"): ("normal hepatic uptake of pravastatin, with no added myopathy risk; "
                                          "prescribe the desired starting dose and adjust it to disease-specific "
                                          "guidelines."),
        ("Increased Function", "consider"): ("normal hepatic uptake of pravastatin, with no added myopathy risk; "
                                             "prescribe the desired starting dose and adjust it to disease-specific "
                                             "guidelines."),
        ("consider",): ("somewhat higher pravastatin exposure; prescribe the desired starting dose and adjust it to "
                        "disease-specific guidelines, watching for myopathy, especially above 40 mg/day."),
        ("reduce-dose",): ("higher pravastatin exposure and myopathy risk; start at 40 mg/day or less and adjust to "
                           "disease-specific guidelines; if 40 mg/day is tolerated but more effect is needed, a higher "
                           "dose, another statin or adding a non-statin lipid-lowering drug can be considered."),
        ("NA", "consider"): NO_REC,
    },
    # --- CYP2C9 NSAIDs (poor metabolizers; the rest reuses celecoxib's rows) ----------------------
}
TEMPLATES["nitrofurantoin"][("Deficient", "standard-dose")] = (
    "nitrofurantoin can cause haemolytic anaemia; it may be used at the usual dose, with caution and close "
    "monitoring for anaemia.")
for _drug in ("piroxicam", "tenoxicam"):
    TEMPLATES[_drug] = {
        ("NM", "standard-dose"): ("normal or near-normal {drug} clearance; start at the usual dose and use the lowest "
                                  "effective dose for the shortest time."),
        ("IM", "standard-dose"): ("normal or near-normal {drug} clearance; start at the usual dose and use the lowest "
                                  "effective dose for the shortest time."),
        ("use-alternative",): ("slower clearance of {drug}, whose half-life is already long, raises exposure and the "
                               "risk of adverse effects; choose an analgesic not cleared by CYP2C9 (or not affected by "
                               "its variants), or an NSAID cleared by CYP2C9 with a shorter half-life, dosed for the "
                               "CYP2C9 result."),
        ("NA", "consider"): NO_REC,
    }
NSAID_PM = ("markedly slower {drug} clearance and higher risk of adverse effects; start at 25-50% of the lowest "
            "recommended starting dose, and raise it only once steady state is reached (later than usual) and to no "
            "more than 25-50% of the maximum dose.")
for _drug in ("flurbiprofen", "ibuprofen", "lornoxicam"):
    TEMPLATES[_drug] = {("PM", "reduce-dose"): NSAID_PM}

# Fluvastatin (CYP2C9 activity score x SLCO1B1): the advice by the two groups; an unknown result
# (not tested, not assignable, indeterminate) leaves the advice to the other gene.
FLUVA_DESIRED = "prescribe the desired starting dose and adjust it to disease-specific guidelines"
FLUVA_OTHER = ("much higher fluvastatin exposure and myopathy risk; prescribe another statin chosen for the "
               "intensity needed.")
FLUVA = {
    ("NM", "normal"): FLUVA_DESIRED + ".",
    ("NM", "decreased"): FLUVA_DESIRED + ", watching for myopathy, especially above 40 mg/day.",
    ("NM", "poor"): ("start at 40 mg/day or less and adjust to disease-specific guidelines; if 40 mg/day is tolerated "
                     "but more effect is needed, a higher dose, another statin or adding a non-statin lipid-lowering "
                     "drug can be considered, watching for myopathy."),
    ("IM", "normal"): ("higher fluvastatin exposure; start at 40 mg/day or less and adjust to disease-specific "
                       "guidelines; if more is needed, consider another statin or fluvastatin plus a non-statin "
                       "lipid-lowering drug."),
    ("IM", "decreased"): ("higher fluvastatin exposure and myopathy risk; start at 20 mg/day or less and adjust to "
                          "disease-specific guidelines; if more is needed, consider another statin or fluvastatin plus "
                          "a non-statin lipid-lowering drug."),
    ("IM", "poor"): FLUVA_OTHER,
    ("PM", "normal"): ("much higher fluvastatin exposure; start at 20 mg/day or less and adjust to disease-specific "
                       "guidelines; if more is needed, consider another statin or fluvastatin plus a non-statin "
                       "lipid-lowering drug."),
    ("PM", "decreased"): FLUVA_OTHER,
    ("PM", "poor"): FLUVA_OTHER,
}
SLCO1B1_GROUP = {"Normal Function": "normal", "Increased Function": "normal", "Decreased Function": "decreased",
                 "Possible Decreased Function": "decreased", "Poor Function": "poor"}


def fluvastatin(lookup: dict[str, str]) -> str:
    c9, slco = group("CYP2C9", lookup["CYP2C9"]), SLCO1B1_GROUP.get(lookup["SLCO1B1"])
    note = ""
    if c9 in ("NA", "NR"):
        c9, note = "NM", "; advice follows SLCO1B1 alone"
    if slco is None:
        slco, note = "normal", "; advice follows CYP2C9 alone"
    body = FLUVA[(c9, slco)]
    return note + ": " + body if note else ": " + body


# Rows that depart from the classifier on purpose (key -> (action, strength or None to keep, reason)).
TAMOXIFEN_INHIBITORS = "CPIC's 'avoid' concerns CYP2D6 inhibitors taken with tamoxifen, not tamoxifen"
PITAVA = ("a dose cap comes first and another statin only if more is needed; 'use-alternative' would remove "
          "the statin from every domain (pgx.avoided-drug-not-offered), though CPIC lists it, capped, as an "
          "alternative for this phenotype")
OVERRIDES: dict[tuple[str, str], tuple[str, str]] = {}
for _score in ("1.25", "1.5", "1.75", "2.0", "2.25", "2.5", "2.75", "3.0", "4.0", "≥3.0", "≥3.25", "≥3.5", "≥3.75",
               "≥4.0", "≥5.0", "≥6.0"):
    OVERRIDES[("tamoxifen", _score)] = ("standard-dose", TAMOXIFEN_INHIBITORS)
for _score in ("0.25", "0.5", "0.75", "1.0"):
    OVERRIDES[("tamoxifen", _score)] = ("use-alternative", TAMOXIFEN_INHIBITORS)
for _result in ("Poor Function", "Decreased Function", "Possible Decreased Function"):
    OVERRIDES[("pitavastatin", _result)] = ("reduce-dose", PITAVA)
OVERRIDES[("pravastatin", "Poor Function")] = ("reduce-dose", PITAVA)

# Drugs worded from an existing drug's rows with the same key (same guideline and table).
CLONES = {"clomipramine": "amitriptyline", "doxepin": "amitriptyline", "imipramine": "amitriptyline",
          "trimipramine": "amitriptyline", "desipramine": "nortriptyline", "flurbiprofen": "celecoxib",
          "ibuprofen": "celecoxib", "lornoxicam": "celecoxib", "lansoprazole": "omeprazole",
          "dexlansoprazole": "omeprazole", "paromomycin": "amikacin"}
ALTERNATIVES = {"tropisetron": "granisetron", "tamoxifen": "anastrozole;letrozole;exemestane"}
# actions whose row may say what to use instead (a standard dose or "no recommendation" does not)
SWITCH_ACTIONS = ("avoid", "use-alternative", "reduce-dose", "increase-dose")
GENE_ORDER = {"fluvastatin": ["CYP2C9", "SLCO1B1"]}


# ---------------------------------------------------------------------------------------------


Key = tuple[str, str, tuple[tuple[str, str], ...]]


def _existing() -> tuple[dict[Key, dict[str, str]], set[str]]:
    rows: dict[Key, dict[str, str]] = {}
    drugs: set[str] = set()
    for path, genes in ((ONE, 1), (TWO, 2)):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                drugs.add(row["drug"])
                lookup: tuple[tuple[str, str], ...]
                if genes == 1:
                    lookup = ((row["gene"], row["result"]),)
                    order = [row["gene"]]
                else:
                    lookup = tuple(sorted([(row["gene1"], row["result1"]), (row["gene2"], row["result2"])]))
                    order = [row["gene1"], row["gene2"]]
                rows[(row["drug"], row["population"], lookup)] = {**row, "_order": ",".join(order)}
    return rows, drugs


def _template(drug: str, row: CpicRow, action: str) -> str | None:
    table = TEMPLATES.get(drug, {})
    gene, result = row.lookup[0]
    grp = group(gene, result)
    for key in ((row.population, result, action), (row.population, grp, action), (row.population, action),
                (result, action), (grp, action),
                (action,)):
        if key in table:
            return table[key].replace("{drug}", drug)
    return None


def build(row: CpicRow, verdict: Classified, existing: dict[Key, dict[str, str]]) -> tuple[list[str], str]:
    """The table row (one- or two-gene layout) and which table it goes to."""
    action, strength = verdict.action, verdict.strength or ""
    dose = "" if verdict.dose_change_percent is None else f"{verdict.dose_change_percent:g}"
    override = OVERRIDES.get((row.drug, row.lookup[0][1])) if len(row.lookup) == 1 else None
    if override:
        action = override[0]
    alternatives = ALTERNATIVES.get(row.drug, "") if action in ("avoid", "use-alternative") else ""
    order = GENE_ORDER.get(row.drug) or [g for g, _ in row.lookup]
    text = None
    if row.drug == "fluvastatin":
        text = lead(row.lookup, order) + fluvastatin(dict(row.lookup))
    elif len(row.lookup) == 1 and (body := _template(row.drug, row, action)) is not None:
        text = lead(row.lookup, order) + ": " + body
    source = CLONES.get(row.drug)
    if text is None and source:
        model = existing.get((source, row.population, row.lookup))
        if model and model["action"] == action:
            text = model["text"].replace(source, row.drug)
            alternatives = model["alternatives"]
            order = model["_order"].split(",")
    if text is None:
        raise KeyError(f"no wording for {row.drug} [{row.population}] {row.lookup} {action}")
    guideline = row.guideline.removeprefix("Annotation of ") or "CPIC guideline"
    results = dict(row.lookup)
    keys = [part for gene in order for part in (gene, results[gene])]
    table = "one" if len(row.lookup) == 1 else "two"
    switch = alternative_statement(row) if action in SWITCH_ACTIONS else None
    return [row.drug, row.population or "general", *keys, action, strength, dose, *dose_range_cells(verdict),
            alternatives, switch or "", guideline, text], table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("reference", type=Path)
    parser.add_argument("--drug", action="append", default=None)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args(argv)
    existing, present = _existing()
    rows = read_recommendations(args.reference)
    new: dict[str, list[list[str]]] = {"one": [], "two": []}
    genes: dict[str, list[str]] = {}
    for row in rows:
        if row.drug in present or (args.drug and row.drug not in args.drug):
            continue
        if not row.classification or row.classification.upper() == "N/A" or len(row.lookup) > 2:
            continue
        built, table = build(row, classify(row), existing)
        new[table].append(built)
        for gene, _ in row.lookup:
            if gene not in genes.setdefault(row.drug, []):
                genes[row.drug].append(gene)
    for table, path in (("one", ONE), ("two", TWO)):
        rows_out = sorted(new[table], key=lambda r: (r[0], r[1]))
        if args.write:
            with path.open("a", encoding="utf-8", newline="") as handle:
                csv.writer(handle, lineterminator="\n").writerows(rows_out)
        else:
            csv.writer(sys.stdout, lineterminator="\n").writerows(rows_out)
    gene_rows = [[drug, gene, TESTS.get(gene, f"{gene} genotyping")] for drug in sorted(genes)
                 for gene in sorted(genes[drug])]
    if args.write:
        with DRUG_GENES.open("a", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(gene_rows)
    counts = {drug: sum(1 for t in new.values() for r in t if r[0] == drug) for drug in genes}
    print("\n".join(f"{drug}: {n} rows" for drug, n in sorted(counts.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
