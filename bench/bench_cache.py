"""Benchmark the compiled-pack cache: what a warm ``careplan generate`` saves, and what reading an entry costs
against loading and compiling the pack again (and against unpickling, the format the cache used to have).

Run from the repository root::

    python bench/bench_cache.py [--repeat 5]

It prints figures only (median wall-clock and CPU seconds) and never asserts on times.
"""

from __future__ import annotations

import argparse
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.compile.cache import _cached, entry_key, load_compiled  # noqa: E402
from engine.compile.compiler import compile_pack  # noqa: E402
from engine.pack.load import load_pack, pack_digest  # noqa: E402
from engine.pack.locate import default_pack_root  # noqa: E402

PATIENT = ROOT / "examples" / "patient-a.yaml"


def timed(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``action``."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def cli(env: dict[str, str], repeat: int) -> tuple[float, float]:
    walls, cpus = [], []
    command = [sys.executable, "-m", "engine.cli.app", "generate", str(PATIENT), "--format", "json"]
    for _ in range(repeat):
        before = os.times()
        wall = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - wall)
        after = os.times()
        cpus.append(after.children_user - before.children_user + after.children_system - before.children_system)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    root = default_pack_root()
    with tempfile.TemporaryDirectory() as scratch:
        cache = Path(scratch) / "cache"
        env = {**os.environ, "CAREPLAN_CACHE_DIR": str(cache), "SOURCE_DATE_EPOCH": "1764547200"}
        env.pop("CAREPLAN_NO_CACHE", None)
        os.environ["CAREPLAN_CACHE_DIR"] = str(cache)
        pack, compiled = load_compiled(root)  # writes the entry
        entry = next(cache.glob("*.entry"))
        digest = pack_digest(root)
        key = entry_key(digest, pack.include_drafts)
        blob = pickle.dumps((pack, compiled), protocol=pickle.HIGHEST_PROTOCOL)
        rows = {
            "load_pack + compile_pack": timed(lambda: compile_pack(load_pack(root)), args.repeat),
            "read the cache entry (JSON)": timed(lambda: _cached(entry, key, digest, root), args.repeat),
            "unpickle the same objects": timed(lambda: pickle.loads(blob), args.repeat),  # our own bytes
            "careplan generate, no cache": cli({**env, "CAREPLAN_NO_CACHE": "1"}, args.repeat),
            "careplan generate, warm cache": cli(env, args.repeat),
        }
        print(f"cache entry: {entry.stat().st_size / 1e6:.1f} MB JSON; pickle of the same: {len(blob) / 1e6:.1f} MB")
    print(f"{'':32} {'wall s':>8} {'cpu s':>8}")
    for name, (wall, cpu) in rows.items():
        print(f"{name:32} {wall:8.3f} {cpu:8.3f}")


if __name__ == "__main__":
    main()
