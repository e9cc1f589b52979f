"""``careplan diff``: the clinical effect of a pack edit, as the plans of a cohort that change.

Each patient's plan is made with both packs and compared section by section. Items are matched by
what they are, not by where they fall in the list: a recommendation by its id and medicine (or
medicine class), an assessment by its kind and gene, a safety warning, follow-up, goal or data gap
by the rule that made it, a suppression by what it suppressed and the rule that did it, a medicine's
review by the medicine. A matched item whose fields differ is "changed", with each field's before
and after (strength, dose, action, text ...). The chain behind an item (``because``), the time and
the pack's own identity are not compared: every edit moves them, and they are not clinical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.authoring.cohort import Cohort, Skipped
from engine.generator import Generator
from engine.plan.model import Plan

AT = "2000-01-01T00:00:00Z"  # both plans are made at one instant: generated_at is not compared anyway
Item = dict[str, Any]
KeyOf = Callable[[Item], str]


def _recommendation_key(item: Item) -> str:
    target = item.get("drug") or item.get("drug_class")
    return f"{item['id']} [{target}]" if target else str(item["id"])


def _assessment_key(item: Item) -> str:
    return f"{item['kind']} [{item['gene']}]" if item.get("gene") else str(item["kind"])


# section of the plan -> how its items are matched (the plan's own order of sections)
SECTIONS: dict[str, KeyOf] = {
    "assessments": _assessment_key,
    "recommendations": _recommendation_key,
    "goals": lambda item: str(item["rule"]),
    "follow_up": lambda item: str(item["rule"]),
    "suppressed": lambda item: f"{item['id']} by {item['by']}",
    "data_gaps": lambda item: str(item["rule"]),
    "warnings": lambda item: str(item["rule"]),
    "medication_review": lambda item: str(item["drug"]),
}
_NOT_COMPARED = frozenset({"because"})


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass
class SectionDiff:
    added: list[Item] = field(default_factory=list)
    removed: list[Item] = field(default_factory=list)
    changed: list[tuple[str, list[FieldChange]]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


@dataclass
class PatientDiff:
    source: str
    patient_id: str
    sections: dict[str, SectionDiff]

    @property
    def empty(self) -> bool:
        return all(s.empty for s in self.sections.values())


@dataclass
class CohortDiff:
    base: str
    head: str
    compared: int
    patients: list[PatientDiff]  # only those whose plan changes
    skipped: list[Skipped]

    @property
    def empty(self) -> bool:
        return not self.patients


def _keyed(items: list[Item], key_of: KeyOf) -> dict[str, Item]:
    """Items by key; a key met again (two items alike in what they are) gets a counter."""
    keyed: dict[str, Item] = {}
    for item in items:
        key = key_of(item)
        seen = 1
        while key in keyed:
            seen += 1
            key = f"{key_of(item)} #{seen}"
        keyed[key] = item
    return keyed


def _field_changes(before: Item, after: Item) -> list[FieldChange]:
    names = sorted((set(before) | set(after)) - _NOT_COMPARED)
    return [FieldChange(name, before.get(name), after.get(name)) for name in names
            if before.get(name) != after.get(name)]


def compare_section(before: list[Item], after: list[Item], key_of: KeyOf) -> SectionDiff:
    old, new = _keyed(before, key_of), _keyed(after, key_of)
    diff = SectionDiff(added=[new[k] for k in new if k not in old], removed=[old[k] for k in old if k not in new])
    for key in old:
        if key in new:
            changes = _field_changes(old[key], new[key])
            if changes:
                diff.changed.append((key, changes))
    return diff


def compare_plans(source: str, before: Plan, after: Plan) -> PatientDiff:
    old, new = before.model_dump(by_alias=True), after.model_dump(by_alias=True)
    sections = {name: compare_section(old[name], new[name], key_of) for name, key_of in SECTIONS.items()}
    return PatientDiff(source, after.patient_id, sections)


def diff_cohort(base: Generator, head: Generator, cohort: Cohort, base_name: str, head_name: str) -> CohortDiff:
    changed: list[PatientDiff] = []
    for member in cohort.patients:
        before = base.run(member.patient, at=AT).plan
        after = head.run(member.patient, at=AT).plan
        patient = compare_plans(member.source, before, after)
        if not patient.empty:
            changed.append(patient)
    return CohortDiff(base_name, head_name, len(cohort.patients), changed, cohort.skipped)


def totals(diff: CohortDiff) -> dict[str, dict[str, int]]:
    """Per section: how many items were added, removed and changed across the cohort."""
    counts = {name: {"added": 0, "removed": 0, "changed": 0} for name in SECTIONS}
    for patient in diff.patients:
        for name, section in patient.sections.items():
            counts[name]["added"] += len(section.added)
            counts[name]["removed"] += len(section.removed)
            counts[name]["changed"] += len(section.changed)
    return counts
