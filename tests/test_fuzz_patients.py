"""Fuzzed patient files through the real ``careplan generate FILE --format json``.

Every input runs in a process of its own (a fork of a warm interpreter; a sample also in a fresh
``careplan`` process) under a timeout and a 2 GiB memory limit, and must keep CONTRACT.md: exit
0/1 with one JSON plan, or exit 2 with located messages; never a traceback, a signal, a hang, or
exit 3. A valid file must give a plan; a file a reader could misread must be refused.
Counts go to stdout (``pytest -s``) and ``.fuzz-report.json``; reproducers to ``.fuzz-failures/``.
Long run: ``CAREPLAN_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz_patients.py -s``.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given

from tests.fuzz.corpus import EXEC_SAMPLE, corpus
from tests.fuzz.harness import ForkServer, Outcome, Tally, check_generate, run_exec, shared_server
from tests.fuzz.patient_files import Case, patient_case
from tests.fuzz.sizing import LONG, fuzz_settings, sample

CORPUS = corpus()


@pytest.fixture(scope="module")
def server() -> ForkServer:
    return shared_server()


@pytest.fixture(scope="module")
def corpus_tally() -> Iterator[Tally]:
    tally = Tally("patients-corpus")
    yield tally
    tally.write()


def generate_argv(path: Path) -> list[str]:
    return ["generate", str(path), "--format", "json"]


def write_case(case: Case, folder: Path) -> Path:
    path = folder / f"patient{case.suffix}"
    path.write_bytes(case.text)
    return path


def run_case(server: ForkServer, tally: Tally, case: Case, folder: Path) -> list[str]:
    """Run one case (unless an identical one ran), record it; its problems."""
    if tally.known(case.text) is not None:
        return []
    outcome = server.run(generate_argv(write_case(case, folder)))
    problems = check_generate(outcome, case.expect)
    tally.record(case.label, case.text, case.expect, outcome, problems)
    return problems


def test_fuzzed_patient_files_keep_the_contract(server: ForkServer, tmp_path: Path) -> None:
    tally = Tally("patients")

    @fuzz_settings(ci=80)
    @given(case=patient_case())
    def one(case: Case) -> None:
        run_case(server, tally, case, tmp_path)  # failures are collected, not raised: no shrinking by timeouts

    one()
    tally.write()
    assert tally.tried > 0
    assert not tally.failures, "\n".join(tally.problems())


@pytest.mark.parametrize("case", CORPUS, ids=[c.label for c in CORPUS])
def test_adversarial_patient_file(server: ForkServer, corpus_tally: Tally, tmp_path: Path, case: Case) -> None:
    problems = run_case(server, corpus_tally, case, tmp_path)
    assert problems == [], f"{case.label} (expect {case.expect}): {problems}"


def _both(server: ForkServer, case: Case, folder: Path) -> tuple[Outcome, Outcome]:
    path = write_case(case, folder)
    return server.run(generate_argv(path)), run_exec(generate_argv(path))


def test_a_fresh_careplan_process_gives_what_the_fork_gives(server: ForkServer, tmp_path: Path) -> None:
    """The fork server is only a faster way to run the CLI: on a sample, a fresh process agrees,
    and keeps the contract too (this is where the entry point's own start-up is exercised)."""
    chosen = [c for c in CORPUS if c.label in EXEC_SAMPLE]
    if LONG:
        chosen = CORPUS[: sample(len(chosen))]
    tally = Tally("patients-fresh-process")
    folders = [tmp_path / f"c{i}" for i in range(len(chosen))]
    for folder in folders:
        folder.mkdir()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda pair: _both(server, *pair), zip(chosen, folders, strict=True)))
    disagreements = []
    for case, (forked, fresh) in zip(chosen, results, strict=True):
        tally.record(case.label, case.text, case.expect, fresh, check_generate(fresh, case.expect))
        if (forked.exit, forked.stdout, b"Traceback" in forked.stderr) != (
                fresh.exit, fresh.stdout, b"Traceback" in fresh.stderr):
            disagreements.append(f"{case.label}: fork {forked.exit}, fresh {fresh.exit}")
    tally.extra["fork_agrees_with_fresh"] = len(chosen) - len(disagreements)
    tally.write()
    assert disagreements == []
    assert not tally.failures, "\n".join(tally.problems())


def test_a_wrong_case_key_is_named_as_written_with_a_hint(server: ForkServer, tmp_path: Path) -> None:
    """``Labs:`` is refused naming ``Labs`` (a key is the file's structure, not a patient value)
    and suggesting ``labs``, rather than an anonymous unknown key."""
    case = next(c for c in CORPUS if c.label == "wrong-case-key")
    outcome = server.run(generate_argv(write_case(case, tmp_path)))
    stderr = outcome.stderr.decode("utf-8", "replace")
    assert outcome.exit == "2"
    assert "unknown key 'Labs'" in stderr and "did you mean 'labs'" in stderr, stderr
