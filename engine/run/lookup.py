"""Rules that compare fields with constants, evaluated by hashed lookup (``engine.compile.lookup``
says which, and why).

``LookupIndex`` is built once per compiled lookup ruleset: each pattern is filed under its
fact type, the fields it requires by equality (its *shape*) and the values of those fields,
so the patterns a fact can meet are found with one dictionary lookup per shape of its type.
Where many patterns share a key and bound numeric fields (a table of thresholds), the values
then pick their pieces of the number lines (``engine.run.bands``), which decide the order
comparisons. The pattern's other tests (``in``, ``ne``, ``exists``, ``missing``) are then checked
one by one.
``LookupSession`` holds one patient's matched facts and, as facts arrive, returns the
activations durable would have made: every new combination of distinct facts, one per
pattern, each meeting its pattern, in the order the facts arrived. Tests follow the
reference evaluator: values compare equal only when of the same kind (numbers with numbers;
a bool is not a number), an order comparison holds only between numbers (compared as floats),
and every test but ``missing`` fails on a missing field.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Union

from engine.compile.compiler import CompiledRuleset
from engine.facts.fact import Fact, Scalar
from engine.run.bands import ORDER_TESTS, Bands, ordered_number
from engine.run.fact_memo import FactMemo
from engine.run.runtime import Activation

Shape = tuple[str, ...]  # the fields a pattern requires by equality, sorted
Key = tuple[tuple[str, Any], ...]  # their values, each with its kind


def _kind(value: Scalar) -> tuple[str, Any]:
    """A value as a hashable key that is equal only for values of the same kind (1 == 1.0, True != 1)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return (type(value).__name__, value)
    return ("number", value)


@dataclass(frozen=True)
class _Pattern:
    rule: str  # the rule's name in its ruleset
    position: int  # the pattern's place in the rule
    residual: tuple[tuple[str, str, Any], ...]  # (field, op, value) tests not covered by the key
    aliases: tuple[str, ...]  # the rule's durable aliases, in pattern order
    slot: int  # this pattern's number in its index (a session files the facts met under it)
    others: tuple[int, ...]  # the slots of the rule's other patterns

    def holds(self, values: dict[str, Scalar]) -> bool:
        for field, op, expected in self.residual:
            if op == "missing":
                if field in values:
                    return False
                continue
            if field not in values:
                return False
            if op == "in" and _kind(values[field]) not in expected:
                return False
            if op == "ne" and _kind(values[field]) == expected:
                return False
            if op in ORDER_TESTS:
                number = ordered_number(values[field])
                if number is None or not ORDER_TESTS[op](number, expected):
                    return False
        return True


def _split(tests: list[list[Any]]) -> tuple[dict[str, Any], tuple[tuple[str, str, Any], ...]]:
    """A pattern's tests as the equality key (field -> kind-tagged value) and the residual tests."""
    key: dict[str, Any] = {}
    residual: list[tuple[str, str, Any]] = []
    for field, given_op, given in tests:
        op, value = ("eq", given[0]) if given_op == "in" and len(given) == 1 else (given_op, given)
        if op == "eq" and field not in key:
            key[field] = _kind(value)
        elif op == "eq":  # a second equality on one field: checked as a one-value 'in'
            residual.append((field, "in", frozenset({_kind(value)})))
        elif op == "in":
            residual.append((field, "in", frozenset(_kind(v) for v in value)))
        elif op == "ne":
            residual.append((field, "ne", _kind(value)))
        elif op in ORDER_TESTS:  # the compiler sends only numbers (engine.compile.lookup)
            residual.append((field, op, float(value)))
        else:  # exists, missing
            residual.append((field, op, None))
    return key, tuple(residual)


class LookupIndex:
    """The patterns of one lookup ruleset, filed by fact type, shape and key.

    A fact type's patterns are filed when its first fact arrives: the default pack's lookups hold
    some 10,000 patterns, filing them all took about 55 ms of every ``careplan generate``, and a
    patient's facts are of a few types. Filing is the same whenever it happens (the patterns of a
    type in rule order), so the order of firings does not depend on it.
    """

    def __init__(self, ruleset: CompiledRuleset, memo: bool = True) -> None:
        """``memo``: keep each content's steps (a screen's index does not: its routes are kept)."""
        self.ruleset = ruleset
        # per fact type, its patterns as compiled, in rule order: (rule, position, aliases, first slot, tests)
        self._written: dict[str, list[tuple[str, int, tuple[str, ...], int, list[list[Any]]]]] = defaultdict(list)
        slots = 0
        for rule_name, rule in ruleset.definition.items():
            aliases = tuple(alias for alias, _type, _tests in rule["lookup"])
            first, slots = slots, slots + len(aliases)
            for position, (_alias, type_name, tests) in enumerate(rule["lookup"]):
                self._written[type_name].append((rule_name, position, aliases, first, tests))
        self._shapes: dict[str, list[Shape]] = {}  # per fact type filed so far, its shapes in filing order
        self._table: dict[tuple[str, Shape], dict[Key, _Bucket]] = {}
        self._memo = memo
        self._steps: FactMemo[tuple[Step, ...]] = FactMemo()  # most facts recur

    def _filed(self, type_name: str) -> list[Shape]:
        """The shapes of ``type_name``'s patterns, filing them first if no fact of the type came before.
        (The shapes are set last: another thread that finds them finds the buckets too.)"""
        shapes = self._shapes.get(type_name)
        if shapes is not None:
            return shapes
        shapes = []
        table: dict[Shape, dict[Key, list[_Pattern]]] = defaultdict(lambda: defaultdict(list))
        for rule_name, position, aliases, first, tests in self._written.get(type_name, ()):
            key, residual = _split(tests)
            shape = tuple(sorted(key))
            if shape not in table:
                shapes.append(shape)
            table[shape][tuple(key[f] for f in shape)].append(
                _Pattern(rule_name, position, residual, aliases, first + position,
                         tuple(first + n for n in range(len(aliases)) if n != position)))
        for shape, keyed in table.items():
            self._table[(type_name, shape)] = {key: _Bucket(patterns) for key, patterns in keyed.items()}
        self._shapes[type_name] = shapes
        return shapes

    def met_by(self, fact: Fact) -> list[_Pattern]:
        """The patterns ``fact`` meets, in the order they were filed."""
        return self._match(fact)

    def steps(self, fact: Fact) -> tuple[Step, ...]:
        """What ``fact`` does in a session, pattern by pattern in filing order: for a one-pattern rule,
        its activation; for a pattern of a longer rule, the pattern (kept by the fact's content)."""
        found = self._steps.get(fact) if self._memo else None
        if found is None:
            name = self.ruleset.name
            found = tuple(Activation(name, p.rule, {p.aliases[0]: fact.fid}) if len(p.aliases) == 1 else p
                          for p in self._match(fact))
            if self._memo:
                self._steps.put(fact, found)
        return found

    def _match(self, fact: Fact) -> list[_Pattern]:
        values = fact.values
        found: list[_Pattern] = []
        for shape in self._filed(fact.type):
            if any(f not in values for f in shape):
                continue
            bucket = self._table[(fact.type, shape)].get(tuple(_kind(values[f]) for f in shape))
            if bucket is not None:
                found.extend(bucket.matching(values))
        return found


class _Bucket:
    """The patterns filed under one key, in filing order, banded when many bound one field."""

    def __init__(self, patterns: list[_Pattern]) -> None:
        self._patterns = patterns
        self._bands = Bands.build(patterns)

    def candidates(self, values: dict[str, Scalar]) -> list[_Pattern]:
        """The patterns the bands leave for these values (all of them when not banded)."""
        return self._patterns if self._bands is None else self._bands.candidates(values)

    def matching(self, values: dict[str, Scalar]) -> list[_Pattern]:
        """The patterns that hold for these values, in filing order."""
        if self._bands is None:
            return [p for p in self._patterns if p.holds(values)]
        return self._bands.matching(values)


Step = Union[Activation, _Pattern]  # what a fact meeting a pattern does in a session (``LookupIndex.steps``)


class LookupSession:
    """One patient's facts matched against one lookup ruleset."""

    def __init__(self, index: LookupIndex) -> None:
        self._index = index
        self._matched: dict[int, list[str]] = {}  # a pattern's slot -> the ids of the facts that met it

    def assert_facts(self, facts: list[Fact]) -> list[Activation]:
        activations: list[Activation] = []
        matched = self._matched
        for fact in facts:
            fid = fact.fid
            for step in self._index.steps(fact):
                if isinstance(step, Activation):  # most rules: one pattern, so one activation per fact
                    activations.append(step)
                    continue
                for other in step.others:
                    if other not in matched:
                        break  # a pattern no fact has met yet: no combination (its key comes with its first fact)
                else:
                    activations.extend(self._new_combinations(step, fid))
                met = matched.get(step.slot)
                if met is None:
                    matched[step.slot] = [fid]
                else:
                    met.append(fid)
        return activations

    def _new_combinations(self, pattern: _Pattern, fid: str) -> list[Activation]:
        """Every combination with ``fid`` in ``pattern``'s place and facts met earlier in the others
        (each of which some fact has met)."""
        aliases = pattern.aliases
        name = self._index.ruleset.name
        first = pattern.slot - pattern.position  # a rule's patterns have consecutive slots
        choices = [[fid] if n == pattern.position else self._matched[first + n] for n in range(len(aliases))]
        return [Activation(name, pattern.rule, dict(zip(aliases, combination, strict=True)))
                for combination in itertools.product(*choices)
                if len(set(combination)) == len(combination)]  # a fact binds one alias
