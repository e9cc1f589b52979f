"""The registry of lint checks, and running them.

To register a check, import it and add it to ``PACK_CHECKS`` (a function of the loaded pack) or to
``FILE_CHECKS`` (a function of the pack's folder, run even when the pack does not load). The checks
other parts of careplan deliver go in like this (an import and one line in ``PACK_CHECKS`` each):

    from engine.authoring.citations import citation_findings         # citation_findings,
    from engine.pack.extend import overrides                          # overridden(overrides),
    from engine.authoring.lint.overridden import overridden

The declared-field checks (``lint.unknown-value``, ``lint.out-of-range``) run in the pack loader
itself (``engine.pack.field_values``), so every command refuses a pattern that can never match;
their warnings reach lint through ``pack.warnings`` and are not registered twice here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from engine.authoring.citations import citation_findings
from engine.authoring.lint.bands import band_findings
from engine.authoring.lint.bounds import contradictory_bounds
from engine.authoring.lint.evidence import missing_strength
from engine.authoring.lint.fact_flow import never_produced, unused_fact_types, unused_knowledge
from engine.authoring.lint.finding import Finding
from engine.authoring.lint.ids import duplicate_ids, id_matches_path
from engine.authoring.lint.one_fact import same_fact_twice
from engine.authoring.lint.overridden import overridden
from engine.authoring.lint.version_bump import version_not_bumped
from engine.pack.extend import overrides
from engine.pack.load import Pack, load_pack
from engine.source.diagnostics import DiagnosticError

PackCheck = Callable[[Pack], list[Finding]]
FileCheck = Callable[[Path], list[Finding]]

PACK_CHECKS: tuple[PackCheck, ...] = (
    contradictory_bounds,
    never_produced,
    unused_fact_types,
    unused_knowledge,
    band_findings,
    same_fact_twice,
    missing_strength,
    version_not_bumped,
    overridden(overrides),
    citation_findings,
)

FILE_CHECKS: tuple[FileCheck, ...] = (
    duplicate_ids,
    id_matches_path,
)

# the loader's own report of what a file check reports better (at every place, not the second)
_SUPERSEDED = {"ref.duplicate-id"}


def lint_loaded(pack: Pack) -> list[Finding]:
    """Every check on a pack that loaded (``careplan validate`` runs this)."""
    found: list[Finding] = []
    for file_check in FILE_CHECKS:
        found += file_check(pack.root)
    for check in PACK_CHECKS:
        found += check(pack)
    return found


def lint_root(root: Path, *, include_drafts: bool | None = None) -> list[Finding]:
    """Lint the pack at ``root``: the loader's problems when it does not load (and the file checks),
    else the loader's warnings and every check."""
    try:
        pack = load_pack(root, include_drafts=include_drafts)
    except DiagnosticError as exc:
        found = [d for d in exc.diagnostics if d.code not in _SUPERSEDED]
        if (root / "rules").is_dir() and not any(d.code == "pack.link-outside" for d in found):
            for file_check in FILE_CHECKS:
                found += file_check(root)
        return found
    return pack.warnings + lint_loaded(pack)
