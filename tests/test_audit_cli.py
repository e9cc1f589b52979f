"""The audit trail as a user meets it: --audit-db on generate, `careplan audit verify`, no patient values."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATIENT = """\
id: zebra-audit-4417
demographics: {age: 58, sex: female}
vitals:
  blood_pressure: [{systolic: 151, diastolic: 93, date: 2026-10-01, setting: office}]
conditions: [quokka syndrome]
preferences: {goals: ["walk to the lighthouse every morning"]}
"""


def _careplan(*args: str, env_db: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1764547200", "CAREPLAN_NO_CACHE": "1"}
    if env_db is not None:
        env["CAREPLAN_AUDIT_DB"] = str(env_db)
    return subprocess.run([sys.executable, "-m", "engine.cli.app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_generate_records_and_verify_finds_an_edit(tmp_path: Path) -> None:
    patient, trail = tmp_path / "p.yaml", tmp_path / "audit.db"
    patient.write_text(PATIENT, encoding="utf-8")
    assert _careplan("generate", str(patient), "--format", "json", "--audit-db", str(trail)).returncode == 0
    assert _careplan("generate", str(patient), env_db=trail).returncode == 0  # the variable works too
    clean = _careplan("audit", "verify", str(trail))
    assert clean.returncode == 0, clean.stderr
    assert "2 entries, chain intact" in clean.stdout
    with sqlite3.connect(trail) as db:  # someone edits the file behind the trail's back
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        table = next(name for name in tables if not name.startswith("sqlite_"))
        for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            db.execute(f'DROP TRIGGER "{trigger}"')
        db.execute(f'UPDATE "{table}" SET exit_code = 1 WHERE seq = 1')
    broken = _careplan("audit", "verify", str(trail))
    assert broken.returncode == 2
    assert "broken at entry 1" in broken.stdout


def test_the_trail_holds_no_patient_value(tmp_path: Path) -> None:
    patient, trail = tmp_path / "p.yaml", tmp_path / "audit.db"
    patient.write_text(PATIENT, encoding="utf-8")
    assert _careplan("generate", str(patient), "--audit-db", str(trail)).returncode == 0
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("audit.db*"))
    assert b"bp." in stored  # the rules that fired are there ...
    for value in (b"zebra-audit-4417", b"quokka", b"lighthouse"):  # numbers could occur inside hex digests
        assert value not in stored  # ... the patient's values are not


def test_verify_of_a_file_that_is_not_a_trail_is_bad_input(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-trail.db"
    bogus.write_text("hello", encoding="utf-8")
    result = _careplan("audit", "verify", str(bogus))
    assert result.returncode == 2
    assert "not-a-trail.db" in result.stderr and "Traceback" not in result.stderr
