"""The only module that talks to durable-rules: one Host per process, one patient at a time.

durable-rules 2.0.28 has sharp edges (../docs/engine.md lists them); this module is where
they are handled, behind a narrow interface: register compiled rulesets, open a session,
assert facts into a ruleset and get back which rules matched which facts, close.

* One Host per process, its timer threads disabled (each Host starts two that never stop).
* One fixed session id, used by one patient at a time; the state is deleted after a
  sentinel fact (durable segfaults deleting a session in which no action fired, and holds
  at most 1,024 live sessions per ruleset, keyed by a 32-bit hash).
* Actions only record what matched; an exception anywhere becomes an ``EngineError``
  (durable swallows action exceptions into the state): fail closed.
* Actions take exactly one parameter (durable treats two-parameter callables as async).
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
from engine.facts.fact import SENTINEL_TYPE, Scalar

SESSION_ID = "patient"


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
        super().__init__()

    def _run(self) -> None:  # durable starts its timer threads here; we need none
        return None

    def get_action(self, action_name: str) -> Callable[[Any], None]:
        ruleset_name, _, rule_name = action_name.partition("::")
        recorder, failures = self.recorder, self.failures

        def record(c: Any) -> None:
            try:
                message = c._m
                bindings = {alias: str(fact.get("fid", "")) for alias, fact in message.items()
                            if isinstance(fact, dict)}
                recorder.append(Activation(ruleset_name, rule_name, bindings))
            except Exception as exc:  # durable would swallow it: keep it for the caller
                failures.append(f"{type(exc).__name__} in action {rule_name}")

        return record


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
            if ruleset.name in self.registered or ruleset.name in host._ruleset_directory:
                self.registered.setdefault(ruleset.name, ruleset)
                continue
            definition = json.loads(json.dumps(ruleset.definition))  # a copy: durable pops 'run' from it
            for rule in definition.values():
                rule["run"] = f"{ruleset.name}::{rule['run']}"
            fresh[ruleset.name] = definition
            self.registered[ruleset.name] = ruleset
        if fresh:
            host.set_rulesets(fresh)

    def session(self) -> Session:
        return Session(_get_host())


class Session:
    """One patient's evaluation; use as a context manager so the state is always deleted."""

    def __init__(self, host: _Host) -> None:
        self._host = host
        self._touched: list[str] = []

    def __enter__(self) -> Session:
        self._host.recorder.clear()
        self._host.failures.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def assert_facts(self, ruleset: str, facts: list[dict[str, Scalar]]) -> list[Activation]:
        if ruleset not in self._touched:
            self._touched.append(ruleset)
        batch = [{**f, "sid": SESSION_ID} for f in facts]
        self._host.recorder.clear()
        try:
            state = self._host.assert_facts(ruleset, batch)
        except BaseException as exc:
            name = type(exc).__name__
            if name == "MessageObservedException":
                raise EngineError("the same fact was asserted twice into one ruleset") from None
            # durable's message may quote the facts (patient data): keep only its error code
            code = re.search(r"error code: (\d+)", str(exc))
            detail = f"error code {code.group(1)}" if code else name
            raise EngineError(f"durable-rules failed on ruleset {ruleset}: {detail}") from None
        self._check(state)
        activations = list(self._host.recorder)
        self._host.recorder.clear()
        return activations

    def _check(self, state: Any) -> None:
        if self._host.failures:
            raise EngineError("; ".join(self._host.failures))
        if isinstance(state, dict) and "exception" in state:
            raise EngineError("an action raised inside durable-rules (the plan is not trusted)")

    def close(self) -> None:
        host, touched, self._touched = self._host, self._touched, []
        errors: list[str] = []
        for ruleset in touched:
            try:
                state = host.assert_fact(ruleset, {"sid": SESSION_ID, "t": SENTINEL_TYPE})
                self._check(state)
            except EngineError as exc:
                errors.append(str(exc))
            except BaseException as exc:  # pragma: no cover - a durable failure while closing
                errors.append(f"closing {ruleset}: {type(exc).__name__}")
            finally:
                try:
                    host.delete_state(ruleset, SESSION_ID)
                except BaseException:
                    pass
        host.recorder.clear()
        host.failures.clear()
        if errors:
            raise EngineError("; ".join(errors))
