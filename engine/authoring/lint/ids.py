"""``lint.duplicate-id`` and ``lint.id-path``: rule ids read from the files themselves.

These work on the pack's folder, not the loaded pack, so that ``careplan lint`` reports every
file of a duplicated id (loading stops at the second one). The convention, from the shipped pack
(every one of its rules follows it): a rule's id is its path under ``rules/`` without ``.yaml``,
with ``/`` written ``.``; ``bp.already-taking`` lives in ``rules/bp/already-taking.yaml``. Sidecar
test files (``*.tests.yaml``) hold no rule and are skipped.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from engine.authoring.lint.finding import Finding, finding
from engine.source.diagnostics import DiagnosticError, Location, Severity
from engine.source.document import load_file

TESTS_SUFFIX = ".tests.yaml"


def expected_id(display: str) -> str:
    """The id a rule file at ``display`` (``rules/bp/already-taking.yaml``) is expected to have."""
    return display.removeprefix("rules/").removesuffix(".yaml").replace("/", ".")


def rule_ids(root: Path) -> list[tuple[str, Location]]:
    """The id each rule file declares, with where; files that do not read as YAML are the loader's to report."""
    found: list[tuple[str, Location]] = []
    for path in sorted((root / "rules").rglob("*.yaml")):
        if path.name.endswith(TESTS_SUFFIX) or not path.is_file():
            continue
        display = path.relative_to(root).as_posix()
        try:
            doc = load_file(path, display)
        except DiagnosticError:
            continue
        rule_id = doc.data.get("id") if isinstance(doc.data, dict) else None
        if isinstance(rule_id, str):
            found.append((rule_id, doc.locate(["id"])))
    return found


def duplicate_ids(root: Path) -> list[Finding]:
    where: dict[str, list[Location]] = defaultdict(list)
    for rule_id, location in rule_ids(root):
        where[rule_id].append(location)
    found: list[Finding] = []
    for rule_id, locations in sorted(where.items()):
        for location in locations if len(locations) > 1 else []:
            others = ", ".join(str(other) for other in locations if other != location)
            found.append(finding(location, "duplicate-id", f"the id is also used at {others}", rule_id=rule_id,
                                 hint="give each rule its own id (its path under rules/)"))
    return found


def id_matches_path(root: Path) -> list[Finding]:
    found: list[Finding] = []
    for rule_id, location in rule_ids(root):
        expected = expected_id(location.path)
        if rule_id != expected:
            found.append(finding(
                location, "id-path", f"the id does not match the file's path (expected '{expected}')",
                severity=Severity.WARNING, rule_id=rule_id,
                hint=f"move the file to rules/{rule_id.replace('.', '/')}.yaml, or set 'id: {expected}'"))
    return found
