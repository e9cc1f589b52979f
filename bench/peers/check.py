"""Compare an engine's outputs with the reference (plain Python's), patient by patient.

A benchmark whose engines disagree measures nothing, so every processed patient is compared and
each difference is reported by patient and by recommendation id (the ids are synthetic, never
patient data).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Mismatch:
    patient: str
    missing: tuple[str, ...]  # in the reference, not in the engine's output
    extra: tuple[str, ...]  # in the engine's output, not in the reference

    def __str__(self) -> str:
        parts = [f"missing {', '.join(self.missing)}" if self.missing else "",
                 f"extra {', '.join(self.extra)}" if self.extra else ""]
        detail = "; ".join(p for p in parts if p) or "same ids, another order or count"
        return f"{self.patient}: {detail}"


def compare(patient_ids: Sequence[str], reference: Sequence[Sequence[str]],
            outputs: Sequence[Sequence[str]]) -> list[Mismatch]:
    """Every patient whose output differs from the reference; the outputs cover the first patients."""
    if len(outputs) > len(reference) or len(outputs) > len(patient_ids):
        raise ValueError("more outputs than reference outputs or patients")
    found: list[Mismatch] = []
    for patient, expected, got in zip(patient_ids, reference, outputs, strict=False):
        if list(expected) == list(got):
            continue
        found.append(Mismatch(patient, tuple(sorted(set(expected) - set(got))),
                              tuple(sorted(set(got) - set(expected)))))
    return found


def describe(engine: str, size: int, mismatches: Sequence[Mismatch], limit: int = 5) -> str:
    """A loud, short report of an engine's mismatches (the first ``limit`` patients)."""
    if not mismatches:
        return f"{engine} at {size} rules: output identical to plain Python for every patient"
    shown = "\n".join(f"  {m}" for m in mismatches[:limit])
    more = f"\n  ... and {len(mismatches) - limit} more" if len(mismatches) > limit else ""
    return f"MISMATCH: {engine} at {size} rules differs from plain Python for {len(mismatches)} patient(s):\n" \
           f"{shown}{more}"
