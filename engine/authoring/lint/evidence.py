"""``lint.missing-strength``: a rule that recommends with no strength of evidence anywhere.

Evidence itself (``source``, ``citation``) and inline tests (one that fires, one that does not)
are required when a rule file loads (``schema.missing``, ``test.missing``), so lint looks for what
loading allows: an active rule whose recommendation has no ``strength`` of its own and whose
evidence has none either, so the plan shows a recommendation with no grading.
"""

from __future__ import annotations

from engine.authoring.lint.finding import Finding, finding
from engine.pack.load import Pack
from engine.source.diagnostics import Severity


def missing_strength(pack: Pack) -> list[Finding]:
    found: list[Finding] = []
    for source in pack.sources:
        if source.spec.status != "active" or source.spec.evidence.strength is not None:
            continue
        for rule in source.rules:
            ungraded = [i for i, a in enumerate(rule.actions)
                        if a.recommend is not None and a.recommend.strength is None]
            if ungraded:
                found.append(finding(
                    source.doc.locate(["then", ungraded[0], "recommend"]), "missing-strength",
                    "the rule recommends, but neither the recommendation nor the evidence gives a strength",
                    severity=Severity.WARNING, rule_id=source.spec.id,
                    hint="add the guideline's grading as evidence.strength or recommend.strength"))
                break
    return found
