"""``careplan diff``: which patients' plans an edit of the pack changes, and how."""

from __future__ import annotations

import shutil
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from engine.cli.packs import pack_root
from engine.generator import Generator
from engine.run.runtime import EngineError
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, format_report

# --exit-code: a plan changed, as git diff --exit-code says 1 (opt-in; without the option a diff exits 0)
PLANS_CHANGED_EXIT = 1


class DiffFormat(str, Enum):
    text = "text"
    json = "json"


def _fail(diagnostics: list[Diagnostic]) -> NoReturn:
    typer.echo(format_report(diagnostics), err=True)
    raise typer.Exit(2)


def _packs(packs: list[Path], base: str | None, pack: Path | None, scratch: Path) -> tuple[Path, Path, str, str]:
    """(base pack, head pack, and how to name each in the report)."""
    from engine.authoring.git_revision import export_revision
    if base is not None:
        if packs:
            _fail([Diagnostic(Location("PACKS"), "usage.bad-arguments",
                              "give either --base REV or two pack directories, not both")])
        head = pack_root(pack)
        return export_revision(head, base, scratch), head, base, f"working tree ({head})"
    if len(packs) != 2 or pack is not None:
        _fail([Diagnostic(Location("PACKS"), "usage.bad-arguments",
                          "compare two packs: careplan diff PACK_A PACK_B, or careplan diff --base REV [--pack DIR]")])
    for folder in packs:
        if not folder.is_dir():
            _fail([Diagnostic(Location(str(folder)), "usage.bad-arguments", "not a pack directory")])
    return packs[0], packs[1], str(packs[0]), str(packs[1])


def _default_cohort(head: Path) -> Path:
    for folder in (head / "examples", Path("examples")):
        if folder.is_dir():
            return folder
    _fail([Diagnostic(Location("--cohort"), "usage.bad-cohort", "no examples/ beside the pack to use as the cohort",
                      hint="give --cohort DIR (patient files) or --cohort FILE.ndjson")])


def register_diff(app: typer.Typer) -> None:
    @app.command()
    def diff(
        packs: Annotated[list[Path] | None, typer.Argument(help="two pack directories: before and after")] = None,
        base: Annotated[str | None, typer.Option(
            "--base", help="git revision of the pack to compare the working pack with")] = None,
        pack: Annotated[Path | None, typer.Option("--pack", help="the working pack (with --base)")] = None,
        cohort: Annotated[Path | None, typer.Option(
            "--cohort", help="patients: a directory of patient files or an NDJSON file (default: examples/)")] = None,
        format: Annotated[DiffFormat, typer.Option("--format", "-f", help="text or json")] = DiffFormat.text,
        exit_code: Annotated[bool, typer.Option(
            "--exit-code", help="exit 1 when some plan changes (as git diff --exit-code)")] = False,
    ) -> None:
        """Show which patients' plans change between two packs (added, removed and changed items)."""
        from engine.authoring.cohort import read_cohort
        from engine.authoring.git_revision import scratch_directory
        from engine.authoring.impact_diff import diff_cohort
        from engine.authoring.impact_report import diff_json, diff_text
        scratch = scratch_directory()
        try:
            before, after, base_name, head_name = _packs(packs or [], base, pack, scratch)
            patients = read_cohort(cohort or _default_cohort(after))
            result = diff_cohort(Generator(before), Generator(after), patients, base_name, head_name)
        except DiagnosticError as exc:
            _fail(exc.diagnostics)
        except EngineError as exc:
            typer.echo(f"error: the engine failed and no plan was produced: {exc}", err=True)
            raise typer.Exit(3) from None
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        sys.stdout.write(diff_json(result) if format is DiffFormat.json else diff_text(result))
        raise typer.Exit(PLANS_CHANGED_EXIT if exit_code and not result.empty else 0)
