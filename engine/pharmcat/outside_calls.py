"""PharmCAT's outside-call file (TSV) -> gene calls.

Each line: the HGNC gene symbol, then up to three tab-separated columns: the diplotype (or single
allele), the phenotype or other gene result (e.g. "*57:01 positive" for HLA-B), the activity score.
Lines starting with ``#`` are comments. A line that gives none of the three, or an activity score
that is not a number, is refused naming the line and column (never the value).
"""

from __future__ import annotations

from engine.pharmcat.calls import GeneCall
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location

_HINT = "a line is GENE<TAB>diplotype<TAB>phenotype<TAB>activity score (PharmCAT's outside-call format)"
MAX_COLUMNS = 4


def _score(text: str, where: Location) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise DiagnosticError([Diagnostic(where, "pharmcat.activity-score", "the activity score is not a number",
                                          hint=_HINT)]) from None


def _line_call(line: str, number: int, shown: str) -> GeneCall:
    columns = [c.strip() for c in line.split("\t")]
    if len(columns) > MAX_COLUMNS:
        raise DiagnosticError([Diagnostic(Location(shown, number, 1), "pharmcat.columns",
                                          f"a line has at most {MAX_COLUMNS} columns", hint=_HINT)])
    gene, diplotype, phenotype, score = (columns + ["", "", ""])[:MAX_COLUMNS]
    column = len("\t".join(columns[:3])) + 2
    call = GeneCall(gene, diplotype or None, phenotype or None, _score(score, Location(shown, number, column)))
    if call.diplotype is None and call.phenotype is None and call.activity_score is None:
        raise DiagnosticError([Diagnostic(Location(shown, number, len(gene) + 1), "pharmcat.empty-call",
                                          f"the line for {gene} gives no diplotype, phenotype or activity score",
                                          hint=_HINT)])
    return call


def outside_calls(text: str, shown: str) -> list[tuple[GeneCall, int]]:
    """Each line's call with its line number."""
    calls = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        calls.append((_line_call(line, number, shown), number))
    return calls
