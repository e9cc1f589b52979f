"""Agreement of a rule pack with CPIC's own tables, row by row (used by the conformance tool
and by ``careplan knowledge import-cpic --diplotypes``).

For a diplotype row, one patient with that diplotype: the engine's phenotype (and activity
score) against CPIC's. For a recommendation row (drug, population, lookup key), one patient
with that drug and those gene results: the plan's action class and strength for the drug
against the row's, as ``engine.cpic.classify`` reads it.
"""

from __future__ import annotations

import csv
import multiprocessing
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from engine.clinical.cpic import CpicRow, classify, read_recommendations
from engine.facts.fact import Fact
from engine.generator import Generator, resident_generator
from engine.patient.model import Patient
from engine.run.goal import Goal, goal_for

PHENOTYPES = frozenset({"phenotype"})  # all a diplotype row is checked on


@dataclass(frozen=True)
class Outcome:
    group: str  # the gene (diplotype rows) or the drug (recommendation rows)
    case: str  # the row, as a person would name it
    agrees: bool
    reason: str = ""


def _score(text: str) -> tuple[float | None, bool]:
    """CPIC's activity score cell: '1.25', '≥4.0' (at least), 'n/a' or blank."""
    text = text.strip()
    if not text or text.lower() == "n/a":
        return None, False
    at_least = text.startswith("≥")
    return float(text.lstrip("≥")), at_least


def check_diplotype(generator: Generator, gene: str, diplotype: str, phenotype: str, score_text: str,
                    goal: Goal | None = None) -> Outcome:
    """``goal``: ``PHENOTYPES`` for ``generator``'s pack, to run only the rules that can bear on a phenotype."""
    patient = Patient.model_validate({"id": "conformance", "genotypes": [{"gene": gene, "diplotype": diplotype}]})
    evaluation = generator.evaluator.evaluate(generator.facts(patient), goal)
    found: list[Fact] = [f for f in evaluation.facts.values() if f.type == "phenotype" and f.values.get("gene") == gene]
    values = sorted({str(f.values["value"]) for f in found})
    if values != [phenotype]:
        return Outcome(gene, diplotype, False, f"phenotype {values or 'none'}, CPIC {phenotype}")
    expected, _at_least = _score(score_text)
    got = found[0].values.get("activity_score")
    if expected is not None and (not isinstance(got, (int, float)) or abs(float(got) - expected) > 1e-9):
        return Outcome(gene, diplotype, False, f"activity score {got}, CPIC {score_text}")
    return Outcome(gene, diplotype, True)


def report(outcomes: list[Outcome], heading: str, elapsed: float, show: int) -> None:
    """Agreement per gene or drug, overall, and the most common disagreements with an example."""
    per_group: dict[str, Counter[bool]] = defaultdict(Counter)
    for outcome in outcomes:
        per_group[outcome.group][outcome.agrees] += 1
    print(f"{heading:24} {'rows':>7} {'agree':>7} {'%':>8}")
    for group in sorted(per_group):
        counts = per_group[group]
        total = counts[True] + counts[False]
        print(f"{group:24} {total:7d} {counts[True]:7d} {100 * counts[True] / total:7.2f}%")
    agree = sum(o.agrees for o in outcomes)
    print(f"{'all':24} {len(outcomes):7d} {agree:7d} {100 * agree / max(len(outcomes), 1):7.2f}%"
          f"   ({elapsed:.1f} s, {1000 * elapsed / max(len(outcomes), 1):.2f} ms/row)")
    reasons = Counter((o.group, o.reason) for o in outcomes if not o.agrees)
    if reasons:
        print(f"\n{sum(reasons.values())} disagreements, most common first:")
        for (group, reason), count in reasons.most_common(show):
            example = next(o.case for o in outcomes if not o.agrees and o.group == group and o.reason == reason)
            print(f"  {count:6d}  {group}: {reason}  (e.g. {example})")


DiplotypeRow = tuple[str, str, str, str]  # gene, diplotype, CPIC's phenotype, CPIC's activity score
CHUNK = 500  # rows a worker process checks at a time
_worker: tuple[Generator, Goal] | None = None  # a worker process's pack, compiled once


def _start_worker(pack_root: str) -> None:
    global _worker
    generator = resident_generator(Path(pack_root))
    _worker = (generator, goal_for(generator.compiled, PHENOTYPES))


def _check_rows(rows: list[DiplotypeRow]) -> list[Outcome]:
    if _worker is None:
        raise RuntimeError("a conformance worker was given rows before its pack")
    generator, goal = _worker
    return [check_diplotype(generator, *row, goal) for row in rows]


def check_diplotypes(rows: list[DiplotypeRow], generator: Generator, workers: int = 1) -> list[Outcome]:
    """Every row's outcome, in row order; with ``workers`` > 1, in that many processes, each of which
    loads ``generator``'s pack from the compiled-pack cache (rows are independent patients)."""
    if workers <= 1 or len(rows) <= CHUNK:
        goal = goal_for(generator.compiled, PHENOTYPES)
        return [check_diplotype(generator, *row, goal) for row in rows]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    chunks = [rows[n:n + CHUNK] for n in range(0, len(rows), CHUNK)]
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                             initargs=(str(generator.pack.root),)) as pool:
        return [outcome for checked in pool.map(_check_rows, chunks) for outcome in checked]


def run_diplotypes(reference: Path, generator: Generator, only_gene: str | None, show: int, workers: int = 1) -> int:
    started = time.perf_counter()
    with reference.open(encoding="utf-8", newline="") as handle:
        rows = [(row["gene"], row["diplotype"], row["phenotype"], row.get("activity_score") or "")
                for row in csv.DictReader(handle) if not only_gene or row["gene"] == only_gene]
    report(check_diplotypes(rows, generator, workers), "gene", time.perf_counter() - started, show)
    return 0


_POPULATION_FACTS: dict[str, dict[str, object]] = {
    "CVI ACS PCI": {"indication": "PCI"},
    "CVI non-ACS non-PCI": {"indication": "stable coronary artery disease"},
    "NVI": {"indication": "stroke"},
    "pediatrics": {"age": 10},
    "adults": {"age": 40},
    "child >40kg_adult": {"age": 40},  # only the adult half is modelled (no weight-based population)
    "PHT naive": {}, "CBZ naive": {}, "OXC naive": {},
    "PHT use >3mos": {"months": 12}, "CBZ use >3mos": {"months": 12}, "OXC use >3 mos": {"months": 12},
}
_ACTIVITY_GENES = {"CYP2C9", "CYP2D6", "DPYD"}
# CYP2D6 scores CPIC writes as a lower bound ("≥3.0") come from a duplication reported as "x≥3"
# (three copies or more): *1x≥3 contributes at least 3, and the other allele the rest.
_CYP2D6_REST = {0.0: "*4", 0.25: "*10", 0.5: "*17", 0.75: "*10x3", 1.0: "*1", 2.0: "*1x2", 3.0: "*1x≥3"}


def _cyp2d6_at_least(score: float) -> str | None:
    """A CYP2D6 diplotype whose activity score is at least ``score`` (a lower bound), or None."""
    rest = _CYP2D6_REST.get(round(score - 3.0, 2))
    return f"*1x≥3/{rest}" if rest else None


def _activity_entry(gene: str, result: str) -> tuple[dict[str, object] | None, str]:
    """An activity-score gene's entry: a partial diplotype for "n/a", a duplication for a lower bound."""
    if result == "n/a":
        return {"gene": gene, "diplotype": "*1/*unknown"}, ""
    if gene == "CYP2D6" and result.startswith("≥"):
        diplotype = _cyp2d6_at_least(float(result.lstrip("≥")))
        if diplotype is None:
            return None, f"{gene} key '{result}' has no duplication diplotype"
        return {"gene": gene, "diplotype": diplotype}, ""
    if result.startswith("≥") or not result.replace(".", "").isdigit():
        return None, f"{gene} key '{result}' has no activity-score input"
    return {"gene": gene, "activity_score": float(result)}, ""


def _genotype_for(gene: str, result: str) -> tuple[dict[str, object] | None, str]:
    """The patient-file genotype entry for one CPIC lookup key, or None with the reason it cannot be built."""
    if gene in _ACTIVITY_GENES:
        return _activity_entry(gene, result)
    if gene.startswith("HLA-"):
        allele, _, status = result.partition(" ")
        return {"gene": gene, "allele": allele, "result": status}, ""
    return {"gene": gene, "phenotype": result}, ""


def patient_for(row: CpicRow) -> tuple[dict[str, object] | None, str]:
    """A patient file for a CPIC row, or None with the reason it cannot be built."""
    extra = _POPULATION_FACTS.get(row.population, {})
    if row.population not in _POPULATION_FACTS and row.population not in ("general", ""):
        return None, f"population '{row.population}' is not modelled"
    medication: dict[str, object] = {"name": row.drug, "status": "planned"}
    if "months" in extra:
        medication.update(status="active", months_on_drug=extra["months"])
    if "indication" in extra:
        medication["indication"] = extra["indication"]
    genotypes: list[dict[str, object]] = []
    for gene, result in row.lookup:
        if result == "No Result":
            continue
        entry, reason = _genotype_for(gene, result)
        if entry is None:
            return None, reason
        genotypes.append(entry)
    patient: dict[str, object] = {"id": "conformance", "medications": [medication], "genotypes": genotypes,
                                  "demographics": {"age": int(str(extra.get("age", 40)))}}
    return patient, ""


def check_recommendation(generator: Generator, row: CpicRow) -> Outcome:
    label = f"{row.drug} [{row.population or 'general'}] " + "; ".join(f"{g}={r}" for g, r in row.lookup)
    if not row.classification or row.classification.upper() == "N/A":
        return Outcome(row.drug, label, False, "CPIC row has no classification")
    data, reason = patient_for(row)
    if data is None:
        return Outcome(row.drug, label, False, reason)
    expected = classify(row)
    plan = generator.run(Patient.model_validate(data), at="2026-01-01T00:00:00Z").plan
    found = [r for r in plan.recommendations if r.drug == row.drug and r.category == "medication"]
    if not found:
        return Outcome(row.drug, label, False, "no recommendation for the drug")
    got = found[0]
    if (got.action, got.strength) != (expected.action, expected.strength):
        return Outcome(row.drug, label, False,
                       f"{got.action}/{got.strength}, CPIC {expected.action}/{expected.strength}")
    return Outcome(row.drug, label, True)


def run_recommendations(reference: Path, generator: Generator, only_drug: str | None, show: int) -> int:
    rows = [r for r in read_recommendations(reference) if not only_drug or r.drug == only_drug]
    started = time.perf_counter()
    outcomes = [check_recommendation(generator, row) for row in rows]
    report(outcomes, "drug", time.perf_counter() - started, show)
    return 0


