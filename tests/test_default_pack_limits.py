"""Every ruleset of the compiled default pack takes its most demanding facts without a durable error.

durable-rules fails an assert (error 303) when one fact satisfies more than 64 alpha
conditions of one ruleset, and the compiler's partitioning (``engine.compile.partition``)
is what keeps each ruleset under that. So, for every ruleset the default pack compiles to
(one test each, named by stratum and index), this builds per fact type a *maximal* fact:
one that meets as many of the ruleset's conditions on that type as a greedy search finds
(starting from the facts that meet each pattern, it sets one field at a time to the value
that meets the most conditions), and asserts the maximal facts of every type, and one fact
per pattern, into the ruleset in one session.

The conditions are read from the ruleset definitions that durable itself is given, so
everything durable evaluates on a fact is counted: rule and probe patterns, absence
markers, the fields the compiler requires for joins and the absorbers. The facts are
engine facts, not a patient file: derived types (phenotypes, categories, markers) are
facts a rule asserts, and they meet the limit the same way.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from engine.compile.cache import load_compiled
from engine.compile.compiler import CompiledRuleset
from engine.facts.fact import NEVER_TYPE, SENTINEL_TYPE, Fact, Scalar
from engine.generator import Generator
from engine.pack.locate import default_pack_root

_MISSING = object()  # a field the fact does not have
_OTHER_TEXT = "zz-other"  # a text no rule names
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "$lt": operator.lt, "$lte": operator.le, "$gt": operator.gt, "$gte": operator.ge}


def _same(value: object, wanted: object) -> bool:
    """Equality as durable sees it: a boolean is not a number, an int equals the float of the same value."""
    if isinstance(value, bool) or isinstance(wanted, bool):
        return type(value) is type(wanted) and value == wanted
    if isinstance(value, (int, float)) and isinstance(wanted, (int, float)):
        return value == wanted
    return isinstance(value, str) and value == wanted


@dataclass(frozen=True)
class Term:
    """One alpha test of a pattern: eq, $neq, $lt/$lte/$gt/$gte, $ex, $nex, or $or of terms."""

    op: str
    field: str = ""
    value: Any = None
    options: tuple[Term, ...] = ()

    @property
    def fields(self) -> frozenset[str]:
        return frozenset().union(*(o.fields for o in self.options)) if self.op == "$or" else frozenset({self.field})

    def holds(self, fact: dict[str, Any]) -> bool:
        if self.op == "$or":
            return any(o.holds(fact) for o in self.options)
        value = fact.get(self.field, _MISSING)
        if self.op in ("$nex", "$ex"):
            return (value is _MISSING) == (self.op == "$nex")
        if value is _MISSING:
            return False
        if self.op in ("eq", "$neq"):
            return _same(value, self.value) == (self.op == "eq")
        comparable = (isinstance(value, str) and isinstance(self.value, str)) or (
            all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (value, self.value)))
        return comparable and _COMPARE[self.op](value, self.value)

    def satisfying(self) -> dict[str, Any]:
        """Field values that meet this term (``_MISSING`` removes a field)."""
        if self.op == "$or":
            return self.options[0].satisfying()
        number = isinstance(self.value, (int, float)) and not isinstance(self.value, bool)
        if self.op == "$gt":
            value = self.value + 1 if number else f"{self.value}z"
        elif self.op == "$lt":
            value = self.value - 1 if number else ""
        elif self.op == "$neq":
            value = _other(self.value)
        else:
            value = {"$ex": _OTHER_TEXT, "$nex": _MISSING}.get(self.op, self.value)  # eq, $gte, $lte: the value
        return {self.field: value}

    def candidates(self) -> list[Any]:
        """Values of its field worth trying: the ones this term names and their neighbours."""
        if self.op == "$or":
            return [c for o in self.options for c in o.candidates()]
        if self.op in ("$ex", "$nex"):
            return [_OTHER_TEXT]
        found = [self.value, _other(self.value)]
        if isinstance(self.value, (int, float)) and not isinstance(self.value, bool):
            found += [self.value - 1, self.value + 1]
        return found


def _other(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    return _OTHER_TEXT


def _term(test: dict[str, Any]) -> Term | None:
    """One durable test; a join (a value that names another alias's field) is not an alpha test."""
    ((key, value),) = test.items()
    if key == "$or":
        options = tuple(t for t in (_term(o) for o in value) if t is not None)
        return Term("$or", options=options) if options else None
    if key in ("$ex", "$nex"):
        ((field, _),) = value.items()
        return Term(key, field)
    if key in _COMPARE or key == "$neq":
        ((field, operand),) = value.items()
        return None if isinstance(operand, dict) else Term(key, field, operand)
    return None if isinstance(value, dict) else Term("eq", key, value)


def _conditions(ruleset: CompiledRuleset) -> dict[str, list[tuple[Term, ...]]]:
    """Per fact type, the alpha tests of every pattern of the ruleset, as durable is given them."""
    found: dict[str, set[tuple[Term, ...]]] = defaultdict(set)
    for rule in ruleset.definition.values():
        for pattern in rule["all"]:
            ((_, body),) = pattern.items()
            tests = body.get("$and", [body])
            type_name = next(t["t"] for t in tests if "t" in t)
            terms = tuple(t for t in (_term(test) for test in tests if "t" not in test) if t is not None)
            found[type_name].add(terms)
    return {t: sorted(p, key=repr) for t, p in found.items() if t not in (SENTINEL_TYPE, NEVER_TYPE)}


def _met(fact: dict[str, Any], patterns: list[tuple[Term, ...]]) -> int:
    return sum(all(term.holds(fact) for term in terms) for terms in patterns)


def _with(fact: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    changed = {k: v for k, v in fact.items() if k != field}
    if value is not _MISSING:
        changed[field] = value
    return changed


def _best_value(fact: dict[str, Any], field: str, patterns: list[tuple[Term, ...]], values: list[Any]) -> Any:
    """The value of ``field`` that, the other fields kept, meets the most patterns."""
    open_ = [tuple(t for t in terms if field in t.fields) for terms in patterns
             if all(t.holds(fact) for t in terms if field not in t.fields)]
    open_ = [terms for terms in open_ if terms]
    current = fact.get(field, _MISSING)

    def score(value: Any) -> int:
        trial = _with(fact, field, value)
        return sum(all(t.holds(trial) for t in terms) for terms in open_)

    return max([current, *values], key=score)  # max keeps the first of equals: the current value


def _candidates(patterns: list[tuple[Term, ...]]) -> dict[str, list[Any]]:
    """Per field, every value some term is decided by (and "missing")."""
    values: dict[str, list[Any]] = defaultdict(lambda: [_MISSING])
    seen: set[tuple[str, str, str]] = set()  # typed, so True, 1 and 1.0 stay three candidates
    for terms in patterns:
        for term in terms:
            for field in term.fields:
                for value in term.candidates():
                    if (field, type(value).__name__, repr(value)) not in seen:
                        seen.add((field, type(value).__name__, repr(value)))
                        values[field].append(value)
    return values


def _maximal(patterns: list[tuple[Term, ...]], seeds: list[dict[str, Any]], tries: int = 4) -> dict[str, Any]:
    """A fact meeting as many patterns as greedy search finds, from the best few seeds."""
    values = _candidates(patterns)
    best: dict[str, Any] = {}
    for seed in sorted(seeds, key=lambda s: -_met(s, patterns))[:tries]:
        fact = seed
        for _round in range(4):
            before = dict(fact)
            for field in sorted(values):
                fact = _with(fact, field, _best_value(fact, field, patterns, values[field]))
            if fact == before:
                break
        if _met(fact, patterns) > _met(best, patterns):
            best = fact
    return best


def _seed(terms: tuple[Term, ...]) -> dict[str, Any]:
    fact: dict[str, Any] = {}
    for term in terms:
        for field, value in term.satisfying().items():
            fact = _with(fact, field, value)
    return fact


def _fact(type_name: str, values: dict[str, Any]) -> Fact:
    typed: dict[str, Scalar | None] = {k: v for k, v in values.items() if isinstance(v, (str, int, float, bool))}
    return Fact.make(type_name, typed)


_, _COMPILED = load_compiled(default_pack_root())  # at collection: the parameters are the real rulesets
RULESETS = [ruleset.name for ruleset in _COMPILED.rulesets]


def test_the_parametrization_is_the_compiled_default_pack(default_generator: Generator) -> None:
    """Every ruleset the default pack compiles to has its test below, and only those."""
    assert [r.name for r in default_generator.compiled.rulesets] == RULESETS
    assert len(RULESETS) >= 2


@pytest.mark.parametrize("name", RULESETS, ids=lambda name: name.split(".", 1)[1])
def test_the_maximal_facts_of_each_type_can_be_asserted(default_generator: Generator, name: str) -> None:
    ruleset = next(r for r in default_generator.compiled.rulesets if r.name == name)
    facts: dict[str, Fact] = {}
    met: dict[str, int] = {}  # fact id -> the patterns of the ruleset it meets
    most: dict[str, int] = {}
    for type_name, patterns in sorted(_conditions(ruleset).items()):
        seeds = [_seed(terms) for terms in patterns]
        maximal = _maximal(patterns, seeds)
        most[type_name] = _met(maximal, patterns)
        assert most[type_name] >= max(_met(seed, patterns) for seed in seeds)
        for values in (maximal, *seeds):
            fact = _fact(type_name, values)
            facts[fact.fid], met[fact.fid] = fact, _met(values, patterns)
    assert facts and any(n > 1 for n in most.values()), f"no fact meets more than one condition: {most}"
    busiest = sorted(most.items(), key=lambda item: -item[1])[:3]
    with default_generator.evaluator.runtime.session() as session:
        for fact in sorted(facts.values(), key=lambda f: f.fid):
            try:
                session.assert_facts(ruleset.name, [fact.engine_dict()])
            except Exception as exc:
                raise AssertionError(f"{ruleset.name}: durable refused a {fact.type} fact meeting "
                                     f"{met[fact.fid]} patterns of the ruleset ({exc}); "
                                     f"the most demanding types: {busiest}") from exc
