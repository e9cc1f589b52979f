"""A pack read back from the cache builds a rule only when it is used, and the rule files only when asked for.

Reading all of the default pack's rules back took about 105 ms of every ``careplan generate``
(engine.compile.rule_table). These tests show that a cached pack starts with none of its rules
built, that a plan builds only rules that fired, that the plan is the same as from a freshly
compiled pack, and that what is read late is read as strictly as what is read at once: a rule or
rule file naming a class outside the pack is refused when it is read, and runs nothing.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest

from engine.compile.cache import load_compiled
from engine.compile.compiler import compile_pack
from engine.compile.rule_table import RuleTable
from engine.compile.snapshot import FORMAT, SnapshotError, decode, encode
from engine.generator import Generator
from engine.intake.records import load_record
from engine.pack.load import load_pack
from engine.pack.locate import default_pack_root

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AT = "2026-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def cached(tmp_path_factory: pytest.TempPathFactory) -> Generator:
    """The default pack's Generator read back from a cache entry written just before."""
    cache_dir = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CAREPLAN_CACHE_DIR", str(cache_dir))
        patch.delenv("CAREPLAN_NO_CACHE", raising=False)
        load_compiled(default_pack_root())  # writes the entry
        assert list(cache_dir.glob("*.entry"))
        return Generator(default_pack_root())


def test_a_cached_pack_builds_only_the_rules_a_plan_fires(cached: Generator,
                                                           default_generator: Generator) -> None:
    rules = cached.compiled.rules
    assert isinstance(rules, RuleTable)
    assert len(rules) == len(default_generator.compiled.rules) > 1000
    assert not rules.built  # the Generator itself (evaluator, plan builder) reads no rule
    patient = load_record(EXAMPLES / "pgx-panel.yaml", model=cached.patient_model)
    result = cached.run(patient, at=AT)
    fired = {firing.rule_id for firing in result.evaluation.firings}
    # the rules that fired, and those the plan names for what was not recommended
    assert fired <= rules.built
    assert len(rules.built) < len(rules) // 20
    assert result.plan.to_json() == default_generator.run(patient, at=AT).plan.to_json()


def test_the_rule_files_are_read_when_asked_for_with_the_compiled_rules_themselves(cached: Generator) -> None:
    assert "_read_sources" in vars(cached.pack)  # deferred: a plan never reads them
    fresh = load_pack(default_pack_root())
    assert cached.pack.sources == fresh.sources
    assert "_read_sources" not in vars(cached.pack)
    compiled = [rule for source in cached.pack.sources for rule in source.rules if rule.id in cached.compiled.rules]
    assert len(compiled) == len(cached.compiled.rules)
    assert all(cached.compiled.rules[rule.id] is rule for rule in compiled)  # one object, not a copy


def test_a_copy_of_a_cached_pack_holds_its_rule_files(cached: Generator) -> None:
    pack, compiled = decode(encode(cached.pack, cached.compiled))
    assert "_read_sources" in vars(pack)
    copied = pickle.loads(pickle.dumps((pack, compiled)))  # the reader of deferred files is not written
    assert copied[0].sources == cached.pack.sources
    assert isinstance(copied[1].rules, dict) and copied[1].rules == cached.compiled.rules


class _Outside:
    """Unpickling this calls ``callee(*args)``: what a planted entry would do."""

    def __init__(self, callee: Any, *args: Any) -> None:
        self.callee, self.args = callee, args

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.callee, self.args)


def _parts(tmp_path: Path) -> tuple[str, bytes, dict[str, bytes], bytes]:
    from tests.test_pack_safety import good_pack

    pack = load_pack(good_pack(tmp_path / "pack"))
    fmt, body, rules, sources = pickle.loads(encode(pack, compile_pack(pack)))  # a format, three byte strings
    assert fmt == FORMAT and rules
    return fmt, body, rules, sources


def test_a_planted_rule_is_refused_when_read_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    _, body, rules, sources = _parts(tmp_path)
    first = next(iter(rules))
    _pack, control = decode(pickle.dumps((FORMAT, body, rules, sources)))
    assert control.rules[first].id == first  # the control: the rule as written is read
    for planted in (pickle.dumps(_Outside(os.system, f"touch {marker}")),
                    pickle.dumps(_Outside(open, str(marker), "w")),
                    pickle.dumps("a text, not a rule"),
                    b"not a pickle"):
        _pack, compiled = decode(pickle.dumps((FORMAT, body, {**rules, first: planted}, sources)))
        with pytest.raises(SnapshotError):
            compiled.rules[first]
    assert not marker.exists()


def test_planted_rule_files_or_body_are_refused_and_run_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    _, body, rules, sources = _parts(tmp_path)
    assert decode(pickle.dumps((FORMAT, body, rules, sources)))[0].sources  # the control
    plant = pickle.dumps(_Outside(open, str(marker), "w"))
    files = pickle.loads(sources)
    unknown = pickle.dumps([(files[0][0], ["no.such-rule"])])  # a rule file naming a rule the pack lacks
    for planted in (plant, unknown, pickle.dumps("not rule files")):
        pack, _compiled = decode(pickle.dumps((FORMAT, body, rules, planted)))
        with pytest.raises(SnapshotError):
            _ = pack.sources
    for data in (pickle.dumps((FORMAT, plant, rules, sources)),
                 pickle.dumps((FORMAT, body, {"r": 1}, sources)),
                 pickle.dumps((FORMAT, body, rules)),
                 pickle.dumps(("careplan-compiled-pack/2", body, rules, sources))):
        with pytest.raises(SnapshotError):
            decode(data)
    assert not marker.exists()
