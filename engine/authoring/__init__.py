"""Tools that run the whole generator for authors: inline rule tests, JSON Schemas for editors,
CPIC import and conformance.

May import: engine.generator and every stage. Nothing in the pipeline imports it.
"""

from __future__ import annotations
