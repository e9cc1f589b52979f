"""``careplan batch INPUT --out DIR``: plans for many patients, resumable; see docs/batch.md.

Exit codes: 0 every record was handled (bad records are listed in ``DIR/errors.ndjson``, not
failures); 2 a bad INPUT, option, pack or output directory, before any plan is made; 3 a plan
failed unexpectedly for some record (listed in ``errors.ndjson`` too) or the batch itself failed.
"""

from __future__ import annotations

import json
import time
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.packs import chosen_pack
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, format_report


class BatchFormat(str, Enum):
    md = "md"
    html = "html"
    json = "json"


class BatchAudience(str, Enum):
    clinician = "clinician"
    patient = "patient"


class Executor(str, Enum):
    local = "local"
    dask = "dask"


def _fail(diagnostics: list[Diagnostic]) -> None:
    typer.echo(format_report(diagnostics), err=True)
    raise typer.Exit(2)


def batch(
    input: Annotated[str, typer.Argument(help="a directory of patient files, an NDJSON file, or - for stdin")],
    out: Annotated[Path, typer.Option("--out", "-o", help="directory to write plans/, errors.ndjson, journal")],
    format: Annotated[list[BatchFormat] | None, typer.Option(
        "--format", "-f", help="format of the plans; repeat for more than one (default: json)")] = None,
    audience: Annotated[BatchAudience, typer.Option(help="who reads the plans")] = BatchAudience.clinician,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-j", min=1, max=1024, help="worker processes (default: all cores; dask: 2)")] = None,
    executor: Annotated[Executor, typer.Option(help="local processes, or a Dask cluster")] = Executor.local,
    scheduler: Annotated[str | None, typer.Option(
        help="address of a Dask scheduler, e.g. tcp://host:8786 (default: a LocalCluster)")] = None,
    pack: Annotated[Path | None, typer.Option("--pack", help="rule pack directory")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress output")] = False,
    summary_json: Annotated[Path | None, typer.Option(
        "--summary-json", help="also write the summary as JSON to this file")] = None,
) -> None:
    """Generate a plan for every patient of INPUT into DIR/plans; re-running resumes."""
    # imported here, not at the top: every other command (generate above all) would pay for them
    from engine.batch.executors import default_workers
    from engine.batch.progress import reporter
    from engine.batch.records import open_input
    from engine.batch.run import BatchOptions, run_batch

    if scheduler is not None and executor is not Executor.dask:
        _fail([Diagnostic(Location("--scheduler"), "usage.bad-option", "--scheduler needs --executor dask")])
    if summary_json is not None and not summary_json.parent.is_dir():
        _fail([Diagnostic(Location(str(summary_json)), "usage.bad-output",
                          "--summary-json: the directory to write into does not exist")])
    formats = tuple(sorted({f.value for f in format or [BatchFormat.json]}))
    chosen_workers = workers or (2 if executor is Executor.dask else default_workers())
    options = BatchOptions(out, formats, audience.value, chosen_workers, executor.value, scheduler, chosen_pack(pack))
    try:
        summary = run_batch(open_input(input), options, reporter(quiet), time.monotonic)
    except DiagnosticError as exc:
        _fail(exc.diagnostics)
        return
    typer.echo(summary.text(str(out / "errors.ndjson")), err=True)
    if summary_json is not None:
        summary_json.write_text(json.dumps(summary.as_json(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if summary.failed:
        typer.echo(f"careplan batch: {summary.failed} plans failed unexpectedly; see {out / 'errors.ndjson'}",
                   err=True)
    raise typer.Exit(summary.exit_code())


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)
