"""``careplan serve [--host H] [--port P] [--pack DIR]``: the CDS Hooks 2.0 service (docs/cds-hooks.md).

The socket is bound first, here rather than by uvicorn, so a port in use or a host that cannot be
bound is exit 2 at once with one line (not uvicorn's exit 1 after the pack has compiled). The pack
is then loaded and compiled once, before the server accepts connections, so a bad pack is exit 2 and
the first hook call does not pay for compilation.
"""

from __future__ import annotations

import logging
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from engine.cli.packs import announce, pack_root
from engine.generator import Generator
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, format_report


def _fail(diagnostics: list[Diagnostic]) -> None:
    typer.echo(format_report(diagnostics), err=True)
    raise typer.Exit(2)


def _listen(host: str, port: int) -> socket.socket:
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)  # connections wait in the backlog until uvicorn accepts them
    except (OSError, OverflowError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        _fail([Diagnostic(Location("--host/--port"), "usage.cannot-listen", f"cannot listen there: {reason}",
                          hint="choose another port (one no other program uses) or a local address")])
        raise  # unreachable: _fail exits
    return sock


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option(help="address to listen on (loopback by default)")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0: any free one)")] = 8080,
        pack: Annotated[Path | None, typer.Option("--pack", help="rule pack directory")] = None,
    ) -> None:
        """Serve CDS Hooks 2.0 (patient-view, order-select, order-sign) at http://HOST:PORT/cds-services."""
        sock = _listen(host, port)
        try:
            generator = Generator(pack_root(pack))
        except DiagnosticError as exc:
            sock.close()
            _fail(exc.diagnostics)
        announce(generator.pack)
        # Here, not at the top: every careplan command imports this module, and only serve needs
        # FastAPI, uvicorn and httpx.
        import uvicorn

        from engine.service.app import create_app

        logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="careplan: %(message)s")
        service = create_app(generator)
        service.state.answerer.warm_up()
        config = uvicorn.Config(service, log_level="warning", access_log=False)
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        typer.echo(f"careplan: CDS Hooks services at http://{shown}:{bound}/cds-services", err=True)
        uvicorn.Server(config).run(sockets=[sock])
