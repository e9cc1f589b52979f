"""``careplan rules``: the catalogue of a pack's rules, generated from the checked rules themselves.

One entry per rule file (active, draft and retired): its id, title, version and status, its evidence,
its conditions in words (from the checked patterns, so they say what the engine tests, not what a
comment claims), the decision table and its row count, the names of its inline tests, and the data
it uses (``Rule.reads``: every fact type and field its patterns test, over all its table rows).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from engine.lang.patterns import Operand, Pattern, Ref, Test
from engine.lang.rule import Rule, RuleSource
from engine.pack.citations import Citations
from engine.pack.load import Pack

_OPERATORS = {"eq": "is", "ne": "is not", "lt": "below", "le": "at most", "gt": "above", "ge": "at least",
              "in": "in"}


@dataclass(frozen=True)
class RuleEntry:
    id: str
    title: str
    version: str
    status: str
    file: str
    evidence: dict[str, str]
    conditions: str
    table: str | None
    table_rows: int
    tests: list[str]
    uses: list[str]


def _value(value: Operand) -> str:
    if isinstance(value, Ref):
        return str(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _test_words(test: Test) -> str:
    if test.op == "exists":
        return f"{test.field} is known"
    if test.op == "missing":
        return f"{test.field} is not known"
    return f"{test.field} {_OPERATORS.get(test.op, test.op)} {_value(test.value)}"


def pattern_words(pattern: Pattern) -> str:
    """"phenotype gene is CYP2C19 and value in [Poor Metabolizer]"; "any medication" with no test."""
    if not pattern.tests:
        return f"any {pattern.type}"
    return f"{pattern.type} " + " and ".join(_test_words(t) for t in pattern.tests)


def conditions_words(rule: Rule) -> str:
    """The rule's conditions: what every variant shares, then the 'any' alternatives, then the negations."""
    variants = [list(v) for v in rule.variants]
    shared = [p for p in variants[0] if all(p in v for v in variants)] if variants else []
    parts = [pattern_words(p) for p in shared]
    alternatives = [[p for p in v if p not in shared] for v in variants]
    if len(alternatives) > 1:
        parts.append("one of: " + " | ".join("; ".join(pattern_words(p) for p in alt) or "nothing more"
                                             for alt in alternatives))
    parts += [f"no {pattern_words(p)}" for p in rule.negations]
    return "; ".join(parts)


def _cited(keys: list[str], citations: Citations) -> str:
    """The cited records as a clinician finds them ("Lee CR et al. Clin Pharmacol Ther 2022; PMID ...")."""
    found = [citations.find(key) for key in keys]
    return "; ".join(hit[1].short() if hit else key for key, hit in zip(keys, found, strict=True))


def _entry(source: RuleSource, citations: Citations) -> RuleEntry:
    spec = source.spec
    rules = source.rules
    evidence = {k: str(v) for k, v in spec.evidence.model_dump(exclude_none=True, exclude={"cite"}).items()}
    if spec.evidence.cite:
        evidence["cite"] = ", ".join(spec.evidence.cite)
        evidence["citation"] = _cited(spec.evidence.cite, citations)
        main = citations.find(spec.evidence.cite[0])
        if "source" not in evidence and main is not None:
            evidence["source"] = main[1].source  # the publisher, as the plan's evidence names it
    if not rules:
        conditions = "(no rule: the table selects no row)"
    elif spec.table is not None and rules[0].row is not None:
        conditions = f"per table row; row {rules[0].row.key(spec.table.key)}: {conditions_words(rules[0])}"
    else:
        conditions = conditions_words(rules[0])
    uses = sorted({f"{fact}.{field}" for rule in rules for fact, field in rule.reads})
    return RuleEntry(spec.id, spec.title, spec.version, spec.status, source.doc.path, evidence, conditions,
                     spec.table.file if spec.table else None, len(rules) if spec.table else 0,
                     [t.name for t in spec.tests], uses)


def rule_catalogue(pack: Pack, prefix: str = "") -> list[RuleEntry]:
    """Every rule file of the pack whose id starts with ``prefix``, by id."""
    sources = pack.sources + pack.inactive
    return sorted((_entry(s, pack.citations) for s in sources if s.spec.id.startswith(prefix)), key=lambda e: e.id)


def _source_words(evidence: dict[str, str]) -> str:
    return f"{evidence['source']}: " if "source" in evidence else ""


def catalogue_text(entries: list[RuleEntry]) -> str:
    lines: list[str] = []
    for entry in entries:
        evidence = entry.evidence
        strength = f" ({evidence['strength']})" if "strength" in evidence else ""
        lines += [f"{entry.id}  {entry.version}  {entry.status}  {entry.file}",
                  f"  title:      {entry.title}",
                  f"  evidence:   {_source_words(evidence)}{evidence.get('citation', '')}{strength}",
                  f"  conditions: {entry.conditions}"]
        if entry.table is not None:
            lines.append(f"  table:      {entry.table}, {entry.table_rows} rows")
        lines += [f"  tests:      {'; '.join(entry.tests)}",
                  f"  uses:       {', '.join(entry.uses) or 'no patient data'}", ""]
    lines.append(f"{len(entries)} rule" + ("" if len(entries) == 1 else "s"))
    return "\n".join(lines) + "\n"


def catalogue_json(entries: list[RuleEntry]) -> str:
    document: list[dict[str, Any]] = [asdict(e) for e in entries]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
