"""docs/patient-fields.md is generated from the default pack's field declarations and kept current."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

import cli

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def test_the_committed_page_is_what_careplan_fields_prints() -> None:
    result = runner.invoke(cli.app, ["fields", "--pack", str(ROOT)])
    assert result.exit_code == 0, result.stderr
    assert "| `smoking` | one-of | current / former / never |" in result.stdout
    committed = (ROOT / "docs" / "patient-fields.md").read_text(encoding="utf-8")
    assert committed == result.stdout, "regenerate it: careplan fields > docs/patient-fields.md"


def test_a_pack_with_its_own_field_lists_it_and_a_broken_declaration_is_exit_2(tmp_path: Path) -> None:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "fields.yaml").write_text(
        "lifestyle:\n  fields:\n    pack_years: {type: number, unit: pack-years, range: [0, 300]}\n", encoding="utf-8")
    listed = runner.invoke(cli.app, ["fields", "--pack", str(tmp_path)])
    assert listed.exit_code == 0, listed.stderr
    assert "| `pack_years` | number | 0..300 pack-years |" in listed.stdout and "`smoking`" not in listed.stdout
    (knowledge / "fields.yaml").write_text("lifestyle:\n  fields:\n    pack_years: {type: numbr}\n", encoding="utf-8")
    broken = runner.invoke(cli.app, ["fields", "--pack", str(tmp_path)])
    assert broken.exit_code == 2
    assert "knowledge/fields.yaml:3:24: error[fields.bad-value] lifestyle.fields.pack_years.type:" in broken.stderr
