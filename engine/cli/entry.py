"""The ``careplan`` program: a command a resident process can run goes to it, every other runs here.

Only the standard library and ``engine.daemon`` are imported before that choice, so a forwarded
``careplan generate`` costs an interpreter start and one round trip (docs/daemon.md); the commands
themselves, with typer and the engine, are imported only when this process runs one.
"""

from __future__ import annotations

import sys

from engine.daemon.client import forward


def main() -> None:
    code = forward(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from engine.cli.app import main as run_here

    run_here()


if __name__ == "__main__":
    main()
