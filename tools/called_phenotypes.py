"""Write knowledge/pgx/called-phenotypes.csv: every (gene, phenotype) the pack's tables can give.

A laboratory may report a called phenotype instead of a diplotype. The pack can only act on the
words its own tables use (CPIC's terms); a word outside them would match no rule and the gene
would go silent, so ``pgx.called-phenotype-unrecognised`` names it. This file is derived from the
phenotype tables and the recommendation keys; tests/test_called_phenotypes.py keeps it in step.

    python tools/called_phenotypes.py [PACK_DIR]
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

_SOURCES = ("activity-score-phenotypes.csv", "function-pair-phenotypes.csv", "single-allele-phenotypes.csv")
_ALWAYS = ("Indeterminate", "No Result")  # CPIC's words for a result that could not be called


def _is_phenotype_key(result: str) -> bool:
    """A recommendation key that is a phenotype word (not an activity score or an allele status)."""
    return bool(result) and not result[0].isdigit() and not result.startswith(("*", "≥", "n/a")) \
        and not result.endswith((" positive", " negative"))


def called_phenotypes(pgx: Path) -> list[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for name in _SOURCES:
        with (pgx / name).open(encoding="utf-8", newline="") as handle:
            pairs |= {(row["gene"], row["phenotype"]) for row in csv.DictReader(handle)}
    for name in ("recommendations-one-gene.csv",):
        with (pgx / name).open(encoding="utf-8", newline="") as handle:
            pairs |= {(row["gene"], row["result"]) for row in csv.DictReader(handle)
                      if _is_phenotype_key(row["result"])}
    pairs |= {(gene, word) for gene, _ in list(pairs) for word in _ALWAYS}
    return sorted(pairs)


def render(pairs: list[tuple[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["gene", "phenotype"])
    writer.writerows(pairs)
    return out.getvalue()


def main(argv: list[str]) -> int:
    pack = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent
    pgx = pack / "knowledge" / "pgx"
    (pgx / "called-phenotypes.csv").write_text(render(called_phenotypes(pgx)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
