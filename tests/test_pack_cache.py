"""The compiled-pack cache: same plans with or without it, and never a stale pack."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.generator import Generator
from engine.pack.locate import default_pack_root
from engine.patient.model import Patient

AT = "2026-01-01T00:00:00Z"
PATIENT = Patient.model_validate({
    "id": "cache", "genotypes": [{"gene": "CYP2C19", "diplotype": "*2/*2"}],
    "medications": [{"name": "clopidogrel", "status": "planned", "indication": "PCI"}],
    "vitals": {"blood_pressure": [{"systolic": 150, "diastolic": 95}]},
})


def test_cached_and_fresh_packs_give_the_same_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPLAN_CACHE_DIR", str(tmp_path / "cache"))
    first = Generator().run(PATIENT, at=AT).plan.to_json()
    assert len(list((tmp_path / "cache").glob("*.entry"))) == 1
    second = Generator().run(PATIENT, at=AT).plan.to_json()
    monkeypatch.setenv("CAREPLAN_NO_CACHE", "1")
    fresh = Generator().run(PATIENT, at=AT).plan.to_json()
    assert first == second == fresh


def test_an_edited_pack_is_not_served_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPLAN_CACHE_DIR", str(tmp_path / "cache"))
    pack = tmp_path / "pack"
    for name in ("rules", "knowledge", "templates"):
        shutil.copytree(default_pack_root() / name, pack / name)
    shutil.copy(default_pack_root() / "pack.yaml", pack / "pack.yaml")
    before = Generator(pack).run(PATIENT, at=AT).plan
    table = pack / "knowledge/pgx/recommendations-one-gene.csv"
    text = table.read_text().replace("avoid clopidogrel and give prasugrel", "AVOID CLOPIDOGREL; give prasugrel")
    table.write_text(text)
    after = Generator(pack).run(PATIENT, at=AT).plan
    assert before.pack.digest != after.pack.digest
    text = next(r.text for r in after.recommendations if r.drug == "clopidogrel")
    assert "AVOID CLOPIDOGREL" in text


def test_an_unwritable_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("CAREPLAN_CACHE_DIR", str(blocker / "cache"))
    assert Generator().run(PATIENT, at=AT).plan.recommendations
