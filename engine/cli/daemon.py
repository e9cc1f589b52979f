"""``careplan daemon start|stop|status``: the resident process that makes ``careplan generate`` warm.

``start`` spawns ``careplan daemon start --foreground`` in a session of its own, waits until it has
loaded the pack and answers, and says so; a pack that cannot be loaded is exit 2 with the loader's
messages. From then on ``generate`` and ``explain`` in this installation are run by it
(``engine.daemon.client``); ``stop`` ends it, and it ends by itself after ``--idle-minutes``
without a command. docs/daemon.md says what is and is not forwarded.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from engine.cli.packs import pack_root
from engine.daemon.client import ask
from engine.daemon.place import ENGINE_DIR, MAX_SOCKET_PATH, private_dir, socket_path
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, format_report

START_TIMEOUT = 300.0  # seconds: compiling the default pack with an empty cache takes about a minute
daemon_app = typer.Typer(help="A resident process that keeps the engine loaded, so generate starts at once.",
                         no_args_is_help=True)


def _fail(diagnostics: list[Diagnostic]) -> None:
    typer.echo(format_report(diagnostics), err=True)
    raise typer.Exit(2)


def _usable_socket() -> Path:
    path = socket_path()
    reason = private_dir(path.parent, create=True)
    if reason is not None:
        _fail([Diagnostic(Location(str(path.parent)), "usage.daemon-directory", f"cannot hold the socket: {reason}",
                          hint="set XDG_RUNTIME_DIR to a directory of yours that only you can enter")])
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        _fail([Diagnostic(Location(str(path)), "usage.daemon-directory",
                          f"the socket path is longer than {MAX_SOCKET_PATH} bytes",
                          hint="set XDG_RUNTIME_DIR to a shorter directory")])
    return path


@daemon_app.command("start")
def start(
    pack: Annotated[Path | None, typer.Option("--pack", help="pack to load at once (others load on first use)")]
    = None,
    idle_minutes: Annotated[int, typer.Option(
        "--idle-minutes", min=1, max=7 * 24 * 60, help="exit after this long without a command")] = 60,
    foreground: Annotated[bool, typer.Option(
        "--foreground", help="run here instead of in the background (Ctrl-C stops it)")] = False,
) -> None:
    """Start the resident process (nothing happens when it is running already)."""
    path = _usable_socket()
    running = ask("status")
    if running is not None and running.get("status") == "ok":
        typer.echo(f"careplan: the resident process is already running (pid {running.get('pid')})")
        return
    root = pack_root(pack).resolve()
    if foreground:
        _serve_here(path, idle_minutes, root)
        return
    log = path.with_suffix(".log")
    with open(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as errors:
        child = subprocess.Popen(
            [sys.executable, "-m", "engine.cli.entry", "daemon", "start", "--foreground",
             "--idle-minutes", str(idle_minutes), "--pack", str(root)],
            # cwd: ``-m`` puts it first on sys.path, so the child imports this very engine package (a checkout's
            # engine/ beside an installed copy must not become another installation's process)
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True,
            cwd=str(ENGINE_DIR.parent))
    _await_start(child, log)


def _serve_here(path: Path, idle_minutes: int, root: Path) -> None:
    from engine.cli.daemon_server import serve  # the engine and typer's commands: only the server needs them

    try:
        serve(path, idle_minutes * 60.0, root)
    except DiagnosticError as exc:
        _fail(exc.diagnostics)
    except OSError as exc:
        _fail([Diagnostic(Location(str(path)), "usage.cannot-listen",
                          f"cannot listen there: {exc.strerror or type(exc).__name__}",
                          hint="careplan daemon status says whether one is running already")])


def _await_start(child: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        code = child.poll()
        if code is not None:
            sys.stderr.write(log.read_text(encoding="utf-8", errors="replace"))
            raise typer.Exit(code or 3)
        answer = ask("status", timeout=1.0)
        if answer is not None and answer.get("status") == "ok":
            typer.echo(f"careplan: the resident process is running (pid {answer.get('pid')}); "
                       "generate and explain now run in it; stop it with: careplan daemon stop")
            return
        time.sleep(0.1)
    child.terminate()
    typer.echo(f"careplan: the resident process did not start within {START_TIMEOUT:.0f} s", err=True)
    raise typer.Exit(3)


def _answered(op: str) -> dict[str, Any] | None:
    """The resident process's answer to ``op``; None, having said so, when none is running."""
    answer = ask(op)
    if answer is None or answer.get("status") != "ok":
        typer.echo("careplan: no resident process is running")
        return None
    return answer


@daemon_app.command("stop")
def stop() -> None:
    """Stop the resident process."""
    answer = _answered("stop")
    if answer is None:
        return
    path = socket_path()
    deadline = time.monotonic() + 10.0
    while path.exists() and time.monotonic() < deadline:  # so that a start right after finds the place free
        time.sleep(0.05)
    typer.echo(f"careplan: stopped the resident process (pid {answer.get('pid')})")


@daemon_app.command("status")
def status() -> None:
    """Say whether the resident process runs, since when, and how many commands it ran."""
    answer = _answered("status")
    if answer is None:
        return
    up = int(time.time()) - int(answer.get("since", 0))
    packs = ", ".join(str(p) for p in answer.get("packs", [])) or "none"
    typer.echo(f"careplan: the resident process is running (pid {answer.get('pid')}), up {up} s, "
               f"{answer.get('served')} commands run; packs held: {packs}")


def register(app: typer.Typer) -> None:
    app.add_typer(daemon_app, name="daemon")
