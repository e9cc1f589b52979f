"""Replays compiled rulesets and fact batches in bare durable-rules, for tests/test_join_guard.py.

Run as ``python tests/durable_replay.py CASE.json`` (under valgrind there): CASE holds
``rulesets`` (name -> durable definition, as the compiler writes it) and ``batches`` (lists of
JSON fact texts, one list a patient). Only durable is imported, so the child stays small.
Prints the number of actions fired.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from durable.engine import Host


def replay(case: dict[str, Any]) -> int:
    fired: list[str] = []
    host = Host()
    definitions = {name: {rule_name: {**rule, "run": lambda c, n=rule_name: fired.append(n)}
                          for rule_name, rule in rules.items()}
                   for name, rules in case["rulesets"].items()}
    host.set_rulesets(definitions)
    for batch in case["batches"]:
        for name in definitions:
            host.assert_facts(name, [json.loads(text) for text in batch])
            host.assert_fact(name, json.loads(case["sentinel"]))
            host.delete_state(name, json.loads(case["sentinel"])["sid"])
    return len(fired)


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        print(replay(json.load(handle)))
