"""``careplan lint``: the pack's silent never-matches, each with a stable code, place and hint.

Exit codes: 0 when nothing fails; 2 when there is an error (with ``--strict``, a warning too),
the same code as any other bad input. ``--format json`` prints a list of findings with the keys
``path, line, col, severity, code, rule, message, hint``.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.packs import pack_root
from engine.source.diagnostics import Diagnostic, Location, format_report


class LintFormat(str, Enum):
    text = "text"
    json = "json"


def lint_command(
    pack_dir: Annotated[Path | None, typer.Argument(help="the rule pack to lint (default: --pack, else the default)")]
    = None,
    pack: Annotated[Path | None, typer.Option("--pack", help="rule pack directory (rules/, knowledge/, templates/)")]
    = None,
    format: Annotated[LintFormat, typer.Option("--format", "-f", help="text lines or a JSON list")] = LintFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="warnings fail too (exit 2)")] = False,
) -> None:
    """Check a rule pack for patterns that can never match, table bands that overlap or leave gaps,
    unused facts and knowledge, ids and versions."""
    from engine.authoring.lint import as_json, format_text, lint_root
    from engine.authoring.lint.finding import failing
    if pack_dir is not None and pack is not None and pack_dir != pack:
        sys.stderr.write(format_report([Diagnostic(Location("--pack"), "usage.two-packs",
                                                   "a pack is named twice (PACK_DIR and --pack)",
                                                   hint="give one of them")]) + "\n")
        raise typer.Exit(2)
    root = pack_dir or pack_root(pack)
    findings = lint_root(root)
    if format is LintFormat.json:
        sys.stdout.write(json.dumps(as_json(findings), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_text(findings))
    raise typer.Exit(2 if failing(findings, strict=strict) else 0)


def register(app: typer.Typer) -> None:
    app.command("lint")(lint_command)
