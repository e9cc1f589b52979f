"""Rule tests that live beside the rules: ``rules/**/<name>.tests.yaml``.

A sidecar file is a list of tests, each an inline test (``name``, ``given``, ``expect``, optional
``row``) that also names the rule it tests (``rule:``). Generated tests go here (the one-gene table's
rows, ``tools/one_gene_row_tests.py``), so a rule file stays readable. Every problem is located:
a test that is not a test, a rule id the pack does not have (with a did-you-mean), a row that is not
a row of the rule's table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from engine.lang.model import SidecarTestSpec
from engine.pack.load import Pack
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, did_you_mean
from engine.source.document import SourceDoc, load_file
from engine.source.pydantic_errors import diagnostics_from

SIDECAR_SUFFIX = ".tests.yaml"


@dataclass(frozen=True)
class SidecarTest:
    spec: SidecarTestSpec
    doc: SourceDoc
    index: int  # position in the file's list

    @property
    def location(self) -> Location:
        return self.doc.locate([self.index])


def sidecar_files(root: Path) -> list[Path]:
    folder = root / "rules"
    return sorted(p for p in folder.rglob(f"*{SIDECAR_SUFFIX}") if p.is_file()) if folder.is_dir() else []


def _known_ids(pack: Pack) -> tuple[set[str], set[str]]:
    """Ids of compiled rule files, and of the files checked but not compiled (retired, drafts)."""
    return {s.spec.id for s in pack.sources}, {s.spec.id for s in pack.inactive}


def _check(test: SidecarTest, pack: Pack, diagnostics: list[Diagnostic]) -> bool:
    """True when the test names a compiled rule (and, with ``row``, one of its rows)."""
    active, inactive = _known_ids(pack)
    rule_id = test.spec.rule
    if rule_id in inactive:
        return False  # the rule is not compiled: like its inline tests, these are not run
    if rule_id not in active:
        diagnostics.append(Diagnostic(test.doc.locate([test.index, "rule"]), "test.unknown-rule",
                                      f"no rule file of the pack has the id '{rule_id}'", rule_id=rule_id,
                                      hint=did_you_mean(rule_id, active), field_path=f"[{test.index}].rule"))
        return False
    return True


def load_sidecars(pack: Pack) -> list[SidecarTest]:
    """Every sidecar test of the pack whose rule is compiled; raises DiagnosticError on bad files."""
    diagnostics: list[Diagnostic] = []
    found: list[SidecarTest] = []
    for path in sidecar_files(pack.root):
        display = path.relative_to(pack.root).as_posix()
        try:
            doc = load_file(path, display)
        except DiagnosticError as exc:
            diagnostics.extend(exc.diagnostics)
            continue
        if not isinstance(doc.data, list):
            diagnostics.append(Diagnostic(doc.locate([]), "schema.wrong-type",
                                          "a tests file is a list of tests, each naming its 'rule'",
                                          hint="start each test with '- rule: <rule id>'"))
            continue
        for index, item in enumerate(doc.data):
            try:
                spec = SidecarTestSpec.model_validate(item)
            except ValidationError as exc:
                diagnostics.extend(diagnostics_from(exc, doc, SidecarTestSpec, prefix=(index,)))
                continue
            test = SidecarTest(spec, doc, index)
            if _check(test, pack, diagnostics):
                found.append(test)
    if diagnostics:
        raise DiagnosticError(diagnostics)
    return found
