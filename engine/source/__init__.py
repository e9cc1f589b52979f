"""Reading source files: YAML and JSON with the line and column of every node, one located
diagnostic record for every stage, and pydantic errors translated into it.

Imports nothing else from the engine: every other stage builds on it.
"""

from __future__ import annotations
