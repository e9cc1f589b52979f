"""The generated row tests stay in step with their tables (rules/pgx/recommend-one-gene.tests.yaml with
knowledge/pgx/recommendations-one-gene.csv, and the two-gene table's likewise).

Every row of the table has a generated test that it fires with the row's drug, action and strength,
and one that it does not fire for another result, or is listed as unreachable with a reason. A row
added to (or changed in) the table without running ``python tools/one_gene_row_tests.py`` fails
here; the check is shown failing on a table with one row more than the file. (The tests themselves
run with every other rule test: ``careplan test``, ``careplan validate``.)
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.source.document import load_file

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "knowledge" / "pgx" / "recommendations-one-gene.csv"
TESTS = ROOT / "rules" / "pgx" / "recommend-one-gene.tests.yaml"
ONE_GENE_KEY = ("drug", "population", "gene", "result")
TABLES = [(TABLE, TESTS, ONE_GENE_KEY),
          (ROOT / "knowledge" / "pgx" / "recommendations-two-genes.csv",
           ROOT / "rules" / "pgx" / "recommend-two-genes.tests.yaml",
           ("drug", "population", "gene1", "result1", "gene2", "result2"))]
UNREACHABLE = "# unreachable: "
REGENERATE = "run: python tools/one_gene_row_tests.py"


def _rows(table_text: str, key: tuple[str, ...] = ONE_GENE_KEY) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(table_text))
    return {",".join(r[c] for c in key): r for r in rows}


def out_of_step(table_text: str, tests_text: str, key_columns: tuple[str, ...] = ONE_GENE_KEY) -> list[str]:
    """What in the tests file does not follow the table (empty when in step)."""
    rows = _rows(table_text, key_columns)
    tests: list[dict[str, Any]] = yaml.safe_load(tests_text) or []
    skipped = {line[len(UNREACHABLE):].rsplit(": ", 1)[0].split(": ")[0]
               for line in tests_text.splitlines() if line.startswith(UNREACHABLE)}
    fires = {t["row"]: t for t in tests if isinstance(t.get("expect"), dict)}
    quiet = {t["row"] for t in tests if t.get("expect") == "does_not_fire"}
    problems = [f"row {key} has no generated test; {REGENERATE}" for key in rows
                if key not in fires and key not in skipped]
    problems += [f"a test names row {key}, which the table no longer has; {REGENERATE}"
                 for key in sorted((set(fires) | quiet) - set(rows))]
    for key, test in fires.items():
        row = rows.get(key)
        wanted = test["expect"]["recommends"]
        if row is not None and (wanted["drug"], wanted["action"], wanted.get("strength", "")) != (
                row["drug"], row["action"], row["strength"]):
            problems.append(f"row {key}: the test expects {wanted}, the table says {row['action']}, "
                            f"{row['strength']}; {REGENERATE}")
    problems += [f"row {key} has no test that it does not fire; {REGENERATE}" for key in fires if key not in quiet]
    return problems


@pytest.mark.parametrize(("table", "tests", "key"), TABLES, ids=["one-gene", "two-genes"])
def test_generated_tests_follow_the_table(table: Path, tests: Path, key: tuple[str, ...]) -> None:
    assert table.is_file() and tests.is_file()
    assert out_of_step(table.read_text(encoding="utf-8"), tests.read_text(encoding="utf-8"), key) == []


@pytest.mark.parametrize(("table", "tests", "key"), TABLES, ids=["one-gene", "two-genes"])
def test_the_pack_reader_accepts_the_file(table: Path, tests: Path, key: tuple[str, ...]) -> None:
    """The strict reader the pack uses (no file may lean on YAML aliases past a bound), not yaml.safe_load."""
    doc = load_file(tests, tests.relative_to(ROOT).as_posix())
    assert isinstance(doc.data, list) and doc.data


@pytest.mark.parametrize(("table", "tests", "key"), TABLES, ids=["one-gene", "two-genes"])
def test_every_row_is_reachable_or_explained(table: Path, tests: Path, key: tuple[str, ...]) -> None:
    text = tests.read_text(encoding="utf-8")
    rows = _rows(table.read_text(encoding="utf-8"), key)
    fired = {t["row"] for t in yaml.safe_load(text) if isinstance(t.get("expect"), dict)}
    skipped = [line for line in text.splitlines() if line.startswith(UNREACHABLE)]
    assert len(fired) + len(skipped) == len(rows)
    assert all(": " in line[len(UNREACHABLE):] for line in skipped)  # each with its reason


def test_the_check_fails_when_a_row_is_added_or_changed() -> None:
    table = TABLE.read_text(encoding="utf-8")
    tests = TESTS.read_text(encoding="utf-8")
    added = table.rstrip("\n") + "\nnewdrug,general,CYP2C19,Poor Metabolizer,avoid,strong,,,a guideline,text\n"
    assert out_of_step(added, tests) == [
        f"row newdrug,general,CYP2C19,Poor Metabolizer has no generated test; {REGENERATE}"]
    first = next(iter(_rows(table).values()))
    weaker = table.replace(",".join(first.values()), ",".join({**first, "strength": "optional"}.values()), 1)
    assert weaker != table
    assert any("the table says" in problem for problem in out_of_step(weaker, tests))
