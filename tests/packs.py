"""Helpers that write small rule packs into a temporary directory for tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TEMPLATES = ("plan.md.j2", "plan.html.j2", "patient.md.j2", "patient.html.j2")
EVIDENCE = {"source": "test", "citation": "a test pack"}
DUMMY_TESTS = [
    {"name": "fires", "given": {}, "expect": "fires"},
    {"name": "does not fire", "given": {}, "expect": "does_not_fire"},
]


def rule_doc(rule_id: str, when: dict[str, Any], then: list[dict[str, Any]] | None = None,
             **extra: Any) -> dict[str, Any]:
    """A complete rule file's content; ``then`` defaults to one recommendation."""
    return {
        "id": rule_id,
        "title": f"rule {rule_id}",
        "version": "1.0.0",
        "evidence": EVIDENCE,
        **extra,
        "when": when,
        "then": then or [{"recommend": {"category": "monitoring", "action": "monitor", "text": f"{rule_id} fired"}}],
        "tests": DUMMY_TESTS,
    }


def write_pack(root: Path, rules: dict[str, dict[str, Any]] | dict[str, str],
               fact_types: dict[str, Any] | None = None, files: dict[str, str] | None = None) -> Path:
    """A pack at ``root``: pack.yaml, rules/<name>.yaml (a mapping is dumped, a string written as is)."""
    (root / "rules").mkdir(parents=True, exist_ok=True)
    (root / "knowledge").mkdir(exist_ok=True)
    (root / "templates").mkdir(exist_ok=True)
    (root / "pack.yaml").write_text("name: t\nversion: 0.0.1\n", encoding="utf-8")
    for name in TEMPLATES:
        (root / "templates" / name).write_text("{{ plan.patient_id }}\n", encoding="utf-8")
    for name, body in rules.items():
        text = body if isinstance(body, str) else yaml.safe_dump(body, sort_keys=False)
        (root / "rules" / f"{name}.yaml").write_text(text, encoding="utf-8")
    if fact_types is not None:
        (root / "knowledge" / "fact-types.yaml").write_text(yaml.safe_dump(fact_types, sort_keys=False),
                                                           encoding="utf-8")
    for relative, text in (files or {}).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
