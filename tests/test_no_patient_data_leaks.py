"""A patient's values never reach stderr, error messages or the audit trail.

The sample patient has distinctive values (an id, a systolic pressure, a medication, a goal
sentence, an allergy, a condition, an eGFR). Each field is then written wrongly (out of range,
the wrong type, unreadable) with a distinctive bad value: ``careplan generate`` must refuse it
naming the field and the range, and neither the bad value nor any other value of the file may
appear on stderr. A good run (with every debug switch the build has) prints none on stderr
either, and an audit database, where the build has one, holds none of them in its bytes.
"""

from __future__ import annotations

import copy
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.fuzz.emit import Raw, dump
from tests.fuzz.harness import ENV, ForkServer, Outcome, careplan_command, shared_server

SECRETS = {
    "id": "zq7731-leakcheck",
    "systolic": "187.4",
    "egfr": "47.3",
    "medication": "zyloquintrex",
    "goal": "dance at Liesl's wedding in Lisbon",
    "allergy": "quorvalium",
    "condition": "marbleton syndrome",
    "relative": "vexaline carcinoma",
    "diplotype": "*91/*93",
}
PATIENT: dict[str, Any] = {
    "id": SECRETS["id"],
    "demographics": {"age": 61, "sex": "female"},
    "vitals": {"blood_pressure": [{"systolic": 187.4, "diastolic": 111.6, "date": "2026-03-04"}]},
    "labs": {"egfr": 47.3},
    "medications": [{"name": SECRETS["medication"], "status": "active", "dose_mg": 12.5}],
    "allergies": [SECRETS["allergy"]],
    "conditions": [SECRETS["condition"]],
    "genotypes": [{"gene": "CYP2C19", "diplotype": SECRETS["diplotype"]}],
    "family_history": [{"relative": "mother", "condition": SECRETS["relative"], "age_at_diagnosis": 52}],
    "preferences": {"goals": [SECRETS["goal"]]},
}
BP = ("vitals", "blood_pressure", 0)
# (name, where, the bad value as written, the text of it that must not be echoed)
BAD: list[tuple[str, tuple[Any, ...], Any, str]] = [
    ("id-bad-characters", ("id",), "zq7731 leak/check", "zq7731 leak/check"),
    ("id-too-long", ("id",), "zq7731" * 30, "zq7731" * 30),
    ("systolic-out-of-range", (*BP, "systolic"), Raw("387.25"), "387.25"),
    ("systolic-text", (*BP, "systolic"), "one-eighty-seven-zq", "one-eighty-seven-zq"),
    ("systolic-list", (*BP, "systolic"), [187.4], "187.4"),
    ("systolic-leading-zero", (*BP, "systolic"), Raw("0187"), "0187"),
    ("systolic-huge", (*BP, "systolic"), Raw("18" * 2200), "18" * 30),
    ("diastolic-above-systolic", (*BP, "diastolic"), Raw("199.9"), "199.9"),
    ("date-impossible", (*BP, "date"), Raw("2026-02-30"), "2026-02-30"),
    ("age-out-of-range", ("demographics", "age"), Raw("1234567"), "1234567"),
    ("age-text", ("demographics", "age"), "ninety-three-zq", "ninety-three-zq"),
    ("age-fraction", ("demographics", "age"), Raw("61.25"), "61.25"),
    ("sex-unknown-word", ("demographics", "sex"), "zq-femaleish", "zq-femaleish"),
    ("egfr-out-of-range", ("labs", "egfr"), Raw("4731.5"), "4731.5"),
    ("egfr-text", ("labs", "egfr"), "forty-seven-zq", "forty-seven-zq"),
    ("egfr-sexagesimal", ("labs", "egfr"), Raw("47:31"), "47:31"),
    ("medication-name-number", ("medications", 0, "name"), Raw("918273645"), "918273645"),
    ("medication-name-list", ("medications", 0, "name"), [SECRETS["medication"]], SECRETS["medication"]),
    ("medication-status", ("medications", 0, "status"), "zyloquintrex-active", "zyloquintrex-active"),
    ("medication-dose-negative", ("medications", 0, "dose_mg"), Raw("-55.55"), "-55.55"),
    ("medications-as-mapping", ("medications",), {SECRETS["medication"]: {"status": "active"}}, SECRETS["medication"]),
    ("goal-mapping", ("preferences", "goals", 0), {"text": SECRETS["goal"]}, SECRETS["goal"]),
    ("goals-not-a-list", ("preferences", "goals"), SECRETS["goal"], SECRETS["goal"]),
    ("allergy-number", ("allergies", 0), Raw("12345.5"), "12345.5"),
    ("condition-mapping", ("conditions", 0), {"display": SECRETS["condition"]}, SECRETS["condition"]),
    ("relative-age-text", ("family_history", 0, "age_at_diagnosis"), "fifty-two-zq", "fifty-two-zq"),
    ("diplotype-number", ("genotypes", 0, "diplotype"), Raw("9193"), "9193"),
]


def with_value(path: tuple[Any, ...], value: Any) -> bytes:
    doc = copy.deepcopy(PATIENT)
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return dump(doc).encode()


def leaks(text: bytes, extra: tuple[str, ...] = ()) -> list[str]:
    decoded = text.decode("utf-8", "replace")
    return [value for value in (*SECRETS.values(), *extra) if value in decoded]


@pytest.fixture(scope="module")
def server() -> ForkServer:
    return shared_server()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("leak")  # a name that holds none of the values


def _generate(server: ForkServer, folder: Path, text: bytes, *extra: str) -> Outcome:
    path = folder / "patient.yaml"
    path.write_bytes(text)
    return server.run(["generate", str(path), "--format", "json", *extra])


@pytest.mark.parametrize(("name", "path", "value", "shown"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_value_is_refused_without_repeating_any_value(server: ForkServer, folder: Path, name: str,
                                                            path: tuple[Any, ...], value: Any, shown: str) -> None:
    outcome = _generate(server, folder, with_value(path, value))
    assert outcome.exit == "2", f"{name}: exit {outcome.exit}"
    assert outcome.stdout == b""
    assert leaks(outcome.stderr, (shown,)) == [], outcome.stderr.decode("utf-8", "replace")[-800:]


def _flags(command: list[str]) -> str:
    done = subprocess.run([*careplan_command(), *command, "--help"], capture_output=True, text=True, check=False,
                          env={**ENV, "PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    return done.stdout


def debug_switches() -> tuple[list[str], dict[str, str]]:
    """Every way this build has to be more verbose: flags and environment variables."""
    flags = ["--debug"] if "--debug" in _flags([]) + _flags(["generate"]) else []
    env = {"CAREPLAN_DEBUG": "1", "CAREPLAN_LOG_LEVEL": "DEBUG", "CAREPLAN_LOG": "debug", "PYTHONDEVMODE": "1"}
    return flags, env


def test_a_good_run_prints_no_value_on_stderr(server: ForkServer, folder: Path) -> None:
    """A fresh process with every debug switch (so logging set up at start-up counts), then the
    other documents through the fork server."""
    flags, env = debug_switches()
    path = folder / "good.yaml"
    path.write_bytes(dump(PATIENT).encode())
    done = subprocess.run([*careplan_command(), *flags, "generate", str(path), "--format", "json"],
                          capture_output=True, check=False, env={**os.environ, **ENV, **env})
    assert done.returncode == 1, done.stderr[-500:]  # 187/111: a hypertensive crisis, an urgent warning
    assert leaks(done.stderr) == [], done.stderr.decode("utf-8", "replace")[-800:]
    for command in (["generate", str(path), "--audience", "patient"], ["explain", str(path)]):
        outcome = server.run([*flags, *command])
        assert outcome.exit in ("0", "1"), (command, outcome.stderr[-500:])
        assert leaks(outcome.stderr) == [], (command, outcome.stderr.decode("utf-8", "replace")[-800:])


def test_the_audit_trail_holds_no_value(server: ForkServer, folder: Path) -> None:
    if "--audit-db" not in _flags(["generate"]):
        pytest.skip("this build has no audit trail (careplan generate --audit-db)")
    database = folder / "audit.db"
    good = _generate(server, folder, dump(PATIENT).encode(), "--audit-db", str(database))
    assert good.exit in ("0", "1"), good.stderr[-500:]
    _generate(server, folder, with_value(("labs", "egfr"), Raw("4731.5")), "--audit-db", str(database))
    files = [p for p in folder.iterdir() if p.name.startswith("audit.db")]
    assert files, "the audit trail wrote nothing"
    for path in files:
        assert leaks(path.read_bytes(), ("4731.5",)) == [], path.name
