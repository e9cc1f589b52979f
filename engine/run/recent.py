"""A bounded dictionary that keeps what is in use: the evaluator's memos across patients.

The memos of the evaluator (a fact's routes, its text for durable, its lookup steps, a firing's
outputs and derived facts) are kept by content across patients, and most of what they hold
recurs: an allele, a phenotype, a medicine's class. Some of it never does (a patient's own blood
pressure readings add about six new contents a patient). Emptying a full memo would throw away
the recurring entries with the rest and rebuild them over the next patients. So entries live in
two generations: when the current one is full it becomes the previous one (the one before is
dropped), and an entry found only in the previous generation is carried into the current one.
What recurs survives every turnover; what does not is gone after two. At most twice ``limit``
entries are held.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")


class RecentEntries(Generic[Key, Value]):
    """Entries by key, at most ``limit`` in each of two generations."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("a memo holds at least one entry")
        self._limit = limit
        self._current: dict[Key, Value] = {}
        self._previous: dict[Key, Value] = {}

    def get(self, key: Key) -> Value | None:
        found = self._current.get(key)
        if found is None:
            found = self._previous.get(key)
            if found is not None:
                self.put(key, found)
        return found

    def put(self, key: Key, value: Value) -> Value:
        if len(self._current) >= self._limit:
            self._previous, self._current = self._current, {}
        self._current[key] = value
        return value

    def __len__(self) -> int:
        """Entries held, in both generations (a key carried over counts once per generation it is in)."""
        return len(self._current) + len(self._previous)
