"""``careplan init DIR``: scaffold an institution's pack that extends the default pack."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engine.source.diagnostics import DiagnosticError, format_report


def register_init(app: typer.Typer) -> None:
    @app.command()
    def init(
        directory: Annotated[Path, typer.Argument(help="the new pack's directory (new, or empty)")],
        name: Annotated[str | None, typer.Option("--name", help="the pack's name (default: the directory's)")] = None,
    ) -> None:
        """Scaffold an institution's pack: extends the default pack, with an override and a new rule."""
        from engine.authoring.scaffold import scaffold_pack
        try:
            made = scaffold_pack(directory, name)
        except DiagnosticError as exc:
            typer.echo(format_report(exc.diagnostics), err=True)
            raise typer.Exit(2) from None
        typer.echo(f"created pack '{made.name}' in {directory}:")
        for file in made.files:
            typer.echo(f"  {file}")
        typer.echo(f"it overrides {made.overridden}; check it with: careplan validate --pack {directory}")
