"""``careplan lint``: checks that find what loading a pack cannot, the silent never-matches.

A pack that loads can still hold a pattern no fact can meet (contradictory bounds, a fact type
nothing produces), a decision table whose bands overlap or leave gaps, two patterns only one
fact could meet, an id that does not match its file, a rule changed without a version bump.
Each check is its own module, a function of the loaded pack (or of the pack's folder, for the
checks that must work when the pack does not load) returning findings: the project's
``Diagnostic`` with a severity (error, warning, info) and a stable code ``lint.<name>``, located
``path:line:col`` in the source documents, with a hint. The checks are registered in
``engine.authoring.lint.registry``; ``careplan lint`` (engine/cli/lint.py) prints them and
``careplan validate`` fails on the errors.

May import: every stage below authoring (it reads the loaded pack, never runs it).
"""

from __future__ import annotations

from engine.authoring.lint.finding import Finding, as_json, format_text
from engine.authoring.lint.registry import FILE_CHECKS, PACK_CHECKS, lint_loaded, lint_root

__all__ = ["FILE_CHECKS", "PACK_CHECKS", "Finding", "as_json", "format_text", "lint_loaded", "lint_root"]
