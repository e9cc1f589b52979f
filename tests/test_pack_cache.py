"""The compiled-pack cache: same plans with or without it, never a stale pack, and a bounded directory."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from engine.compile import cache
from engine.generator import Generator
from engine.pack.locate import default_pack_root
from engine.patient.model import Patient
from tests.packs import rule_doc, write_pack

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


def _small_pack(root: Path, lab: str) -> Path:
    return write_pack(root, {"r": rule_doc("t.r", {"all": [{"lab": {"name": lab}}]})})


def test_the_cache_keeps_only_the_entries_used_most_recently(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "cache"
    monkeypatch.setenv("CAREPLAN_CACHE_DIR", str(directory))
    monkeypatch.setattr(cache, "KEEP_ENTRIES", 2)
    packs = [_small_pack(tmp_path / f"p{n}", lab) for n, lab in enumerate(("egfr", "ldl", "hba1c"))]

    def entries() -> set[str]:
        return {p.name for p in directory.glob("*.entry")}

    Generator(packs[0])
    [first] = entries()
    os.utime(directory / first, (time.time() - 300,) * 2)
    Generator(packs[1])
    [second] = entries() - {first}
    os.utime(directory / second, (time.time() - 200,) * 2)
    (directory / "notes.txt").write_text("not an entry")
    Generator(packs[0])  # served from the cache: now the entry used most recently
    assert entries() == {first, second}
    Generator(packs[2])  # a third entry: the one used longest ago goes
    [third] = entries() - {first, second}
    assert entries() == {first, third}
    assert (directory / "notes.txt").exists()  # only entries are removed
    assert Generator(packs[1]).compiled.rules  # an evicted pack is compiled again, and cached again
    assert second in entries() and len(entries()) == 2
