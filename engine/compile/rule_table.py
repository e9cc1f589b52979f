"""A compiled pack's rules by id, each read back from its own bytes the first time it is asked for.

A pack read from the cache (``engine.compile.snapshot``) holds its rules this way. The default
pack has about 4,600 rules, some 70,000 objects; reading them all back took about 105 ms of
every ``careplan generate`` on the project's 2-core machine, while one plan reads the few dozen
rules that fire. A batch worker or the resident process ends up reading most of them once; each
is read at most once per process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from engine.lang.rule import Rule


class RuleTable(Mapping[str, Rule]):
    """Rules by id, in the compiled order, each built from its bytes on first use and then kept."""

    def __init__(self, encoded: dict[str, bytes], read: Callable[[bytes], Rule]) -> None:
        """``encoded``: each rule's bytes by id, in order; ``read``: bytes back to the rule (the
        snapshot's restricted reader, which refuses anything but the pack's own classes)."""
        self._encoded = encoded
        self._read = read
        self._rules: dict[str, Rule] = {}

    def __getitem__(self, rule_id: str) -> Rule:
        found = self._rules.get(rule_id)
        if found is None:
            found = self._rules[rule_id] = self._read(self._encoded[rule_id])  # KeyError: no such rule
        return found

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._encoded

    def __iter__(self) -> Iterator[str]:
        return iter(self._encoded)

    def __len__(self) -> int:
        return len(self._encoded)

    @property
    def built(self) -> frozenset[str]:
        """The ids of the rules built so far (the others are still bytes)."""
        return frozenset(self._rules)

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self.items()),))  # a copy is a plain dict of the rules themselves
