"""Benchmark ``careplan serve``: response time of patient-view and order-select for a typical patient.

Run from the repository root::

    python bench/bench_hooks.py [--requests 200] [--warmup 10] [--json]

It starts the real server on a free loopback port (as the tests do), sends the requests one after
another over HTTP with prefetch complete (so the figure is the service's own time plus loopback
HTTP, with no FHIR server round trips), and prints p50/p95/p99/max per hook. It never asserts on
times; the CDS Hooks 2.0 target ("on the order of 500 ms") is what the figures are read against.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # first: an installed package named 'tests' must not shadow the checkout's

from bench.percentiles import percentile  # noqa: E402
from tests import cds_hooks_data as data  # noqa: E402
from tests.hooks_servers import careplan_server  # noqa: E402


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {"n": len(ordered), "mean_ms": round(statistics.fmean(ordered), 1),
            "p50_ms": round(percentile(ordered, 50), 1), "p95_ms": round(percentile(ordered, 95), 1),
            "p99_ms": round(percentile(ordered, 99), 1), "max_ms": round(ordered[-1], 1)}


def requests_by_hook() -> dict[str, tuple[str, dict[str, Any]]]:
    typical = data.typical_prefetch()
    return {"patient-view": ("careplan-patient-view", data.patient_view(typical)),
            "order-select": ("careplan-order-select", data.order_request("order-select", typical))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests per hook")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per hook first")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    results: dict[str, Any] = {"cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2)}
    with careplan_server() as server, server.client() as client:
        for hook, (service, body) in requests_by_hook().items():
            for _ in range(args.warmup):
                client.post(f"/cds-services/{service}", json=body).raise_for_status()
            samples = []
            for _ in range(args.requests):
                started = time.perf_counter()
                response = client.post(f"/cds-services/{service}", json=body)
                samples.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            results[hook] = {**summary(samples), "cards": len(response.json()["cards"])}
    results["load_average_1m_after"] = round(os.getloadavg()[0], 2)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"careplan serve on loopback, {os.cpu_count()} CPUs, load average {results['load_average_1m']} "
          f"before / {results['load_average_1m_after']} after")
    for hook in ("patient-view", "order-select"):
        r = results[hook]
        print(f"{hook:13} n={r['n']}  p50 {r['p50_ms']} ms  p95 {r['p95_ms']} ms  p99 {r['p99_ms']} ms  "
              f"max {r['max_ms']} ms  ({r['cards']} cards)")


if __name__ == "__main__":
    main()
