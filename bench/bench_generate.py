"""Benchmark care-plan generation: engine time per patient and whole-process CLI time.

Run from the repository root::

    python bench/bench_generate.py [--repeat 200] [--cli-repeat 5] [--json]

It prints figures only and never asserts on times; see bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.generator import Generator  # noqa: E402
from engine.patient.loader import load_patient  # noqa: E402

EXAMPLES = ROOT / "examples"
CLI_PATIENT = EXAMPLES / "pgx-clopidogrel.yaml"
FIXED_AT = "2026-01-01T00:00:00Z"


def percentile(sorted_values: list[float], pct: float) -> float:
    """Linear-interpolated percentile of already sorted values (pct in 0..100)."""
    if not sorted_values:
        return float("nan")
    rank = (len(sorted_values) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def summarise_ms(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "mean_ms": statistics.fmean(ordered),
        "p50_ms": percentile(ordered, 50),
        "p95_ms": percentile(ordered, 95),
        "p99_ms": percentile(ordered, 99),
        "min_ms": ordered[0],
        "max_ms": ordered[-1],
    }


def bench_engine(repeat: int, warmup: int) -> dict[str, Any]:
    """Build one Generator, then time ``generator.run(patient)`` for every example."""
    started = time.perf_counter()
    generator = Generator()
    load_compile_ms = (time.perf_counter() - started) * 1000

    per_example: dict[str, dict[str, Any]] = {}
    total_runs = 0
    total_seconds = 0.0
    for path in sorted(EXAMPLES.glob("*.yaml")):
        patient = load_patient(path)
        for _ in range(warmup):
            generator.run(patient, at=FIXED_AT)
        samples: list[float] = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            generator.run(patient, at=FIXED_AT)
            samples.append((time.perf_counter() - t0) * 1000)
        plan = generator.run(patient, at=FIXED_AT).plan
        per_example[path.name] = {
            "runs": repeat,
            **summarise_ms(samples),
            "recommendations": len(plan.recommendations),
        }
        total_runs += repeat
        total_seconds += sum(samples) / 1000

    return {
        "load_compile_ms": load_compile_ms,
        "rules": len(generator.compiled.rules),
        "rulesets": len(generator.compiled.rulesets),
        "strata": generator.compiled.strata,
        "examples": per_example,
        "total_runs": total_runs,
        "patients_per_second": total_runs / total_seconds if total_seconds else float("nan"),
    }


def cli_command() -> list[str] | None:
    """The careplan executable next to this interpreter, else ``python -c 'import cli; ...'``, else None."""
    bindir = Path(sys.executable).parent
    for name in ("careplan", "careplan.exe"):
        exe = bindir / name
        if exe.is_file() and os.access(exe, os.X_OK):
            return [str(exe)]
    if (ROOT / "cli.py").is_file():
        return [sys.executable, "-c", "import cli; cli.main()"]
    found = shutil.which("careplan")
    return [found] if found else None


def bench_cli(repeat: int) -> dict[str, Any]:
    """Time whole ``careplan generate <patient> --format json`` processes."""
    command = cli_command()
    if command is None:
        return {"available": False, "reason": "no careplan executable and no cli.py"}
    argv = [*command, "generate", str(CLI_PATIENT.relative_to(ROOT)), "--format", "json"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONPATH": str(ROOT)}
    samples: list[float] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        try:
            done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return {"available": False, "reason": f"{type(exc).__name__}: {exc}"}
        elapsed = (time.perf_counter() - t0) * 1000
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or [""]
            return {"available": False, "reason": f"exit status {done.returncode}: {tail[0]}"}
        samples.append(elapsed)
    return {
        "available": True,
        "command": argv,
        "runs": repeat,
        "median_ms": statistics.median(samples),
        "min_ms": min(samples),
    }


def print_report(engine: dict[str, Any], cli: dict[str, Any]) -> None:
    print(f"Generator load+compile: {engine['load_compile_ms']:.1f} ms "
          f"({engine['rules']} rules in {engine['rulesets']} rulesets, {engine['strata']} strata)")
    print()
    header = f"{'example':<28}{'runs':>6}{'mean':>9}{'p50':>9}{'p95':>9}{'p99':>9}{'recs':>6}"
    print("generator.run(patient), ms")
    print(header)
    print("-" * len(header))
    for name, row in engine["examples"].items():
        print(f"{name:<28}{row['runs']:>6}{row['mean_ms']:>9.2f}{row['p50_ms']:>9.2f}"
              f"{row['p95_ms']:>9.2f}{row['p99_ms']:>9.2f}{row['recommendations']:>6}")
    print()
    print(f"Overall: {engine['patients_per_second']:.0f} patients/s over {engine['total_runs']} runs")
    print()
    if cli["available"]:
        print(f"careplan generate {CLI_PATIENT.name} --format json (whole process, {cli['runs']} runs): "
              f"median {cli['median_ms']:.0f} ms, min {cli['min_ms']:.0f} ms")
    else:
        print(f"careplan CLI not available ({cli['reason']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=200, help="timed runs per example (default 200)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs per example first (default 1)")
    parser.add_argument("--cli-repeat", type=int, default=5, help="whole-process CLI runs (default 5; 0 skips)")
    parser.add_argument("--json", action="store_true", help="emit the figures as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    engine = bench_engine(args.repeat, max(args.warmup, 0))
    cli = bench_cli(args.cli_repeat) if args.cli_repeat > 0 else {"available": False, "reason": "skipped"}
    if args.json:
        figures = {"python": sys.version.split()[0], "engine": engine, "cli": cli}
        print(json.dumps(figures, indent=2))
    else:
        print_report(engine, cli)
    return 0


if __name__ == "__main__":
    sys.exit(main())
