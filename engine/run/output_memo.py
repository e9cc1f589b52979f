"""A rule's plan outputs for the facts it matched, built once per content and kept across patients.

Building an output fills its wording from the matched facts and resolves its refs: about 18
microseconds for a recommendation, paid at every firing. What it reads is the rule's action and
the matched facts' types and fields, nothing else, and most firings match facts that recur
across patients (a phenotype, a medicine, a blood-pressure category). So each output is kept by
the rule, the action's place in it and the matched facts' ids, and used again only when those
facts have the same types and fields too (an id is a hash prefix: two contents could share
one). Outputs are frozen records; an assessment carries a dictionary of details, so assessments
are built every time rather than shared. The memo is bounded: when full it starts again.
"""

from __future__ import annotations

from typing import Any

from engine.facts.fact import Fact, Scalar
from engine.lang.rule import Rule
from engine.lang.vocabulary import OutputKind
from engine.run.outputs import Output
from engine.run.resolve import build_output

MEMO_LIMIT = 8192  # outputs: those of a few thousand patients
SHARED_KINDS = frozenset({"recommend", "goal", "follow_up", "warn", "suppress", "data_gap"})

Key = tuple[str, int, tuple[str, ...]]
Contents = tuple[tuple[str, dict[str, Scalar]], ...]


class OutputMemo:
    """Plan outputs by rule, action and the contents of the facts they were built from."""

    def __init__(self, limit: int = MEMO_LIMIT) -> None:
        self._limit = limit
        self._entries: dict[Key, tuple[Contents, Output]] = {}

    def output(self, kind: OutputKind, spec: Any, rule: Rule, action: int, bound: dict[str, Fact]) -> Output:
        """What ``build_output`` gives for this action of ``rule`` and these matched facts."""
        if kind not in SHARED_KINDS:
            return build_output(kind, spec, rule, bound)
        aliases = sorted(bound)
        key = (rule.id, action, tuple(bound[a].fid for a in aliases))
        contents = tuple((bound[a].type, bound[a].values) for a in aliases)
        entry = self._entries.get(key)
        if entry is not None and entry[0] == contents:
            return entry[1]
        built = build_output(kind, spec, rule, bound)
        if len(self._entries) >= self._limit:
            self._entries.clear()
        self._entries[key] = (contents, built)
        return built

    def __len__(self) -> int:
        return len(self._entries)
