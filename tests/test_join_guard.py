"""Join patterns end with a test that always holds, so durable never reads past a join group.

durable-rules 2.0.28 (``reduceExpressionSequence`` in events.c) stops an ``$and`` at its first
false join test by scanning for the group's end, starting one entry past the one that failed.
When the failing test is the group's last, the scan steps over the end and reads on through
memory durable never wrote: valgrind reports the reads, and about one run in six of
tests/test_number_roundtrip.py died of SIGSEGV there. The compiler writes a pattern's last join
test twice (``engine.compile.compiler._join_guard``), so the failing test is never the last.
These tests check that every join pattern of the shipped pack ends so, and, under valgrind, that
durable reads past a join group without the copy and not with it, firing the same rules.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.facts.fact import SENTINEL_TYPE
from engine.generator import Generator
from engine.run.runtime import SESSION_ID, fact_text
from tests.packs import rule_doc, write_pack

ROOT = Path(__file__).resolve().parent.parent
REPLAY = ROOT / "tests" / "durable_replay.py"
OPS = {"$lt", "$lte", "$gt", "$gte", "$neq"}


def _join_alias(term: dict[str, Any]) -> str | None:
    """The alias a term joins against (``{"k": {"a_b": "k"}}``, ``{"$gt": {"v": {"a_b": "lo"}}}``)."""
    (key, value), = term.items()
    if key in OPS:
        (_, value), = value.items()
    if isinstance(value, dict) and len(value) == 1:
        (alias, field), = value.items()
        if isinstance(field, str) and not alias.startswith("$"):
            return str(alias)
    return None


def _and_terms(generator: Generator) -> list[list[dict[str, Any]]]:
    found = []
    for ruleset in generator.compiled.rulesets:
        for rule in ruleset.definition.values():
            for pattern in rule["all"]:
                (body,) = pattern.values()
                if "$and" in body:
                    found.append(body["$and"])
    return found


def _ends_with_the_copy(terms: list[dict[str, Any]]) -> bool:
    """The last join term is the join term before it written again, and only $or groups follow it
    (constant tests in between are alpha nodes, outside the sequence durable scans)."""
    joins = [n for n, t in enumerate(terms) if _join_alias(t)]
    return (len(joins) >= 2 and terms[joins[-1]] == terms[joins[-2]]
            and all("$or" in t for t in terms[joins[-1] + 1:]))


def test_every_join_pattern_of_the_shipped_pack_ends_with_its_last_join_test_twice() -> None:
    groups = _and_terms(Generator(ROOT))
    joins = [terms for terms in groups if any(_join_alias(t) for t in terms)]
    assert len(joins) >= 5, "the shipped pack has join patterns"  # so the check below checks something
    assert all(_ends_with_the_copy(terms) for terms in joins), [t for t in joins if not _ends_with_the_copy(t)][:3]
    plain = [terms for terms in groups if not any(_join_alias(t) for t in terms)]
    assert plain and not any(_ends_with_the_copy(terms) for terms in plain)


# -- under valgrind: the defect and the guard's effect ---------------------------------------------

JOIN_RULES = {name: rule_doc(f"jg.{name}", {"all": [{"bound": {"as": "b"}}, {"num": {"k": {"ref": "b.k"}, "v": test}}]})
              for name, test in {"above": {"gt": {"ref": "b.lo"}}, "below": {"lt": {"ref": "b.hi"}}}.items()}
JOIN_TYPES = {"num": {"label": "number {v}", "fields": {"k": "integer", "v": "number"}},
              "bound": {"label": "bounds {k}", "fields": {"k": "integer", "lo": "number", "hi": "number"}}}


def _strip_guards(rulesets: dict[str, Any]) -> dict[str, Any]:
    def strip(pattern: dict[str, Any]) -> dict[str, Any]:
        (alias, body), = pattern.items()
        if "$and" not in body:
            return pattern
        terms = body["$and"]
        if not _ends_with_the_copy(terms):
            return pattern
        last = max(n for n, t in enumerate(terms) if _join_alias(t))
        return {alias: {"$and": terms[:last] + terms[last + 1:]}}
    return {name: {rule_name: {**rule, "all": [strip(p) for p in rule["all"]]} for rule_name, rule in rules.items()}
            for name, rules in rulesets.items()}


def _durable_reads_past_a_group(tmp_path: Path, rulesets: dict[str, Any]) -> tuple[int, str]:
    # every second patient's last join test fails (v = 1 is not above lo = 5), so the scan runs
    batches = [[fact_text({"t": "bound", "k": 0, "lo": 5.5, "hi": 10.5, "fid": f"b{n}"}),
                fact_text({"t": "num", "k": 0, "v": 1.5 if n % 2 else 7.5, "fid": f"n{n}"})] for n in range(40)]
    case = tmp_path / "case.json"
    sentinel = json.dumps({"sid": SESSION_ID, "t": SENTINEL_TYPE})
    case.write_text(json.dumps({"rulesets": rulesets, "batches": batches, "sentinel": sentinel}), encoding="utf-8")
    done = subprocess.run(["valgrind", "--num-callers=4", sys.executable, str(REPLAY), str(case)],
                          capture_output=True, text=True, timeout=600, check=False,
                          env={"PYTHONMALLOC": "malloc", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stderr.count("reduceExpressionSequence"), done.stdout.strip()


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_durable_reads_past_an_unguarded_join_group_and_not_past_a_guarded_one(tmp_path: Path) -> None:
    generator = Generator(write_pack(tmp_path / "pack", JOIN_RULES, JOIN_TYPES))
    rulesets = {r.name: r.definition for r in generator.compiled.rulesets if any(
        "bound" in json.dumps(rule["all"]) for rule in r.definition.values())}
    assert rulesets
    unguarded = _strip_guards(rulesets)
    assert unguarded != rulesets  # the copies were there to strip
    reads, fired_unguarded = _durable_reads_past_a_group(tmp_path, unguarded)
    assert reads > 0, "valgrind sees durable read past an unguarded join group"
    reads, fired = _durable_reads_past_a_group(tmp_path, rulesets)
    assert reads == 0
    assert fired == fired_unguarded  # the guard changes no match
