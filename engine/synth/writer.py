"""A synthetic cohort as NDJSON: one patient a line, the same bytes for the same seed."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

from engine.synth.bad_records import spoil
from engine.synth.cohort import synthetic_patient


def cohort_lines(count: int, seed: int, bad_share: float = 0.0) -> Iterator[str]:
    """``count`` NDJSON lines; about ``bad_share`` of them spoilt (drawn per record from the seed)."""
    rng = random.Random(seed)
    width = max(6, len(str(count)))
    for number in range(1, count + 1):
        patient = synthetic_patient(rng, f"synth-{seed}-{number:0{width}d}")
        if bad_share > 0 and rng.random() < bad_share:
            spoil(rng, patient)
        yield json.dumps(patient, ensure_ascii=False, separators=(",", ":")) + "\n"
