"""Where the plans are made: local worker processes, or the workers of a Dask cluster.

Both take chunks of tasks lazily from the reader and keep only a few chunks in flight per worker, so
memory stays flat however long the input is; results come back in any order (the outputs do not
depend on it). Each worker process holds one compiled pack (``engine.batch.work``).
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

from engine.batch.work import Outcome, Settings, Task, plan_chunk, warm, warm_process
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location

IN_FLIGHT_PER_WORKER = 3


class Executor(Protocol):
    def run(self, chunks: Iterator[list[Task]]) -> Iterator[list[Outcome]]: ...

    def close(self) -> None: ...


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _context() -> multiprocessing.context.BaseContext:
    # never fork: a forked child would inherit the parent's threads and open files mid-state
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class LocalExecutor:
    """``--executor local``: N worker processes on this machine."""

    def __init__(self, settings: Settings, workers: int) -> None:
        self.settings = settings
        self.workers = workers
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(), initializer=warm_process,
                                         initargs=(settings,))

    def run(self, chunks: Iterator[list[Task]]) -> Iterator[list[Outcome]]:
        pending: set[Future[list[Outcome]]] = set()
        limit = self.workers * IN_FLIGHT_PER_WORKER
        exhausted = False
        while pending or not exhausted:
            while not exhausted and len(pending) < limit:
                chunk = next(chunks, None)
                if chunk is None:
                    exhausted = True
                else:
                    pending.add(self._pool.submit(plan_chunk, self.settings, chunk))
            if not pending:
                break
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _scheduler_unreachable(address: str, reason: str) -> DiagnosticError:
    return DiagnosticError([Diagnostic(Location("--scheduler"), "usage.bad-scheduler",
                                       f"cannot reach the Dask scheduler: {reason}",
                                       hint=f"check that a scheduler listens at {address} (e.g. tcp://host:8786)")])


class DaskExecutor:
    """``--executor dask``: the workers of a Dask cluster; a LocalCluster when no scheduler is named."""

    def __init__(self, settings: Settings, workers: int, scheduler: str | None) -> None:
        try:
            distributed: Any = importlib.import_module("distributed")  # untyped: used through Any
        except ImportError:
            raise DiagnosticError([Diagnostic(Location("--executor"), "usage.unavailable",
                                              "the dask executor needs dask[distributed]",
                                              hint="install it: pip install 'careplan[dask]'")]) from None
        self.settings = settings
        self._as_completed = distributed.as_completed
        self._cluster: Any = None
        if scheduler is None:
            self._cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=logging.ERROR)
            self._client: Any = distributed.Client(self._cluster)
        else:
            try:
                self._client = distributed.Client(scheduler, timeout=30)
            except (OSError, TimeoutError, ValueError) as exc:
                raise _scheduler_unreachable(scheduler, type(exc).__name__) from None
        self.workers = max(1, len(self._client.scheduler_info().get("workers", {})) or workers)
        self._client.run(warm, settings)  # every worker compiles its pack once, before the first chunk

    def run(self, chunks: Iterator[list[Task]]) -> Iterator[list[Outcome]]:
        limit = self.workers * IN_FLIGHT_PER_WORKER
        running = self._as_completed()
        in_flight = 0
        for chunk in chunks:
            running.add(self._client.submit(plan_chunk, self.settings, chunk, pure=False))
            in_flight += 1
            if in_flight >= limit:
                yield next(running).result()
                in_flight -= 1
        for future in running:
            yield future.result()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(kind: str, settings: Settings, workers: int, scheduler: str | None) -> Executor:
    if kind == "dask":
        return DaskExecutor(settings, workers, scheduler)
    return LocalExecutor(settings, workers)
