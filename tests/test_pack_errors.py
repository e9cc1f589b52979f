"""A bad pack is refused with every problem located (file, line, column) in one load, with hints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.compile.compiler import compile_pack
from engine.pack.load import load_pack
from engine.source.diagnostics import Diagnostic, DiagnosticError
from tests.packs import rule_doc, write_pack

TESTS = """tests:
  - {name: a, given: {}, expect: fires}
  - {name: b, given: {}, expect: does_not_fire}
"""
MANY_PROBLEMS = """id: t.bad
titel: Bad rule
title: A bad rule
version: 1
evidence: {source: test, citation: test}
table:
  file: knowledge/missing.csv
  key: [x]
  columns: {x: text}
when:
  all:
    - lab: {name: egfr, value: {gt: high}}
then:
  - recommend: {category: monitoring, action: monitor, text: hi}
""" + TESTS


def _errors(root: Path) -> list[Diagnostic]:
    with pytest.raises(DiagnosticError) as caught:
        load_pack(root)
    return caught.value.diagnostics


def _by_code(diagnostics: list[Diagnostic], code: str) -> Diagnostic:
    found = [d for d in diagnostics if d.code == code]
    assert found, f"no {code} in:\n" + "\n".join(d.format() for d in diagnostics)
    return found[0]


def test_several_problems_in_one_file_are_all_reported_with_lines(tmp_path: Path) -> None:
    diagnostics = _errors(write_pack(tmp_path, {"bad": MANY_PROBLEMS}))
    unknown = _by_code(diagnostics, "schema.unknown-key")
    version = _by_code(diagnostics, "schema.wrong-type")
    table = _by_code(diagnostics, "ref.unknown-table")
    value = _by_code(diagnostics, "when.wrong-type")
    assert (unknown.location.line, version.location.line, table.location.line, value.location.line) == (2, 4, 7, 12)
    for found in (unknown, version, table, value):
        assert found.location.path == "rules/bad.yaml"
        assert found.location.col > 0
        assert found.rule_id == "t.bad"
    assert unknown.hint is not None and "'title'" in unknown.hint
    assert version.field_path == "version"
    assert "missing.csv" in table.message


def test_problems_in_several_files_come_in_one_report(tmp_path: Path) -> None:
    rules: dict[str, Any] = {
        "a": MANY_PROBLEMS,
        "b": rule_doc("t.b", {"all": [{"lab": {"valeu": {"gt": 3}}}]}),
        "c": rule_doc("t.c", {"all": [{"medication": {"status": {"gte": 3}}}]}),
    }
    diagnostics = _errors(write_pack(tmp_path, rules))
    assert {d.location.path for d in diagnostics} == {"rules/a.yaml", "rules/b.yaml", "rules/c.yaml"}
    assert all(d.location.line > 0 for d in diagnostics)
    assert len(diagnostics) >= 6


@pytest.mark.parametrize(("pattern", "code", "suggestion"), [
    ({"labb": {"name": "egfr"}}, "ref.unknown-fact-type", "'lab'"),
    ({"blood_presure": {}}, "ref.unknown-fact-type", "'blood_pressure'"),
    ({"lab": {"valeu": {"gt": 3}}}, "ref.unknown-field", "'value'"),
    ({"medication": {"nmae": "clopidogrel"}}, "ref.unknown-field", "'name'"),
    ({"lab": {"value": {"gte": 3}}}, "when.unknown-operator", "'ge'"),
])
def test_unknown_names_get_a_did_you_mean_hint(tmp_path: Path, pattern: dict[str, Any], code: str,
                                               suggestion: str) -> None:
    diagnostics = _errors(write_pack(tmp_path, {"r": rule_doc("t.r", {"all": [pattern]})}))
    found = _by_code(diagnostics, code)
    assert found.hint is not None and "did you mean" in found.hint and suggestion in found.hint
    assert found.location.line > 0


def test_unknown_alias_and_derived_type_get_hints(tmp_path: Path) -> None:
    rules = {"r": rule_doc("t.r", {"all": [{"lab": {"as": "labs"}}, {"lab": {"value": {"gt": {"ref": "lab.value"}}}}]},
                           [{"assert": {"findng": {"code": "x"}}}])}
    fact_types = {"finding": {"label": "finding {code}", "fields": {"code": "text"}}}
    diagnostics = _errors(write_pack(tmp_path, rules, fact_types))
    alias = _by_code(diagnostics, "ref.unknown-alias")
    assert alias.hint is not None and "'labs'" in alias.hint
    derived = _by_code(diagnostics, "ref.unknown-fact-type")
    assert derived.hint is not None and "'finding'" in derived.hint


@pytest.mark.parametrize(("text", "line", "col"), [
    ("id: t.dup\ntitle: one\ntitle: two\n", 3, 1),
    ("id: t.dup\ntitle: x\nwhen:\n  all:\n    - lab: {name: egfr, name: hba1c_percent}\n", 5, 25),
])
def test_duplicate_keys_are_refused_with_a_location(tmp_path: Path, text: str, line: int, col: int) -> None:
    diagnostics = _errors(write_pack(tmp_path, {"dup": text}))
    found = _by_code(diagnostics, "source.duplicate-key")
    assert (found.location.path, found.location.line, found.location.col) == ("rules/dup.yaml", line, col)


def test_a_syntax_error_is_located(tmp_path: Path) -> None:
    diagnostics = _errors(write_pack(tmp_path, {"broken": "id: t.x\nwhen: {all: [\n"}))
    found = _by_code(diagnostics, "source.syntax")
    assert found.location.path == "rules/broken.yaml" and found.location.line > 0


def test_duplicate_rule_ids_name_the_first_use(tmp_path: Path) -> None:
    doc = rule_doc("t.same", {"all": [{"lab": {}}]})
    diagnostics = _errors(write_pack(tmp_path, {"a": doc, "b": doc}))
    found = _by_code(diagnostics, "ref.duplicate-id")
    assert found.location.path == "rules/b.yaml" and "rules/a.yaml" in found.message


def test_a_rule_needs_both_kinds_of_test(tmp_path: Path) -> None:
    doc = rule_doc("t.r", {"all": [{"lab": {}}]})
    doc["tests"] = [{"name": "only fires", "given": {}, "expect": "fires"}]
    found = _by_code(_errors(write_pack(tmp_path, {"r": doc})), "test.missing")
    assert "does_not_fire" in found.message


def test_negation_cycles_are_refused(tmp_path: Path) -> None:
    fact_types = {"finding": {"label": "finding {code}", "fields": {"code": "text"}}}
    rules = {"r": rule_doc("t.r", {"all": [{"lab": {}}], "none": [{"finding": {"code": "x"}}]},
                           [{"assert": {"finding": {"code": "x"}}}])}
    pack = load_pack(write_pack(tmp_path, rules, fact_types))
    with pytest.raises(DiagnosticError) as caught:
        compile_pack(pack)
    assert caught.value.diagnostics[0].code == "compile.negation-cycle"
    assert caught.value.diagnostics[0].location.line > 0


def test_a_good_pack_loads(tmp_path: Path) -> None:
    pack = load_pack(write_pack(tmp_path, {"r": rule_doc("t.r", {"all": [{"lab": {"value": {"gt": 3}}}]})}))
    assert [r.id for r in pack.rules] == ["t.r"]
