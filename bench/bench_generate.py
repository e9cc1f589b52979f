"""Benchmark care-plan generation: engine time per patient, synthetic cohorts, whole-process CLI time.

Run from the repository root::

    python bench/bench_generate.py [--repeat 200] [--cli-repeat 5] [--n 100000] [--workers 1,2] [--json]
    python bench/bench_generate.py --repeat 20 --n 2000      # a quick run

Sections: the Generator's construction; ``generator.run`` per example; ``--n`` synthetic patients
in this process (engine time and plan+JSON time, p50/p99, RSS over the first and last 10%);
``careplan batch`` over the same cohort with 1 and 2 workers (bench_batch.py); ``careplan
generate`` cold (an empty compiled-pack cache), warm, and forwarded to a resident process
(``careplan daemon``). It prints figures only and never
asserts on times; see bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_batch import bench as bench_batch_run  # noqa: E402
from bench.percentiles import percentile  # noqa: E402
from engine.generator import Generator  # noqa: E402
from engine.patient.loader import load_patient  # noqa: E402
from engine.patient.model import Patient  # noqa: E402
from engine.synth.cohort import cohort_lines, synthetic_patient  # noqa: E402

EXAMPLES = ROOT / "examples"
CLI_PATIENT = EXAMPLES / "pgx-clopidogrel.yaml"
FIXED_AT = "2026-01-01T00:00:00Z"



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
        "generator": generator,  # reused by the cohort section (popped before printing)
    }


def rss_mb() -> float:
    """This process's resident set size (Linux /proc; NaN elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def bench_cohort(generator: Generator, n: int, seed: int) -> dict[str, Any]:
    """``n`` synthetic patients through one Generator: engine time, plan+JSON time, RSS drift."""
    rng = random.Random(seed)
    engine_ms: list[float] = []
    plan_ms: list[float] = []
    rss: list[float] = []
    started, cpu_started = time.perf_counter(), time.process_time()
    for number in range(n):
        patient = Patient.model_validate(synthetic_patient(rng, f"synth-{number}"))
        t0 = time.perf_counter()
        facts = generator.facts(patient)
        t1 = time.perf_counter()
        evaluation = generator.evaluator.evaluate(facts)
        t2 = time.perf_counter()
        generator.builder.build(patient.id, FIXED_AT, evaluation).to_json()
        t3 = time.perf_counter()
        engine_ms.append((t2 - t1) * 1000)
        plan_ms.append((t3 - t0) * 1000)
        if number % max(1, n // 100) == 0:
            rss.append(rss_mb())
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    tenth = max(1, len(rss) // 10)
    first, last = statistics.fmean(rss[:tenth]), statistics.fmean(rss[-tenth:])
    engine_sorted, plan_sorted = sorted(engine_ms), sorted(plan_ms)
    # on a shared machine the wall clock counts other jobs' time too: CPU time says what this process used
    return {"n": n, "plans_per_s_with_json": n / sum(plan_ms) * 1000, "wall_s": wall, "cpu_s": cpu,
            "cpu_ms_per_patient": cpu / n * 1000,
            "engine_p50_ms": percentile(engine_sorted, 50), "engine_p99_ms": percentile(engine_sorted, 99),
            "plan_p50_ms": percentile(plan_sorted, 50), "plan_p99_ms": percentile(plan_sorted, 99),
            "rss_first_10pct_mb": first, "rss_last_10pct_mb": last, "rss_growth_mb": last - first}


def bench_workers(n: int, seed: int, workers: list[int]) -> list[dict[str, Any]]:
    """``careplan batch`` over an ``n``-patient synthetic cohort per worker count (bench_batch.py)."""
    with tempfile.TemporaryDirectory(prefix="careplan-bench-") as folder:
        workdir = Path(folder)
        cohort = workdir / "cohort.ndjson"
        with cohort.open("w", encoding="utf-8") as out:
            out.writelines(cohort_lines(n, seed))
        return [bench_batch_run(cohort, workdir, count, n) for count in workers]


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
    """Time whole ``careplan generate <patient> --format json`` processes: warm, and cold (an empty cache)."""
    command = cli_command()
    if command is None:
        return {"available": False, "reason": "no careplan executable and no cli.py"}
    with (tempfile.TemporaryDirectory(prefix="careplan-bench-cache-") as cache,
          tempfile.TemporaryDirectory(prefix="careplan-bench-bytecode-") as bytecode):
        # Python's bytecode cache is a warm process's too, as on a user's machine, kept out of the source tree
        # (a sandbox's PYTHONDONTWRITEBYTECODE would have every run compile every module: 0.1-0.3 s)
        inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env = {**inherited, "SOURCE_DATE_EPOCH": "1767225600", "PYTHONPATH": str(ROOT), "CAREPLAN_CACHE_DIR": cache,
               "CAREPLAN_NO_DAEMON": "1", "PYTHONPYCACHEPREFIX": bytecode}
        cold = _time_cli(command, env, 1, fresh_cache=Path(cache))
        warm = _time_cli(command, env, repeat)
        resident = _time_resident(command, env, repeat)
    if "reason" in cold or "reason" in warm:
        return {"available": False, "reason": cold.get("reason") or warm.get("reason")}
    return {"available": True, "runs": repeat, "cold_ms": cold["median_ms"], **warm, "resident": resident}


def _time_resident(command: list[str], env: dict[str, str], repeat: int) -> dict[str, Any]:
    """The same command forwarded to a resident process (``careplan daemon start``, docs/daemon.md), in a
    runtime directory of its own; its output must be the output of the command run in its own process."""
    with tempfile.TemporaryDirectory(prefix="cpb-") as runtime:
        forwarded = {k: v for k, v in env.items() if k != "CAREPLAN_NO_DAEMON"} | {"XDG_RUNTIME_DIR": runtime}
        started = subprocess.run([*command, "daemon", "start"], cwd=ROOT, env=forwarded, capture_output=True,
                                 text=True, timeout=600, check=False)
        if started.returncode != 0:
            return {"available": False, "reason": (started.stderr or started.stdout).strip()[-200:]}
        try:
            argv = [*command, "generate", str(CLI_PATIENT.relative_to(ROOT)), "--format", "json"]
            here = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, timeout=120, check=False)
            there = subprocess.run(argv, cwd=ROOT, env=forwarded, capture_output=True, timeout=120, check=False)
            if (here.returncode, here.stdout, here.stderr) != (there.returncode, there.stdout, there.stderr):
                return {"available": False, "reason": "the forwarded command's output differs"}
            timed = _time_cli(command, forwarded, repeat)
        finally:
            subprocess.run([*command, "daemon", "stop"], cwd=ROOT, env=forwarded, capture_output=True,
                           timeout=60, check=False)
    return {"available": "reason" not in timed, **timed}


def _time_cli(command: list[str], env: dict[str, str], repeat: int, fresh_cache: Path | None = None) -> dict[str, Any]:
    argv = [*command, "generate", str(CLI_PATIENT.relative_to(ROOT)), "--format", "json"]
    samples: list[float] = []
    for _ in range(repeat):
        if fresh_cache is not None:
            for entry in fresh_cache.iterdir():
                entry.unlink()
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
    return {"command": argv, "median_ms": statistics.median(samples), "min_ms": min(samples)}


def machine() -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return (f"python {platform.python_version()}, {os.cpu_count()} CPUs, load average {load[0]:.1f} at start, "
            f"{platform.platform()}")


def print_cohort(cohort: dict[str, Any], workers: list[dict[str, Any]]) -> None:
    print(f"{cohort['n']} synthetic patients in this process: {cohort['plans_per_s_with_json']:.0f} plans/s with JSON "
          f"({cohort['cpu_ms_per_patient']:.2f} ms CPU per patient, synthesis included); "
          f"engine p50 {cohort['engine_p50_ms']:.2f} ms, p99 {cohort['engine_p99_ms']:.2f} ms; plan+JSON p50 "
          f"{cohort['plan_p50_ms']:.2f} ms, p99 {cohort['plan_p99_ms']:.2f} ms; RSS first 10% "
          f"{cohort['rss_first_10pct_mb']:.0f} MB, last 10% {cohort['rss_last_10pct_mb']:.0f} MB "
          f"({cohort['rss_growth_mb']:+.1f} MB)")
    print()
    print(f"careplan batch, {cohort['n']} patients (plans written as JSON files):")
    print(f"{'workers':>7} {'plans/s':>8} {'steady/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'peak MB':>8} {'growth':>7} "
          f"{'of main':>8}")
    for row in workers:
        if "error" in row:
            print(f"{row['workers']:>7} {row['error']}")
            continue
        print(f"{row['workers']:>7} {row['plans_per_s']:>8.1f} {row['steady_plans_per_s']:>8.1f} "
              f"{row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['peak_rss_mb']:>8.0f} {row['rss_growth_mb']:>+7.0f} "
              f"{row['main_rss_growth_mb']:>+8.0f}")
    print()


def print_report(engine: dict[str, Any], cli: dict[str, Any]) -> None:
    print(machine())
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
        print(f"careplan generate {CLI_PATIENT.name} --format json (whole process): cold (empty cache) "
              f"{cli['cold_ms']:.0f} ms; warm median {cli['median_ms']:.0f} ms, min {cli['min_ms']:.0f} ms "
              f"over {cli['runs']} runs")
        resident = cli["resident"]
        if resident["available"]:
            print(f"  ... forwarded to a resident process (careplan daemon start; same output checked): "
                  f"median {resident['median_ms']:.0f} ms, min {resident['min_ms']:.0f} ms over {cli['runs']} runs")
        else:
            print(f"  ... resident process not measured ({resident['reason']})")
    else:
        print(f"careplan CLI not available ({cli['reason']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=200, help="timed runs per example (default 200)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs per example first (default 1)")
    parser.add_argument("--cli-repeat", type=int, default=5, help="whole-process CLI runs (default 5; 0 skips)")
    parser.add_argument("--n", type=int, default=100_000, help="synthetic patients (default 100,000; 0 skips)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic cohort")
    parser.add_argument("--workers", default="1,2", help="careplan batch worker counts (default 1,2; empty skips)")
    parser.add_argument("--json", action="store_true", help="emit the figures as JSON")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    engine = bench_engine(args.repeat, max(args.warmup, 0))
    cohort = bench_cohort(engine.pop("generator"), args.n, args.seed) if args.n > 0 else None
    counts = [int(w) for w in args.workers.split(",") if w.strip()]
    workers = bench_workers(args.n, args.seed, counts) if args.n > 0 and counts else []
    cli = bench_cli(args.cli_repeat) if args.cli_repeat > 0 else {"available": False, "reason": "skipped"}
    if args.json:
        figures = {"machine": machine(), "engine": engine, "cohort": cohort, "workers": workers, "cli": cli}
        print(json.dumps(figures, indent=2))
    else:
        if cohort is not None:
            print_cohort(cohort, workers)
        print_report(engine, cli)
    return 0


if __name__ == "__main__":
    sys.exit(main())
