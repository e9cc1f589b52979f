"""Which pack a command uses (CONTRACT v2, section 1): ``--pack``; else a ``pack.yaml`` in the current
directory or a parent (the checkout being edited); else the installed default. ``--verbose`` says
which, and the plan names it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from engine.pack.locate import PackOrigin, default_pack_root, find_pack
from tests.packs import rule_doc, write_pack

runner = CliRunner()
PATIENT = "id: p1\ndemographics: {age: 50}\n"


def _checkout(root: Path) -> Path:
    rule = rule_doc("t.adult", {"all": [{"patient": {"age": {"ge": 18}}}]})
    rule["tests"] = [{"name": "adult", "given": {"demographics": {"age": 40}}, "expect": "fires"},
                     {"name": "child", "given": {"demographics": {"age": 10}}, "expect": "does_not_fire"}]
    pack = write_pack(root, {"adult": rule})
    (pack / "pack.yaml").write_text("name: checkout\nversion: 1.2.3\n", encoding="utf-8")
    return pack


def test_a_command_in_a_checkout_uses_its_pack_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = _checkout(tmp_path / "work")
    (pack / "patient.yaml").write_text(PATIENT, encoding="utf-8")
    monkeypatch.chdir(pack / "rules")  # a subdirectory: the pack.yaml is in a parent
    result = runner.invoke(cli.app, ["generate", "../patient.yaml", "--format", "json", "--verbose"])
    assert result.exit_code == 0, result.stderr
    assert f"careplan: pack checkout 1.2.3 at {pack.resolve()}" in result.stderr
    plan = json.loads(result.stdout)
    assert (plan["pack"]["name"], plan["pack"]["version"]) == ("checkout", "1.2.3")
    assert [r["id"] for r in plan["recommendations"]] == ["t.adult"]
    validated = runner.invoke(cli.app, ["validate", "--verbose"])
    assert validated.exit_code == 0, validated.stderr
    assert f"careplan: pack checkout 1.2.3 at {pack.resolve()}" in validated.stderr
    assert "2/2 inline tests passed" in validated.stdout


def test_pack_option_comes_before_the_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checkout, other = _checkout(tmp_path / "work"), _checkout(tmp_path / "other")
    (other / "pack.yaml").write_text("name: other\nversion: 0.0.9\n", encoding="utf-8")
    monkeypatch.chdir(checkout)
    assert find_pack(None).root == checkout.resolve() and find_pack(None).origin is PackOrigin.CHECKOUT
    assert find_pack(other).origin is PackOrigin.OPTION
    result = runner.invoke(cli.app, ["--verbose", "schema", "rule", "--pack", str(other)])
    assert result.exit_code == 0, result.stderr
    assert f"careplan: pack other 0.0.9 at {other.resolve()}" in result.stderr


def test_outside_any_checkout_the_default_pack_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not any((folder / "pack.yaml").exists() for folder in (tmp_path, *tmp_path.parents))
    (tmp_path / "patient.yaml").write_text(PATIENT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert find_pack(None).origin is PackOrigin.DEFAULT
    result = runner.invoke(cli.app, ["generate", "patient.yaml", "--format", "json", "--verbose"])
    assert result.exit_code == 0, result.stderr
    assert f"at {default_pack_root().resolve()}" in result.stderr
    assert json.loads(result.stdout)["pack"]["name"] == "default"


def test_without_verbose_nothing_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = _checkout(tmp_path / "work")
    (pack / "patient.yaml").write_text(PATIENT, encoding="utf-8")
    monkeypatch.chdir(pack)
    loud = runner.invoke(cli.app, ["generate", "patient.yaml", "--verbose"])
    assert "careplan: pack checkout" in loud.stderr
    quiet = runner.invoke(cli.app, ["generate", "patient.yaml"])
    assert quiet.exit_code == 0 and "careplan: pack" not in quiet.stderr
