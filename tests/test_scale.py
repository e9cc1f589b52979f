"""Thousands of patients in one process: no crash, no leakage between patients, same answers as alone.

durable holds at most 1,024 live sessions per ruleset and finds sessions by a 32-bit hash of
the session id; the runtime uses one fixed session id and deletes its state after each
patient, so neither limit can bite however many patients one process evaluates.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from engine.generator import Generator
from engine.patient.model import Patient
from tests import reference_evaluator as reference
from tests.packs import rule_doc, write_pack
from tests.patient_facts import facts_of
from tests.strategies import (
    CONDITIONS,
    DIASTOLIC,
    DIPLOTYPES,
    GENES,
    LAB_VALUES,
    MEDICATIONS,
    PHENOTYPES,
    SYSTOLIC,
)

AT = "2026-01-01T00:00:00Z"
PATIENTS = 2000
SAMPLE = 20
REPO = Path(__file__).resolve().parent.parent
FACT_TYPES = {"finding": {"label": "finding {code}", "fields": {"code": "text", "level": "number"}}}


def random_patient(rng: random.Random, pid: str) -> dict[str, Any]:
    readings = []
    for _ in range(rng.randint(0, 3)):
        systolic = rng.choice(SYSTOLIC)
        readings.append({"systolic": systolic, "diastolic": rng.choice([d for d in DIASTOLIC if d < systolic])})
    genotypes = []
    for _ in range(rng.randint(0, 2)):
        entry: dict[str, Any] = {"gene": rng.choice(GENES), "diplotype": rng.choice(DIPLOTYPES)}
        if rng.random() < 0.3:
            entry = {"gene": entry["gene"], "phenotype": rng.choice(PHENOTYPES)}
        genotypes.append(entry)
    medications = [{"name": rng.choice(MEDICATIONS), "status": rng.choice(["active", "planned", "stopped"]),
                    "indication": rng.choice(["ACS", "PCI", "stroke"])} for _ in range(rng.randint(0, 2))]
    lifestyle: dict[str, Any] = {}
    if rng.random() < 0.7:
        lifestyle["smoking"] = rng.choice(["current", "former", "never"])
    if rng.random() < 0.5:
        lifestyle["sleep_hours"] = rng.choice([5, 6.5, 7, 8.5])
    return {
        "id": pid,
        "demographics": {"age": rng.randint(18, 90)},
        "vitals": {"blood_pressure": readings},
        "labs": {name: rng.choice(values) for name, values in LAB_VALUES.items() if rng.random() < 0.4},
        "lifestyle": lifestyle,
        "genotypes": genotypes,
        "medications": medications,
        "conditions": rng.sample(CONDITIONS, rng.randint(0, 2)),
    }


def _scale_rules() -> dict[str, dict[str, Any]]:
    def finding(code: str, level: Any = None) -> list[dict[str, Any]]:
        values: dict[str, Any] = {"code": code}
        if level is not None:
            values["level"] = level
        return [{"assert": {"finding": values}}]

    return {
        "stage2": rule_doc("s.stage2", {"all": [{"blood_pressure": {"systolic": {"ge": 140}, "as": "b"}}]},
                           finding("htn", {"ref": "b.systolic"})),
        "stage1": rule_doc("s.stage1", {"all": [{"blood_pressure": {"systolic": {"between": [130, 139.9]}}}],
                                        "any": [{"lifestyle": {"smoking": "current"}}, {"lab": {"name": "ldl_mg_dl",
                                                                                               "value": {"ge": 130}}}]},
                           finding("risk")),
        "a1c": rule_doc("s.a1c", {"all": [{"lab": {"name": "hba1c_percent", "value": {"gt": 8}, "as": "l"}}]},
                        finding("dm", {"ref": "l.value"})),
        "kidney": rule_doc("s.kidney", {"all": [{"lab": {"name": "egfr", "value": {"lt": 45}}}]}, finding("ckd")),
        "htn-dm": rule_doc("s.htn-dm", {"all": [{"finding": {"code": "htn", "as": "h"}},
                                                {"finding": {"code": "dm", "level": {"lt": {"ref": "h.level"}}}}]}),
        "allele-pair": rule_doc("s.allele-pair", {"all": [
            {"genotype": {"diplotype": {"exists": True}, "as": "g"}},
            {"allele": {"gene": {"ref": "g.gene"}, "slot": 1, "diplotype": {"ref": "g.diplotype"}, "as": "x"}},
            {"allele": {"gene": {"ref": "g.gene"}, "slot": 2, "name": {"ne": {"ref": "x.name"}}}}]}),
        "drug-gene": rule_doc("s.drug-gene", {"all": [
            {"genotype": {"gene": {"in": ["CYP2C19", "CYP2C9"]}, "as": "g"}},
            {"medication": {"status": {"ne": "stopped"}, "name": {"in": ["clopidogrel", "warfarin"]}}}]}),
        "no-genotype": rule_doc("s.no-genotype", {"all": [{"medication": {"name": "clopidogrel"}}],
                                                  "none": [{"genotype": {"gene": "CYP2C19"}}]}),
        "no-risk": rule_doc("s.no-risk", {"all": [{"patient": {"age": {"ge": 40}}}],
                                          "none": [{"finding": {}}]}),
        "sleep": rule_doc("s.sleep", {"all": [{"lifestyle": {"sleep_hours": {"lt": 7}}}],
                                      "none": [{"condition": {"name": {"in": ["ckd", "diabetes"]}}}]}),
    }


@pytest.fixture(scope="module")
def scale_pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pack(tmp_path_factory.mktemp("scale"), _scale_rules(), FACT_TYPES)


@pytest.fixture(scope="module")
def population() -> list[dict[str, Any]]:
    rng = random.Random(20260101)
    # two ids whose 32-bit FNV-1a hashes collide, had they been used as durable session ids
    ids = ["patient-332789", "patient-529192"] + [f"patient-{i:05d}" for i in range(PATIENTS - 2)]
    return [random_patient(rng, pid) for pid in ids]


def test_many_patients_match_the_reference(scale_pack: Path, population: list[dict[str, Any]]) -> None:
    generator = Generator(scale_pack)
    rules = generator.pack.rules
    total = 0
    for data in population:
        facts = facts_of(Patient.model_validate(data))
        firings = generator.evaluator.evaluate(facts).firings
        total += len(firings)
        got = Counter((f.rule_id, f.matched) for f in firings)
        assert got == reference.firing_counts(rules, facts), data["id"]
    assert total > PATIENTS  # the population exercises the rules


def _subprocess_plans(pack: Path | None, patients: list[dict[str, Any]], tmp: Path) -> list[str]:
    """Each patient in a fresh Generator, in a fresh interpreter."""
    source = tmp / "patients.json"
    source.write_text(json.dumps(patients), encoding="utf-8")
    script = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from engine.generator import Generator\n"
        "from engine.patient.model import Patient\n"
        "pack = Path(sys.argv[2]) if sys.argv[2] else None\n"
        "plans = [Generator(pack).run(Patient.model_validate(p), at=sys.argv[3]).plan.to_json()\n"
        "         for p in json.loads(Path(sys.argv[1]).read_text())]\n"
        "print(json.dumps(plans))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(source), str(pack or ""), AT],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    plans: list[str] = json.loads(done.stdout)
    return plans


@pytest.mark.parametrize("pack_name", ["default", "scale"])
def test_in_process_plans_equal_fresh_process_plans(pack_name: str, scale_pack: Path,
                                                    population: list[dict[str, Any]], tmp_path: Path) -> None:
    pack = scale_pack if pack_name == "scale" else None
    generator = Generator(pack)
    plans = [generator.run(Patient.model_validate(data), at=AT).plan.to_json() for data in population]
    sample = sorted(random.Random(7).sample(range(len(population)), SAMPLE))
    alone = _subprocess_plans(pack, [population[i] for i in sample], tmp_path)
    assert [plans[i] for i in sample] == alone
    sections = ("assessments", "recommendations", "goals", "follow_up", "suppressed", "data_gaps", "warnings")
    busy = [p for p in plans if any(json.loads(p)[s] for s in sections)]
    assert len(busy) > SAMPLE  # the population exercises the pack
