"""careplan side by side with its peers on one workload: raw durable-rules, CLIPS and plain Python.

Run from the repository root::

    python bench/bench_peers.py                                   # 10,000 patients, 3 repetitions, 71/500/5,000 rules
    python bench/bench_peers.py --patients 2000 --repeat 3        # what bench/README.md shows
    python bench/bench_peers.py --sizes 71,500 --seconds 2 --json # a quick run, as JSON
    python bench/bench_peers.py --profile careplan-eval --sizes 5000 --patients 300   # where the time goes

The workload (bench/peers/workload.py) is written once as each engine's rules and as a careplan pack
(bench/peers/careplan_pack.py). Each measurement runs in a fresh process, so engines share no memory
and no warm caches; in each repetition the sizes and engines are interleaved. Every processed
patient's output is compared with plain Python's. Figures are printed, never judged: a slow result
never fails the run; a mismatch (engines disagreeing) exits 1, because then nothing was measured.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # engine and bench.peers from this checkout, not an installed copy

from bench.peers import check  # noqa: E402
from bench.peers.adapters import (  # noqa: E402
    CAREPLAN,
    ENGINES,
    LABELS,
    PeerEngine,
    build,
    clips_installed,
    layout,
    preload,
)
from bench.peers.careplan_pack import write_pack  # noqa: E402
from bench.peers.plain import PlainEngine  # noqa: E402
from bench.peers.workload import SIZES, pack, patients  # noqa: E402
from bench.percentiles import percentile  # noqa: E402

MIN_PATIENTS = 200  # a time-capped run still covers at least these (or all, when fewer)
WITNESS_POOL = 10_000  # patients searched for the pack's inline tests (the benchmark's first N are the same)
CHECK_EVERY = 16



# ------------------------------------------------------------------ one measurement (in its own process)

def _timed_loop(engine: PeerEngine[Any], count: int, seconds: float) -> tuple[list[float], list[list[str]]]:
    """Per-patient seconds and outputs; stops after ``seconds`` of wall time once MIN_PATIENTS are done."""
    latencies: list[float] = []
    outputs: list[list[str]] = []
    clock = time.perf_counter
    started = clock()
    for patient in patients(count):
        prepared = engine.prepare(patient)  # the engine's input form: not timed
        t0 = clock()
        out = engine.evaluate(prepared)
        latencies.append(clock() - t0)
        outputs.append(out)
        done = len(outputs)
        if done >= MIN_PATIENTS and done % CHECK_EVERY == 0 and clock() - started > seconds:
            break
    return latencies, outputs


def measure(name: str, size: int, count: int, seconds: float, pack_root: Path | None) -> dict[str, Any]:
    """Build one engine, run the patients, compare every output with plain Python's."""
    rules = pack(size)
    started = time.perf_counter()
    preload(name)
    loaded = time.perf_counter()
    engine = build(name, rules, pack_root)
    load_ms = (time.perf_counter() - loaded) * 1000
    # every engine as a long-running process holds it (careplan's batch workers and ``generate`` do
    # this): what it built is collected once and then left out of the cyclic collector's scans
    gc.collect()
    gc.freeze()
    latencies, outputs = _timed_loop(engine, count, seconds)
    processed = patients(len(outputs))
    reference = PlainEngine(rules)
    mismatches = check.compare([p.id for p in processed], [reference.evaluate(p) for p in processed], outputs)
    ordered = sorted(latencies)
    return {
        "engine": name, "size": size, "rules": len(rules), "layout": layout(engine),
        "import_ms": (loaded - started) * 1000, "load_ms": load_ms,
        "n": len(outputs), "patients_per_s": len(ordered) / sum(ordered) if ordered else float("nan"),
        "p50_ms": percentile(ordered, 50) * 1000, "p99_ms": percentile(ordered, 99) * 1000,
        "recs_per_patient": statistics.fmean(len(o) for o in outputs) if outputs else float("nan"),
        "mismatches": len(mismatches), "mismatch_report": check.describe(name, size, mismatches),
    }


def _worker_command(name: str, size: int, args: argparse.Namespace, pack_root: Path | None) -> list[str]:
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", name, "--sizes", str(size),
               "--patients", str(args.patients), "--seconds", str(args.seconds)]
    return command + (["--pack", str(pack_root)] if pack_root is not None else [])


def run_worker(name: str, size: int, args: argparse.Namespace, pack_root: Path | None) -> dict[str, Any]:
    """One measurement in a fresh interpreter; a crash is reported as an error row, not raised."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run(_worker_command(name, size, args, pack_root), capture_output=True, text=True,
                              env=env, timeout=args.seconds * 10 + 600, check=False)
    except subprocess.TimeoutExpired:
        return {"engine": name, "size": size, "error": "timed out"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"engine": name, "size": size, "error": f"exit status {done.returncode}: {tail}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


# ------------------------------------------------------------------ the run

def machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    import engine
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "load_average": load[0],
            "platform": platform.platform(), "careplan": str(Path(engine.__file__).resolve().parent)}


def engines_to_run() -> list[str]:
    return [name for name in ENGINES if name != "clips" or clips_installed()]


def run_all(args: argparse.Namespace, sizes: list[int], names: list[str],
            packs: dict[int, Path]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for repetition in range(args.repeat):
        for size in sizes:
            for name in names:
                row = run_worker(name, size, args, packs[size] if name in CAREPLAN else None)
                row["repetition"] = repetition
                rows.append(row)
                shown = (f"{row['patients_per_s']:,.0f} patients/s, n={row['n']}, mismatches={row['mismatches']}"
                         if "error" not in row else f"ERROR {row['error']}")
                print(f"[{repetition + 1}/{args.repeat}] {size} rules, {name}: {shown}", file=sys.stderr, flush=True)
    return rows


def summarise(rows: list[dict[str, Any]], sizes: list[int], names: list[str]) -> dict[tuple[str, int], dict[str, Any]]:
    """Per (engine, size): medians over the repetitions; mismatches and errors as the worst seen."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for size in sizes:
        for name in names:
            mine = [r for r in rows if r["engine"] == name and r["size"] == size]
            good = [r for r in mine if "error" not in r]
            summary: dict[str, Any] = {"runs": len(good), "errors": [r["error"] for r in mine if "error" in r]}
            if good:
                for key in ("patients_per_s", "p50_ms", "p99_ms", "import_ms", "load_ms", "n", "recs_per_patient"):
                    summary[key] = statistics.median(r[key] for r in good)
                summary["spread"] = [round(r["patients_per_s"]) for r in good]
                summary["mismatches"] = max(r["mismatches"] for r in good)
                summary["mismatch_report"] = next((r["mismatch_report"] for r in good if r["mismatches"]), "")
                summary["layout"] = good[0]["layout"]
            found[(name, size)] = summary
    return found


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return numerator / denominator


def ratios(summary: dict[tuple[str, int], dict[str, Any]], sizes: list[int]) -> dict[str, Any]:
    """Measured in this run: careplan vs raw durable per size, and growth from the smallest size to the largest."""
    def pps(name: str, size: int) -> float | None:
        value = summary.get((name, size), {}).get("patients_per_s")
        return float(value) if value else None

    def p50(name: str, size: int) -> float | None:
        value = summary.get((name, size), {}).get("p50_ms")
        return float(value) if value else None

    vs_durable = {str(size): {name: _ratio(pps(name, size), pps("durable", size)) for name in CAREPLAN}
                  for size in sizes}
    small, large = min(sizes), max(sizes)
    growth = {name: {"mean_time": _ratio(pps(name, small), pps(name, large)),
                     "p50": _ratio(p50(name, large), p50(name, small))}
              for name in ENGINES}
    return {"careplan_vs_durable": vs_durable, "growth_from": small, "growth_to": large, "growth": growth}


# ------------------------------------------------------------------ printing

def _number(value: float | None, fmt: str = ",.0f") -> str:
    return "n/a" if value is None else format(value, fmt)


def print_machine(info: dict[str, Any], args: argparse.Namespace) -> None:
    print(f"python {info['python']}, {info['cpus']} CPUs, load average {info['load_average']:.2f} at start and "
          f"{info['load_average_end']:.2f} at the end, {info['platform']}")
    print(f"careplan engine from {info['careplan']}; {args.patients:,} patients (capped at {args.seconds:g} s "
          f"per measurement, at least {MIN_PATIENTS}), {args.repeat} repetitions, medians; each measurement "
          f"in a fresh process")
    if not clips_installed():
        print("CLIPS: not installed (pip install '.[bench]')")
    print()


def print_overview(summary: dict[tuple[str, int], dict[str, Any]], sizes: list[int], names: list[str]) -> None:
    print("patients/s (median of repetitions)")
    header = f"{'rules':>6} " + " ".join(f"{LABELS[n]:>26}" for n in names)
    print(header)
    print("-" * len(header))
    for size in sizes:
        cells = [_number(summary[(n, size)].get("patients_per_s")) for n in names]
        print(f"{size:>6} " + " ".join(f"{c:>26}" for c in cells))
    print()


def print_table(summary: dict[tuple[str, int], dict[str, Any]], sizes: list[int], names: list[str]) -> None:
    print("| engine | rules | patients/s | range | p50 ms | p99 ms | import ms | load ms | n | recs/patient "
          "| mismatches | layout |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for size in sizes:
        for name in names:
            s = summary[(name, size)]
            if not s["runs"]:
                print(f"| {LABELS[name]} | {size} | failed: {'; '.join(s['errors'])[:80]} | | | | | | | | | |")
                continue
            mism = "reference" if name == "plain" else str(s["mismatches"])
            spread = f"{min(s['spread']):,}-{max(s['spread']):,}"
            print(f"| {LABELS[name]} | {size:,} | {s['patients_per_s']:,.0f} | {spread} | {s['p50_ms']:.3f} "
                  f"| {s['p99_ms']:.3f} "
                  f"| {s['import_ms']:,.0f} | {s['load_ms']:,.0f} | {s['n']:,.0f} | {s['recs_per_patient']:.2f} "
                  f"| {mism} | {s['layout']} |")
    print()


def print_ratios(found: dict[str, Any], sizes: list[int]) -> None:
    print("Ratios measured in this run")
    for size in sizes:
        per = found["careplan_vs_durable"][str(size)]
        print(f"  {size:>5} rules: careplan / raw durable patients/s: "
              f"evaluate {_number(per['careplan-eval'], '.2f')}x, plan+JSON {_number(per['careplan-plan'], '.2f')}x"
              "  (above 1: careplan ahead; aim: ahead at every size)")
    small, large = found["growth_from"], found["growth_to"]
    if small != large:
        print(f"  per-patient time at {large:,} rules / at {small:,} rules (mean time; p50 in brackets; "
              f"aim for careplan: within 6x, CLIPS 5.8x in the notes):")
        for name, growth in found["growth"].items():
            if growth["mean_time"] is not None:
                print(f"    {LABELS[name]:<26} {growth['mean_time']:.1f}x ({_number(growth['p50'], '.1f')}x)")
    print()


def print_mismatches(summary: dict[tuple[str, int], dict[str, Any]]) -> bool:
    """Loud reports of every disagreement or failed run; True when there was one."""
    bad = False
    for (name, size), s in summary.items():
        if s.get("mismatches"):
            bad = True
            print("!" * 78 + "\n" + s["mismatch_report"] + "\n" + "!" * 78)
        for error in s["errors"]:
            bad = True
            print(f"!!! {name} at {size} rules failed: {error}")
    if not bad:
        print("Every engine's output equals plain Python's for every processed patient.")
    return bad


# ------------------------------------------------------------------ profile

def profile(name: str, size: int, count: int, pack_root: Path | None, top: int = 15) -> str:
    """cProfile of ``count`` patients' ``evaluate`` calls (building and preparing are not profiled)."""
    engine = build(name, pack(size), pack_root)
    prepared = [engine.prepare(p) for p in patients(count)]
    profiler = cProfile.Profile()
    evaluate: Callable[[Any], list[str]] = engine.evaluate
    profiler.enable()
    for item in prepared:
        evaluate(item)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# ------------------------------------------------------------------ command line

def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--patients", type=int, default=10_000, help="patients per measurement (default 10,000)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions; medians are printed (default 3)")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="pack sizes (default 71,500,5000)")
    parser.add_argument("--seconds", type=float, default=6.0,
                        help=f"stop a measurement after this many seconds, once {MIN_PATIENTS} patients are done")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--profile", choices=ENGINES, help="profile one engine in this process instead")
    parser.add_argument("--worker", choices=ENGINES, help=argparse.SUPPRESS)  # one measurement (internal)
    parser.add_argument("--pack", type=Path, help=argparse.SUPPRESS)  # the careplan pack of a worker
    return parser


def _sizes(parser: argparse.ArgumentParser, text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        parser.error("--sizes takes numbers separated by commas, e.g. 71,500,5000")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes needs at least one positive size")
    return sizes


def _write_packs(sizes: list[int], folder: Path) -> dict[int, Path]:
    pool = patients(WITNESS_POOL)
    return {size: write_pack(pack(size), folder / f"peers-{size}", pool) for size in sizes}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    sizes = _sizes(parser, args.sizes)
    if args.patients < 1 or args.repeat < 1:
        parser.error("--patients and --repeat must be at least 1")
    if args.worker:
        print(json.dumps(measure(args.worker, sizes[0], args.patients, args.seconds, args.pack)))
        return 0
    info = machine()
    names = engines_to_run()
    with tempfile.TemporaryDirectory(prefix="careplan-peers-") as folder:
        packs = _write_packs(sizes, Path(folder))
        if args.profile:
            print(profile(args.profile, sizes[0], args.patients, packs[sizes[0]]))
            return 0
        rows = run_all(args, sizes, names, packs)
    info["load_average_end"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    summary = summarise(rows, sizes, names)
    found = ratios(summary, sizes)
    if args.json:
        print(json.dumps({"machine": info, "runs": rows, "ratios": found,
                          "summary": [{"engine": n, "size": s, **v} for (n, s), v in summary.items()]}, indent=2))
        return 1 if any(v.get("mismatches") or v["errors"] for v in summary.values()) else 0
    print_machine(info, args)
    print_overview(summary, sizes, names)
    print_table(summary, sizes, names)
    print_ratios(found, sizes)
    return 1 if print_mismatches(summary) else 0


if __name__ == "__main__":
    sys.exit(main())
