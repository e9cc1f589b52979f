"""PharmCAT's JSON report (``*.report.json``, versions 2.x and 3.x) -> gene calls.

The report's ``genes`` holds, per source of phenotypes (``CPIC``, then ``DPWG``), one entry per gene
with ``recommendationDiplotypes`` (the diplotypes PharmCAT looked recommendations up with) and
``sourceDiplotypes`` (as called or given). Each diplotype has ``allele1`` and ``allele2`` (objects
with a ``name``; allele2 is absent for a single-allele gene) and ``phenotypes``. CPIC's entry is
preferred where both sources have the gene. A gene whose entry holds several diplotypes is an
ambiguous call: it is Indeterminate, and the plan's data gaps say so.
"""

from __future__ import annotations

from typing import Any

from engine.pharmcat.calls import INDETERMINATE, GeneCall

SOURCES = ("CPIC", "DPWG")  # CPIC first: the pack's recommendations are CPIC's


def _allele(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return str(value["name"])
    return None


def _call(gene: str, diplotype: dict[str, Any]) -> GeneCall:
    first, second = _allele(diplotype.get("allele1")), _allele(diplotype.get("allele2"))
    names = [name for name in (first, second) if name is not None]
    phenotypes = [p for p in diplotype.get("phenotypes") or [] if isinstance(p, str) and p != "n/a"]
    score = diplotype.get("activityScore")
    return GeneCall(gene, "/".join(names) if names else "Unknown/Unknown",
                    phenotypes[0] if len(phenotypes) == 1 else None,
                    float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None)


def _gene_call(gene: str, entry: dict[str, Any], gaps: list[str]) -> GeneCall:
    diplotypes = [d for d in entry.get("recommendationDiplotypes") or entry.get("sourceDiplotypes") or []
                  if isinstance(d, dict)]
    if not diplotypes:
        return GeneCall(gene, "Unknown/Unknown")
    if len(diplotypes) > 1:
        gaps.append(f"PharmCAT gave {len(diplotypes)} possible diplotypes for {gene}: read as Indeterminate")
        return GeneCall(gene, phenotype=INDETERMINATE)
    return _call(gene, diplotypes[0])


def report_calls(report: dict[str, Any]) -> tuple[list[tuple[GeneCall, list[str | int]]], list[str]]:
    """Each gene's call with the report path it came from, and the gaps noted on the way."""
    genes = report.get("genes")
    calls: list[tuple[GeneCall, list[str | int]]] = []
    gaps: list[str] = []
    seen: set[str] = set()
    if not isinstance(genes, dict):
        return calls, gaps
    for source in [s for s in SOURCES if s in genes] + sorted(set(genes) - set(SOURCES)):
        by_gene = genes[source]
        if not isinstance(by_gene, dict):
            continue
        for gene in sorted(by_gene):
            if gene in seen or not isinstance(by_gene[gene], dict):
                continue
            seen.add(gene)
            calls.append((_gene_call(gene, by_gene[gene], gaps), ["genes", source, gene]))
    return calls, gaps
