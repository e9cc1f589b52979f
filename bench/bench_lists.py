"""Benchmark long lists: family histories, medication lists and genotype panels of growing length.

Run from the repository root::

    python bench/bench_lists.py [--repeat 5] [--json]

For each list length it prints the time of one ``generator.run(patient)`` (normalise, evaluate, build the
plan; median of ``--repeat`` runs, wall clock and this process's CPU time), the number of rule firings, the
input facts and the recommendations.
Rules over lists must aggregate before they compare (docs/hereditary.md): the firings should grow with
the list, not with its square or cube. A run that fails (the firing budget) is printed with the error.
It prints figures only and never asserts on times; see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.generator import Generator  # noqa: E402
from engine.patient.model import Patient  # noqa: E402

FIXED_AT = "2026-01-01T00:00:00Z"
SLOW_S = 5.0  # a run slower than this is not repeated

# breast cancer after 50 in every relative: no single relative meets a criterion, so the criteria that
# count relatives on one side decide (the case that used to join the family history with itself)
RELATIVES = ["mother", "maternal aunt", "maternal grandmother", "sister", "maternal first cousin",
             "maternal great-aunt", "daughter", "niece", "paternal aunt", "paternal grandmother"]
MEDICINES = ["lisinopril", "amlodipine", "atorvastatin", "metformin", "hydrochlorothiazide", "losartan",
             "simvastatin", "clopidogrel", "warfarin", "sertraline", "omeprazole", "codeine", "citalopram",
             "metoprolol", "spironolactone", "aspirin", "levothyroxine", "tramadol", "ondansetron", "allopurinol"]
GENES = ["CYP2C19", "CYP2D6", "CYP2C9", "SLCO1B1", "TPMT", "NUDT15", "DPYD", "CYP3A5", "UGT1A1", "VKORC1"]


def relatives(n: int) -> dict[str, Any]:
    history = [{"relative": RELATIVES[i % len(RELATIVES)], "condition": "breast cancer",
                "age_at_diagnosis": 51 + (i * 7) % 35} for i in range(n)]
    return {"demographics": {"age": 40, "sex": "female"}, "family_history": history}


def medicines(n: int) -> dict[str, Any]:
    statuses = ["active", "active", "planned", "stopped"]
    meds = [{"name": MEDICINES[i % len(MEDICINES)], "status": statuses[i % len(statuses)],
             "dose_mg": float(5 + i)} for i in range(n)]
    return {"demographics": {"age": 58, "sex": "male"}, "medications": meds,
            "vitals": {"blood_pressure": [{"systolic": 148, "diastolic": 92}]}}


def genotypes(n: int) -> dict[str, Any]:
    """A panel: the pharmacogenes once each, then results for genes the pack has no knowledge of."""
    panel = [{"gene": GENES[i], "diplotype": "*1/*2"} for i in range(min(n, len(GENES)))]
    panel += [{"gene": f"GENE{i}", "diplotype": "*1/*1"} for i in range(n - len(panel))]
    return {"demographics": {"age": 50, "sex": "female"}, "genotypes": panel,
            "medications": [{"name": "clopidogrel", "indication": "PCI"}, {"name": "codeine"}]}


SERIES: dict[str, tuple[Callable[[int], dict[str, Any]], tuple[int, ...]]] = {
    "relatives": (relatives, (10, 20, 40, 100)),
    "medicines": (medicines, (10, 50, 500)),
    "genotypes": (genotypes, (10, 200, 2000)),
}


def measure(generator: Generator, data: dict[str, Any], repeat: int) -> dict[str, Any]:
    patient = Patient.model_validate({"id": "bench", **data})
    samples: list[float] = []
    cpu: list[float] = []
    row: dict[str, Any] = {}
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        try:
            result = generator.run(patient, at=FIXED_AT)
        except Exception as exc:  # the firing budget of an older engine, reported as a figure
            return {"error": f"{type(exc).__name__}: {str(exc)[:160]}",
                    "ms": (time.perf_counter() - started) * 1000, "cpu_ms": (time.process_time() - started_cpu) * 1000}
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        row = {"firings": len(result.evaluation.firings),
               "input_facts": sum(f.origin == "input" for f in result.evaluation.facts.values()),
               "recommendations": len(result.plan.recommendations)}
        if samples[-1] > SLOW_S * 1000:
            break
    return {**row, "ms": statistics.median(samples), "cpu_ms": statistics.median(cpu), "runs": len(samples)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per list length (median)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    generator = Generator()
    generator.run(Patient.model_validate({"id": "warmup", **relatives(3)}), at=FIXED_AT)
    figures: dict[str, list[dict[str, Any]]] = {}
    for name, (build, sizes) in SERIES.items():
        figures[name] = [{"n": n, **measure(generator, build(n), args.repeat)} for n in sizes]
    if args.json:
        print(json.dumps({"python": sys.version.split()[0], "series": figures}, indent=2))
        return 0
    print(f"{'list':<10} {'n':>6} {'ms/plan':>10} {'cpu ms':>9} {'firings':>8} {'facts':>6} {'recs':>5}")
    for name, rows in figures.items():
        for row in rows:
            if "error" in row:
                print(f"{name:<10} {row['n']:>6} {row['ms']:>10.1f} {row['cpu_ms']:>9.1f}  failed: {row['error']}")
                continue
            print(f"{name:<10} {row['n']:>6} {row['ms']:>10.1f} {row['cpu_ms']:>9.1f} {row['firings']:>8} "
                  f"{row['input_facts']:>6} "
                  f"{row['recommendations']:>5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
