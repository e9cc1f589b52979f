"""The worker's side of a batch: one compiled pack per process, plans for a chunk of patients.

The same functions run in a local worker process and on a Dask worker, so both executors make the
same documents byte for byte. A worker compiles its pack once (``warm``, or on its first chunk) and
keeps it for every chunk it is given. A record whose plan fails gets the one-line message
``careplan generate`` would print for it; the chunk goes on.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

from engine.batch.records import Record, load_record
from engine.generator import Generator, resident_generator
from engine.render.documents import RenderError
from engine.run.runtime import EngineError
from engine.source.diagnostics import Diagnostic


@dataclass(frozen=True)
class Settings:
    """What every worker needs to make the same documents: the pack, the formats, one instant."""

    pack_root: str | None  # None: the default pack installed with careplan
    formats: tuple[str, ...]
    audience: str
    at: str  # generated_at of every plan of this run


@dataclass(frozen=True)
class Task:
    """A record to plan. The record, not its validated patient, crosses to the worker: a pack's patient
    model is built from its declarations at run time and cannot be pickled; the worker reads the record
    with its own pack's model (the main process has already read it once, to report bad records)."""

    index: int  # the record's place in the input
    record: Record


@dataclass(frozen=True)
class Outcome:
    index: int
    documents: dict[str, str] | None  # format -> document text; None when the plan failed
    urgent: bool = False
    failure: str | None = None
    pack_digest: str = ""  # the pack the worker used (checked against the one the batch started with)
    seconds: float = 0.0  # the worker's time for this record (the summary's percentiles; never in a plan)


_generators: dict[str | None, Generator] = {}


def generator_for(pack_root: str | None, resident: bool = False) -> Generator:
    """This process's compiled pack, built on first use and kept (``resident``: frozen out of the
    cyclic collector's scans, for a process of the batch's own)."""
    generator = _generators.get(pack_root)
    if generator is None:
        root = Path(pack_root) if pack_root is not None else None
        generator = resident_generator(root) if resident else Generator(root)
        _generators[pack_root] = generator
    return generator


def warm(settings: Settings) -> None:
    """Compile the pack before the first chunk arrives (a Dask worker's, which may share its process)."""
    generator_for(settings.pack_root)


def warm_process(settings: Settings) -> None:
    """The initializer of a pool process of the batch's own: the pack is kept for the process's life."""
    generator_for(settings.pack_root, resident=True)


def _document(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"  # as generate writes it


def plan_one(generator: Generator, settings: Settings, task: Task) -> Outcome:
    started = time.perf_counter()
    outcome = _plan_one(generator, settings, task)
    return dataclasses.replace(outcome, seconds=time.perf_counter() - started)


def _plan_one(generator: Generator, settings: Settings, task: Task) -> Outcome:
    digest = generator.compiled.digest
    try:
        result = generator.run(load_record(task.record, generator.patient_model), at=settings.at)
        documents = {fmt: _document(generator.render(result.plan, fmt, settings.audience, result.patient))
                     for fmt in settings.formats}
    except EngineError as exc:
        return Outcome(task.index, None, failure=f"error: the engine failed and no plan was produced: {exc}",
                       pack_digest=digest)
    except RenderError as exc:
        return Outcome(task.index, None, failure=Diagnostic(exc.location, "template.render", exc.message).format(),
                       pack_digest=digest)
    except Exception as exc:  # a bug for this record: reported as generate reports it, the batch goes on
        return Outcome(task.index, None, failure=f"careplan: internal error: {type(exc).__name__}",
                       pack_digest=digest)
    urgent = any(warning.severity == "urgent" for warning in result.plan.warnings)
    return Outcome(task.index, documents, urgent=urgent, pack_digest=digest)


def plan_chunk(settings: Settings, tasks: list[Task]) -> list[Outcome]:
    """Plans for one chunk of records, with this process's compiled pack."""
    generator = generator_for(settings.pack_root)
    return [plan_one(generator, settings, task) for task in tasks]
