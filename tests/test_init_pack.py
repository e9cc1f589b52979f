"""``careplan init`` and pack extension: an institution's pack that extends another by rule id."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

import cli
from engine.generator import Generator
from engine.pack.extend import overrides
from engine.pack.load import load_pack
from engine.pack.locate import default_pack_root
from engine.patient.loader import parse_patient
from tests.packs import rule_doc, write_pack

runner = CliRunner()
HIGH_AGE = {"all": [{"patient": {"age": {"ge": 50}}}]}


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _says(rule_id: str, text: str) -> dict[str, object]:
    return rule_doc(rule_id, HIGH_AGE, [{"recommend": {"category": "monitoring", "action": "monitor", "text": text}}])


def _texts(root: Path) -> list[str]:
    patient = parse_patient("id: p\ndemographics: {age: 60, sex: female}\n", "p.yaml")
    return [r.text for r in Generator(root).run(patient).plan.recommendations]


def _extending(root: Path, extends: str, rules: dict[str, object]) -> Path:
    (root / "rules").mkdir(parents=True)
    (root / "pack.yaml").write_text(f"name: local\nversion: 0.1.0\nextends: {extends}\n", encoding="utf-8")
    for name, body in rules.items():
        (root / "rules" / f"{name}.yaml").write_text(yaml.safe_dump(body, sort_keys=False), encoding="utf-8")
    return root


def test_init_scaffolds_a_pack_that_validates_and_overrides_a_default_rule(tmp_path: Path) -> None:
    target = tmp_path / "st-elsewhere"
    code, out, err = run("init", str(target))
    assert (code, err) == (0, "")
    assert "it overrides lifestyle.alcohol-men" in out
    assert yaml.safe_load((target / "pack.yaml").read_text())["extends"] == "default"
    code, out, err = run("validate", "--pack", str(target))
    assert code == 0, err
    assert "inline tests passed" in out
    passed, total = out.rsplit(", ", 1)[-1].split(" ")[0].split("/")
    assert passed == total
    example = target / "examples" / "man-drinking-above-limit.yaml"
    code, out, err = run("generate", str(example), "--pack", str(target), "--format", "json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["pack"]["name"] == "st-elsewhere"
    assert plan["pack"]["data_versions"]  # inherited from the default pack
    alcohol = next(r for r in plan["recommendations"] if r["id"] == "lifestyle.alcohol-reduction")
    assert alcohol["text"].endswith("Offer a referral to st-elsewhere's alcohol support service.")
    assert [(b["rule"], b["source"].split(":")[0]) for b in alcohol["because"]] == [
        ("lifestyle.alcohol-men", "rules/lifestyle/alcohol-men.yaml")]
    ids = [r["id"] for r in plan["recommendations"]]
    assert "lifestyle.smoking-cessation" in ids  # the default's rules are inherited ...
    assert "local.st-elsewhere.stop-smoking-service" in ids  # ... and the new rule adds
    loaded = load_pack(target)
    assert [(rule_id, str(at)) for rule_id, at in overrides(loaded)] == [
        ("lifestyle.alcohol-men", "rules/lifestyle/alcohol-men.yaml:2:5")]


def test_the_default_rule_is_not_loaded_beside_its_override(tmp_path: Path) -> None:
    target = tmp_path / "local"
    assert run("init", str(target), "--name", "local")[0] == 0
    rules = load_pack(target).rules
    men = [r for r in rules if r.id == "lifestyle.alcohol-men"]
    assert len(men) == 1 and men[0].source.path == "rules/lifestyle/alcohol-men.yaml"


def test_init_refuses_a_directory_with_files_and_a_bad_name(tmp_path: Path) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = run("init", str(tmp_path / "full"))
    assert code == 2 and "the directory exists and is not empty" in err
    assert (tmp_path / "full" / "notes.txt").read_text() == "mine"
    code, _, err = run("init", str(tmp_path / "new"), "--name", "Bad Name")
    assert code == 2 and "--name: error[usage.bad-name]" in err and not (tmp_path / "new").exists()


def test_a_path_extends_overrides_by_id_adds_new_ids_and_follows_base_edits(tmp_path: Path) -> None:
    base = write_pack(tmp_path / "base", {"a": _says("t.a", "base a"), "b": _says("t.b", "base b")})
    local = _extending(tmp_path / "local", "../base", {"mine": _says("t.a", "local a"), "new": _says("t.c", "new c")})
    assert sorted(_texts(base)) == ["base a", "base b"]
    assert sorted(_texts(local)) == ["base b", "local a", "new c"]
    (base / "rules" / "b.yaml").write_text(yaml.safe_dump(_says("t.b", "edited b")), encoding="utf-8")
    assert sorted(_texts(local)) == ["edited b", "local a", "new c"]  # the base's edit reaches the extending pack
    assert [rule_id for rule_id, _ in overrides(load_pack(local))] == ["t.a"]
    assert overrides(load_pack(base)) == []


def test_a_bad_extends_and_a_cycle_are_located_errors(tmp_path: Path) -> None:
    _extending(tmp_path / "lost", "../nowhere", {"a": _says("t.a", "a")})
    code, _, err = run("validate", "--pack", str(tmp_path / "lost"))
    assert code == 2
    assert "pack.yaml:3:10: error[pack.bad-extends] extends '../nowhere', which is not a rule pack" in err
    _extending(tmp_path / "one", "../two", {"a": _says("t.a", "a")})
    _extending(tmp_path / "two", "../one", {"b": _says("t.b", "b")})
    code, _, err = run("validate", "--pack", str(tmp_path / "one"))
    assert code == 2 and "error[pack.extends-cycle]" in err and "Traceback" not in err


def test_diff_of_the_default_pack_and_an_init_pack_shows_the_local_changes(tmp_path: Path) -> None:
    target = tmp_path / "local"
    assert run("init", str(target), "--name", "local")[0] == 0
    code, out, err = run("diff", str(default_pack_root()), str(target), "--cohort", str(target / "examples"))
    assert (code, err) == (0, "")
    assert "1 patients compared, 1 plan changes" in out
    assert "    + local.local.stop-smoking-service: refer, expert-opinion: Refer current smokers to local's" in out
    changed = out.split("    ~ lifestyle.alcohol-reduction\n", 1)[1].splitlines()[0]
    assert changed == ("        text: ...olic pressure in hypertension. -> "
                       "...olic pressure in hypertension. Offer a referral to local's alcohol support service.")
