"""``lint.overridden``: an info finding for each rule of a base pack that this pack replaces by id.

An institution's pack that ``extends`` another may replace a base rule by giving its own file the
same id; that is meant, but a reader should see it. The list of overrides comes from the pack
extension (``engine.pack.extend.overrides``), handed in, so this module does not depend on it:
``overridden(overrides)`` is the check to register.
"""

from __future__ import annotations

from collections.abc import Callable

from engine.authoring.lint.finding import Finding, finding
from engine.pack.load import Pack
from engine.source.diagnostics import Location, Severity

Overrides = Callable[[Pack], list[tuple[str, Location]]]


def overridden(overrides: Overrides) -> Callable[[Pack], list[Finding]]:
    """The check reporting every (rule id, where its replacement's id is written) ``overrides`` gives."""
    def check(pack: Pack) -> list[Finding]:
        return [finding(location, "overridden", "this rule replaces the base pack's rule of the same id",
                        severity=Severity.INFO, rule_id=rule_id,
                        hint="intended for a local change; give the rule a new id to add one instead")
                for rule_id, location in overrides(pack)]
    check.__name__ = "overridden"
    return check
