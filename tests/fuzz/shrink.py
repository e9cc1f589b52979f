"""Shrink a failing patient (a nested mapping) to a small reproducer, greedily.

Hypothesis would shrink a failing example itself, but the fuzz tests collect failures instead
of raising them (a shrink that re-runs hangs and crashes would take far too long). This does
a bounded greedy pass instead: drop a key, drop a list item, or replace a list by its first
item, keeping each change while the failure still happens.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

Path = tuple[str | int, ...]


def _paths(value: Any, path: Path = ()) -> Iterator[Path]:
    """Every key and list item, deepest first, so whole sections go before their fields."""
    if isinstance(value, dict):
        for key in list(value):
            yield (*path, key)
        for key in list(value):
            yield from _paths(value[key], (*path, key))
    elif isinstance(value, list):
        for index in reversed(range(len(value))):
            yield (*path, index)
        for index in range(len(value)):
            yield from _paths(value[index], (*path, index))


def _without(value: Any, path: Path) -> Any:
    smaller = copy.deepcopy(value)
    node = smaller
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    return smaller


def _exists(value: Any, path: Path) -> bool:
    node = value
    for part in path:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False
    return True


def shrink(value: dict[str, Any], fails: Callable[[dict[str, Any]], bool], budget: int = 40,
           keep: frozenset[str] = frozenset({"id"})) -> dict[str, Any]:
    """A smaller ``value`` for which ``fails`` still holds (at most ``budget`` tries).

    Passes over every key and item, sections first, dropping each one the failure survives
    without; another pass while the last one changed something."""
    tries, changed = 0, True
    while changed and tries < budget:
        changed = False
        for path in list(_paths(value)):
            if tries >= budget:
                break
            if (len(path) == 1 and path[0] in keep) or not _exists(value, path):
                continue
            candidate = _without(value, path)
            tries += 1
            if fails(candidate):
                value, changed = candidate, True
    return value
