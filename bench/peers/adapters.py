"""The engines side by side: one interface, and how to build each on a pack size.

Every engine turns a workload patient into its own input (``prepare``, not timed: reading and
converting records is not what is compared) and evaluates it (``evaluate``, timed), returning the
sorted recommendation ids. Engines are imported only when built, so a missing optional one
(clipspy) does not stop the others, and each measured process imports just its own.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bench.peers.workload import Patient, Rule

Prepared = TypeVar("Prepared")

ENGINES = ("plain", "durable", "clips", "careplan-eval", "careplan-plan")
LABELS = {"plain": "plain Python", "durable": "raw durable-rules", "clips": "CLIPS (clipspy, patched)",
          "careplan-eval": "careplan evaluate", "careplan-plan": "careplan plan+JSON"}
CAREPLAN = ("careplan-eval", "careplan-plan")


class PeerEngine(Protocol[Prepared]):
    name: str

    def prepare(self, patient: Patient) -> Prepared: ...

    def evaluate(self, prepared: Prepared) -> list[str]: ...


def clips_installed() -> bool:
    return importlib.util.find_spec("clips") is not None


_MODULES = {"plain": "bench.peers.plain", "durable": "bench.peers.durable_raw", "clips": "bench.peers.clips",
            "careplan-eval": "bench.peers.careplan_engine", "careplan-plan": "bench.peers.careplan_engine"}


def preload(name: str) -> None:
    """Import the engine's module (and the engine under it), so that building it can be timed apart."""
    importlib.import_module(_MODULES[name])


def build(name: str, rules: Sequence[Rule], pack_root: Path | None = None) -> PeerEngine[Any]:
    """The engine ``name`` on ``rules``; careplan reads the pack written from them at ``pack_root``."""
    if name == "plain":
        from bench.peers.plain import PlainEngine
        return PlainEngine(rules)
    if name == "durable":
        from bench.peers.durable_raw import DurableRawEngine
        return DurableRawEngine(rules, prefix=f"peers{len(rules)}")
    if name == "clips":
        from bench.peers.clips import ClipsEngine
        return ClipsEngine(rules)
    if name in CAREPLAN:
        if pack_root is None:
            raise ValueError(f"{name} needs the pack directory written from the rules")
        from bench.peers.careplan_engine import CareplanEvaluation, CareplanPlan
        return CareplanEvaluation(pack_root) if name == "careplan-eval" else CareplanPlan(pack_root)
    raise ValueError(f"unknown engine {name!r}; engines: {', '.join(ENGINES)}")


def layout(engine: PeerEngine[Any]) -> str:
    """How the engine laid the rules out, for the table (rulesets are what durable's cost grows with)."""
    ruleset_count = getattr(engine, "ruleset_count", None)
    if isinstance(ruleset_count, int):
        return f"{ruleset_count} rulesets"
    generator = getattr(engine, "generator", None)
    if generator is not None:
        compiled = generator.compiled
        return f"{len(compiled.rulesets)} rulesets + {len(compiled.lookups)} lookup"
    return ""
