"""Sample plans for checking templates: built from the plan model itself, so a section added to
the plan is in the samples without anyone remembering to add it.

* every field filled: each optional value given, and each list holding one item per choice of
  the item's choice fields (every category, every action, every severity), the other fields
  varying from item to item (a number here, text there);
* every optional field left out: one item per top-level list, nothing optional inside;
* an empty plan: nothing but the plan's own required fields.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any, Literal, Union

from pydantic import BaseModel, ValidationError

from engine.patient.model import BloodPressureReading
from engine.plan.model import Assessment, Goal, Plan

_TEXT = {
    "due": ("P3M", "P1Y6M"), "generated_at": ("2026-01-01T00:00:00Z",),
    "digest": ("sha256:" + "0" * 64,), "version": ("1.0.0", "1.0.0+drafts"),
}


def _choices(annotation: Any) -> int:
    """How many values a field can choose between (a Literal or a union), for the number of items."""
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return len(typing.get_args(annotation))
    if origin in (Union, types.UnionType):
        return max([_choices(a) for a in typing.get_args(annotation)] + [len(typing.get_args(annotation)) - 1])
    return 1


def _items(model: type[BaseModel]) -> int:
    return max([2] + [_choices(f.annotation) for f in model.model_fields.values()])


def _scalar(annotation: Any, variant: int, name: str) -> Any:
    if annotation is bool:
        return variant % 2 == 0
    if annotation is int:
        return (30, 0, 365, 7)[variant % 4]
    if annotation is float:
        return (-50.0, 25.0, 0.0, 5.3)[variant % 4]
    if annotation is dt.date:  # the pack's source-attribute dates
        return dt.date(2026, 1, 1)
    texts = _TEXT.get(name, (f"sample {name.replace('_', ' ')}", f"another {name.replace('_', ' ')} {variant}"))
    return texts[variant % len(texts)]


def _value(annotation: Any, variant: int, name: str, full: bool, depth: int) -> Any:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Literal:
        return args[variant % len(args)]
    if origin in (Union, types.UnionType):
        present = [a for a in args if a is not type(None)]
        return _value(present[variant % len(present)], variant, name, full, depth)
    if origin in (list, dict):
        return _container(origin, args, variant, name, full, depth)
    if origin is tuple:  # a [low, high] pair (dose_range_percent): in order, as the plan gives it
        return tuple(sorted(_value(arg, variant + i, name, full, depth + 1) for i, arg in enumerate(args)))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _model(annotation, variant, full, depth)
    return _scalar(annotation, variant, name)


def _container(origin: Any, args: tuple[Any, ...], variant: int, name: str, full: bool, depth: int) -> Any:
    """A sample list (several items in a full plan) or dict (one labelled value in a full plan)."""
    if origin is dict:
        return {f"sample {name} {variant}": _value(args[1], variant, name, full, depth + 1)} if full else {}
    if not full and depth > 0:
        return []
    item = args[0] if args else str
    count = _items(item) if isinstance(item, type) and issubclass(item, BaseModel) and full else (
        2 if full else 1)
    return [_value(item, variant + i, name, full, depth + 1) for i in range(count)]


def _model(model: type[BaseModel], variant: int, full: bool, depth: int) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        optional = not info.is_required()
        if optional and not full and not (depth == 0 and typing.get_origin(info.annotation) is list):
            continue
        data[info.alias or name] = _value(info.annotation, variant, name, full, depth)
    return data


# Readings for the blood-pressure chart: dated and undated, office and home, a tie on one date.
SAMPLE_READINGS: tuple[BloodPressureReading, ...] = (
    BloodPressureReading(systolic=152, diastolic=96, date=dt.date(2026, 1, 5), setting="office"),
    BloodPressureReading(systolic=138, diastolic=84, date=None, setting="home"),
    BloodPressureReading(systolic=146, diastolic=92, date=dt.date(2026, 1, 5), setting="home"),
)


def _pictured(plan: Plan) -> Plan:
    """The plan with what the documents draw: a 10-year risk and a blood-pressure target."""
    return plan.model_copy(update={
        "assessments": [*plan.assessments, Assessment(kind="ascvd-risk-10y", value=12.5, unit="%", because=[])],
        "goals": [*plan.goals, Goal(text="Bring blood pressure below 130/80 mmHg", target="< 130/80 mmHg",
                                    rule="bp.target")]})


def sample_plans() -> list[tuple[str, Plan]]:
    """``(description, plan)`` pairs; a sample the current plan model refuses is left out."""
    wanted = {
        "a sample plan with every field filled": _model(Plan, 0, True, 0),
        "a sample plan with every optional field left out": _model(Plan, 0, False, 0),
        "an empty sample plan": {name: _value(info.annotation, 0, name, False, 1)
                                 for name, info in Plan.model_fields.items() if info.is_required()},
    }
    plans: list[tuple[str, Plan]] = []
    for description, data in wanted.items():
        try:
            plans.append((description, Plan.model_validate(data)))
        except ValidationError:
            continue  # tests/test_pack_safety.py checks that every sample builds
    if plans:
        plans.append(("a sample plan with a 10-year risk and a blood-pressure goal", _pictured(plans[0][1])))
    return plans
