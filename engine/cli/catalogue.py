"""``careplan rules`` and ``careplan steps``: catalogues generated from the rules and the step code."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.packs import pack_root
from engine.pack.load import load_pack
from engine.source.diagnostics import DiagnosticError, format_report


class CatalogueFormat(str, Enum):
    text = "text"
    json = "json"


FormatOption = Annotated[CatalogueFormat, typer.Option("--format", "-f", help="text or json")]


def register_catalogues(app: typer.Typer) -> None:
    @app.command()
    def rules(
        id_prefix: Annotated[str, typer.Argument(help="only rules whose id starts with this")] = "",
        pack: Annotated[Path | None, typer.Option("--pack", help="rule pack directory")] = None,
        format: FormatOption = CatalogueFormat.text,
    ) -> None:
        """List every rule: id, title, version, status, evidence, conditions in words, table, tests, data used."""
        from engine.authoring.catalogue import catalogue_json, catalogue_text, rule_catalogue
        try:
            loaded = load_pack(pack_root(pack), include_drafts=True)
        except DiagnosticError as exc:
            typer.echo(format_report(exc.diagnostics), err=True)
            raise typer.Exit(2) from None
        entries = rule_catalogue(loaded, id_prefix)
        sys.stdout.write(catalogue_json(entries) if format is CatalogueFormat.json else catalogue_text(entries))

    @app.command()
    def steps(
        features: Annotated[Path | None, typer.Option(
            "--features", help="the features directory (default: the source tree's features/)")] = None,
        format: FormatOption = CatalogueFormat.text,
    ) -> None:
        """List every Gherkin step of the step library, with an example."""
        from engine.authoring.step_catalogue import find_features, step_catalogue, steps_json, steps_text
        try:
            entries = step_catalogue(find_features(features))
        except DiagnosticError as exc:
            typer.echo(format_report(exc.diagnostics), err=True)
            raise typer.Exit(2) from None
        sys.stdout.write(steps_json(entries) if format is CatalogueFormat.json else steps_text(entries))
