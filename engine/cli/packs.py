"""Which pack a command uses (``engine.pack.locate.find_pack``), and ``--verbose`` saying so.

``--verbose`` may stand anywhere before ``--`` (like ``--debug``): the command then prints
``careplan: pack NAME VERSION at PATH`` on standard error once it has loaded its pack.
"""

from __future__ import annotations

from contextvars import ContextVar
from pathlib import Path

import typer

from engine.pack.load import Pack
from engine.pack.locate import PackOrigin, find_pack

VERBOSE_FLAG = "--verbose"
# set on every invocation's parse (so one test's --verbose never leaks into the next run in-process)
_VERBOSE: ContextVar[bool] = ContextVar("careplan_verbose", default=False)


def take_verbose(args: list[str]) -> list[str]:
    """Remove ``--verbose`` from the arguments before ``--``, noting whether it was there."""
    end = args.index("--") if "--" in args else len(args)
    _VERBOSE.set(VERBOSE_FLAG in args[:end])
    return [a for a in args[:end] if a != VERBOSE_FLAG] + args[end:]


def pack_root(explicit: Path | None) -> Path:
    """``--pack``, else the checkout's pack, else the installed default."""
    return find_pack(explicit).root


def chosen_pack(explicit: Path | None) -> Path | None:
    """``--pack`` or the checkout's pack; None for the installed default, which every process (a
    batch worker on another machine too) finds in its own install."""
    choice = find_pack(explicit)
    return None if choice.origin is PackOrigin.DEFAULT else choice.root


def announce(pack: Pack) -> None:
    """With ``--verbose``: which pack the command used, on standard error."""
    if _VERBOSE.get():
        typer.echo(f"careplan: pack {pack.meta.name} {pack.meta.version} at {pack.root.resolve()}", err=True)
