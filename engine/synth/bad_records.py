"""Spoiling a share of synthetic records the way real patient files go wrong.

Each spoilt record has exactly one fault, one of: a value out of its physiological range (a
systolic pressure of 400 mmHg, an age of 150), a number written as text ("52"), a misspelt key
(``vitalz``), a missing ``id``, a date that does not exist. ``careplan batch`` must report each at
its line with the message ``generate`` gives, and go on.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

Patient = dict[str, Any]


def _out_of_range(patient: Patient) -> None:
    readings = patient["vitals"]["blood_pressure"]
    readings[0]["systolic"] = 400
    readings[0]["diastolic"] = 95


def _age_out_of_range(patient: Patient) -> None:
    patient["demographics"]["age"] = 150


def _number_as_text(patient: Patient) -> None:
    patient["demographics"]["age"] = str(patient["demographics"]["age"])


def _unknown_key(patient: Patient) -> None:
    patient["vitalz"] = patient.pop("vitals")


def _missing_id(patient: Patient) -> None:
    del patient["id"]


def _impossible_date(patient: Patient) -> None:
    patient["vitals"]["blood_pressure"][0]["date"] = "2026-02-30"


FAULTS: tuple[Callable[[Patient], None], ...] = (
    _out_of_range, _age_out_of_range, _number_as_text, _unknown_key, _missing_id, _impossible_date,
)


def spoil(rng: random.Random, patient: Patient) -> None:
    """Give the record one fault, chosen by ``rng``."""
    rng.choice(FAULTS)(patient)
