"""Strata: the order rules run in, so that every ``none`` probe runs after each rule that can
produce what it looks for; a cycle through a negation cannot be ordered and is reported with
the chain of rules and fact types that closes it.
"""

from __future__ import annotations

import itertools
from collections import defaultdict

from engine.lang.rule import Rule
from engine.source.diagnostics import Diagnostic, DiagnosticError

Edge = tuple[str, int, str]  # (node it runs after, how many strata later, what for)


def _graph(rules: list[Rule]) -> dict[str, list[Edge]]:
    """What runs after what: a rule after each type it reads or negates, a type after each rule producing it.

    Nodes are ``rule:<id>`` and ``type:<name>``, so the graph stays as small as the rules themselves
    (thousands of table rows read a type that hundreds of rows produce).
    """
    graph: dict[str, list[Edge]] = defaultdict(list)
    for rule in rules:
        node = "rule:" + rule.id
        # a correlated negation's probe needs the rule's own facts final: run after their producers
        step = 1 if any(n.refs() for n in rule.negations) else 0
        graph[node] = [("type:" + t, step, "reads") for t in sorted(rule.consumes)]
        graph[node] += [("type:" + t, 1, "negates") for t in sorted(rule.negated_types)]
        for type_name in rule.produces:
            graph["type:" + type_name].append((node, 0, "produces"))
    for edges in list(graph.values()):
        for target, _, _ in edges:
            graph.setdefault(target, [])
    return graph


class _Components:
    """Strongly connected components (Tarjan's algorithm without recursion): ``component[node]``."""

    def __init__(self, graph: dict[str, list[Edge]]) -> None:
        self.graph = graph
        self.index: dict[str, int] = {}
        self.low: dict[str, int] = {}
        self.component: dict[str, int] = {}
        self.stack: list[str] = []
        for start in sorted(graph):
            if start not in self.index:
                self._visit(start)

    def _visit(self, start: str) -> None:
        work = [(start, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                self.index[node] = self.low[node] = len(self.index)
                self.stack.append(node)
            edges = self.graph[node]
            while i < len(edges) and edges[i][0] in self.index:
                i += 1
            if i < len(edges):  # descend; come back for the next edge
                work += [(node, i + 1), (edges[i][0], 0)]
            else:
                self._finish(node)

    def _finish(self, node: str) -> None:
        for child, _, _ in self.graph[node]:
            if child not in self.component:  # still on the stack: in this component or an enclosing one
                self.low[node] = min(self.low[node], self.low[child])
        if self.low[node] == self.index[node]:
            number = len(self.component)
            while (member := self.stack.pop()) != node:
                self.component[member] = number
            self.component[node] = number


def _cycle(start: str, goal: str, graph: dict[str, list[Edge]], members: set[str]) -> list[str]:
    """The nodes from ``start`` to ``goal`` inside one component, fewest steps first."""
    came: dict[str, str] = {start: start}
    queue = [start]
    while queue and goal not in came:
        node = queue.pop(0)
        for child, _, _ in graph[node]:
            if child in members and child not in came:
                came[child] = node
                queue.append(child)
    trail = [goal]
    while trail[-1] != start:
        trail.append(came[trail[-1]])
    return trail[::-1]


def _describe(rule_id: str, kind: str, chain: list[str]) -> str:
    """``t.a has a 'none' on z, which t.b produces, t.b reads x, which t.a produces``."""
    first = chain[0].split(":", 1)[1]
    words = [f"{rule_id} has a 'none' on {first}" if kind == "negates" else
             f"{rule_id} reads {first} and has a 'none' that refers to it, so {first} must be complete first"]
    for node, after in itertools.pairwise(chain):
        name, target = node.split(":", 1)[1], after.split(":", 1)[1]
        words.append(f"which {target} produces" if node.startswith("type:") else f"{name} reads {target}")
    return ", ".join(words)


def _check_cycles(rules: list[Rule]) -> None:
    """A 'none' whose facts depend on the rule itself has no evaluation order: refuse it, naming the rules.

    Rules that feed each other with no 'none' on the way run to a fixpoint in one stratum and are
    fine; a cycle that passes through a 'none' (or a 'none' that refers to the rule's own facts) is not.
    """
    graph = _graph(rules)
    component = _Components(graph).component
    problems: list[Diagnostic] = []
    reported: set[str] = set()  # one report per rule file (a table's rows share one)
    for rule in rules:
        node = "rule:" + rule.id
        closing = [(target, kind) for target, step, kind in graph[node]
                   if step and component[target] == component[node]]
        if not closing or rule.file_rule_id in reported:
            continue
        reported.add(rule.file_rule_id)
        target, kind = closing[0]
        members = {n for n, c in component.items() if c == component[node]}
        chain = _cycle(target, node, graph, members)  # from the type back to the rule
        named = sorted({n.split(":", 1)[1] for n in chain if n.startswith("rule:")} | {rule.id})
        shown = ", ".join(named[:6]) + (f" and {len(named) - 6} more" if len(named) > 6 else "")
        problems.append(Diagnostic(
            rule.source, "compile.negation-cycle",
            f"no evaluation order exists for {shown}: {_describe(rule.id, kind, chain)}",
            rule_id=rule.id,
            hint="a 'none' needs complete facts, so it may not depend on what the rule itself produces "
                 "(directly or through other rules); derive the negated fact without this rule"))
    if problems:
        raise DiagnosticError(problems)


def stratify(rules: list[Rule]) -> dict[str, int]:
    """Stratum per rule: after producers of what it reads, strictly after producers of what it negates."""
    _check_cycles(rules)
    graph = _graph(rules)
    stratum = {rule.id: 0 for rule in rules}
    for _round in range(len(rules) + 2):
        produced_at = {node: max(stratum[p.split(":", 1)[1]] for p, _, _ in edges)
                       for node, edges in graph.items() if node.startswith("type:") and edges}
        changed = False
        for rule in rules:
            level = max([1 if rule.negations else 0] + [produced_at[t] + step for t, step, _ in
                                                        graph["rule:" + rule.id] if t in produced_at])
            if level != stratum[rule.id]:
                stratum[rule.id] = level
                changed = True
        if not changed:
            return stratum
    raise AssertionError("stratification did not settle although no 'none' depends on its own rule")
