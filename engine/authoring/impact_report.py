"""The report of ``careplan diff``: text for a reviewer, JSON for a pipeline (the same content)."""

from __future__ import annotations

import json
from typing import Any

from engine.authoring.impact_diff import SECTIONS, CohortDiff, Item, PatientDiff, totals

_MARKS = {"added": "+", "removed": "-", "changed": "~"}
_TEXT_WIDTH = 100  # long texts are cut in the text report (the JSON has them whole)
_CONTEXT = 30  # characters shown either side of where two long texts differ


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True) if not isinstance(value, str) else value
    return text if len(text) <= _TEXT_WIDTH else text[: _TEXT_WIDTH - 3] + "..."


def _common_length(first: str, second: str) -> int:
    """How many leading characters two texts share."""
    shared = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        shared += 1
    return shared


def _change(before: Any, after: Any) -> str:
    """``before -> after``; two long texts are cut to where they differ, with a little context."""
    if not (isinstance(before, str) and isinstance(after, str)) or max(len(before), len(after)) <= _TEXT_WIDTH:
        return f"{_short(before)} -> {_short(after)}"
    start = _common_length(before, after)
    end = _common_length(before[start:][::-1], after[start:][::-1])
    begin = max(0, start - _CONTEXT)

    def cut(text: str) -> str:
        middle = text[begin:len(text) - end + min(end, _CONTEXT)]
        return ("..." if begin else "") + _short(middle) + ("..." if end > _CONTEXT else "")

    return f"{cut(before)} -> {cut(after)}"


def _summary(section: str, item: Item) -> str:
    """One line that says what an added or removed item is."""
    key = SECTIONS[section](item)
    if section == "recommendations":
        strength = f", {item['strength']}" if item.get("strength") else ""
        return f"{key}: {item['action']}{strength}: {_short(item['title'])}"
    if section == "assessments":
        unit = f" {item['unit']}" if item.get("unit") else ""
        return f"{key}: {_short(item['value'])}{unit}"
    if section == "medication_review":
        return f"{key}: {_short(item['outcome'])}"
    if section == "suppressed":
        return f"{key}: {_short(item['reason'])}"
    return f"{key}: {_short(item['text'])}"


def _patient_lines(patient: PatientDiff) -> list[str]:
    lines = [f"{patient.source} (patient {patient.patient_id})"]
    for name, section in patient.sections.items():
        if section.empty:
            continue
        lines.append(f"  {name}")
        lines += [f"    + {_summary(name, item)}" for item in section.added]
        lines += [f"    - {_summary(name, item)}" for item in section.removed]
        for key, changes in section.changed:
            lines.append(f"    ~ {key}")
            lines += [f"        {c.field}: {_change(c.before, c.after)}" for c in changes]
    return lines


def diff_text(diff: CohortDiff) -> str:
    changed = len(diff.patients)
    lines = [f"careplan diff: {diff.base} -> {diff.head}: {diff.compared} patients compared, "
             f"{changed} {'plan changes' if changed == 1 else 'plans change'}"]
    for patient in diff.patients:
        lines += [""] + _patient_lines(patient)
    counted = totals(diff)
    parts = [f"{name} " + " ".join(f"{_MARKS[k]}{n}" for k, n in counts.items())
             for name, counts in counted.items() if any(counts.values())]
    lines += ["", "totals: " + ("; ".join(parts) if parts else "no plan changes")]
    if diff.skipped:
        lines.append(f"skipped {len(diff.skipped)} patient record(s) that could not be read:")
        lines += [f"  {s.problem}" for s in diff.skipped]
    return "\n".join(lines) + "\n"


def _patient_data(patient: PatientDiff) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for name, section in patient.sections.items():
        if section.empty:
            continue
        sections[name] = {
            "added": section.added,
            "removed": section.removed,
            "changed": [{"key": key, "fields": {c.field: {"before": c.before, "after": c.after} for c in changes}}
                        for key, changes in section.changed],
        }
    return {"source": patient.source, "patient_id": patient.patient_id, "sections": sections}


def diff_json(diff: CohortDiff) -> str:
    document = {
        "base": diff.base,
        "head": diff.head,
        "compared": diff.compared,
        "changed": len(diff.patients),
        "patients": [_patient_data(p) for p in diff.patients],
        "totals": totals(diff),
        "skipped": [{"source": s.source, "problem": s.problem} for s in diff.skipped],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
