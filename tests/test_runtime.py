"""The runtime fails closed, keeps to its firing budget, tolerates odd facts and forgets each patient."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from engine.facts.fact import Fact
from engine.generator import Generator
from engine.patient.model import Patient
from engine.run import runtime
from engine.run.evaluate import Evaluator
from engine.run.runtime import SESSION_ID, EngineError
from tests import reference_evaluator as reference
from tests.packs import rule_doc, write_pack
from tests.patient_facts import facts_of

AT = "2026-01-01T00:00:00Z"
FINDING = {"finding": {"label": "finding {code}", "fields": {"code": "text", "level": "number"}}}


def _firings(generator: Generator, patient: Patient) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.rule_id, f.matched) for f in generator.evaluator.evaluate(facts_of(patient)).firings]


def _patient(**sections: Any) -> Patient:
    return Patient.model_validate({"id": "p", **sections})


@pytest.fixture(scope="module")
def chain_pack(tmp_path_factory: pytest.TempPathFactory) -> Generator:
    """Labs fan out into findings, findings chain on; a negation and a join for good measure."""
    rules = {
        "lab-high": rule_doc("t.lab-high", {"all": [{"lab": {"value": {"ge": 8}, "as": "l"}}]},
                             [{"assert": {"finding": {"code": "high", "level": {"ref": "l.value"}}}}]),
        "lab-any": rule_doc("t.lab-any", {"all": [{"lab": {"as": "l"}}]},
                            [{"assert": {"finding": {"code": "lab", "level": {"ref": "l.value"}}}}]),
        "finding-pair": rule_doc("t.finding-pair", {"all": [
            {"finding": {"code": "lab", "as": "a"}},
            {"finding": {"code": "lab", "level": {"gt": {"ref": "a.level"}}, "as": "b"}}]}),
        "no-smoker": rule_doc("t.no-smoker", {"all": [{"finding": {"code": "high"}}],
                                             "none": [{"lifestyle": {"smoking": "current"}}]}),
        "bp": rule_doc("t.bp", {"all": [{"blood_pressure": {"systolic": {"ge": 130}}}]}),
    }
    return Generator(write_pack(tmp_path_factory.mktemp("chain"), rules, FINDING))


LABS = {"hba1c_percent": 9.5, "egfr": 60, "ldl_mg_dl": 130, "potassium_mmol_l": 4}


def test_chain_pack_fires_as_the_reference_does(chain_pack: Generator) -> None:
    facts = facts_of(_patient(labs=LABS))
    got = {(f.rule_id, f.matched) for f in chain_pack.evaluator.evaluate(facts).firings}
    assert got == reference.evaluate(chain_pack.pack.rules, facts)
    assert len(got) > 10  # enough firings for the budget test below to bite


def test_an_exception_in_the_action_is_an_engine_error(chain_pack: Generator,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    with monkeypatch.context() as patch:
        patch.setattr(runtime, "Activation", broken)  # what the recording action builds
        with pytest.raises(EngineError, match="RuntimeError in action"):
            chain_pack.run(_patient(labs=LABS), at=AT)
    # nothing of the failed evaluation lingers: the next one is complete and correct
    facts = facts_of(_patient(labs=LABS))
    got = {(f.rule_id, f.matched) for f in chain_pack.evaluator.evaluate(facts).firings}
    assert got == reference.evaluate(chain_pack.pack.rules, facts)


def test_an_exception_durable_swallows_is_an_engine_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """durable catches action exceptions into the session state; the runtime must still fail closed.

    (The join keeps the rule in durable: rules that compare fields only with constants are lookups,
    engine.run.lookup.)
    """
    def raising_action(self: runtime._Host, action_name: str) -> Any:
        def action(c: Any) -> None:
            raise ValueError("inside durable")
        return action

    rules = {"poisoned": rule_doc("t.poisoned-action-only-used-by-this-test",
                                  {"all": [{"lab": {"name": "egfr", "as": "e"}},
                                           {"lab": {"name": "ldl_mg_dl", "value": {"ge": {"ref": "e.value"}}}}]})}
    with monkeypatch.context() as patch:
        patch.setattr(runtime._Host, "get_action", raising_action)  # only rulesets registered now get it
        generator = Generator(write_pack(tmp_path, rules))
    with pytest.raises(EngineError, match="an action raised inside durable-rules"):
        generator.run(_patient(labs={"egfr": 50, "ldl_mg_dl": 130}), at=AT)
    assert generator.compiled.rulesets and not generator.compiled.lookups
    # and again: the exception left in the state is not a one-off
    with pytest.raises(EngineError, match="an action raised inside durable-rules"):
        generator.run(_patient(labs={"egfr": 50, "ldl_mg_dl": 130}), at=AT)


def test_firing_budget_stops_the_evaluation(chain_pack: Generator) -> None:
    small = Evaluator(chain_pack.compiled, chain_pack.pack.schema, firing_budget=3)
    with pytest.raises(EngineError, match="firing budget of 3"):
        small.evaluate(facts_of(_patient(labs=LABS)))
    facts = facts_of(_patient(labs={"egfr": 60}))
    after = [(f.rule_id, f.matched) for f in chain_pack.evaluator.evaluate(facts).firings]
    assert set(after) == reference.evaluate(chain_pack.pack.rules, facts)
    assert len(after) == 3


def test_a_budget_that_suffices_changes_nothing(chain_pack: Generator) -> None:
    facts = facts_of(_patient(labs=LABS))
    needed = len(chain_pack.evaluator.evaluate(facts).firings)
    exact = Evaluator(chain_pack.compiled, chain_pack.pack.schema, firing_budget=needed)
    assert len(exact.evaluate(facts).firings) == needed


def test_facts_no_rule_consumes_and_duplicates_are_harmless(chain_pack: Generator) -> None:
    facts = facts_of(_patient(labs={"egfr": 60}, allergies=["penicillin"], conditions=["asthma"]))
    odd = [Fact.make("mystery", {"x": 1}), Fact.make("allergy", {"substance": "latex"})]
    plain = chain_pack.evaluator.evaluate(facts)
    doubled = chain_pack.evaluator.evaluate(facts + odd + list(reversed(facts)) + odd)
    assert [(f.rule_id, f.matched) for f in doubled.firings] == [(f.rule_id, f.matched) for f in plain.firings]
    assert {(f.rule_id, f.matched) for f in plain.firings} == reference.evaluate(chain_pack.pack.rules, facts)
    assert len(plain.firings) == 3


def test_patients_that_match_nothing_do_not_crash(chain_pack: Generator) -> None:
    """durable segfaults deleting a session in which no action fired; the sentinel prevents that."""
    for _ in range(3):
        assert _firings(chain_pack, _patient()) == []
        assert _firings(chain_pack, _patient(lifestyle={"smoking": "current"})) == []


def test_no_fact_outlives_its_patient(chain_pack: Generator) -> None:
    """After a patient each touched ruleset's state is either deleted or kept empty (its facts retracted)."""
    first = _patient(labs=LABS, vitals={"blood_pressure": [{"systolic": 150, "diastolic": 90}]})
    other = _patient(labs={"egfr": 20}, lifestyle={"smoking": "current"})
    runs = [_firings(chain_pack, first), _firings(chain_pack, other), _firings(chain_pack, first)]
    assert runs[0] == runs[2]
    assert runs[0] != runs[1]
    host = runtime._get_host()
    kept = 0
    for ruleset in chain_pack.compiled.rulesets:
        try:
            facts = host.get_facts(ruleset.name, SESSION_ID)
        except Exception as exc:
            assert "309" in str(exc)  # durable: no such session (deleted)
            continue
        assert facts == []
        kept += 1
    assert kept > 0  # a state was kept, so the emptiness check above checked one


def test_the_same_patient_twice_gives_identical_firings(default_generator: Generator) -> None:
    patient = _patient(genotypes=[{"gene": "CYP2C19", "diplotype": "*2/*2"}],
                       medications=[{"name": "clopidogrel", "status": "planned", "indication": "PCI"}])
    first = default_generator.evaluator.evaluate(facts_of(patient))
    second = default_generator.evaluator.evaluate(facts_of(patient))
    assert first.firings == second.firings
    assert first.facts == second.facts


@pytest.mark.parametrize("op", ["ne", "lt", "le", "gt", "ge"])
def test_join_against_a_missing_field(tmp_path: Path, op: str) -> None:
    rules = {"join": rule_doc(f"t.join-{op}", {"all": [
        {"lifestyle": {"as": "l"}},
        {"lab": {"value": {op: {"ref": "l.sleep_hours"}}}}]})}
    generator = Generator(write_pack(tmp_path, rules))
    facts = facts_of(_patient(lifestyle={"smoking": "never"}, labs={"egfr": 60}))  # no sleep_hours
    got = {(f.rule_id, f.matched) for f in generator.evaluator.evaluate(facts).firings}
    assert got == reference.evaluate(generator.pack.rules, facts) == set()


_RENEWED_STATES = '''
import sys, tempfile
from pathlib import Path
from engine.generator import Generator
from engine.patient.model import Patient
from engine.run import runtime
from tests.packs import rule_doc, write_pack
from tests.patient_facts import facts_of

rules = {"join": rule_doc("t.join", {"all": [{"lab": {"name": "egfr", "as": "e"}},
         {"lab": {"name": "ldl_mg_dl", "value": {"ge": {"ref": "e.value"}}}}]})}
generator = Generator(write_pack(Path(tempfile.mkdtemp()), rules))
runtime.RENEW_AFTER = 3
if sys.argv[1] == "no-sentinel":  # what the runtime guards against: deleting without the sentinel
    runtime.Session._end_state = lambda self, ruleset: runtime._delete_state(self._host, ruleset)
patient = Patient.model_validate({"id": "p", "labs": {"egfr": 50}})  # meets the join's first pattern only
for _ in range(8):
    assert generator.evaluator.evaluate(facts_of(patient)).firings == []
print("closed", len(runtime._get_host().state_uses))
'''


@pytest.mark.parametrize("mode", ["runtime", "no-sentinel"])
def test_a_kept_state_no_rule_fired_in_is_deleted_safely(mode: str, tmp_path: Path) -> None:
    """A state is kept empty between patients and deleted every RENEW_AFTER patients. Deleted in a
    state no action ever fired in, durable crashes the process, so the runtime fires the sentinel
    first; a kept state gets none. Run in a child process, where a crash is an exit code."""
    script = tmp_path / "renew.py"
    script.write_text(_RENEWED_STATES, encoding="utf-8")
    root = Path(__file__).parent.parent
    done = subprocess.run([sys.executable, str(script), mode], check=False, capture_output=True, text=True,
                          timeout=300, cwd=root, env={**os.environ, "PYTHONPATH": str(root)})
    if mode == "runtime":
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "closed 1"
    else:
        assert done.returncode != 0  # the harness sees the crash it exists to catch
        assert "closed" not in done.stdout


def test_a_ruleset_name_taken_by_other_rules_is_refused(chain_pack: Generator) -> None:
    """The runtime keys durable rulesets by name (the pack's digest and the ruleset's place); the same
    name with other rules, from another compiler in this process, would run the wrong rules."""
    ruleset = chain_pack.compiled.rulesets[0]
    runtime.Runtime().register((ruleset,))  # the same rules again: nothing to do
    first = next(iter(ruleset.definition))
    other = replace(ruleset, definition={**ruleset.definition, first: {**ruleset.definition[first], "pri": 7}})
    with pytest.raises(EngineError, match=f"ruleset {ruleset.name} is already registered with other rules"):
        runtime.Runtime().register((other,))
