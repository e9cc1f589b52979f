"""Exposures in the default pack's patient file (issue 16, part 4), seen from the command line.

Pack-years and the quit date decide USPSTF 2021 lung cancer screening; radon, asbestos, silica and
secondhand smoke are declared fields that no USPSTF recommendation uses. A value outside a field's
range or of the wrong type is refused naming file:line:col and the field, without the value.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import cli

runner = CliRunner()


def _generate(tmp_path: Path, text: str) -> tuple[int, dict[str, object], str]:
    patient = tmp_path / "patient.yaml"
    patient.write_text(text, encoding="utf-8")
    result = runner.invoke(cli.app, ["generate", str(patient), "--format", "json"])
    plan = json.loads(result.stdout) if result.exit_code == 0 else {}
    return result.exit_code, plan, result.stderr


def _ids(plan: dict[str, object]) -> list[str]:
    recommendations = plan["recommendations"]
    assert isinstance(recommendations, list)
    return [r["id"] for r in recommendations]


def test_pack_years_out_of_range_is_refused_at_its_place_without_the_value(tmp_path: Path) -> None:
    code, _, err = _generate(tmp_path, "id: p1\ndemographics: {age: 60}\n"
                                       "lifestyle: {smoking: current, pack_years: 412}\n")
    assert code == 2
    assert "patient.yaml:3:43: error[patient.range] lifestyle.pack_years:" in err
    assert "412" not in err


def test_an_exposure_flag_must_be_true_or_false(tmp_path: Path) -> None:
    code, _, err = _generate(tmp_path, "id: p2\ndemographics: {age: 60}\nlifestyle: {asbestos_exposure: often}\n")
    assert code == 2
    assert "patient.yaml:3:32: error[patient.wrong-type] lifestyle.asbestos_exposure: expected true or false" in err
    assert "often" not in err


def test_radon_asbestos_and_secondhand_smoke_change_no_item(tmp_path: Path) -> None:
    base = ("id: p4\ndemographics: {age: 60, sex: male}\nvitals: {height_cm: 180, weight_kg: 80}\n"
            "lifestyle: {smoking: never")
    code, plain, _ = _generate(tmp_path, base + "}\n")
    assert code == 0 and "prevention.colorectal-screening" in _ids(plain)
    exposed = base + (", home_radon_pci_per_l: 9.5, asbestos_exposure: true, silica_exposure: true,"
                      " other_occupational_carcinogen: diesel-exhaust, secondhand_smoke: true}\n")
    code, plan, _ = _generate(tmp_path, exposed)
    assert code == 0
    assert _ids(plan) == _ids(plain)
    assert plan["data_gaps"] == plain["data_gaps"]
