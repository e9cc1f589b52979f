"""The quick reading of one-line JSON records (engine.source.plain_json) gives the located reader's data, or
defers to it: on random texts, on texts that the standard JSON parser reads but the located reader
refuses, and on every record of a synthetic cohort with bad records."""

from __future__ import annotations

import json
import math
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.patient import loader
from engine.patient.declared import default_patient_model
from engine.patient.loader import PATIENT_LIMITS, parse_patient
from engine.source.diagnostics import DiagnosticError
from engine.source.document import parse_text
from engine.source.plain_json import plain_json
from engine.synth.cohort import cohort_lines


def typed(value: Any) -> Any:
    """``value`` with every scalar's type beside it: 1, 1.0 and True are three different readings."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [typed(item) for item in value]
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def located(text: str) -> Any:
    """What the located reader makes of ``text``: its data, or the codes of its refusal."""
    try:
        return ("data", typed(parse_text(text, "x.ndjson", PATIENT_LIMITS).data))
    except DiagnosticError as exc:
        return ("refused", [d.code for d in exc.diagnostics])


def agrees(text: str) -> None:
    quick = plain_json(text, PATIENT_LIMITS)
    if quick is not None:
        assert located(text) == ("data", typed(quick)), text


# characters that one reader or the other treats specially: escapes, line breaks of YAML's own, the BOM,
# characters YAML's reader refuses, quotes, YAML indicators, non-BMP text
_AWKWARD = "\\\t\x85\u2028\u2029\ufeff\ufffe\x7f\x00\"':#&*!|>%@`{}[],- é中😀"
_text = st.text(alphabet=st.sampled_from(list(_AWKWARD) + list("abcxyz019.eE+")), max_size=12)
_scalars = (st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
            | st.floats(allow_nan=True, allow_infinity=True) | _text)
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(_text, inner, max_size=4), max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(_text, _values, max_size=5), st.booleans(), st.booleans())
def test_random_json_lines_read_alike(data: dict[str, Any], compact: bool, ascii_only: bool) -> None:
    text = json.dumps(data, ensure_ascii=ascii_only, separators=(",", ":") if compact else None)
    agrees(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list('{}[]:," 01-.eE') + ["true", "null", '"a"', '"b"', "NaN", "1e999",
                                                          "1e-999", "0.0", '{"a":', '{"a": 1, "a": 2}']),
                max_size=30))
def test_fragments_read_alike_or_defer(pieces: list[str]) -> None:
    """Near-JSON texts: each either reads alike or is left to the located reader."""
    agrees("".join(pieces))


# texts the standard JSON parser reads without complaint that the located reader refuses
REFUSED_BY_THE_LOCATED_READER = {
    "a repeated key": '{"id": "p1", "id": "p2"}',
    "an overflow": '{"id": "p1", "labs": {"egfr": 1e400}}',
    "an underflow": '{"id": "p1", "labs": {"egfr": 1e-400}}',
    "a long mantissa's underflow": '{"id": "p1", "x": 0.' + "0" * 400 + '1}',
    "a lone surrogate": '{"id": "p\\ud800"}',
    "deep nesting": '{"id": "p1", "x": ' + "[" * 40 + "]" * 40 + "}",
    "a character YAML refuses": '{"id": "p\x7f1"}',
}


@pytest.mark.parametrize("name", sorted(REFUSED_BY_THE_LOCATED_READER))
def test_what_json_reads_and_the_located_reader_refuses_is_left_to_it(name: str) -> None:
    text = REFUSED_BY_THE_LOCATED_READER[name]
    json.loads(text)  # the standard parser alone would have taken it
    assert located(text)[0] == "refused"
    assert plain_json(text, PATIENT_LIMITS) is None


def test_text_the_located_reader_reads_differently_is_left_to_it() -> None:
    """``NaN`` is a number to the standard JSON parser and the text "NaN" to the located reader."""
    text = '{"id": "p1", "labs": {"egfr": NaN}}'
    assert math.isnan(json.loads(text)["labs"]["egfr"])
    assert located(text) == ("data", typed({"id": "p1", "labs": {"egfr": "NaN"}}))
    assert plain_json(text, PATIENT_LIMITS) is None


def _outcome(read: Any, text: str) -> Any:
    try:
        patient = read(text)
    except DiagnosticError as exc:
        return ("refused", [d.format() for d in exc.diagnostics])
    return ("patient", patient.model_dump_json(), [d.format() for d in patient.load_warnings], patient.input_gaps)


def test_a_cohort_with_bad_records_reads_as_the_located_reader_reads_it() -> None:
    model = default_patient_model()
    lines = [line.rstrip("\n") for line in cohort_lines(400, seed=23, bad_share=0.2)]
    rng = random.Random(4)  # and records of an observation the pack does not map: a located warning
    lines += [json.dumps({"id": f"obs-{n}", "observations": [{"code": f"9999-{n}", "value": rng.randint(1, 9)}]})
              for n in range(5)]
    quick = sum(loader._plain_patient(line, model) is not None for line in lines)
    assert 0 < quick < len(lines)  # both paths are taken
    for line in lines:
        by_position = _outcome(lambda t: loader._validate(parse_text(t, "c.ndjson", PATIENT_LIMITS), model), line)
        assert _outcome(lambda t: parse_patient(t, "c.ndjson", model), line) == by_position
