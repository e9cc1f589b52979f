"""The value types of the patient file: strictly typed measures with their physiological range,
real dates, bounded texts, and the strict base model every section uses.

Shared by the structural model (``engine.patient.model``) and the models built from a pack's
field declarations (``engine.patient.declared``), so a declared field reads and fails exactly
as a built-in one does. Error messages never repeat the patient's value.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, Strict
from pydantic_core import PydanticCustomError

MAX_TEXT = 1000  # characters in one free-text value (a name, an indication, a goal)


def measured(low: float, high: float, unit: str, *, integer: bool = False, places: int | None = None) -> Any:
    """A number checked against an inclusive physiological range, typed strictly (no "150").

    ``places``: the decimal places the normaliser keeps for this field; a value that would
    round to 0 there is refused (the engine must see the value the file holds, not zero).
    """

    def in_range(value: Any) -> Any:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and not low <= value <= high:
            raise PydanticCustomError(
                "range", "value is outside {low}..{high} {unit}",
                {"low": _plain(low), "high": _plain(high), "unit": unit},
            )
        if places is not None and isinstance(value, float) and value != 0 and round(value, places) == 0:
            raise PydanticCustomError(
                "range", "a value this small is kept as 0 (the engine keeps {places} decimal places); write 0 or "
                "at least {smallest} {unit}", {"places": places, "smallest": _plain(0.5 * 10 ** -places), "unit": unit},
            )
        return value

    base: Any = int if integer else float
    return Annotated[
        base, Strict(), BeforeValidator(in_range),
        Field(json_schema_extra={"minimum": low, "maximum": high, "x-unit": unit}),
    ]


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value: Any) -> Any:
    """A date, or text written YYYY-MM-DD (JSON has no dates); never a number read as a timestamp."""
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("date_type", "expected a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("date_type", "expected a date (YYYY-MM-DD)")
    if not _ISO_DATE.fullmatch(value.strip()):
        raise PydanticCustomError("date_type", "expected a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise PydanticCustomError("date_value", "not a real calendar date (YYYY-MM-DD)") from None


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
Text = Annotated[str, Field(max_length=MAX_TEXT)]
Name = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
