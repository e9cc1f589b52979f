"""``careplan diff``: which patients' plans a pack edit changes, as a reviewer reads it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cli
from tests.packs import rule_doc, write_pack

runner = CliRunner()
TABLE = "gene,strength\nBRCA1,strong\nBRCA2,moderate\n"
PATIENTS = {
    "brca1": "id: brca1\ndemographics: {age: 40, sex: female}\ngenotypes: [{gene: BRCA1, result: positive}]\n",
    "brca2": "id: brca2\ndemographics: {age: 41, sex: female}\ngenotypes: [{gene: BRCA2, result: positive}]\n",
    "none": "id: none\ndemographics: {age: 42, sex: female}\n",
}


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli.app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _pack(root: Path, table: str = TABLE) -> Path:
    rule = rule_doc("t.carrier", {"all": [{"genotype": {"gene": {"column": "gene"}, "result": "positive"}}]},
                    [{"recommend": {"id": "t.counsel-{row.gene}", "category": "referral", "action": "refer",
                                    "strength": {"column": "strength"}, "text": "counselling for {row.gene}"}}],
                    table={"file": "knowledge/genes.csv", "key": ["gene"],
                           "columns": {"gene": "text", "strength": "text"}})
    return write_pack(root, {"carrier": rule}, files={"knowledge/genes.csv": table})


def _cohort(folder: Path) -> Path:
    folder.mkdir()
    for name, text in PATIENTS.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repository = tmp_path / "repo"
    _pack(repository / "pack")
    _cohort(repository / "cohort")
    _git(repository, "init", "-q")
    _git(repository, "add", "-A")
    _git(repository, "commit", "-q", "-m", "the pack")
    return repository


def test_an_edited_row_strength_changes_exactly_that_patients_plan(repo: Path) -> None:
    table = repo / "pack" / "knowledge" / "genes.csv"
    table.write_text(TABLE.replace("BRCA2,moderate", "BRCA2,optional"), encoding="utf-8")
    code, out, err = run("diff", "--base", "HEAD", "--pack", str(repo / "pack"), "--cohort", str(repo / "cohort"))
    assert (code, err) == (0, "")
    assert "3 patients compared, 1 plan changes" in out
    assert f"{repo / 'cohort' / 'brca2.yaml'} (patient brca2)" in out
    assert "    ~ t.counsel-brca2\n        strength: moderate -> optional\n" in out
    assert "totals: recommendations +0 -0 ~1" in out
    assert (repo / "cohort" / "brca1.yaml").is_file() and "brca1.yaml" not in out  # compared, unchanged
    code, out, _ = run("diff", "--base", "HEAD", "--pack", str(repo / "pack"), "--cohort", str(repo / "cohort"),
                       "--format", "json")
    report = json.loads(out)
    assert (report["compared"], report["changed"]) == (3, 1)
    [patient] = report["patients"]
    assert patient["patient_id"] == "brca2"
    assert patient["sections"]["recommendations"]["changed"] == [
        {"key": "t.counsel-brca2", "fields": {"strength": {"before": "moderate", "after": "optional"}}}]


def test_exit_code_option_is_1_for_a_change_and_0_for_none(repo: Path) -> None:
    args = ["diff", "--base", "HEAD", "--pack", str(repo / "pack"), "--cohort", str(repo / "cohort"), "--exit-code"]
    code, out, _ = run(*args)
    assert code == 0 and "0 plans change" in out and "totals: no plan changes" in out
    (repo / "pack" / "knowledge" / "genes.csv").write_text("gene,strength\nBRCA1,strong\n", encoding="utf-8")
    code, out, _ = run(*args)
    assert code == 1
    assert "    - t.counsel-brca2: refer, moderate: rule t.carrier" in out  # the removed row's recommendation


def test_a_bad_revision_is_exit_2_with_one_clear_message(repo: Path) -> None:
    code, out, err = run("diff", "--base", "no-such-branch", "--pack", str(repo / "pack"))
    assert code == 2 and out == ""
    assert "--base: error[usage.bad-revision] 'no-such-branch' is not a revision of the git repository" in err
    assert "Traceback" not in err


def test_two_directories_and_an_ndjson_cohort_with_a_bad_line(tmp_path: Path) -> None:
    before, after = _pack(tmp_path / "a"), _pack(tmp_path / "b", TABLE + "MLH1,strong\n")
    cohort = tmp_path / "cohort.ndjson"
    cohort.write_text('{"id": "m", "genotypes": [{"gene": "MLH1", "result": "positive"}]}\n'
                      '{"id": "old", "demographics": {"age": 400}}\n\n'
                      '{"id": "b1", "genotypes": [{"gene": "BRCA1", "result": "positive"}]}\n', encoding="utf-8")
    code, out, err = run("diff", str(before), str(after), "--cohort", str(cohort))
    assert (code, err) == (0, "")
    assert "2 patients compared, 1 plan changes" in out
    assert f"{cohort}:1 (patient m)\n  recommendations\n    + t.counsel-mlh1: refer, strong: rule t.carrier" in out
    assert "skipped 1 patient record(s) that could not be read:" in out
    assert f"{cohort}:2:" in out and "demographics.age: value is outside" in out
    assert "400" in cohort.read_text() and "400" not in out  # the bad value itself is never shown


def test_diff_needs_two_packs_or_a_base(tmp_path: Path) -> None:
    code, _, err = run("diff", str(_pack(tmp_path / "a")))
    assert code == 2 and "compare two packs" in err
