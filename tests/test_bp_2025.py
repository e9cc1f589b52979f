"""The 2025 AHA/ACC blood-pressure guideline as the default pack, the 2017 ACC/AHA rules as a pack a user
chooses (``--pack packs/acc-aha-2017``), and the ``replaces:`` key of pack.yaml that makes that possible."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import cli
from engine.generator import Generator
from engine.pack.load import load_pack
from engine.pack.locate import default_pack_root
from engine.patient.loader import parse_patient
from engine.plan.model import Plan
from tests.packs import rule_doc, write_pack

runner = CliRunner()
PACK_2017 = default_pack_root() / "packs" / "acc-aha-2017"
ANY_AGE = {"all": [{"patient": {"age": {"ge": 0}}}]}


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def generator_2017() -> Generator:
    return Generator(PACK_2017)


def _plan(generator: Generator, text: str) -> Plan:
    return generator.run(parse_patient(text, "p.yaml")).plan


def _category(plan: Plan) -> str:
    return next(str(a.value) for a in plan.assessments if a.kind == "bp-category")


def _rec_ids(plan: Plan) -> list[str]:
    return [r.id for r in plan.recommendations]


# --- replaces: ---------------------------------------------------------------------------------------

def _says(rule_id: str) -> dict[str, object]:
    return rule_doc(rule_id, ANY_AGE, [{"recommend": {"category": "monitoring", "action": "monitor",
                                                      "text": f"{rule_id} fired"}}])


def _base_and_local(tmp_path: Path, replaces: str | None) -> Path:
    base = tmp_path / "base"
    write_pack(base, {}, files={"rules/bp/a.yaml": yaml.safe_dump(_says("t.bp-a")),
                                "rules/bp/b.yaml": yaml.safe_dump(_says("t.bp-b")),
                                "rules/other/c.yaml": yaml.safe_dump(_says("t.other-c"))})
    local = tmp_path / "local"
    meta = "name: local\nversion: 0.1.0\nextends: ../base\n" + (f"replaces: {replaces}\n" if replaces else "")
    write_pack(local, {}, files={"rules/bp/mine.yaml": yaml.safe_dump(_says("t.bp-mine"))})
    (local / "pack.yaml").write_text(meta, encoding="utf-8")
    return local


def _texts(root: Path) -> list[str]:
    patient = parse_patient("id: p\ndemographics: {age: 60, sex: female}\n", "p.yaml")
    return sorted(r.text for r in Generator(root).run(patient).plan.recommendations)


def test_without_replaces_the_base_folder_is_inherited_beside_the_packs_own(tmp_path: Path) -> None:
    # the case replaces: is for: the base's rules of the domain fire beside the pack's own
    local = _base_and_local(tmp_path, None)
    assert _texts(local) == ["t.bp-a fired", "t.bp-b fired", "t.bp-mine fired", "t.other-c fired"]


def test_replaces_drops_every_base_file_under_the_folder_and_keeps_the_rest(tmp_path: Path) -> None:
    local = _base_and_local(tmp_path, "[rules/bp]")
    assert _texts(local) == ["t.bp-mine fired", "t.other-c fired"]


@pytest.mark.parametrize(("value", "message"), [
    ("rules/bp", "pack.yaml:4:11: error[pack.bad-replaces] replaces must be a list of folders of the base pack"),
    ("[../rules]", "pack.yaml:4:12: error[pack.bad-replaces] replaces: '../rules' is not a folder under rules/"),
    ("[rules]", "pack.yaml:4:12: error[pack.bad-replaces] replaces: 'rules' is not a folder under rules/"),
    ("[rules/nowhere]",
     "pack.yaml:4:12: error[pack.bad-replaces] replaces: the base pack has no folder 'rules/nowhere'"),
    ("[3]", "pack.yaml:4:12: error[pack.bad-replaces] replaces: each entry is a folder path (text)"),
])
def test_a_bad_replaces_is_a_located_error_and_exit_2(tmp_path: Path, value: str, message: str) -> None:
    local = _base_and_local(tmp_path, value)
    patient = tmp_path / "p.yaml"
    patient.write_text("id: p\ndemographics: {age: 60}\n", encoding="utf-8")
    code, _, err = run("generate", str(patient), "--pack", str(local))
    assert code == 2
    assert message in err
    assert "Traceback" not in err


# --- the 2017 pack ----------------------------------------------------------------------------------

def test_the_2017_pack_has_exactly_its_own_bp_rules() -> None:
    own = sorted(p.stem for p in (PACK_2017 / "rules" / "bp").glob("*.yaml"))
    assert "stage1-ascvd-risk-medicine" in own and "uacr-testing" not in own
    loaded = load_pack(PACK_2017)
    bp_files = sorted(Path(r.source.path).stem for r in loaded.rules if r.source.path.startswith("rules/bp/"))
    assert sorted(set(bp_files)) == own  # no 2025 rule (uacr-testing, pregnancy-aspirin, ...) is inherited
    assert any(r.source.path.startswith("rules/pgx/") for r in loaded.rules)  # the other domains are
    assert loaded.meta.name == "acc-aha-2017"


def test_severe_hypertension_is_the_2025_name_and_hypertensive_crisis_2017s(
        default_generator: Generator, generator_2017: Generator) -> None:
    patient = "id: p\ndemographics: {age: 60}\nvitals: {blood_pressure: [{systolic: 186, diastolic: 100}]}\n"
    plan_2025 = _plan(default_generator, patient)
    # The assessment's value keeps the contract's word (docs/contract.md, section 3: ACC/AHA 2017's
    # words, so a receiving system acting on it keeps working); the 2025 name is its guideline term
    # and the words of the urgent warning.
    assert _category(plan_2025) == "hypertensive crisis"
    category = next(a for a in plan_2025.assessments if a.kind == "bp-category")
    assert category.details["guideline term"] == "severe hypertension"
    assert any("severe hypertension" in w.text.lower() and w.severity == "urgent" for w in plan_2025.warnings)
    plan_2017 = _plan(generator_2017, patient)
    assert _category(plan_2017) == "hypertensive crisis"
    assert "guideline term" not in next(a for a in plan_2017.assessments if a.kind == "bp-category").details


def test_pregnancy_medicines_differ_between_the_packs(default_generator: Generator,
                                                      generator_2017: Generator) -> None:
    patient = ("id: p\ndemographics: {age: 31, sex: female, pregnant: true}\n"
               "vitals: {blood_pressure: [{systolic: 150, diastolic: 95}]}\n")
    new = next(r for r in _plan(default_generator, patient).recommendations if r.id == "bp.pregnancy-medicine")
    old = next(r for r in _plan(generator_2017, patient).recommendations if r.id == "bp.pregnancy-medicine")
    assert sorted(new.alternatives) == ["labetalol", "nifedipine"]
    assert sorted(old.alternatives) == ["labetalol", "methyldopa", "nifedipine"]
    assert "bp.pregnancy-aspirin" in _rec_ids(_plan(default_generator, patient))
    assert "bp.pregnancy-aspirin" not in _rec_ids(_plan(generator_2017, patient))


def test_uacr_is_asked_for_by_2025_only(default_generator: Generator, generator_2017: Generator) -> None:
    patient = "id: p\ndemographics: {age: 50}\nvitals: {blood_pressure: [{systolic: 150, diastolic: 95}]}\n"
    assert "bp.uacr-testing" in _rec_ids(_plan(default_generator, patient))
    assert "bp.uacr-testing" not in _rec_ids(_plan(generator_2017, patient))


def test_stage_1_at_a_pce_risk_of_10_percent_starts_medicine_in_the_2017_pack(generator_2017: Generator) -> None:
    patient = ("id: p\ndemographics: {age: 66, sex: male, race: white}\n"
               "vitals: {blood_pressure: [{systolic: 136, diastolic: 84}]}\n"
               "labs: {total_cholesterol_mg_dl: 230, hdl_mg_dl: 40}\nlifestyle: {smoking: current}\n")
    ids = _rec_ids(_plan(generator_2017, patient))
    assert "bp.start-first-line-medicine" in ids


def test_generate_with_the_2017_pack_names_it_in_the_plan(tmp_path: Path) -> None:
    patient = tmp_path / "p.yaml"
    patient.write_text("id: p\ndemographics: {age: 60}\nvitals: {blood_pressure: [{systolic: 150, diastolic: 95}]}\n",
                       encoding="utf-8")
    code, out, err = run("generate", str(patient), "--pack", str(PACK_2017), "--format", "json")
    assert (code, err) == (0, "")
    plan = json.loads(out)
    assert plan["pack"]["name"] == "acc-aha-2017"
    cited = {c for r in plan["recommendations"] if r["id"] == "bp.start-first-line-medicine"
             for c in [r["evidence"]["source"]]}
    assert cited == {"ACC/AHA"}


def test_a_bare_pack_name_finds_the_shipped_pack_and_an_unknown_one_is_a_clear_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no directory acc-aha-2017 here: the name is the shipped pack's
    patient = tmp_path / "p.yaml"
    patient.write_text("id: p\ndemographics: {age: 60}\nvitals: {blood_pressure: [{systolic: 186, diastolic: 100}]}\n",
                       encoding="utf-8")
    code, out, err = run("generate", str(patient), "--pack", "acc-aha-2017", "--format", "json")
    assert code == 1, err  # an urgent warning: the 2017 crisis
    plan = json.loads(out)
    assert plan["pack"]["name"] == "acc-aha-2017"
    assert [a["value"] for a in plan["assessments"] if a["kind"] == "bp-category"] == ["hypertensive crisis"]
    code, _, err = run("generate", str(patient), "--pack", "no-such-pack")
    assert code == 2 and "no-such-pack" in err and "Traceback" not in err
