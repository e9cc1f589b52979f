"""Check a rule pack against CPIC's own tables and report agreement, row by row.

    python tools/cpic_conformance.py diplotypes PATH/diplotype-phenotype.csv [--pack DIR] [--gene G]
    python tools/cpic_conformance.py recommendations PATH/recommendations.csv [--pack DIR] [--drug D]

For every row of CPIC's diplotype-to-phenotype table one patient is built with that
diplotype; the engine's phenotype (and activity score, where CPIC gives one) is compared
with CPIC's. For every row of CPIC's recommendation table (drug, population, lookup key) one
patient is built with that drug and those gene results; the plan's action class and
strength for the drug are compared with the row's (classified by engine.clinical.cpic). It prints
agreement per gene or drug and every disagreement with its reason. It is a tool, not a
test: the reference tables are CPIC's (CC0) and are not shipped with the project.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.authoring.conformance import run_diplotypes, run_recommendations  # noqa: E402
from engine.generator import Generator  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dip = sub.add_parser("diplotypes", help="agreement with CPIC's diplotype-to-phenotype table")
    dip.add_argument("reference", type=Path)
    dip.add_argument("--pack", type=Path, default=None, help="rule pack directory (default: the project's)")
    dip.add_argument("--gene", default=None)
    dip.add_argument("--show", type=int, default=40, help="how many kinds of disagreement to list")
    dip.add_argument("--workers", type=int, default=1, help="processes checking the rows (default 1)")
    rec = sub.add_parser("recommendations", help="agreement with CPIC's recommendation table")
    rec.add_argument("reference", type=Path)
    rec.add_argument("--pack", type=Path, default=None, help="rule pack directory (default: the project's)")
    rec.add_argument("--drug", default=None)
    rec.add_argument("--show", type=int, default=40, help="how many kinds of disagreement to list")
    args = parser.parse_args(argv)
    generator = Generator(args.pack)
    if args.command == "recommendations":
        return run_recommendations(args.reference, generator, args.drug, args.show)
    return run_diplotypes(args.reference, generator, args.gene, args.show, args.workers)


if __name__ == "__main__":
    raise SystemExit(main())
