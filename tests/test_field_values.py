"""Rule patterns are checked against the declared domain of every field they test.

``smoking: nevr`` under ``none:`` once silently disabled an exclusion (the pattern can never
match, so nothing is ever excluded): it is now exit 2 of ``careplan validate``, located at the
value, with a did-you-mean. A bound outside a field's declared range is a located warning.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import cli
from engine.authoring.lint_fields import field_value_findings
from engine.pack.load import load_pack
from engine.source.package_files import default_pack_root
from tests.packs import rule_doc, write_pack

runner = CliRunner()


def _where(path: Path, word: str) -> str:
    """``rules/x.yaml:LINE:COL`` of the first ``word`` in a rule file, as a located diagnostic names it."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if word in line:
            return f"rules/{path.name}:{number}:{line.index(word) + 1}"
    raise AssertionError(f"{word} is not in {path}")


def _validate(pack: Path) -> tuple[int, str]:
    result = runner.invoke(cli.app, ["validate", str(pack)])
    return result.exit_code, result.stderr


def test_a_misspelt_word_under_none_is_exit_2_at_the_value(tmp_path: Path) -> None:
    rule = rule_doc("t.exclusion", {"all": [{"patient": {"age": {"ge": 40}}}],
                                    "none": [{"lifestyle": {"smoking": "nevr"}}]})
    pack = write_pack(tmp_path, {"exclusion": rule})
    code, err = _validate(pack)
    assert code == 2
    at = _where(pack / "rules" / "exclusion.yaml", "nevr")
    assert (f"{at}: error[lint.unknown-value] t.exclusion: 'nevr' is not a value of "
            "lifestyle.smoking (current, former, never)") in err
    assert "hint: did you mean 'never'?" in err


def test_the_same_rule_spelt_right_validates(tmp_path: Path) -> None:
    rule = rule_doc("t.exclusion", {"all": [{"patient": {"age": {"ge": 40}}}],
                                    "none": [{"lifestyle": {"smoking": "never"}}]})
    rule["tests"] = [{"name": "a smoker", "given": {"demographics": {"age": 50}, "lifestyle": {"smoking": "current"}},
                      "expect": "fires"},
                     {"name": "excluded", "given": {"demographics": {"age": 50}, "lifestyle": {"smoking": "never"}},
                      "expect": "does_not_fire"}]
    code, err = _validate(write_pack(tmp_path, {"exclusion": rule}))
    assert code == 0, err


def test_a_lab_name_and_its_range_are_checked_by_the_name(tmp_path: Path) -> None:
    """Both are warnings: the names of a per-field type are the declared fields, which may be outgrown."""
    rules = {"typo": rule_doc("t.typo", {"all": [{"lab": {"name": "egrf", "value": {"lt": 30}}}]}),
             "range": rule_doc("t.range", {"all": [{"lab": {"name": "egfr", "value": {"lt": 0.5}}}]}),
             "fine": rule_doc("t.fine", {"all": [{"lab": {"name": "egfr", "value": {"between": [15, 29]}}}]})}
    assert field_value_findings(load_pack(write_pack(tmp_path / "fine", {"fine": rules["fine"]}))) == []
    pack = write_pack(tmp_path / "all", rules)
    shown = "\n".join(d.format() for d in field_value_findings(load_pack(pack)))
    typo, bound = _where(pack / "rules" / "typo.yaml", "egrf"), _where(pack / "rules" / "range.yaml", "0.5")
    assert f"{typo}: warning[lint.unknown-value] t.typo: 'egrf' is not a value of lab.name" in shown
    assert "did you mean 'egfr'?" in shown
    assert (f"{bound}: warning[lint.out-of-range] t.range: 0.5 is outside the declared range of "
            "lab.value (1..200 mL/min/1.73m2)") in shown
    assert len(shown.splitlines()) == 4  # two findings, each with its hint


def test_the_default_pack_has_no_pattern_outside_its_fields() -> None:
    pack = load_pack(default_pack_root())
    assert pack.schema.types["lifestyle"].domains["smoking"].values == ("current", "former", "never")
    assert field_value_findings(pack) == []
