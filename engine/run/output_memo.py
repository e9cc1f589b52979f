"""What a firing builds from the facts it matched, built once per content and kept across patients.

Building an output fills its wording from the matched facts and resolves its refs: about 18
microseconds for a recommendation, paid at every firing. Deriving a fact resolves its fields and
hashes its content for its id: about 10 microseconds. What either reads is the rule's action and
the matched facts' types and fields, nothing else, and most firings match facts that recur
across patients (a phenotype, a medicine, a blood-pressure category). So each result is kept by
the rule, the action's place in it and the matched facts' ids, and used again only when those
facts have the same types and fields too (an id is a hash prefix: two contents could share
one). Outputs and facts are frozen records, never changed once made; an assessment carries a
dictionary of details, so assessments are built every time rather than shared. Each memo is
bounded, keeping what recurs (``engine.run.recent``).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from engine.facts.fact import Fact, Scalar
from engine.lang.rule import Rule
from engine.lang.vocabulary import OutputKind
from engine.run.outputs import Output
from engine.run.recent import RecentEntries
from engine.run.resolve import build_output, resolve

MEMO_LIMIT = 8192  # results: those of a few thousand patients
SHARED_KINDS = frozenset({"recommend", "goal", "follow_up", "warn", "suppress", "data_gap"})

Key = tuple[str, int, tuple[str, ...]]
Contents = tuple[tuple[str, dict[str, Scalar]], ...]
Value = TypeVar("Value")


class _ByContents(Generic[Value]):
    """Results by rule, action and the contents of the facts they were built from."""

    def __init__(self, limit: int = MEMO_LIMIT) -> None:
        self._entries: RecentEntries[Key, tuple[Contents, Value]] = RecentEntries(limit)

    def _kept(self, rule: Rule, action: int, bound: dict[str, Fact]) -> tuple[Key, Contents, Value | None]:
        if len(bound) == 1:  # most firings match one fact
            [fact] = bound.values()
            key: Key = (rule.id, action, (fact.fid,))
            contents: Contents = ((fact.type, fact.values),)
        else:
            facts = [bound[a] for a in sorted(bound)]
            key = (rule.id, action, tuple(f.fid for f in facts))
            contents = tuple((f.type, f.values) for f in facts)
        entry = self._entries.get(key)
        return key, contents, (entry[1] if entry is not None and entry[0] == contents else None)

    def _keep(self, key: Key, contents: Contents, value: Value) -> Value:
        self._entries.put(key, (contents, value))
        return value

    def __len__(self) -> int:
        return len(self._entries)


class OutputMemo(_ByContents[Output]):
    """Plan outputs by rule, action and matched contents."""

    def output(self, kind: OutputKind, spec: Any, rule: Rule, action: int, bound: dict[str, Fact]) -> Output:
        """What ``build_output`` gives for this action of ``rule`` and these matched facts."""
        if kind not in SHARED_KINDS:
            return build_output(kind, spec, rule, bound)
        key, contents, kept = self._kept(rule, action, bound)
        return kept if kept is not None else self._keep(key, contents, build_output(kind, spec, rule, bound))


class DerivedMemo(_ByContents[tuple[Fact, ...]]):
    """The facts an ``assert`` action derives, by rule, action and matched contents."""

    def derive(self, rule: Rule, action: int, asserted: dict[str, dict[str, Any]],
               bound: dict[str, Fact]) -> tuple[Fact, ...]:
        """The action's facts, in the order it names their types, each field resolved against ``bound``."""
        key, contents, kept = self._kept(rule, action, bound)
        if kept is not None:
            return kept
        made = tuple(Fact.make(type_name, {k: resolve(v, bound) for k, v in (values or {}).items()},
                               origin="derived")
                     for type_name, values in asserted.items())
        return self._keep(key, contents, made)
