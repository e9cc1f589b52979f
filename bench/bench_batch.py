"""Benchmark ``careplan batch`` over a synthetic cohort: plans/s per worker count, latency, memory.

Run from the repository root::

    python bench/bench_batch.py                   # 100,000 patients, 1 and 2 workers (hours on 2 cores)
    python bench/bench_batch.py --n 2000          # a quick run
    python bench/bench_batch.py --workers 1,2,4 --json
    python bench/bench_batch.py --n 3000 --in /dev/shm   # plans written to memory, not the disk

For each worker count it runs ``careplan batch COHORT --out DIR -j N`` as a user would (a fresh
output directory, the compiled-pack cache warm) and prints: plans/s over the whole run (start-up
included) and over the run once the first plan was written, p50/p99 of the worker's time per patient
(plan and render, from ``--summary-json``), peak RSS of the batch's process tree, and how the RSS
grew from the first 10% of the records to the last 10%, for the whole tree and for the main process
alone ("of main": it keeps every id it has seen, to find duplicates; sampled from /proc twice a
second; Linux only, else "n/a"). It prints figures only and never fails on a slow one; see bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024 if hasattr(os, "sysconf") else 4


def _careplan(*args: str) -> list[str]:
    return [sys.executable, "-m", "engine.cli.app", *args]


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry.name))
    return tree


def tree_rss_mb(root_pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (0 where /proc is missing)."""
    if not Path("/proc").is_dir():
        return 0.0
    children = _children()
    total_pages, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            total_pages += int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total_pages * PAGE_KB / 1024


def process_rss_mb(pid: int) -> float:
    """Resident memory of one process, in MB (0 where /proc is missing)."""
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB / 1024
    except (OSError, IndexError, ValueError):
        return 0.0


def _journal_entries(out: Path) -> int:
    try:
        return max(0, (out / "journal.ndjson").read_bytes().count(b"\n") - 1)
    except OSError:
        return 0


class Sampler(threading.Thread):
    """(records done, tree RSS MB, seconds) twice a second while the batch runs, and the main process's
    own RSS beside each sample (what it keeps per record: the ids seen, one float per plan)."""

    def __init__(self, pid: int, out: Path) -> None:
        super().__init__(daemon=True)
        self.pid, self.out = pid, out
        self.samples: list[tuple[int, float, float]] = []
        self.main: list[tuple[int, float, float]] = []
        self.stop = threading.Event()
        self.started = time.perf_counter()

    def run(self) -> None:
        while not self.stop.wait(0.5):
            done, now = _journal_entries(self.out), time.perf_counter() - self.started
            self.samples.append((done, tree_rss_mb(self.pid), now))
            self.main.append((done, process_rss_mb(self.pid), now))


def _growth(samples: list[tuple[int, float, float]], total: int) -> tuple[float, float, float]:
    """Mean RSS while the first 10% of records were done, while the last 10% were, and the peak."""
    if not samples or total <= 0:
        return float("nan"), float("nan"), float("nan")
    first = [rss for done, rss, _ in samples if 0 < done <= total * 0.1] or [samples[0][1]]
    # the last 10% while the workers still run (once every plan is in, the workers have exited)
    running = [(done, rss) for done, rss, _ in samples if done < total] or [(0, samples[-1][1])]
    last = [rss for done, rss in running if done >= total * 0.9] or [running[-1][1]]
    return sum(first) / len(first), sum(last) / len(last), max(rss for _, rss, _ in samples)


def bench(cohort: Path, workdir: Path, workers: int, planned: int) -> dict[str, Any]:
    out, summary_file = workdir / f"out-{workers}", workdir / f"summary-{workers}.json"
    env = dict(os.environ, SOURCE_DATE_EPOCH="1767225600")
    started = time.perf_counter()
    process = subprocess.Popen(_careplan("batch", str(cohort), "--out", str(out), "-j", str(workers), "--quiet",
                                         "--summary-json", str(summary_file)), cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(process.pid, out)
    sampler.start()
    _, stderr = process.communicate()
    wall = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    if process.returncode != 0:
        return {"workers": workers, "error": f"exit {process.returncode}: {stderr.strip()[-300:]}"}
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    first_plan = next((t for done, _, t in sampler.samples if done > 0), None)
    first_rss, last_rss, peak = _growth(sampler.samples, planned)
    main_first, main_last, _ = _growth(sampler.main, planned)
    steady = (summary["made"] / (wall - first_plan)) if first_plan is not None and wall > first_plan else float("nan")
    return {"workers": workers, "plans": summary["made"], "wall_s": wall, "plans_per_s": summary["made"] / wall,
            "steady_plans_per_s": steady, "p50_ms": summary["plan_ms_p50"], "p99_ms": summary["plan_ms_p99"],
            "peak_rss_mb": peak, "rss_first_10pct_mb": first_rss, "rss_last_10pct_mb": last_rss,
            "rss_growth_mb": last_rss - first_rss, "main_rss_first_10pct_mb": main_first,
            "main_rss_last_10pct_mb": main_last, "main_rss_growth_mb": main_last - main_first}


def machine() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "load_average_1m": round(load[0], 2)}


def _print(figures: list[dict[str, Any]], about: dict[str, Any], n: int) -> None:
    print(f"careplan batch benchmark: {n} synthetic patients; python {about['python']}, {about['cpus']} CPUs, "
          f"load {about['load_average_1m']} at start; {about['platform']}; plans written under "
          f"{about['written_under']}")
    print(f"{'workers':>7} {'plans/s':>8} {'steady/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'peak MB':>8} "
          f"{'first10%':>9} {'last10%':>8} {'growth':>7} {'of main':>8} {'wall s':>8}")
    for row in figures:
        if "error" in row:
            print(f"{row['workers']:>7} {row['error']}")
            continue
        print(f"{row['workers']:>7} {row['plans_per_s']:>8.1f} {row['steady_plans_per_s']:>8.1f} {row['p50_ms']:>8.1f} "
              f"{row['p99_ms']:>8.1f} {row['peak_rss_mb']:>8.0f} {row['rss_first_10pct_mb']:>9.0f} "
              f"{row['rss_last_10pct_mb']:>8.0f} {row['rss_growth_mb']:>+7.0f} {row['main_rss_growth_mb']:>+8.0f} "
              f"{row['wall_s']:>8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=100_000, help="synthetic patients (default 100,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="1,2", help="comma-separated worker counts (default 1,2)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--in", dest="place", type=Path, default=None,
                        help="directory to hold the cohort and the plans (default: the system's temporary "
                             "directory); e.g. /dev/shm to leave the disk out")
    args = parser.parse_args()
    about = {**machine(), "written_under": str(args.place or tempfile.gettempdir())}
    with tempfile.TemporaryDirectory(prefix="careplan-bench-", dir=args.place) as folder:
        workdir = Path(folder)
        cohort = workdir / "cohort.ndjson"
        subprocess.run(_careplan("synth", "--n", str(args.n), "--seed", str(args.seed), "--out", str(cohort)),
                       cwd=ROOT, check=True)
        figures = [bench(cohort, workdir, int(w), args.n) for w in args.workers.split(",")]
    if args.json:
        print(json.dumps({"n": args.n, "machine": about, "runs": figures}, indent=2))
    else:
        _print(figures, about, args.n)


if __name__ == "__main__":
    main()
