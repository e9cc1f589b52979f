"""Facts as the engine sees them (`fact`), their type system (`schema`) and the catalogue of
input fact types the normaliser produces (`inputs`).

May import: nothing else from the engine.
"""

from __future__ import annotations
