"""``careplan synth --n N --seed S``: a synthetic cohort as NDJSON on stdout or in ``--out FILE``.

Same seed, same bytes; ``--bad-share F`` spoils about that share of the records (docs/batch.md).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer


def synth(
    n: Annotated[int, typer.Option("--n", min=0, max=10_000_000, help="how many patients")],
    seed: Annotated[int, typer.Option("--seed", min=0, help="the same seed gives the same cohort, byte for byte")],
    bad_share: Annotated[float, typer.Option(
        "--bad-share", min=0.0, max=1.0, help="share of records to spoil (out of range, wrong type, ...)")] = 0.0,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="write to this file instead of stdout")] = None,
) -> None:
    """Write a synthetic cohort valid for the shipped pack, one patient a line (NDJSON)."""
    from engine.synth.cohort import cohort_lines
    if out is not None and (out.is_dir() or not out.parent.is_dir()):
        typer.echo(f"{out}: error[usage.bad-output] --out: give a file in an existing directory", err=True)
        raise typer.Exit(2)
    lines = cohort_lines(n, seed, bad_share)
    if out is None:
        try:
            for line in lines:
                sys.stdout.write(line)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader stopped early (``| head``): not an error of the cohort
            _quiet_stdout()
        return
    with out.open("w", encoding="utf-8", newline="\n") as stream:
        stream.writelines(lines)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's last flush into the closed pipe is silent."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (a test runner's buffer)


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
