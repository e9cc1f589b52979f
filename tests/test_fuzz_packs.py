"""Fuzzed rule packs through the real ``careplan validate --pack DIR`` (and ``generate --pack``).

A valid pack must validate (exit 0); a damaged one must be refused with located messages
(exit 2), never a traceback, a signal, a hang or exit 3. A pack that validates must then give
plans. Named mutations run one test each; hypothesis adds random packs and random damage.
Long run: ``CAREPLAN_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz_packs.py -s``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given

from tests.fuzz.harness import ForkServer, Tally, check_generate, check_validate, run_exec, shared_server
from tests.fuzz.pack_files import PackCase, mutations, pack_case, write
from tests.fuzz.sizing import fuzz_settings

MUTATIONS = mutations()
PATIENT = b"id: pack-check\nvitals: {blood_pressure: [{systolic: 150, diastolic: 90}]}\nlabs: {egfr: 20}\n" \
          b"medications: [{name: warfarin}]\n"
EXEC_SAMPLE = ("valid", "csv-non-utf8")


@pytest.fixture(scope="module")
def server() -> ForkServer:
    return shared_server()


@pytest.fixture(scope="module")
def named_tally() -> Iterator[Tally]:
    tally = Tally("packs-named")
    yield tally
    tally.write()


def run_pack(server: ForkServer, tally: Tally, case: PackCase, folder: Path) -> list[str]:
    """Validate the pack; if it validates, generate a plan with it. The problems found."""
    data = case.serialise()
    if tally.known(data) is not None:
        return []
    root = folder / "pack"
    shutil.rmtree(root, ignore_errors=True)
    write(case.files, root)
    outcome = server.run(["validate", "--pack", str(root)])
    problems = check_validate(outcome, case.expect)
    if outcome.returncode == 0:
        patient = folder / "patient.yaml"
        patient.write_bytes(PATIENT)
        plan = server.run(["generate", str(patient), "--format", "json", "--pack", str(root)])
        problems += [f"generate-after-validate:{p}" for p in check_generate(plan, "accept")]
    tally.record(case.label, data, case.expect, outcome, problems)
    return problems


@pytest.mark.parametrize("case", MUTATIONS, ids=[c.label for c in MUTATIONS])
def test_damaged_pack(server: ForkServer, named_tally: Tally, tmp_path: Path, case: PackCase) -> None:
    problems = run_pack(server, named_tally, case, tmp_path)
    assert problems == [], f"{case.label} (expect {case.expect}): {problems}"


def test_fuzzed_packs_keep_the_contract(server: ForkServer, tmp_path: Path) -> None:
    tally = Tally("packs")

    @fuzz_settings(ci=30)
    @given(case=pack_case())
    def one(case: PackCase) -> None:
        run_pack(server, tally, case, tmp_path)

    one()
    tally.write()
    assert tally.tried > 0
    assert not tally.failures, "\n".join(tally.problems())


def test_a_fresh_careplan_process_validates_like_the_fork(server: ForkServer, tmp_path: Path) -> None:
    tally = Tally("packs-fresh-process")
    disagreements = []
    for case in (c for c in MUTATIONS if c.label in EXEC_SAMPLE):
        root = write(case.files, tmp_path / case.label)
        argv = ["validate", "--pack", str(root)]
        forked, fresh = server.run(argv), run_exec(argv)
        tally.record(case.label, case.serialise(), case.expect, fresh, check_validate(fresh, case.expect))
        if (forked.exit, b"Traceback" in forked.stderr) != (fresh.exit, b"Traceback" in fresh.stderr):
            disagreements.append(f"{case.label}: fork {forked.exit}, fresh {fresh.exit}")
    tally.extra["fork_agrees_with_fresh"] = tally.tried - len(disagreements)
    tally.write()
    assert disagreements == []
    assert not tally.failures, "\n".join(tally.problems())
