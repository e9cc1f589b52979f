"""The command line (typer): parsing, exit codes and messages only.

May import: everything; nothing imports it.
"""

from __future__ import annotations
