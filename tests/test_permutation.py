"""The plan is a function of what the patient file says, not of how it is written.

Through the real CLI (one forked process per run): the same patient with every list in another
order (readings, medications, genotypes, conditions, allergies, cancers and their variants,
relatives, goals, declines) and every mapping's keys in another order, written in another
style (YAML block, YAML flow, JSON), must give byte-identical plan JSON and the same exit code.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.emit import dump
from tests.fuzz.harness import ForkServer, shared_server, write_section
from tests.fuzz.patient_files import STYLES, suffix, valid_patient
from tests.fuzz.sizing import fuzz_settings


@st.composite
def permuted(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with every list's items and every mapping's keys in a drawn order."""
    if isinstance(value, dict):
        return {k: draw(permuted(value[k])) for k in draw(st.permutations(list(value)))}
    if isinstance(value, list):
        return [draw(permuted(v)) for v in draw(st.permutations(value))]
    return value


@pytest.fixture(scope="module")
def server() -> ForkServer:
    return shared_server()


def _plan(server: ForkServer, text: str, name: str, folder: Path) -> tuple[str, bytes]:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    outcome = server.run(["generate", str(path), "--format", "json"])
    return outcome.exit, outcome.stdout


def test_permuted_patient_files_give_byte_identical_plans(server: ForkServer, tmp_path: Path) -> None:
    counts: Counter[str] = Counter()
    failures: dict[str, list[dict[str, Any]]] = {}

    @fuzz_settings(ci=15)
    @given(data=valid_patient(), styles=st.tuples(st.sampled_from(STYLES), st.sampled_from(STYLES)), st_data=st.data())
    def one(data: dict[str, Any], styles: tuple[Any, Any], st_data: st.DataObject) -> None:
        other = st_data.draw(permuted(data))
        first = _plan(server, dump(data, styles[0]), "a" + suffix(styles[0]), tmp_path)
        second = _plan(server, dump(other, styles[1]), "b" + suffix(styles[1]), tmp_path)
        counts["pairs"] += 1
        counts[f"exit-{first[0]}"] += 1
        if first == second and first[0] in ("0", "1"):
            counts["identical"] += 1
            return
        kind = "different-exit" if first[0] != second[0] else (
            "different-plan" if first[0] in ("0", "1") else f"no-plan-{first[0]}")
        text = (dump(data, "block") + "---\n" + dump(other, "block")).encode()
        kept = failures.setdefault(kind, [])
        kept.append({"label": f"{styles[0]} vs {styles[1]}", "size": len(text), "exit": f"{first[0]}/{second[0]}",
                     "stderr": "", "input": text})
        kept.sort(key=lambda e: e["size"])
        del kept[5:]

    one()
    write_section("permutation", {**dict(counts), "failure_kinds": sorted(failures)}, failures)
    assert counts["pairs"] > 0
    assert not failures, f"{sorted(failures)}: see .fuzz-failures/permutation/"
