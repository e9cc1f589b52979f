"""A rule pack on disk: where it is, and loading and checking it whole (rules, tables, fact types,
medicine classes, required templates).

May import: source, facts, lang, clinical.
"""

from __future__ import annotations
