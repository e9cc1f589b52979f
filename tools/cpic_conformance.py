"""Check a rule pack against CPIC's own tables and report agreement, row by row.

    python tools/cpic_conformance.py diplotypes PATH/diplotype-phenotype.csv [--pack DIR] [--gene G]

For every row of CPIC's diplotype-to-phenotype table one patient is built with that
diplotype; the engine's phenotype (and activity score, where CPIC gives one) is compared
with CPIC's. It prints agreement per gene and every disagreement with its reason. It is a
tool, not a test: the reference tables are CPIC's (CC0) and are not shipped with the project.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.facts import Fact  # noqa: E402
from engine.generator import Generator  # noqa: E402
from engine.normalise import normalise  # noqa: E402
from engine.patient import Patient  # noqa: E402


@dataclass(frozen=True)
class Outcome:
    gene: str
    diplotype: str
    agrees: bool
    reason: str = ""


def _score(text: str) -> tuple[float | None, bool]:
    """CPIC's activity score cell: '1.25', '≥4.0' (at least), 'n/a' or blank."""
    text = text.strip()
    if not text or text.lower() == "n/a":
        return None, False
    at_least = text.startswith("≥")
    return float(text.lstrip("≥")), at_least


def check_diplotype(generator: Generator, gene: str, diplotype: str, phenotype: str, score_text: str) -> Outcome:
    patient = Patient.model_validate({"id": "conformance", "genotypes": [{"gene": gene, "diplotype": diplotype}]})
    evaluation = generator.evaluator.evaluate(normalise(patient))
    found: list[Fact] = [f for f in evaluation.facts.values() if f.type == "phenotype" and f.values.get("gene") == gene]
    values = sorted({str(f.values["value"]) for f in found})
    if values != [phenotype]:
        return Outcome(gene, diplotype, False, f"phenotype {values or 'none'}, CPIC {phenotype}")
    expected, _at_least = _score(score_text)
    got = found[0].values.get("activity_score")
    if expected is not None and (not isinstance(got, (int, float)) or abs(float(got) - expected) > 1e-9):
        return Outcome(gene, diplotype, False, f"activity score {got}, CPIC {score_text}")
    return Outcome(gene, diplotype, True)


def run_diplotypes(reference: Path, generator: Generator, only_gene: str | None, show: int) -> int:
    outcomes: list[Outcome] = []
    started = time.perf_counter()
    with reference.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if only_gene and row["gene"] != only_gene:
                continue
            outcomes.append(check_diplotype(generator, row["gene"], row["diplotype"], row["phenotype"],
                                            row.get("activity_score", "")))
    elapsed = time.perf_counter() - started
    per_gene: dict[str, Counter[bool]] = defaultdict(Counter)
    for outcome in outcomes:
        per_gene[outcome.gene][outcome.agrees] += 1
    print(f"{'gene':10} {'rows':>7} {'agree':>7} {'%':>8}")
    for gene in sorted(per_gene):
        counts = per_gene[gene]
        total = counts[True] + counts[False]
        print(f"{gene:10} {total:7d} {counts[True]:7d} {100 * counts[True] / total:7.2f}%")
    agree = sum(o.agrees for o in outcomes)
    print(f"{'all':10} {len(outcomes):7d} {agree:7d} {100 * agree / max(len(outcomes), 1):7.2f}%"
          f"   ({elapsed:.1f} s, {1000 * elapsed / max(len(outcomes), 1):.2f} ms/row)")
    disagreements = [o for o in outcomes if not o.agrees]
    reasons = Counter((o.gene, o.reason) for o in disagreements)
    if disagreements:
        print(f"\n{len(disagreements)} disagreements, most common first:")
        for (gene, reason), count in reasons.most_common(show):
            example = next(o.diplotype for o in disagreements if o.gene == gene and o.reason == reason)
            print(f"  {count:6d}  {gene} {reason}  (e.g. {example})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dip = sub.add_parser("diplotypes", help="agreement with CPIC's diplotype-to-phenotype table")
    dip.add_argument("reference", type=Path)
    dip.add_argument("--pack", type=Path, default=None, help="rule pack directory (default: the project's)")
    dip.add_argument("--gene", default=None)
    dip.add_argument("--show", type=int, default=40, help="how many kinds of disagreement to list")
    args = parser.parse_args(argv)
    generator = Generator(args.pack)
    return run_diplotypes(args.reference, generator, args.gene, args.show)


if __name__ == "__main__":
    raise SystemExit(main())
