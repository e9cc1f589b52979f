"""A worker process that dies mid-batch (a crash in durable-rules' C takes the process down; on the
2-core machine one 100,000-patient run lost a worker to a segfault inside libc's free): the pool is
started afresh, the lost chunks are planned again, a record that keeps killing its worker is reported
failed, and every other record gets the plan it would have had."""

from __future__ import annotations

import json
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from engine.batch import executors, run
from engine.batch.executors import CRASH_ATTEMPTS, LocalExecutor
from engine.batch.progress import QuietReporter
from engine.batch.records import Record, open_input
from engine.batch.run import BatchOptions, run_batch
from engine.batch.work import Outcome, Settings, Task, plan_chunk
from engine.synth.cohort import cohort_lines
from tests.batch_crash import ALWAYS, ONCE, crashing_chunk, marker

SETTINGS = Settings(None, ("json",), "clinician", "2026-01-01T00:00:00Z")


def _lines(tag: str) -> list[str]:
    lines = list(cohort_lines(40, 5))
    lines.insert(9, json.dumps({"id": ALWAYS, "labs": {"egfr": 70}}))
    lines.insert(23, json.dumps({"id": f"{ONCE}{tag}", "labs": {"egfr": 55}}))
    return [line.rstrip("\n") for line in lines]


def _tasks(lines: list[str]) -> list[Task]:
    return [Task(i, Record(i, "cohort.ndjson", i + 1, text=line)) for i, line in enumerate(lines)]


def _chunks(tasks: list[Task], size: int = 8) -> list[list[Task]]:
    return [tasks[i:i + size] for i in range(0, len(tasks), size)]


def _by_index(batches: list[list[Outcome]]) -> dict[int, Outcome]:
    outcomes = [o for batch in batches for o in batch]
    assert len(outcomes) == len({o.index for o in outcomes})  # none twice
    return {o.index: o for o in outcomes}


def test_a_dead_worker_costs_one_record_at_most(tmp_path: Path) -> None:
    tag = f"{time.time_ns()}"
    lines = _lines(tag)
    tasks = _tasks(lines)
    executor = LocalExecutor(SETTINGS, 2, plan=crashing_chunk)
    try:
        got = _by_index(list(executor.run(iter(_chunks(tasks)))))
    finally:
        executor.close()
        marker(f"{ONCE}{tag}").unlink(missing_ok=True)
    expected = _by_index([plan_chunk(SETTINGS, chunk) for chunk in _chunks(tasks)])
    assert sorted(got) == list(range(len(lines)))
    assert executor.restarts >= 1 + CRASH_ATTEMPTS  # the pool was lost, and the record alone twice
    crashed = got.pop(9)
    assert crashed.documents is None and crashed.failure is not None
    assert f"stopped while planning this record ({CRASH_ATTEMPTS} attempts" in crashed.failure
    assert expected.pop(9).documents is not None  # the record itself is fine: its worker died
    assert {i: o.documents for i, o in got.items()} == {i: o.documents for i, o in expected.items()}
    assert got[23].documents is not None  # died once, then planned


def test_workers_that_cannot_run_at_all_end_the_batch() -> None:
    tasks = [Task(i, Record(i, "c.ndjson", i + 1, text=json.dumps({"id": ALWAYS}))) for i in range(12)]
    executor = LocalExecutor(SETTINGS, 2, plan=crashing_chunk)
    try:
        with pytest.raises(BrokenProcessPool):
            list(executor.run(iter(_chunks(tasks))))
    finally:
        executor.close()
    assert executor.restarts == executors.CRASHES_IN_A_ROW - 1


def test_the_batch_reports_the_record_and_plans_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    tag = f"{time.time_ns()}"
    cohort = tmp_path / "cohort.ndjson"
    cohort.write_text("\n".join(_lines(tag)) + "\n", encoding="utf-8")

    def crashing(kind: str, settings: Settings, workers: int, scheduler: str | None) -> LocalExecutor:
        return LocalExecutor(settings, workers, plan=crashing_chunk)

    monkeypatch.setattr(run, "make_executor", crashing)
    options = BatchOptions(tmp_path / "out", ("json",), "clinician", 2, "local", None, None)
    try:
        summary = run_batch(open_input(str(cohort)), options, QuietReporter(), time.perf_counter)
    finally:
        marker(f"{ONCE}{tag}").unlink(missing_ok=True)
    assert (summary.records, summary.planned, summary.failed, summary.bad) == (42, 41, 1, 0)
    assert summary.restarts >= 1 + CRASH_ATTEMPTS
    assert f"a worker process stopped unexpectedly {summary.restarts} times" in summary.text("errors.ndjson")
    [error] = [json.loads(line) for line in (tmp_path / "out" / "errors.ndjson").read_text().splitlines()]
    assert (error["line"], error["kind"]) == (10, "failed")
    assert "the worker process stopped while planning this record" in error["message"]
    plans = {p.stem for p in (tmp_path / "out" / "plans").iterdir()}
    assert f"{ONCE}{tag}" in plans and ALWAYS not in plans and len(plans) == 41
