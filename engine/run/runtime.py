"""The only module that talks to durable-rules: one Host per process, one patient at a time.

durable-rules 2.0.28 has sharp edges (../docs/engine.md lists them); this module is where
they are handled, behind a narrow interface: register compiled rulesets, open a session,
assert facts into a ruleset and get back which rules matched which facts, close.

* One Host per process, its timer threads disabled (each Host starts two that never stop).
* One fixed session id, used by one patient at a time (durable holds at most 1,024 live
  sessions per ruleset, keyed by a 32-bit hash). At the end of a patient each touched
  ruleset's facts are retracted and the state is kept for the next patient when it is
  verifiably empty; otherwise it is deleted, after a sentinel fact (durable segfaults
  deleting a session in which no action fired).
* Actions only record what matched; an exception anywhere becomes an ``EngineError``
  (durable swallows action exceptions into the state): fail closed.
* Actions take exactly one parameter (durable treats two-parameter callables as async).
* Every JSON text durable reads (rulesets, facts, the sentinel) is written by
  ``engine.facts.fact.engine_json``, so every number reads back as exactly the value it
  was (durable's own ``json.dumps`` writes ``1e-05``, which it then cannot parse).
* Facts are asserted, and matches collected, by calling durable's C functions directly
  (``_dispatch``): durable's Python layer would build a Closure (two datetime calls), parse
  the session state and write it back as JSON for every action, though ours change nothing.
  The evaluator hands over each fact's JSON text, written once per patient (``fact_text``).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from durable import engine as durable_engine

from engine.compile.compiler import CompiledRuleset
from engine.facts.fact import SENTINEL_TYPE, Scalar, UnrepresentableNumber, engine_json

SESSION_ID = "patient"
# a kept state is deleted and built anew after this many patients, so that whatever durable's pools
# keep from retracted facts stays bounded (none was seen to grow: bench/bench_generate.py's memory)
RENEW_AFTER = 256


class EngineError(RuntimeError):
    """The engine failed while evaluating; the plan must not be trusted (fail closed)."""


@dataclass(frozen=True)
class Activation:
    ruleset: str
    rule_name: str
    bindings: dict[str, str]  # durable alias -> fact id


class _Host(durable_engine.Host):  # type: ignore[misc]
    """A durable Host without background threads, whose actions are recorders."""

    def __init__(self) -> None:
        self.recorder: list[Activation] = []
        self.failures: list[str] = []
        self.state_uses: dict[str, int] = {}  # ruleset -> patients its kept state has served
        super().__init__()

    def _run(self) -> None:  # durable starts its timer threads here; we need none
        return None

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        ruleset_name, _, rule_name = action_name.partition("::")

        def record(c: Any) -> None:  # c: a _Match, or durable's Closure
            self.record(ruleset_name, rule_name, c._m)

        return record

    def record(self, ruleset_name: str, rule_name: str, message: Any) -> None:
        """One match: the rule and, per alias, the id of the fact it matched."""
        try:
            bindings = {alias: str(fact.get("fid", "")) for alias, fact in message.items() if isinstance(fact, dict)}
            self.recorder.append(Activation(ruleset_name, rule_name, bindings))
        except Exception as exc:  # never lose a failure: the caller raises it
            self.failures.append(f"{type(exc).__name__} in action {rule_name}")


@dataclass(frozen=True)
class _Match:
    """What an action reads of durable's Closure: the matched facts by alias."""

    _m: dict[str, Any]


class _Ruleset(durable_engine.Ruleset):  # type: ignore[misc]
    """durable's Ruleset, but every JSON text handed to the C engine is written by ``engine_json``.

    durable's own methods call ``json.dumps``, whose exponent floats its parser refuses.
    Only string actions are used (``Host.get_action`` resolves them), so the constructor
    keeps just that branch of durable's.
    """

    def __init__(self, name: str, host: _Host, definition: dict[str, Any]) -> None:
        # the recorders ``Session._dispatch`` calls; durable's Promises only for its own dispatch
        self.recorders = {rule_name: host.get_action(rule.pop("run")) for rule_name, rule in definition.items()}
        self._actions = {rule_name: durable_engine.Promise(action) for rule_name, action in self.recorders.items()}
        self._name = name
        self._host = host
        self._handle = durable_engine.durable_rules_engine.create_ruleset(name, engine_json(definition))
        self._definition = definition

    def assert_fact(self, fact: dict[str, Any]) -> Any:
        text = engine_json(fact)
        return self._handle_result(durable_engine.durable_rules_engine.assert_fact(self._handle, text), fact)

    def assert_facts(self, facts: list[dict[str, Any]]) -> Any:
        text = engine_json(facts)
        return self._handle_result(durable_engine.durable_rules_engine.assert_facts(self._handle, text), facts)


def _without_run(definition: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: {k: v for k, v in rule.items() if k != "run"} for name, rule in definition.items()}


def _registered_rules(ruleset: _Ruleset) -> dict[str, dict[str, Any]]:
    """A registered ruleset's rules as compiled (durable popped each rule's 'run' when it was registered)."""
    return _without_run(ruleset._definition)


def _register(host: _Host, definitions: dict[str, dict[str, Any]]) -> None:
    """``Host.register_rulesets`` with ``_Ruleset`` (no callbacks are set on our Host)."""
    for name, definition in definitions.items():
        if name in host._ruleset_directory:
            raise EngineError(f"ruleset {name} is already registered")
        ruleset = _Ruleset(name, host, definition)
        host._ruleset_directory[name] = ruleset
        host._ruleset_list.append(ruleset)


def fact_text(fact: dict[str, Scalar]) -> str:
    """A fact's JSON text as the session asserts it (with the session id)."""
    return engine_json({**fact, "sid": SESSION_ID})


_lock = threading.Lock()
_host: _Host | None = None


def _get_host() -> _Host:
    global _host
    with _lock:
        if _host is None:
            _host = _Host()
        return _host


@dataclass
class Runtime:
    """Rulesets registered on the process's Host, and sessions over them."""

    registered: dict[str, CompiledRuleset] = field(default_factory=dict)

    def register(self, rulesets: tuple[CompiledRuleset, ...]) -> None:
        host = _get_host()
        fresh: dict[str, Any] = {}
        for ruleset in rulesets:
            # each rule's top level copied, as durable pops 'run' from it; the patterns are only read
            definition = {rule_name: {**rule, "run": f"{ruleset.name}::{rule['run']}"}
                          for rule_name, rule in ruleset.definition.items()}
            known = host._ruleset_directory.get(ruleset.name)
            if known is not None:
                # a name is the pack's digest and the ruleset's place: the same name with other rules
                # (another compiler in this process) would run the wrong rules without a word
                if _registered_rules(known) != _without_run(definition):
                    raise EngineError(f"ruleset {ruleset.name} is already registered with other rules")
                self.registered.setdefault(ruleset.name, ruleset)
                continue
            fresh[ruleset.name] = definition
            self.registered[ruleset.name] = ruleset
        if fresh:
            _register(host, fresh)

    def session(self) -> Session:
        return Session(_get_host())


class Session:
    """One patient's evaluation; use as a context manager so the state is always deleted."""

    def __init__(self, host: _Host) -> None:
        self._host = host
        self._touched: list[str] = []
        self._asserted: dict[str, list[str]] = {}  # per ruleset, the fact texts to retract at close
        self._dirty: set[str] = set()  # rulesets that failed: their state is deleted, never kept

    def __enter__(self) -> Session:
        self._host.recorder.clear()
        self._host.failures.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def assert_facts(self, ruleset: str, facts: list[dict[str, Scalar]]) -> list[Activation]:
        try:
            texts = [fact_text(f) for f in facts]
        except UnrepresentableNumber as exc:  # the loader's bounds should make this impossible
            raise EngineError(f"a fact for ruleset {ruleset}: {exc}") from None
        return self.assert_texts(ruleset, texts)

    def assert_texts(self, ruleset: str, texts: list[str]) -> list[Activation]:
        """Assert facts given as ``fact_text`` wrote them; the activations they caused, in durable's order."""
        if ruleset not in self._touched:
            self._touched.append(ruleset)
        self._asserted.setdefault(ruleset, []).extend(texts)
        self._host.recorder.clear()
        try:
            self._dispatch(ruleset, "[" + ",".join(texts) + "]", many=True)
        except BaseException as exc:
            self._dirty.add(ruleset)
            name = type(exc).__name__
            if name == "MessageObservedException":
                raise EngineError("the same fact was asserted twice into one ruleset") from None
            # durable's message may quote the facts (patient data): keep only its error code
            code = re.search(r"error code: (\d+)", str(exc))
            detail = f"error code {code.group(1)}" if code else name
            raise EngineError(f"durable-rules failed on ruleset {ruleset}: {detail}") from None
        if self._host.failures:
            self._dirty.add(ruleset)
        self._check()
        activations = list(self._host.recorder)
        self._host.recorder.clear()
        return activations

    def _dispatch(self, ruleset: str, text: str, many: bool) -> None:
        """What ``Host.assert_facts`` does, without its per-action Closure and state round trip.

        durable returns the session's first pending action; each one is recorded and completed,
        which returns the next, until none is left (durable's ``Ruleset.do_actions``).
        """
        rules = self._host._ruleset_directory[ruleset]
        engine = durable_engine.durable_rules_engine
        result = (engine.assert_facts if many else engine.assert_fact)(rules._handle, text)
        if result[0] == 1:
            raise durable_engine.MessageNotHandledException("a fact no rule consumes")
        if result[0] == 2:
            raise durable_engine.MessageObservedException("a fact asserted twice")
        state_handle = 0 if result[0] == 3 else result[1]
        started = engine.start_action_for_state(rules._handle, state_handle)
        message = started[1] if started else None
        while message:
            for rule_name, matched in json.loads(message).items():
                try:
                    rules.recorders[rule_name](_Match(matched))
                except Exception:  # durable would have swallowed it into the state: fail closed
                    self._host.failures.append("an action raised inside durable-rules (the plan is not trusted)")
            message = engine.complete_and_start_action(rules._handle, state_handle)

    def _check(self) -> None:
        if self._host.failures:
            raise EngineError("; ".join(self._host.failures))

    def close(self) -> None:
        """Empty each touched ruleset's state for the next patient, or delete it (``_end_state``)."""
        host, touched, self._touched = self._host, self._touched, []
        asserted, dirty, self._asserted, self._dirty = self._asserted, self._dirty, {}, set()
        errors: list[str] = []
        for ruleset in touched:
            if ruleset in dirty or not _empty_kept_state(host, ruleset, asserted.get(ruleset, [])):
                error = self._end_state(ruleset)
                if error:
                    errors.append(error)
        host.recorder.clear()
        host.failures.clear()
        if errors:
            raise EngineError("; ".join(errors))

    def _end_state(self, ruleset: str) -> str | None:
        """Delete the ruleset's state, after the sentinel: durable segfaults deleting a state in which no
        action ever fired (``createStateNode`` leaves what the first action sets up uninitialised), and the
        sentinel's lowest-priority rule fires in every state. A kept state needs no sentinel: it is
        retracted, not deleted, and when it is deleted later this runs first. The error, if any."""
        error: str | None = None
        try:
            self._dispatch(ruleset, engine_json({"sid": SESSION_ID, "t": SENTINEL_TYPE}), many=False)
            self._check()
        except EngineError as exc:
            error = str(exc)
        except BaseException as exc:  # pragma: no cover - a durable failure while closing
            error = f"closing {ruleset}: {type(exc).__name__}"
        finally:
            _delete_state(self._host, ruleset)
        return error


def _empty_kept_state(host: _Host, ruleset: str, texts: list[str]) -> bool:
    """Retract this patient's facts from the ruleset's state and keep the state for the next patient.

    Building a state is most of durable's cost: ``createStateNode`` allocates a frame pool and
    clears two 512-entry indexes for every join node, and ``delete_state`` frees them (1.2-1.8 ms
    for a 500-rule ruleset, against 0.04-0.07 ms to assert into a state that exists). Kept only
    when the retraction left nothing: durable reports success, no action is pending (no rule is
    ``$not``, so a retraction can start none) and the state holds no fact. Otherwise, and after
    ``RENEW_AFTER`` patients, the state is deleted and the next patient gets a new one.
    """
    uses = host.state_uses.get(ruleset, 0) + 1
    if uses >= RENEW_AFTER:
        return False
    engine = durable_engine.durable_rules_engine
    handle = host._ruleset_directory[ruleset]._handle
    try:
        code, state_handle = engine.retract_facts(handle, "[" + ",".join(texts) + "]")
        pending = engine.start_action_for_state(handle, state_handle)
        if code != 0 or pending or engine.get_facts(handle, SESSION_ID) != "[]":
            return False
    except Exception:  # durable's RulesError: delete the state instead (a Ctrl-C is not swallowed here)
        return False
    host.state_uses[ruleset] = uses
    return True


def _delete_state(host: _Host, ruleset: str) -> None:
    host.state_uses.pop(ruleset, None)
    try:
        durable_engine.durable_rules_engine.delete_state(host._ruleset_directory[ruleset]._handle, SESSION_ID)
    except BaseException:
        pass
