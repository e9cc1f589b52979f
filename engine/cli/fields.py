"""``careplan fields [--pack DIR]``: the pack's declared patient fields as Markdown (docs/patient-fields.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engine.cli.packs import pack_root
from engine.pack.load import PackMeta, pack_fields
from engine.source.diagnostics import DiagnosticError, format_report
from engine.source.document import load_file


def _pack_name(root: Path) -> str:
    try:
        return PackMeta.model_validate(load_file(root / "pack.yaml", "pack.yaml").data).name
    except (DiagnosticError, ValueError):
        return root.name  # the page is about the fields; load_pack reports a bad pack.yaml


def register(app: typer.Typer) -> None:
    @app.command("fields")
    def fields(pack: Annotated[Path | None, typer.Option(
            "--pack", help="rule pack directory (default: the checkout's, else the installed one)")] = None) -> None:
        """Print the pack's patient fields (sections, types, units, ranges, observation codes) as Markdown."""
        from engine.authoring.field_docs import patient_fields_markdown
        root = pack_root(pack)
        try:
            declarations = pack_fields(root)
        except DiagnosticError as exc:
            typer.echo(format_report(exc.diagnostics), err=True)
            raise typer.Exit(2) from None
        typer.echo(patient_fields_markdown(declarations, _pack_name(root)), nl=False)
