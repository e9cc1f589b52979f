"""``careplan synth``: deterministic per seed, valid for the shipped pack, bad records on request."""

from __future__ import annotations

import json
import random
from collections import Counter

from engine.generator import Generator
from engine.patient.loader import parse_patient
from engine.source.diagnostics import DiagnosticError
from engine.synth.cohort import cohort_lines
from engine.synth.frequencies import draw_diplotype, gene_frequencies
from tests.batch_helpers import careplan


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    first = careplan("synth", "--n", "50", "--seed", "3")
    second = careplan("synth", "--n", "50", "--seed", "3")
    other = careplan("synth", "--n", "50", "--seed", "4")
    assert first.returncode == second.returncode == other.returncode == 0
    assert len(first.stdout.splitlines()) == 50
    assert first.stdout == second.stdout
    assert first.stdout != other.stdout


def test_every_good_record_generates_a_plan(default_generator: Generator) -> None:
    lines = list(cohort_lines(300, seed=2026))
    kinds: Counter[str] = Counter()
    for number, line in enumerate(lines, start=1):
        patient = parse_patient(line, f"cohort.ndjson:{number}")
        plan = default_generator.run(patient, at="2026-01-01T00:00:00Z").plan
        kinds.update(assessment.kind for assessment in plan.assessments)
        kinds.update(f"rec:{rec.category}" for rec in plan.recommendations)
    # the cohort exercises the pack's domains, not only blood pressure
    for kind in ("bp-category", "phenotype", "ascvd-risk-10y", "stress-level", "rec:medication", "rec:lifestyle"):
        assert kinds[kind] > 0, kind


def test_bad_share_spoils_about_that_share_each_refused() -> None:
    lines = list(cohort_lines(400, seed=9, bad_share=0.25))
    refused = []
    for line in lines:
        try:
            parse_patient(line, "x")
        except DiagnosticError as exc:
            refused.append(exc.diagnostics[0].code)
    assert 70 <= len(refused) <= 130  # 25% of 400 is 100; the share is drawn per record
    assert {"patient.range", "patient.wrong-type", "patient.unknown-key", "patient.missing"} <= set(refused)
    clean = list(cohort_lines(400, seed=9))
    assert all(parse_patient(line, "x") for line in clean)


def test_diplotypes_follow_the_populations_allele_frequencies() -> None:
    cyp2c19 = next(gene for gene in gene_frequencies() if gene.gene == "CYP2C19")
    rng = random.Random(5)
    counts: dict[str, Counter[str]] = {}
    for population in ("EUR", "EAS"):
        alleles: Counter[str] = Counter()
        for _ in range(5000):
            alleles.update(draw_diplotype(rng, cyp2c19, population).split("/"))
        counts[population] = alleles
    # CYP2C19*2 is about twice as common in East Asian as in European populations, *17 the reverse
    assert 0.13 < counts["EUR"]["*2"] / 10000 < 0.16 and 0.29 < counts["EAS"]["*2"] / 10000 < 0.34
    assert counts["EUR"]["*17"] > 10 * counts["EAS"]["*17"]
    assert json.loads(next(cohort_lines(1, seed=1)))["id"] == "synth-1-000001"
