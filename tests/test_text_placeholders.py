"""Wording placeholders: a value the patient file holds is written as it is; one it lacks is said to be missing."""

from __future__ import annotations

from pathlib import Path

from engine.generator import Generator
from engine.patient.model import Patient
from tests.packs import rule_doc, write_pack

AT = "2026-01-01T00:00:00Z"


def _text(tmp_path: Path, labs: dict[str, float]) -> str:
    rule = rule_doc("t.egfr", {"all": [{"lab": {"name": "egfr", "as": "l"}},
                                       {"patient": {"as": "p"}}]},
                    [{"recommend": {"category": "monitoring", "action": "monitor",
                                    "text": "eGFR {l.value} at age {p.age}"}}])
    generator = Generator(write_pack(tmp_path, {"egfr": rule}))
    plan = generator.run(Patient.model_validate({"id": "p", "labs": labs}), at=AT).plan
    return plan.recommendations[0].text


def test_a_held_value_is_written_plainly(tmp_path: Path) -> None:
    assert _text(tmp_path, {"egfr": 55}).startswith("eGFR 55 at age")


def test_a_missing_value_reads_not_recorded_never_unknown(tmp_path: Path) -> None:
    text = _text(tmp_path, {"egfr": 55})
    assert text == "eGFR 55 at age (not recorded)"
    assert "unknown" not in text
