"""``careplan sources``: the pack's decision-support source attributes and, per rule, what it cites and
which HTI-1 categories (race, sex, date of birth, ...) it uses (docs/evidence.md)."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.packs import pack_root
from engine.pack.load import load_pack
from engine.source.diagnostics import DiagnosticError, format_report


class SourcesFormat(str, Enum):
    text = "text"
    json = "json"


def register(app: typer.Typer) -> None:
    @app.command()
    def sources(
        pack: Annotated[Path | None, typer.Option("--pack", help="rule pack directory")] = None,
        format: Annotated[SourcesFormat, typer.Option("--format", "-f", help="text or json")] = SourcesFormat.text,
    ) -> None:
        """List the pack's source attributes and, per rule, its citations and the data categories it uses."""
        from engine.authoring.source_attributes import sources_json, sources_text
        try:
            loaded = load_pack(pack_root(pack))
        except DiagnosticError as exc:
            typer.echo(format_report(exc.diagnostics), err=True)
            raise typer.Exit(2) from None
        if format is SourcesFormat.json:
            typer.echo(json.dumps(sources_json(loaded), indent=2, sort_keys=False))
        else:
            typer.echo(sources_text(loaded), nl=False)
