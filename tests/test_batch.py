"""``careplan batch`` as a user meets it: inputs, bad records, atomic plans, resume after SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from engine.batch.output import OutputTree, write_atomically
from engine.source.diagnostics import DiagnosticError
from tests.batch_helpers import ROOT, careplan, careplan_command, careplan_env, synth_cohort, tree
from tests.packs import rule_doc, write_pack

GOOD: list[dict[str, Any]] = [
    {"id": "bp-1", "demographics": {"age": 55, "sex": "male"},
     "vitals": {"blood_pressure": [{"systolic": 152, "diastolic": 96}]}},
    {"id": "pgx-1", "genotypes": [{"gene": "CYP2C19", "diplotype": "*2/*2"}],
     "medications": [{"name": "clopidogrel", "status": "planned"}]},
    {"id": "crisis-1", "vitals": {"blood_pressure": [{"systolic": 192, "diastolic": 124}]}},
]
OUT_OF_RANGE = '{"id": "range-1", "vitals": {"blood_pressure": [{"systolic": 400, "diastolic": 95}]}}'


def _cohort(path: Path) -> None:
    lines = [json.dumps(GOOD[0]), json.dumps(GOOD[1]), OUT_OF_RANGE, "", '{"id": "BP-1"}', "id: yaml-not-json",
             json.dumps(GOOD[2])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _errors(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "errors.ndjson").read_text(encoding="utf-8").splitlines()]


def test_ndjson_plans_and_bad_records_with_generates_message(tmp_path: Path) -> None:
    cohort, out = tmp_path / "cohort.ndjson", tmp_path / "out"
    _cohort(cohort)
    result = careplan("batch", str(cohort), "--out", str(out), "-f", "json", "-f", "md", "-j", "1", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "6 records: 3 planned (1 with urgent warnings), 3 bad records, 0 failed" in result.stderr
    assert sorted(p.name for p in (out / "plans").iterdir()) == [
        "bp-1.json", "bp-1.md", "crisis-1.json", "crisis-1.md", "pgx-1.json", "pgx-1.md"]
    errors = _errors(out)
    assert [(e["line"], e["kind"]) for e in errors] == [(3, "bad"), (5, "bad"), (6, "bad")]
    # the message is the one generate prints for the same record in a file, at the record's line
    single = tmp_path / "single.json"
    single.write_text(OUT_OF_RANGE, encoding="utf-8")
    generate = careplan("generate", str(single))
    assert generate.returncode == 2
    expected = generate.stderr.splitlines()[0].replace(f"{single}:1:", f"{cohort}:3:")
    assert errors[0]["message"] == expected
    assert "batch.duplicate-id" in str(errors[1]["message"]) and f"{cohort}:1" in str(errors[1]["message"])
    assert "source.syntax" in str(errors[2]["message"])
    # no patient value in the errors file: the out-of-range systolic is in the input, not in the report
    assert '"systolic": 400' in cohort.read_text(encoding="utf-8")
    assert "400" not in (out / "errors.ndjson").read_text(encoding="utf-8")


def test_plans_are_the_bytes_generate_writes(tmp_path: Path) -> None:
    folder, out = tmp_path / "patients", tmp_path / "out"
    folder.mkdir()
    for patient in GOOD:
        (folder / f"{patient['id']}.json").write_text(json.dumps(patient), encoding="utf-8")
    (folder / "notes.txt").write_text("not a patient file", encoding="utf-8")
    (folder / "zz-bad.yaml").write_text("id: zz-bad\nvitalz: {}\n", encoding="utf-8")
    result = careplan("batch", str(folder), "--out", str(out), "-j", "1")
    assert result.returncode == 0, result.stderr
    for patient in GOOD:
        generate = careplan("generate", str(folder / f"{patient['id']}.json"), "--format", "json")
        assert generate.returncode in (0, 1)
        assert (out / "plans" / f"{patient['id']}.json").read_text(encoding="utf-8") == generate.stdout
    errors = _errors(out)
    assert [(e["source"], e["line"]) for e in errors] == [(str(folder / "zz-bad.yaml"), None)]
    assert str(errors[0]["message"]).startswith(f"{folder / 'zz-bad.yaml'}:2:1: error[patient.unknown-key] vitalz:")
    # the same records on standard input make the same plans
    stdin_out = tmp_path / "stdin-out"
    lines = "".join(json.dumps(patient) + "\n" for patient in GOOD)
    piped = careplan("batch", "-", "--out", str(stdin_out), "-j", "1", stdin=lines)
    assert piped.returncode == 0, piped.stderr
    assert tree(stdin_out / "plans") == tree(out / "plans")


def test_bad_input_and_options_exit_2_before_any_work(tmp_path: Path) -> None:
    missing = careplan("batch", str(tmp_path / "nowhere.ndjson"), "--out", str(tmp_path / "out"))
    assert missing.returncode == 2
    assert "usage.bad-input" in missing.stderr and "Traceback" not in missing.stderr
    cohort = tmp_path / "c.ndjson"
    cohort.write_text(json.dumps(GOOD[0]) + "\n", encoding="utf-8")
    scheduler = careplan("batch", str(cohort), "--out", str(tmp_path / "out"), "--scheduler", "tcp://x:1")
    assert scheduler.returncode == 2 and "--scheduler needs --executor dask" in scheduler.stderr
    a_file = tmp_path / "a-file"
    a_file.write_text("", encoding="utf-8")
    out_file = careplan("batch", str(cohort), "--out", str(a_file))
    assert out_file.returncode == 2 and "this is a file, not a directory" in out_file.stderr
    assert not (tmp_path / "out").exists()


def test_rerun_skips_finished_plans_and_refuses_other_settings(tmp_path: Path) -> None:
    cohort, out = tmp_path / "cohort.ndjson", tmp_path / "out"
    _cohort(cohort)
    assert careplan("batch", str(cohort), "--out", str(out), "-j", "1").returncode == 0
    before = tree(out)
    stale = out / "plans" / ".bp-1.json.999.tmp"  # what a run killed mid-write leaves
    stale.write_bytes(b"{")
    again = careplan("batch", str(cohort), "--out", str(out), "-j", "1")
    assert again.returncode == 0, again.stderr
    assert "3 skipped as already done; 0 plans" in again.stderr
    assert not stale.exists()
    assert tree(out) == before
    plan = out / "plans" / "bp-1.json"
    plan.write_bytes(plan.read_bytes().replace(b"}", b" }", 1))  # the comparison sees a one-byte change
    assert tree(out) != before
    other = careplan("batch", str(cohort), "--out", str(out), "-f", "md")
    assert other.returncode == 2
    assert "made with another formats" in other.stderr


def test_write_atomically_replaces_whole_files_only(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_bytes(b"old")
    write_atomically(target, b"new document")
    assert target.read_bytes() == b"new document"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]  # no temporary left behind
    out = OutputTree(tmp_path / "out")
    out.open()
    try:
        with pytest.raises(DiagnosticError, match="another careplan batch is writing"):
            OutputTree(tmp_path / "out").open()
    finally:
        out.close()
    again = OutputTree(tmp_path / "out")
    again.open()  # the lock was released with its holder
    again.close()


def _journal_entries(out: Path) -> int:
    try:
        return max(0, (out / "journal.ndjson").read_bytes().count(b"\n") - 1)
    except FileNotFoundError:
        return 0


def test_resume_after_sigkill_gives_the_uninterrupted_tree(tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.ndjson"
    synth_cohort(cohort, 60, seed=11, bad_share=0.1)
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    uninterrupted = careplan("batch", str(cohort), "--out", str(whole), "-f", "json", "-f", "md", "-j", "2")
    assert uninterrupted.returncode == 0, uninterrupted.stderr
    planned = _journal_entries(whole)
    assert planned > 40
    process = subprocess.Popen(careplan_command("batch", str(cohort), "--out", str(killed), "-f", "json", "-f", "md",
                                                "-j", "2"), cwd=ROOT, env=careplan_env(), start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600  # a safety net for a stuck run, not a timing assertion
    while _journal_entries(killed) < 5 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)  # the batch and its workers, mid-run
    process.wait()
    assert process.returncode == -signal.SIGKILL
    done_when_killed = _journal_entries(killed)
    assert 5 <= done_when_killed < planned
    assert not (killed / "errors.ndjson").exists()  # it is written at the end: the run was cut short
    for path in (killed / "plans").glob("*.json"):  # whatever is on disk is a whole document
        assert path.read_bytes() == (whole / "plans" / path.name).read_bytes()
    resumed = careplan("batch", str(cohort), "--out", str(killed), "-f", "json", "-f", "md", "-j", "1")
    assert resumed.returncode == 0, resumed.stderr
    assert f"{done_when_killed} skipped as already done" in resumed.stderr
    assert tree(killed) == tree(whole)
    lines = (killed / "errors.ndjson").read_text(encoding="utf-8").splitlines()
    assert lines and len(lines) == len(set(lines))


def test_a_plan_that_fails_is_reported_and_the_batch_goes_on_exit_3(tmp_path: Path) -> None:
    # a pack whose Markdown template fails for one patient only (an unknown attribute, StrictUndefined)
    failing = ("{{ plan.patient_id }}{% if plan.patient_id == 'boom' %}{{ plan.no_such_field.x }}{% endif %}\n")
    pack = write_pack(tmp_path / "pack", {"egfr": rule_doc("t.egfr", {"all": [{"lab": {"name": "egfr"}}]})},
                      files={"templates/plan.md.j2": failing})
    cohort, out = tmp_path / "cohort.ndjson", tmp_path / "out"
    cohort.write_text("".join(json.dumps({"id": i, "labs": {"egfr": 70}}) + "\n" for i in ("ok-1", "boom", "ok-2")),
                      encoding="utf-8")
    result = careplan("batch", str(cohort), "--out", str(out), "-f", "md", "-j", "1", "--pack", str(pack))
    assert result.returncode == 3, result.stderr
    assert "3 records: 2 planned (0 with urgent warnings), 0 bad records, 1 failed" in result.stderr
    assert sorted(p.name for p in (out / "plans").iterdir()) == ["ok-1.md", "ok-2.md"]
    [failure] = _errors(out)
    assert (failure["line"], failure["kind"]) == (2, "failed")
    assert "templates/plan.md.j2" in failure["message"] and "error[template.render]" in failure["message"]
