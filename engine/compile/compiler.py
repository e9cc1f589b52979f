"""Compile checked rules into durable-rules JSON rulesets: pure, deterministic, no I/O.

Three decisions shape the output (see ../docs/engine.md):

* Negation is never ``$not`` (durable evaluates it by arrival order). Each ``none``
  pattern becomes a *probe* rule in an earlier stratum; the runtime then asserts an
  explicit ``__absent`` marker for every probe that found nothing, and the rule matches
  that marker positively. Strata are ordered so a probe runs after every rule that can
  produce the facts it looks for.
* durable limits what one ruleset may hold (64 conditions met by one fact, among others),
  so ``engine.compile.partition`` packs the rules of a stratum into as many rulesets as it takes.
* Actions are names, resolved by the runtime; the JSON is data and is hashed.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.compile.lookup import ORDER_OPS, is_lookup, lookup_rule
from engine.compile.medicine_rules import MedicineRules
from engine.compile.partition import HandlerKind, Item, partition
from engine.compile.strata import stratify
from engine.facts.fact import ABSENT_TYPE, NEVER_TYPE, SENTINEL_TYPE
from engine.lang.patterns import Pattern, Ref, Test
from engine.lang.rule import Rule
from engine.pack.load import Pack

SENTINEL_PRIORITY = 65000  # lowest priority that is still below durable's unsigned-short wrap
_OPS = {"ne": "$neq", "lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}


@dataclass(frozen=True)
class Probe:
    id: str
    pattern: Pattern
    stratum: int


@dataclass(frozen=True)
class Handler:
    """What a durable rule name stands for: a variant of a rule, a probe, or the sentinel."""

    kind: HandlerKind
    target: str = ""
    aliases: tuple[str, ...] = ()
    variant: int = 0
    key_aliases: tuple[str, ...] = ()  # keyed probes: the aliases whose facts form the key


@dataclass(frozen=True)
class KeyedNegation:
    """A ``none`` pattern that refers to facts bound under ``all`` (a correlated negation).

    Its probe matches the rule's own patterns plus the negated one, in an earlier stratum,
    and records the facts it matched; the rule then does not fire for those facts.
    """

    probe: str
    variant: int
    key_aliases: tuple[str, ...]


@dataclass(frozen=True)
class CompiledRuleset:
    name: str
    stratum: int
    consumes: frozenset[str]
    definition: dict[str, Any]
    handlers: dict[str, Handler]
    # the probes whose ``__absent`` markers its rules read: a stratum's other markers are not sent to it
    # (a ruleset would only absorb them, and some strata have forty)
    absent_probes: frozenset[str] = frozenset()
    # per pattern of its rules, the type and the tests against constants (``screen_of``): a fact that
    # meets none of them can take part in no match here, so it is not sent
    screen: tuple[tuple[str, tuple[tuple[str, str, Any], ...]], ...] = ()


@dataclass(frozen=True)
class CompiledPack:
    name: str
    version: str
    digest: str
    compiled_digest: str
    rulesets: tuple[CompiledRuleset, ...]
    strata: int
    rules: Mapping[str, Rule]  # by id, sorted; read back from the cache one rule at a time (rule_table)
    probes: dict[str, Probe]
    absent_by_stratum: dict[int, tuple[str, ...]]
    keyed_negations: dict[str, tuple[KeyedNegation, ...]]
    # rules that compare fields with constants, evaluated as lookups (engine.compile.lookup), at most one per stratum;
    # durable never sees them
    lookups: tuple[CompiledRuleset, ...] = ()
    # which rules name each medicine, and what they check (the medication review's index)
    medicine_rules: MedicineRules = field(default_factory=MedicineRules)


def probe_id(pattern: Pattern) -> str:
    key = json.dumps([pattern.type, [[t.field, t.op, _jsonable(t.value)] for t in pattern.tests]], sort_keys=True)
    return "probe-" + hashlib.sha256(key.encode()).hexdigest()[:10]


def _jsonable(value: Any) -> Any:
    if isinstance(value, Ref):
        return {"ref": str(value)}
    if isinstance(value, tuple):
        return list(value)
    return value


def _keyed(rule: Rule, produced: set[str]) -> bool:
    """Whether every negation of the rule is checked by keyed probes rather than absence markers.

    A rule that reads only patient facts needs no marker: its probe (the rule's patterns plus
    the negated one) runs only when those facts exist, while a marker is asserted for every
    patient, and markers waiting in durable's beta memory cost about 0.1 ms each (measured).
    """
    # a keyed probe never matches the rule's own facts, so a negation over a type the rule also
    # reads keeps the marker (for which "none" means no fact at all)
    return bool(rule.negations) and not (rule.consumes & produced) and not (rule.negated_types & rule.consumes)


def _test_json(alias_of: dict[str, str], test: Test) -> dict[str, Any]:
    value: Any = test.value
    if isinstance(value, Ref):
        value = {alias_of[value.alias]: value.field}
    if test.op == "eq":
        return {test.field: value}
    if test.op == "in":
        assert isinstance(value, tuple)
        if len(value) == 1:
            return {test.field: value[0]}
        return {"$or": [{test.field: v} for v in value]}
    if test.op == "exists":
        return {"$ex": {test.field: 1}}
    if test.op == "missing":
        return {"$nex": {test.field: 1}}
    return {_OPS[test.op]: {test.field: value}}


def _join_guard(pattern: Pattern, alias_of: dict[str, str]) -> list[dict[str, Any]]:
    """The pattern's last join test once more, so that a failing join test is never its group's last.

    durable's ``reduceExpressionSequence`` (events.c, 2.0.28) stops an ``$and`` at its first false
    join test by scanning forward for the group's end, but it starts the scan one entry past the
    entry that failed. When that entry is the group's last join test, the scan steps over the
    group's end and reads on through memory durable never wrote until it meets a byte equal to
    OP_END: valgrind shows the invalid and uninitialised reads, and about one run in six of
    tests/test_number_roundtrip.py died there of SIGSEGV. The copy changes no match: it is reached
    only when the same comparison of the same two facts has just held. (A constant-true test on
    ``sid`` would not do: durable keeps a stored fact's ``sid`` pointing into the freed text it was
    read from.) tests/test_join_guard.py shows the reads without the copy and none with it."""
    joins = [test for test in pattern.tests if isinstance(test.value, Ref)]
    return [_test_json(alias_of, joins[-1])] if joins else []


def pattern_json(pattern: Pattern, alias_of: dict[str, str], required: frozenset[str] = frozenset()) -> dict[str, Any]:
    """One pattern; ``required`` fields must exist (durable errors, 311, on a comparison join
    against a missing field, where the rule could never match anyway)."""
    terms = [{"t": pattern.type}] + [_test_json(alias_of, t) for t in pattern.tests]
    terms += [{"$ex": {field: 1}} for field in sorted(required)]
    terms += _join_guard(pattern, alias_of)
    # durable drops a join test that follows an $or in the same $and (it then matches any fact):
    # every $or goes last
    terms.sort(key=lambda term: "$or" in term)
    return {alias_of[pattern.alias]: {"$and": terms}}


def _compared_fields(patterns: list[Pattern]) -> dict[str, frozenset[str]]:
    """Per alias, the fields other patterns compare against with ne/lt/le/gt/ge."""
    found: dict[str, set[str]] = defaultdict(set)
    for pattern in patterns:
        for test in pattern.tests:
            if isinstance(test.value, Ref) and test.op != "eq":
                found[test.value.alias].add(test.value.field)
    return {alias: frozenset(fields) for alias, fields in found.items()}


@dataclass
class _Negations:
    """How each rule's ``none`` patterns are checked: shared probes with absence markers, or keyed probes."""

    probes: dict[str, Probe]
    absent: dict[int, set[str]]
    keyed: dict[str, list[KeyedNegation]]
    keyed_items: dict[int, list[Item]]


def _negations(rules: list[Rule], strata: dict[str, int], produced: set[str]) -> _Negations:
    type_stratum: dict[str, int] = defaultdict(int)
    for rule in rules:
        for type_name in rule.produces:
            type_stratum[type_name] = max(type_stratum[type_name], strata[rule.id])
    found = _Negations({}, defaultdict(set), defaultdict(list), defaultdict(list))
    for rule in rules:
        keyed_only = _keyed(rule, produced)
        for n, pattern in enumerate(rule.negations):
            if not pattern.refs() and not keyed_only:
                pid = probe_id(pattern)
                found.probes[pid] = Probe(pid, pattern, type_stratum[pattern.type])
                found.absent[strata[rule.id]].add(pid)
                continue
            key_aliases = tuple(sorted({ref.alias for ref in pattern.refs()}))
            for v, variant in enumerate(rule.variants):
                pid = f"{rule.id}#{v}~none{n}"
                level = max(type_stratum[p.type] for p in (*variant, pattern))
                found.keyed[rule.id].append(KeyedNegation(pid, v, key_aliases))
                found.keyed_items[level].append(Item(pid, [*variant, pattern], "keyed-probe", pid, key_aliases))
    return found


def _stratum_groups(level: int, rules: list[Rule], strata: dict[str, int], negations: _Negations,
                    produced: set[str]) -> dict[str, list[Item]]:
    """The items of one stratum, grouped so a rule file's variants (or a probe) stay together."""
    groups: dict[str, list[Item]] = defaultdict(list)
    for rule in rules:
        if strata[rule.id] != level:
            continue
        markers = [Pattern(f"absent{i}", ABSENT_TYPE, (Test("probe", "eq", probe_id(n)),))
                   for i, n in enumerate(rule.negations) if not n.refs() and not _keyed(rule, produced)]
        for v, variant in enumerate(rule.variants):
            groups[rule.file_rule_id].append(Item(f"{rule.id}#{v}", list(variant) + markers, "rule", rule.id,
                                                   variant=v))
    for pid in sorted(p for p, probe in negations.probes.items() if probe.stratum == level):
        groups["~" + pid].append(Item(pid, [negations.probes[pid].pattern], "probe", pid))
    for item in negations.keyed_items.get(level, []):
        groups["~" + item.target].append(item)
    return groups


def _packed(groups: dict[str, list[Item]]) -> list[list[Item]]:
    """The stratum's rulesets.

    Pharmacogenomics (thousands of table rows) gets rulesets of its own, so most patients' facts
    reach few rules: each ruleset touched costs time in proportion to its size. The clinical
    domains (a few hundred rules together) share rulesets: one more ruleset per stratum costs
    more than the extra rules (measured: 23 -> 12 rulesets, about 20% less time per patient).
    """
    domains: dict[str, list[list[Item]]] = defaultdict(list)
    for name in sorted(groups):
        domain = "probes" if name.startswith("~probe-") else name.lstrip("~").split(".")[0]
        domain = domain if domain in ("pgx", "probes") else "clinical"
        domains[domain].append(groups[name])
    return [items for domain in sorted(domains) for items in partition(domains[domain])]


def compile_pack(pack: Pack) -> CompiledPack:
    rules = sorted(pack.rules, key=lambda r: r.id)
    strata = stratify(rules)
    produced = {t for rule in rules for t in rule.produces}
    negations = _negations(rules, strata, produced)
    top = max(list(strata.values()) + [p.stratum for p in negations.probes.values()]
              + list(negations.keyed_items) + [0])
    prefix = pack.digest.split(":")[-1][:8]
    if any(source.spec.status == "draft" for source in pack.sources):
        prefix += "d"  # the same files compile to other rulesets with drafts: the runtime keys rulesets by name
    compiled: list[CompiledRuleset] = []
    lookups: list[CompiledRuleset] = []
    for level in range(top + 1):
        groups = _stratum_groups(level, rules, strata, negations, produced)
        lookup_items, durable_groups = _split_lookups(groups)
        for index, items in enumerate(_packed(durable_groups)):
            compiled.append(_ruleset(f"{prefix}.s{level}.r{index}", level, items))
        if lookup_items:
            lookups.append(_lookup_ruleset(f"{prefix}.s{level}.lookup", level, lookup_items))
    definitions = json.dumps([[r.name, r.definition] for r in (*compiled, *lookups)], sort_keys=True,
                             separators=(",", ":"))
    return CompiledPack(
        name=pack.meta.name, version=pack.meta.version, digest=pack.digest,
        compiled_digest="sha256:" + hashlib.sha256(definitions.encode()).hexdigest(),
        rulesets=tuple(compiled), strata=top + 1, rules={r.id: r for r in rules}, probes=negations.probes,
        absent_by_stratum={k: tuple(sorted(v)) for k, v in negations.absent.items()},
        keyed_negations={k: tuple(v) for k, v in negations.keyed.items()},
        lookups=tuple(lookups), medicine_rules=MedicineRules.of(rules),
    )


def _split_lookups(groups: dict[str, list[Item]]) -> tuple[list[Item], dict[str, list[Item]]]:
    """The stratum's lookup items, and the groups left for durable.

    Rules that derive facts go to the lookup too: when several firings derive one fact, the one the
    plan explains is chosen from the derivations (``engine.run.producers``), not by which ran first,
    so where a rule runs changes no plan. A rule goes to the lookup only when every variant of it can.
    """
    durable_targets = {(item.handler_kind, item.target) for items in groups.values() for item in items
                       if not is_lookup(item)}

    def looked_up(item: Item) -> bool:
        return (item.handler_kind, item.target) not in durable_targets

    lookup_items = [item for name in sorted(groups) for item in groups[name] if looked_up(item)]
    durable_groups = {name: kept for name, items in groups.items()
                      if (kept := [item for item in items if not looked_up(item)])}
    return lookup_items, durable_groups


def _handler(item: Item) -> Handler:
    return Handler(item.handler_kind, item.target, tuple(p.alias for p in item.patterns), item.variant,
                   item.key_aliases)


def _lookup_ruleset(name: str, level: int, items: list[Item]) -> CompiledRuleset:
    """The stratum's constant-test rules, in the data form ``engine.run.lookup`` indexes."""
    definition: dict[str, Any] = {}
    handlers: dict[str, Handler] = {}
    for n, item in enumerate(items):
        definition[f"r{n}"] = lookup_rule(item, {p.alias: f"a_{p.alias}" for p in item.patterns})
        handlers[f"r{n}"] = _handler(item)
    consumes = frozenset(p.type for item in items for p in item.patterns)
    return CompiledRuleset(name, level, consumes, definition, handlers, _absent_probes(items))


def _ruleset(name: str, level: int, items: list[Item]) -> CompiledRuleset:
    definition: dict[str, Any] = {}
    handlers: dict[str, Handler] = {}
    consumes: set[str] = set()
    for n, item in enumerate(items):
        alias_of = {p.alias: f"a_{p.alias}" for p in item.patterns}
        rule_name = f"r{n}"
        required = _compared_fields(item.patterns)
        patterns = [pattern_json(p, alias_of, required.get(p.alias, frozenset())) for p in item.patterns]
        definition[rule_name] = {"all": patterns, "pri": 1, "run": rule_name}
        handlers[rule_name] = _handler(item)
        consumes.update(p.type for p in item.patterns)
    # Absorbers: every routed fact is 'handled', so durable never raises MessageNotHandled mid-batch
    for type_name in sorted(consumes):
        rule_name = f"absorb_{type_name}"
        definition[rule_name] = {"all": [{"a": {"t": type_name}}, {"z": {"t": NEVER_TYPE}}], "run": rule_name}
        handlers[rule_name] = Handler("absorber", type_name)
    # Sentinel: guarantees one action fired before delete_state (durable segfaults otherwise)
    definition["sentinel"] = {"all": [{"e": {"t": SENTINEL_TYPE}}], "pri": SENTINEL_PRIORITY, "run": "sentinel"}
    handlers["sentinel"] = Handler("sentinel")
    return CompiledRuleset(name, level, frozenset(consumes), definition, handlers, _absent_probes(items),
                           screen_of(items))


_SCREENED_OPS = {"eq", "in", "ne", "exists", "missing"}  # as engine.run.lookup checks them


def screen_of(items: list[Item]) -> tuple[tuple[str, tuple[tuple[str, str, Any], ...]], ...]:
    """Every pattern's type with its tests against constants, each once.

    An order comparison with a number is kept (a band's bounds). A test against another fact's
    field, or any other test, is kept only as ``exists`` on its field (every test but ``missing``
    fails on a missing field, as the reference evaluator and durable agree): the screen only ever
    says less than the pattern, so a fact it turns away could not have met the pattern in durable.
    """
    found: dict[tuple[str, tuple[tuple[str, str, Any], ...]], None] = {}
    for item in items:
        for pattern in item.patterns:
            found[(pattern.type, tuple(_screened(t) for t in pattern.tests))] = None
    return tuple(found)


def _screened(test: Test) -> tuple[str, str, Any]:
    against_a_fact = isinstance(test.value, Ref) or (
        isinstance(test.value, tuple) and any(isinstance(v, Ref) for v in test.value))
    if test.op in _SCREENED_OPS and not against_a_fact:
        return (test.field, test.op, test.value)
    number = isinstance(test.value, (int, float)) and not isinstance(test.value, bool)
    if test.op in ORDER_OPS and number:
        return (test.field, test.op, test.value)
    return (test.field, "exists", None)


def _absent_probes(items: list[Item]) -> frozenset[str]:
    """The probe ids the items' ``__absent`` patterns compare (the compiler writes them as ``probe eq``)."""
    return frozenset(str(t.value) for item in items for p in item.patterns if p.type == ABSENT_TYPE
                     for t in p.tests if t.field == "probe" and t.op == "eq")
