"""Every number that reaches durable-rules reads back as exactly the value it was.

durable's parser cannot read ``1e-05`` or ``1e+16`` (error 204, then a dropped rule or a
segfault) and saturates integers past 2**63; ``engine.facts.fact.engine_json`` is the one
path by which facts and rulesets reach it. These tests hold that path to exactness through
the real runtime: for a value x, a rule comparing x with its neighbours (the next double
down and up, or x - 1 and x + 1) must see x strictly between them and equal to itself.
Then the same for every number of a patient drawn from the whole range the schema allows,
written in a file as text and read by the loader.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from engine.facts.fact import ENGINE_INT_LIMIT, Fact, UnrepresentableNumber, engine_json, engine_number
from engine.generator import Generator
from engine.patient.loader import parse_patient
from engine.patient.model import Patient
from engine.run.runtime import EngineError
from tests.packs import rule_doc, write_pack
from tests.patient_facts import facts_of

ROOT = Path(__file__).resolve().parent.parent
PLAIN_INT = re.compile(r"-?[0-9]+")
PLAIN_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")  # what durable's parser reads as a double, exactly
BIG = 1e300  # so that both neighbours of a drawn double are finite

NUMBERS = {
    "num": {"label": "number {v}", "fields": {"k": "integer", "v": "number"}},
    "bound": {"label": "bounds {k}", "fields": {"k": "integer", "lo": "number", "eq": "number", "hi": "number"}},
}
# rule -> the comparison of num.v with the bound fact of the same k; True where it must fire
COMPARISONS = {
    "above-lo": ({"gt": {"ref": "b.lo"}}, True),
    "below-hi": ({"lt": {"ref": "b.hi"}}, True),
    "at-least": ({"ge": {"ref": "b.eq"}}, True),
    "at-most": ({"le": {"ref": "b.eq"}}, True),
    "equal": ({"ref": "b.eq"}, True),
    "above": ({"gt": {"ref": "b.eq"}}, False),
    "below": ({"lt": {"ref": "b.eq"}}, False),
    "equal-hi": ({"ref": "b.hi"}, False),
    "equal-lo": ({"ref": "b.lo"}, False),
}
MUST_FIRE = {f"rt.{name}" for name, (_, fires) in COMPARISONS.items() if fires}


@pytest.fixture(scope="module")
def comparing(tmp_path_factory: pytest.TempPathFactory) -> Generator:
    rules = {name: rule_doc(f"rt.{name}", {"all": [{"bound": {"as": "b"}},
                                                   {"num": {"k": {"ref": "b.k"}, "v": test}}]})
             for name, (test, _) in COMPARISONS.items()}
    return Generator(write_pack(tmp_path_factory.mktemp("roundtrip"), rules, NUMBERS))


def _neighbours(value: int | float) -> tuple[int | float, int | float]:
    if isinstance(value, int):
        return value - 1, value + 1
    return math.nextafter(value, -math.inf), math.nextafter(value, math.inf)


def _seen(generator: Generator, values: Sequence[int | float]) -> dict[int, set[str]]:
    """For each value (by index), the comparison rules durable fired for it."""
    facts: list[Fact] = []
    for k, value in enumerate(values):
        lo, hi = _neighbours(value)
        facts.append(Fact.make("num", {"k": k, "v": value}))
        facts.append(Fact.make("bound", {"k": k, "lo": lo, "eq": value, "hi": hi}))
    by_id = {f.fid: f for f in facts}
    fired: dict[int, set[str]] = {k: set() for k in range(len(values))}
    for firing in generator.evaluator.evaluate(facts).firings:
        (key,) = {by_id[fid].values["k"] for fid in firing.matched}
        fired[int(key)].add(firing.rule_id)
    return fired


def _assert_exact(generator: Generator, values: Sequence[int | float]) -> None:
    for k, rules in _seen(generator, values).items():
        assert rules == MUST_FIRE, (values[k], sorted(rules ^ MUST_FIRE))


# -- the formatting path itself ------------------------------------------------------------------

@given(st.floats(allow_nan=False, allow_infinity=False))
@example(1e-05)
@example(1e16)
@example(5e-324)
@example(-0.0)
def test_every_finite_double_is_written_plainly_and_reads_back(value: float) -> None:
    text = engine_number(value)
    assert PLAIN_DECIMAL.fullmatch(text), text
    assert float(text) == value and math.copysign(1, float(text)) == math.copysign(1, value)


@given(st.integers(-ENGINE_INT_LIMIT, ENGINE_INT_LIMIT))
def test_every_integer_in_the_engine_range_is_written_as_an_integer(value: int) -> None:
    text = engine_number(value)
    assert PLAIN_INT.fullmatch(text) and int(text) == value


JSON_TREES = st.recursive(
    st.none() | st.booleans() | st.text(max_size=12) | st.sampled_from(["type-2", "1e-05", "x" + "7" * 16])
    | st.floats(allow_nan=False, allow_infinity=False) | st.integers(-ENGINE_INT_LIMIT, ENGINE_INT_LIMIT),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=30)


@given(JSON_TREES)
def test_engine_json_writes_every_number_as_durable_reads_it(tree: Any) -> None:
    tokens: list[tuple[str, str]] = []

    def token(kind: str) -> Any:
        def read(text: str) -> float:
            tokens.append((kind, text))
            return float(text) if kind == "float" else int(text)
        return read

    text = engine_json(tree)
    assert json.loads(text, parse_float=token("float"), parse_int=token("int")) == tree
    for kind, written in tokens:
        assert (PLAIN_DECIMAL if kind == "float" else PLAIN_INT).fullmatch(written), written


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, ENGINE_INT_LIMIT + 1, -(2**64), 10**400])
def test_what_the_engine_cannot_hold_is_refused_without_the_value(value: float) -> None:
    with pytest.raises(UnrepresentableNumber) as caught:
        engine_json({"t": "lab", "value": value})
    assert "field 'value'" in str(caught.value)
    if isinstance(value, int):
        assert str(abs(value))[:6] not in str(caught.value)


# -- through durable-rules ------------------------------------------------------------------------

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.floats(min_value=-BIG, max_value=BIG), min_size=1, max_size=8))
@example([1e-05, 0.00001234, 1e16, 1e15 + 0.5, 5e-324, 0.0, 1e-300, 0.1])
def test_durable_sees_every_double_exactly(comparing: Generator, values: list[float]) -> None:
    _assert_exact(comparing, values)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(-(ENGINE_INT_LIMIT - 1), ENGINE_INT_LIMIT - 1), min_size=1, max_size=8))
@example([0, 1, -1, 10_000_000_000_000_000 // 10, ENGINE_INT_LIMIT - 1])
def test_durable_sees_every_integer_exactly(comparing: Generator, values: list[int]) -> None:
    _assert_exact(comparing, values)


def test_a_fact_the_engine_cannot_hold_fails_closed(comparing: Generator) -> None:
    too_big = 2**60 + 1
    with pytest.raises(EngineError, match="cannot read back exactly") as caught:
        comparing.evaluator.evaluate([Fact.make("num", {"k": 0, "v": too_big}),
                                      Fact.make("bound", {"k": 0, "lo": 0, "eq": 1, "hi": 2})])
    assert str(too_big) not in str(caught.value)


# -- from the patient file, over the whole range the schema allows ---------------------------------

def _numeric_fields() -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """(path in a patient file, JSON Schema) of every measured field; list items at index 0."""
    schema = Patient.model_json_schema()
    found: list[tuple[tuple[str, ...], dict[str, Any]]] = []

    def walk(node: dict[str, Any], path: tuple[str, ...]) -> None:
        for name, prop in node.get("properties", {}).items():
            for option in prop.get("anyOf", [prop]):
                target = option.get("items", option)
                if "$ref" in target:
                    walk(schema["$defs"][target["$ref"].split("/")[-1]], (*path, name))
                elif "x-unit" in target:
                    found.append(((*path, name), target))

    walk(schema, ())
    return found


# An observation's value fills a declared field (checked against that field's own range and unit, which
# are covered here directly); a bare observation needs a mapped code and unit, so it is left to
# tests/test_lung_screening_pack.py and the fuzzed patient files.
FIELDS = [(path, spec) for path, spec in _numeric_fields() if path[0] != "observations"]
LISTS = {"blood_pressure", "medications", "genotypes", "cancer", "family_history"}
# the normaliser keeps these at fixed places (the model refuses a value that would round to 0)
# (pack_years and home_radon_pci_per_l: `places: 1` in knowledge/lifestyle/fields.yaml)
ROUNDED = {"labs", "blood_pressure", "activity_score", "tumour_size_mm", "pd_l1_tps_percent", "pack_years",
           "home_radon_pci_per_l"}
REQUIRED: dict[str, dict[str, Any]] = {
    "blood_pressure": {"systolic": 250, "diastolic": 21}, "medications": {"name": "x"},
    "genotypes": {"gene": "CYP2D6"}, "cancer": {"type": "breast"},
    "family_history": {"relative": "mother", "condition": "breast cancer"}}


def test_every_numeric_field_of_the_schema_is_covered() -> None:
    names = {path[-1] for path, _ in FIELDS}
    assert {"alcohol_drinks_per_week", "systolic", "dose_mg", "activity_score", "age", "pss10",
            "urine_acr_mg_g", "nodes_positive", "age_at_diagnosis", "months_on_drug"} <= names
    assert all("minimum" in spec and "maximum" in spec for _, spec in FIELDS)


@st.composite
def _field_value(draw: st.DrawFn) -> tuple[tuple[str, ...], int | float]:
    path, spec = draw(st.sampled_from(FIELDS))
    low, high = spec["minimum"], spec["maximum"]
    if spec["type"] == "integer":
        return path, draw(st.integers(low, high))
    value = draw(st.floats(low, high) | st.sampled_from([float(low), float(high), low + 1e-5, 1e-300 + low]))
    if ROUNDED & set(path):  # a value the normaliser would round to 0 is refused: see test_strict_input
        value = round(value, 1) if value >= 0.05 else 0.0
    return path, value


def _patient_text(path: tuple[str, ...], value: int | float) -> str:
    """The value as a person or an export would write it: repr, so 1e-05 stays 1e-05."""
    written = repr(value)
    section, *rest = path
    if section in LISTS:
        fields = {**REQUIRED[section], rest[-1] if rest else section: written}
        return f"id: p\n{section}:\n  - {{{', '.join(f'{k}: {v}' for k, v in fields.items())}}}\n"
    if len(rest) == 2 and rest[0] in LISTS:  # vitals.blood_pressure[0].systolic
        fields = {**REQUIRED[rest[0]], rest[1]: written}
        return f"id: p\n{section}:\n  {rest[0]}:\n    - {{{', '.join(f'{k}: {v}' for k, v in fields.items())}}}\n"
    return f"id: p\n{section}:\n  {rest[0]}: {written}\n"


def _numbers_of(facts: list[Fact]) -> list[int | float]:
    return [v for f in facts for v in f.values.values() if isinstance(v, (int, float)) and not isinstance(v, bool)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_field_value(), min_size=1, max_size=6))
def test_the_engine_sees_the_value_the_patient_file_holds(comparing: Generator,
                                                          drawn: list[tuple[tuple[str, ...], int | float]]) -> None:
    numbers: list[int | float] = []
    for path, value in drawn:
        text = _patient_text(path, value)
        patient = parse_patient(text, "p.yaml")
        loaded: Any = patient.model_dump()
        for part in path:
            loaded = loaded[part][0] if isinstance(loaded[part], list) else loaded[part]
        assert loaded == value and type(loaded) is type(value), (text, loaded)
        facts = facts_of(patient)
        fact_numbers = _numbers_of(facts)
        assert value in fact_numbers or ROUNDED & set(path), (path, value, fact_numbers)
        numbers.extend(fact_numbers)
    _assert_exact(comparing, numbers)


# -- the reported failures, end to end (a segfault must not take the test run down with it) ------

def _generate(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    patient = tmp_path / "p.yaml"
    patient.write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "generate", str(patient), "--format", "json"],
                          capture_output=True, text=True, timeout=300, check=False)


def test_a_tiny_decimal_reaches_the_engine_and_the_plan_is_made(tmp_path: Path) -> None:
    done = _generate(tmp_path, "id: p\nlifestyle:\n  alcohol_drinks_per_week: 0.00001\n  smoking: current\n")
    assert done.returncode == 0, done.stderr[-2000:]
    assert '"patient_id": "p"' in done.stdout


@pytest.mark.parametrize("copies", ["10000000000000000", "9" * 400, "21"])
def test_a_copy_number_beyond_the_bound_is_refused_at_load(tmp_path: Path, copies: str) -> None:
    text = f"id: p\ngenotypes:\n  - {{gene: CYP2D6, diplotype: '*1x{copies}/*4'}}\n"
    done = _generate(tmp_path, text)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "p.yaml:3:" in done.stderr and "genotypes[0].diplotype" in done.stderr
    assert "between 1 and 20" in done.stderr and copies not in done.stderr and "Traceback" not in done.stderr
