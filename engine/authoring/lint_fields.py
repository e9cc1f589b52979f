"""``careplan lint``'s checks of rule patterns against the pack's declared patient fields.

``lint.unknown-value``: a pattern's value is not one of the field's declared words (``smoking:
nevr``; hint: did you mean never); ``lint.out-of-range``: a pattern value or bound lies outside the
field's declared range. Located at the value in the rule file. The check itself is
``engine.pack.field_values``, which every pack load also runs (an unknown value is an error of
``careplan validate`` and ``generate``; out of range a warning).
"""

from __future__ import annotations

from engine.pack.field_values import field_value_findings as _findings
from engine.pack.load import Pack
from engine.source.diagnostics import Diagnostic


def field_value_findings(pack: Pack) -> list[Diagnostic]:
    """Every pattern value of the pack's rule files (drafts and retired ones too) outside its field's domain."""
    return _findings([*pack.sources, *pack.inactive], pack.schema)
