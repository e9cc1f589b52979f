"""Pharmacogene diplotypes drawn from allele frequencies by biogeographic group.

The table (``allele-frequencies.csv`` beside this module) holds, per gene, the frequency of each
variant star allele in European (EUR), East Asian (EAS) and African (AFR) populations; whatever
frequency is left is the reference allele *1. Sources (docs/batch.md): Kim B et al., Transl Clin
Pharmacol 2021;29(3):135-149, Table 2 (reference-population columns; doi 10.12793/tcp.2021.29.e14),
and for CYP2C9*3 the 1000 Genomes super-population frequencies tabulated in
https://pmc.ncbi.nlm.nih.gov/articles/PMC6562764/ (Table 1). SLCO1B1 c.521T>C (rs4149056) is
counted as *5, as that table names it (it also defines *15): a simplification a synthetic
cohort can afford. Two alleles are drawn independently (Hardy-Weinberg).
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("allele-frequencies.csv")
POPULATIONS = ("EUR", "EAS", "AFR")
REFERENCE_ALLELE = "*1"


@dataclass(frozen=True)
class GeneFrequencies:
    gene: str
    alleles: tuple[str, ...]  # the reference allele first
    weights: dict[str, tuple[float, ...]]  # population -> frequency of each allele, same order


@cache
def gene_frequencies() -> tuple[GeneFrequencies, ...]:
    rows: dict[str, list[dict[str, str]]] = {}
    with TABLE.open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            rows.setdefault(row["gene"], []).append(row)
    genes = []
    for gene in sorted(rows):
        variants = rows[gene]
        weights = {}
        for population in POPULATIONS:
            frequencies = [float(row[population]) for row in variants]
            weights[population] = (1.0 - sum(frequencies), *frequencies)
        genes.append(GeneFrequencies(gene, (REFERENCE_ALLELE, *(row["allele"] for row in variants)), weights))
    return tuple(genes)


def _star_number(allele: str) -> int:
    return int(allele.lstrip("*"))


def draw_diplotype(rng: random.Random, gene: GeneFrequencies, population: str | None) -> str:
    """Two alleles for the population (None: an even mix of the three), lower star number first."""
    group = population if population in POPULATIONS else rng.choice(POPULATIONS)
    first, second = rng.choices(gene.alleles, weights=gene.weights[group], k=2)
    low, high = sorted((first, second), key=_star_number)
    return f"{low}/{high}"
