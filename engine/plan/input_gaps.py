"""What a patient record held that its reader could not map, listed among the plan's data gaps.

A FHIR Bundle or PharmCAT report may carry a code no table of the pack maps. Such an item is not
used, and the plan says so ("FHIR Observation 12345-6 was not used: no mapping"), so a clinician
knows the plan was made without it. The text names codes and resource types, never a value.
"""

from __future__ import annotations

from engine.plan.model import DataGap, Plan

INPUT_GAP_RULE = "input"  # the DataGap.rule of a gap the record's reader found, not a rule of the pack


def add_input_gaps(plan: Plan, gaps: tuple[str, ...]) -> Plan:
    """The plan with one data gap per unmapped input item, the whole list kept in text order."""
    if not gaps:
        return plan
    known = {gap.text for gap in plan.data_gaps}
    extra = [DataGap(text=text, rule=INPUT_GAP_RULE) for text in gaps if text not in known]
    plan.data_gaps = sorted(plan.data_gaps + extra, key=lambda gap: gap.text)
    return plan
