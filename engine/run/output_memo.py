"""What a firing builds from the facts it matched, built once per content and kept across patients.

Building an output fills its wording from the matched facts and resolves its refs: about 18
microseconds for a recommendation, paid at every firing. Deriving a fact resolves its fields and
hashes its content for its id: about 10 microseconds. What either reads is the rule, the action
and, of the matched facts, only the fields the action names: its refs (``{ref: alias.field}``,
also inside ``any``, ``add`` and ``mul``) and the ``{alias.field}`` of its wording
(``engine.run.resolve``). So each result is kept by the rule, the action's place in it and the
values of exactly those fields, each with its type (1 and 1.0 print differently; True is not 1).
A recommendation that quotes nothing is then built once per rule, whatever the patient; one that
quotes a reading is built once per value it quotes. An action holding anything the reader does not
know is kept by the whole contents of its matched facts instead. Outputs and facts are frozen
records, never changed once made; an assessment carries a dictionary of details, so assessments
are built every time rather than shared. Each memo is bounded, keeping what recurs
(``engine.run.recent``).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from engine.facts.fact import Fact
from engine.lang.rule import Rule
from engine.lang.vocabulary import TEXT_REF, OutputKind
from engine.run.outputs import Output
from engine.run.recent import RecentEntries
from engine.run.resolve import build_output, resolve

MEMO_LIMIT = 8192  # results: those of a few thousand patients
SHARED_KINDS = frozenset({"recommend", "goal", "follow_up", "warn", "suppress", "data_gap"})

Reads = tuple[tuple[str, str], ...]  # (alias, field) pairs an action reads, sorted
Key = tuple[str, int, tuple[Hashable, ...]]
Value = TypeVar("Value")
_NOT_YET: Reads = (("", ""),)  # a place whose reads are not worked out yet (no alias is empty)


def action_reads(spec: Any) -> Reads | None:
    """The (alias, field) pairs an action's spec reads of its matched facts, or None when the spec
    holds a value this reader does not know (its results are then kept by whole contents)."""
    found: set[tuple[str, str]] = set()
    stack = [spec]
    while stack:
        value = stack.pop()
        if value is None or isinstance(value, (bool, int, float)):
            continue
        if isinstance(value, str):
            found.update(TEXT_REF.findall(value))
        elif isinstance(value, BaseModel):
            stack.extend(getattr(value, name) for name in type(value).model_fields)
        elif isinstance(value, dict):
            if set(value) == {"ref"}:  # as engine.run.resolve reads a ref
                alias, _, field = str(value["ref"]).partition(".")
                found.add((alias, field))
            stack.extend(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend(value)
        else:
            return None
    return tuple(sorted(found))


class _ByContents(Generic[Value]):
    """Results by rule, action and the values of the matched fields the action reads."""

    def __init__(self, limit: int = MEMO_LIMIT) -> None:
        self._entries: RecentEntries[Key, Value] = RecentEntries(limit)
        self._reads: dict[tuple[str, int], Reads | None] = {}  # per rule id and action (bounded by the pack)

    def _key(self, rule: Rule, action: int, spec: Any, bound: dict[str, Fact]) -> Key:
        place = (rule.id, action)
        reads = self._reads.get(place, _NOT_YET)
        if reads is _NOT_YET:
            reads = self._reads[place] = action_reads(spec)
        if reads is None:
            return (rule.id, action, tuple((alias, bound[alias].type, tuple(sorted(bound[alias].values.items())))
                                           for alias in sorted(bound)))
        values: list[Hashable] = []
        for alias, field in reads:
            fact = bound.get(alias)
            found = None if fact is None else fact.values.get(field)
            values.append((found.__class__, found))
        return (rule.id, action, tuple(values))

    def _kept(self, rule: Rule, action: int, spec: Any, bound: dict[str, Fact]) -> tuple[Key, Value | None]:
        key = self._key(rule, action, spec, bound)
        return key, self._entries.get(key)

    def _keep(self, key: Key, value: Value) -> Value:
        self._entries.put(key, value)
        return value

    def __len__(self) -> int:
        return len(self._entries)


class OutputMemo(_ByContents[Output]):
    """Plan outputs by rule, action and matched contents."""

    def output(self, kind: OutputKind, spec: Any, rule: Rule, action: int, bound: dict[str, Fact]) -> Output:
        """What ``build_output`` gives for this action of ``rule`` and these matched facts."""
        if kind not in SHARED_KINDS:
            return build_output(kind, spec, rule, bound)
        key, kept = self._kept(rule, action, spec, bound)
        return kept if kept is not None else self._keep(key, build_output(kind, spec, rule, bound))


class DerivedMemo(_ByContents[tuple[Fact, ...]]):
    """The facts an ``assert`` action derives, by rule, action and matched contents."""

    def derive(self, rule: Rule, action: int, asserted: dict[str, dict[str, Any]],
               bound: dict[str, Fact]) -> tuple[Fact, ...]:
        """The action's facts, in the order it names their types, each field resolved against ``bound``."""
        key, kept = self._kept(rule, action, asserted, bound)
        if kept is not None:
            return kept
        made = tuple(Fact.make(type_name, {k: resolve(v, bound) for k, v in (values or {}).items()},
                               origin="derived")
                     for type_name, values in asserted.items())
        return self._keep(key, made)
