"""careplan's command line (the user's ``cli.py``): ``python cli.py generate patient.yaml``.

The commands live in ``engine.cli.app`` so that an editable install always runs the current code;
this file re-exports them, and its ``main`` is the installed ``careplan``'s (``engine.cli.entry``: a
command a resident process can run goes to it, see docs/daemon.md).
"""

from __future__ import annotations

from engine.cli.app import app
from engine.cli.entry import main

__all__ = ["app", "main"]

if __name__ == "__main__":
    main()
