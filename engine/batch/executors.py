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
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Protocol

from engine.batch.work import Outcome, Settings, Task, plan_chunk, warm, warm_process
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location

IN_FLIGHT_PER_WORKER = 3


class Executor(Protocol):
    restarts: int  # times the workers were started afresh after one died

    def run(self, chunks: Iterator[list[Task]]) -> Iterator[list[Outcome]]: ...

    def close(self) -> None: ...


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _context() -> multiprocessing.context.BaseContext:
    # never fork: a forked child would inherit the parent's threads and open files mid-state
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


PlanChunk = Callable[[Settings, list[Task]], list[Outcome]]
CRASH_ATTEMPTS = 2  # a record whose worker stops this many times when it is planned alone is reported failed
CRASHES_IN_A_ROW = 4  # pools lost with no chunk finished in between: the workers cannot run at all


@dataclass
class _Work:
    """A chunk on its way through the pool: ``alone`` once a lost pool made it a suspect, run with nothing
    else in flight; ``crashes`` counts the pools it took down that way."""

    tasks: list[Task]
    alone: bool = False
    crashes: int = 0


def crashed_outcome(task: Task, attempts: int) -> Outcome:
    return Outcome(task.index, None, failure=(
        f"careplan: internal error: the worker process stopped while planning this record ({attempts} attempts, "
        "each in a fresh process)"))


class LocalExecutor:
    """``--executor local``: N worker processes on this machine.

    A worker that dies (durable-rules is C; a crash takes the process down) breaks the whole pool and
    every chunk in flight. The pool is then started afresh and the lost chunks are planned again, one at
    a time; a chunk that stops a worker on its own is split into its records, and a record that stops a
    fresh worker ``CRASH_ATTEMPTS`` times is reported failed (exit 3, as for a plan that fails), so one
    crash never ends the batch, and a crash that does not recur leaves the output as if none happened.
    """

    def __init__(self, settings: Settings, workers: int, plan: PlanChunk = plan_chunk) -> None:
        self.settings = settings
        self.workers = workers
        self._plan = plan
        self._pool = self._start()
        self.restarts = 0

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=_context(), initializer=warm_process,
                                   initargs=(self.settings,))

    def run(self, chunks: Iterator[list[Task]]) -> Iterator[list[Outcome]]:
        pending: dict[Future[list[Outcome]], _Work] = {}
        suspects: deque[_Work] = deque()
        exhausted, in_a_row = False, 0
        while pending or suspects or not exhausted:
            exhausted = self._submit(pending, suspects, chunks, exhausted)
            if not pending:
                continue
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            lost = []
            for future in finished:
                work = pending.pop(future)
                if _broken(future):
                    lost.append(work)
                else:
                    in_a_row = 0
                    yield future.result()
            if not lost:
                continue
            in_a_row += 1
            if in_a_row >= CRASHES_IN_A_ROW:
                raise BrokenProcessPool("the worker processes keep stopping")
            yield from self._recover(pending, lost, suspects)

    def _submit(self, pending: dict[Future[list[Outcome]], _Work], suspects: deque[_Work],
                chunks: Iterator[list[Task]], exhausted: bool) -> bool:
        """Keep the pool fed; after a lost pool, the suspects one at a time with nothing new beside them.
        Returns whether ``chunks`` has run out."""
        if suspects:
            if not pending:
                work = suspects.popleft()
                pending[self._pool.submit(self._plan, self.settings, work.tasks)] = work
            return exhausted
        while not exhausted and len(pending) < self.workers * IN_FLIGHT_PER_WORKER:
            chunk = next(chunks, None)
            if chunk is None:
                return True
            pending[self._pool.submit(self._plan, self.settings, chunk)] = _Work(chunk)
        return exhausted

    def _recover(self, pending: dict[Future[list[Outcome]], _Work], lost: list[_Work],
                 suspects: deque[_Work]) -> Iterator[list[Outcome]]:
        """The pool is gone: keep what finished before it went, start a new one, line up what was lost."""
        for future, work in list(pending.items()):
            future_done = future.done() and not _broken(future)
            if future_done:
                yield future.result()
            else:
                lost.append(work)
        pending.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._start()
        self.restarts += 1
        for work in sorted(lost, key=lambda w: w.tasks[0].index):
            if not work.alone:
                suspects.append(_Work(work.tasks, alone=True))  # one of several in flight: not yet known which
            elif len(work.tasks) > 1:
                suspects.extend(_Work([task], alone=True) for task in work.tasks)  # this chunk: find the record
            elif work.crashes + 1 < CRASH_ATTEMPTS:
                suspects.append(_Work(work.tasks, alone=True, crashes=work.crashes + 1))
            else:
                yield [crashed_outcome(work.tasks[0], CRASH_ATTEMPTS)]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _broken(future: Future[list[Outcome]]) -> bool:
    return future.done() and isinstance(future.exception(), BrokenProcessPool)


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
        self.restarts = 0  # a Dask nanny restarts a dead worker and the scheduler reruns its tasks itself
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
