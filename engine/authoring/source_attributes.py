"""The source-attribute report of a pack (``careplan sources``): the pack's own attributes, and per
rule its citations and which HTI-1 categories it uses (45 CFR 170.315(b)(11)(iv)).

A rule's categories are derived, never written: those of the fields its patterns test
(``Rule.reads`` through the pack's ``knowledge/source-attribute-inputs.yaml``), and those of every
rule that produces a fact it reads (a blood-pressure medicine chosen by a population group uses
race when the group is assigned from race). Both are shown, so a reviewer sees where a category
enters the chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from engine.lang.rule import Rule, RuleSource
from engine.pack.load import Pack
from engine.pack.source_attributes import INPUT_CATEGORIES, AttributeInputs, InputCategory


@dataclass(frozen=True)
class RuleAttributes:
    """One rule file: what it cites and which categories it uses, itself and through the rules it builds on."""

    rule_id: str
    file: str
    cite: tuple[str, ...]
    uses: tuple[InputCategory, ...]  # its own patterns
    via: tuple[InputCategory, ...]  # the rules that produce what it reads, transitively
    reads: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.rule_id, "file": self.file, "cite": list(self.cite), "uses": list(self.uses),
                "uses_through_other_rules": list(self.via), "reads": list(self.reads)}


def _ordered(found: Iterable[str]) -> tuple[InputCategory, ...]:
    present = set(found)
    return tuple(c for c in INPUT_CATEGORIES if c in present)


def _producers(rules: list[Rule]) -> dict[str, set[str]]:
    """Fact type -> the rule files whose rules assert it."""
    out: dict[str, set[str]] = {}
    for rule in rules:
        for fact_type in rule.produces:
            out.setdefault(fact_type, set()).add(rule.file_rule_id)
    return out


def _upstream(source: RuleSource, producers: dict[str, set[str]], by_file: dict[str, RuleSource]) -> set[str]:
    """Every rule file that (transitively) produces a fact type this one reads, itself excluded."""
    seen: set[str] = set()
    pending = [t for rule in source.rules for t in (rule.consumes | rule.negated_types)]
    while pending:
        for file_id in producers.get(pending.pop(), set()) - seen:
            seen.add(file_id)
            pending += [t for rule in by_file[file_id].rules for t in (rule.consumes | rule.negated_types)]
    return seen - {source.spec.id}


def rule_attributes(pack: Pack) -> list[RuleAttributes]:
    """Per rule file of the pack (active, draft and retired alike), sorted by id."""
    sources = sorted([*pack.sources, *pack.inactive], key=lambda s: s.spec.id)
    by_file = {s.spec.id: s for s in sources}
    producers = _producers([rule for s in sources for rule in s.rules])
    inputs: AttributeInputs = pack.attribute_inputs
    own = {s.spec.id: _ordered(c for rule in s.rules for c in inputs.categories_of(rule.reads)) for s in sources}
    report = []
    for source in sources:
        via = {c for file_id in _upstream(source, producers, by_file) for c in own[file_id]}
        reads = sorted({f"{t}.{f}" for rule in source.rules for t, f in rule.reads})
        report.append(RuleAttributes(source.spec.id, source.doc.path, tuple(source.spec.evidence.cite),
                                     own[source.spec.id], _ordered(via - set(own[source.spec.id])), tuple(reads)))
    return report


def sources_json(pack: Pack) -> dict[str, Any]:
    attributes = pack.meta.source_attributes
    return {
        "pack": {"name": pack.meta.name, "version": pack.meta.version,
                 "source_attributes": attributes.model_dump(mode="json") if attributes else None},
        "categories": list(INPUT_CATEGORIES),
        "rules": [r.as_json() for r in rule_attributes(pack)],
    }


def sources_text(pack: Pack) -> str:
    """The report as a reviewer reads it: the pack's attributes, then one line per rule."""
    attributes = pack.meta.source_attributes
    lines = [f"pack {pack.meta.name} {pack.meta.version}"]
    if attributes is None:
        lines.append("  source attributes: not stated (add source_attributes to pack.yaml)")
    else:
        lines += [f"  {key.replace('_', ' ')}: {value}" for key, value in attributes.model_dump(mode="json").items()
                  if value is not None]
    report = rule_attributes(pack)
    lines.append(f"rules ({len(report)}): the categories each uses (its own patterns; + through the rules it "
                 "builds on) and what it cites")
    for rule in report:
        uses = ", ".join(rule.uses) or "none"
        via = f" + {', '.join(rule.via)}" if rule.via else ""
        lines.append(f"  {rule.rule_id}: {uses}{via} [{', '.join(rule.cite) or 'inline citation'}]")
    return "\n".join(lines) + "\n"
