"""The broken corpus: tests/broken/<case>/ holds pack files laid over a small valid pack
(tests/broken/_base/) and ``expect.yaml``, the diagnostic the user must see:

    code: lint.table-gap           # the code
    file: knowledge/demo/bands.csv # the file it names, relative to the pack
    line: 3                        # the line (the output holds FILE:LINE:)
    command: lint                  # optional: validate (default), lint (run with --strict, so a
                                   # warning fails too) or generate
    patient: patient.yaml          # the patient file, in the case's folder: generate's input, or
                                   # validated beside the pack
    remove: [templates/x.j2]       # optional: base files the case deletes

Every case runs through the command line on a temporary copy and must exit 2 with ``FILE:LINE:``
and the code in its output.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from engine.cli.app import app

CORPUS = Path(__file__).parent / "broken"
BASE = CORPUS / "_base"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))
COMMANDS = ("validate", "lint", "generate")


def _expectation(case: Path) -> dict[str, Any]:
    expect = yaml.safe_load((case / "expect.yaml").read_text(encoding="utf-8"))
    assert isinstance(expect, dict), f"{case.name}/expect.yaml is not a mapping"
    return expect


def _lay_over(case: Path, pack: Path, remove: list[str]) -> None:
    shutil.copytree(BASE, pack)
    for name in remove:
        (pack / name).unlink()
    for path in sorted(case.rglob("*")):
        if path.is_file() and path.name != "expect.yaml":
            target = pack / path.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def _arguments(expect: dict[str, Any], pack: Path) -> list[str]:
    command = expect.get("command", "validate")
    if command == "lint":
        return ["lint", str(pack), "--strict"]
    if command == "generate":
        return ["generate", str(pack / expect["patient"]), "--pack", str(pack)]
    patient = [str(pack / expect["patient"])] if expect.get("patient") else []
    return ["validate", str(pack), *patient]


def run_case(case: Path, work: Path) -> list[str]:
    """What is wrong with the case's run: empty when it exits 2 naming FILE:LINE: and the code."""
    expect = _expectation(case)
    unknown = set(expect) - {"code", "file", "line", "command", "patient", "remove"}
    if unknown or expect.get("command", "validate") not in COMMANDS:
        return [f"expect.yaml: unknown keys {sorted(unknown)} or command {expect.get('command')!r}"]
    pack = work / "pack"
    _lay_over(case, pack, list(expect.get("remove") or []))
    result = CliRunner().invoke(app, _arguments(expect, pack))
    output = result.stdout + result.stderr
    place = f"{expect['file']}:{expect['line']}:" if expect["line"] else f"{expect['file']}:"
    problems = []
    if result.exit_code != 2:
        problems.append(f"exit code {result.exit_code}, expected 2")
    if not any(place in line and expect["code"] in line for line in output.splitlines()):
        problems.append(f"no line holds both {place!r} and {expect['code']!r}")
    return [f"{case.name}: {p}\n{output}" for p in problems]


@pytest.mark.parametrize("name", CASES)
def test_broken_case_is_reported_where_it_is(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAREPLAN_NO_CACHE", "1")
    assert run_case(CORPUS / name, tmp_path) == []


def test_the_base_pack_is_clean(tmp_path: Path) -> None:
    """The cases fail because of what they add, not because of the base."""
    assert (BASE / "rules" / "demo" / "high-bp.yaml").is_file()
    validate = CliRunner().invoke(app, ["validate", str(BASE)])
    lint = CliRunner().invoke(app, ["lint", str(BASE), "--strict"])
    assert (validate.exit_code, lint.exit_code) == (0, 0), validate.stderr + lint.stdout
    assert "0 errors, 0 warnings, 0 infos" in lint.stdout


def test_the_harness_reports_a_case_whose_expectation_is_wrong(tmp_path: Path) -> None:
    """A case that names the wrong line (or code) is a failure the harness reports, not a pass."""
    case = tmp_path / "case"
    shutil.copytree(CORPUS / "table-gap", case)
    expect = _expectation(case)
    assert run_case(case, tmp_path / "right") == []  # the case itself passes
    (case / "expect.yaml").write_text(yaml.safe_dump({**expect, "line": expect["line"] + 1}), encoding="utf-8")
    wrong_line = run_case(case, tmp_path / "wrong-line")
    (case / "expect.yaml").write_text(yaml.safe_dump({**expect, "code": "lint.table-overlap"}), encoding="utf-8")
    wrong_code = run_case(case, tmp_path / "wrong-code")
    assert len(wrong_line) == 1 and f"{expect['file']}:{expect['line'] + 1}:" in wrong_line[0]
    assert len(wrong_code) == 1 and "'lint.table-overlap'" in wrong_code[0]


def test_the_corpus_is_large_enough() -> None:
    mine = [name for name in CASES if not name.startswith("fields-")]
    assert len(mine) >= 30, mine
