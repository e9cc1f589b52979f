"""One batch run: read and check every record, plan the good ones on an executor, write, journal, sum up.

The main process reads the input in order, checks each record (as ``generate`` checks a file) and
finds duplicate ids, so which record is bad never depends on the number of workers; only good
records that no earlier run finished go to the executor. Plans are written as their chunks come
back, then journalled; ``errors.ndjson`` and the journal are written whole at the end, in input
order, so the output tree is the same byte for byte whatever the workers, the executor or the
interruptions (with ``SOURCE_DATE_EPOCH`` fixing ``generated_at``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.batch.executors import make_executor
from engine.batch.journal import PLANNED, URGENT, Journal, JournalHeader
from engine.batch.output import OutputTree
from engine.batch.progress import Reporter
from engine.batch.records import BatchInput, Record, load_record
from engine.batch.summary import Summary
from engine.batch.work import Outcome, Settings, Task
from engine.generator import Generator, generated_at
from engine.patient.model import Patient
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, sort_diagnostics

CHUNK_SIZE = 8


@dataclass(frozen=True)
class BatchOptions:
    out: Path
    formats: tuple[str, ...]
    audience: str
    workers: int
    executor: str  # "local" or "dask"
    scheduler: str | None
    pack_root: Path | None


def error_entry(record: Record, diagnostics: list[Diagnostic], kind: str = "bad") -> dict[str, Any]:
    """An ``errors.ndjson`` line: where, what kind, and generate's message on one line (no patient value)."""
    ordered = sort_diagnostics(diagnostics)
    return {
        "source": record.source, "line": record.line, "kind": kind,
        "message": "; ".join(d.format().split("\n", 1)[0] for d in ordered),
        "diagnostics": [{"location": str(d.location), "code": d.code, "field": d.field_path,
                         "message": d.message, "hint": d.hint} for d in ordered],
    }


def failure_entry(record: Record, message: str) -> dict[str, Any]:
    return {"source": record.source, "line": record.line, "kind": "failed", "message": message, "diagnostics": []}


@dataclass
class _State:
    """What the run has seen so far, in input order."""

    tree: OutputTree
    journal: Journal
    formats: tuple[str, ...]
    summary: Summary
    reporter: Reporter
    model: type[Patient]  # the pack's patient model: records are checked as generate checks a file
    errors: dict[int, dict[str, Any]] = field(default_factory=dict)
    first_seen: dict[str, str] = field(default_factory=dict)  # case-folded id -> where its first record is
    order: list[str] = field(default_factory=list)  # the ids of good records, in input order
    pending: dict[int, tuple[Record, str]] = field(default_factory=dict)  # index -> (record, id) in flight

    def _duplicate(self, record: Record, first: str) -> None:
        self.errors[record.index] = error_entry(record, [Diagnostic(
            Location(record.source, record.line or 0), "batch.duplicate-id",
            f"id: the same id as the record at {first}",
            hint="each record needs its own id: plans are files named after it (compared ignoring case)")])
        self.summary.bad += 1
        self.reporter.advance()

    def tasks(self, records: Iterator[Record]) -> Iterator[Task]:
        """The records that need a plan, checking the others off as they are read."""
        for record in records:
            self.summary.records += 1
            try:
                patient = load_record(record, self.model)
            except DiagnosticError as exc:
                self.errors[record.index] = error_entry(record, exc.diagnostics)
                self.summary.bad += 1
                self.reporter.advance()
                continue
            first = self.first_seen.get(patient.id.casefold())
            if first is not None:
                self._duplicate(record, first)
                continue
            self.first_seen[patient.id.casefold()] = record.where  # not the record: its text would pile up
            self.order.append(patient.id)
            done = self.journal.done.get(patient.id)
            if done is not None and self.tree.has_plans(patient.id, self.formats):
                self.summary.planned += 1
                self.summary.skipped += 1
                self.summary.urgent += done == URGENT
                self.reporter.advance()
                continue
            self.pending[record.index] = (record, patient.id)
            yield Task(record.index, record)

    def finish(self, outcome: Outcome, pack_digest: str) -> None:
        record, patient_id = self.pending.pop(outcome.index)
        self.summary.plan_seconds.append(outcome.seconds)
        # every outcome a worker made names its pack; only a record whose worker kept stopping has none
        if outcome.pack_digest != pack_digest and not (outcome.documents is None and not outcome.pack_digest):
            raise DiagnosticError([Diagnostic(Location("--pack"), "usage.pack-mismatch",
                                              "a worker compiled another pack than this batch's",
                                              hint="give every worker the same pack (same path and files)")])
        if outcome.documents is None:
            self.errors[record.index] = failure_entry(record, outcome.failure or "failed")
            self.summary.failed += 1
        else:
            self.tree.write_plans(patient_id, outcome.documents)
            self.journal.append(patient_id, URGENT if outcome.urgent else PLANNED)
            self.summary.planned += 1
            self.summary.urgent += outcome.urgent
        self.reporter.advance()


def _chunks(tasks: Iterator[Task]) -> Iterator[list[Task]]:
    chunk: list[Task] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) == CHUNK_SIZE:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def checked_pack(pack_root: Path | None) -> tuple[str, type[Patient]]:
    """The pack's digest and patient model, compiling it once here so a bad pack fails before any
    output (exit 2). The compiled pack is dropped on return: only the workers keep one."""
    generator = Generator(pack_root)
    return generator.compiled.digest, generator.patient_model


def run_batch(source: BatchInput, options: BatchOptions, reporter: Reporter, clock: Any) -> Summary:
    """Run the batch; DiagnosticError for a bad INPUT, option, pack or output directory (exit 2)."""
    digest, model = checked_pack(options.pack_root)
    tree = OutputTree(options.out)
    tree.open()
    journal = Journal(tree.journal, JournalHeader(digest, options.formats, options.audience))
    try:
        journal.open()
        settings = Settings(str(options.pack_root.resolve()) if options.pack_root else None, options.formats,
                            options.audience, generated_at())
        state = _State(tree, journal, options.formats, Summary(), reporter, model)
        started = clock()
        executor = make_executor(options.executor, settings, options.workers, options.scheduler)
        reporter.start(source.total)
        try:
            for outcomes in executor.run(_chunks(state.tasks(source.records()))):
                for outcome in outcomes:
                    state.finish(outcome, digest)
                journal.checkpoint()
        finally:
            reporter.finish()
            state.summary.restarts = executor.restarts
            executor.close()
        tree.write_errors(state.errors[index] for index in sorted(state.errors))
        journal.compact(state.order)
        state.summary.seconds = clock() - started
        return state.summary
    finally:
        journal.close()
        tree.close()
