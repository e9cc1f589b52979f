"""One fact as the engine sees it: a type, typed scalar fields and a content-derived id.

The marker types at the end are the compiler's and the runtime's own; authors never write them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Union

Scalar = Union[str, int, float, bool]


def show_value(value: Scalar) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)



@dataclass(frozen=True)
class Fact:
    """One fact: its type, its fields and a content-derived id (so input order never matters)."""

    type: str
    values: dict[str, Scalar]
    fid: str = field(default="")
    origin: str = "input"

    @staticmethod
    def make(type_name: str, values: dict[str, Scalar | None], origin: str = "input") -> Fact:
        clean = {k: v for k, v in values.items() if v is not None}
        canonical = json.dumps([type_name, clean], sort_keys=True, separators=(",", ":"))
        fid = f"{type_name}:{hashlib.sha256(canonical.encode()).hexdigest()[:12]}"
        return Fact(type_name, dict(sorted(clean.items())), fid, origin)

    def engine_dict(self) -> dict[str, Scalar]:
        return {**self.values, "t": self.type, "fid": self.fid}


# Marker types the compiler and runtime use; never written by authors.
ABSENT_TYPE = "__absent"
SENTINEL_TYPE = "__end"
NEVER_TYPE = "__never"
