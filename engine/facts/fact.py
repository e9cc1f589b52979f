"""One fact as the engine sees it: a type, typed scalar fields and a content-derived id.

The marker types at the end are the compiler's and the runtime's own; authors never write them.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Union

Scalar = Union[str, int, float, bool]

# durable-rules reads an integer token with atoll (past 2**63 it saturates, silently) and
# compares integers with decimals as doubles: within 2**53 both are exact.
ENGINE_INT_LIMIT = 2**53


class UnrepresentableNumber(ValueError):
    """A number durable-rules cannot read back as exactly the same value (the message names no value)."""


def engine_number(value: int | float) -> str:
    """The JSON text of a number that durable-rules reads back as exactly ``value``.

    durable's parser takes a token without a '.' for an integer and cannot read an exponent
    after a mantissa without a '.' (``1e-05``, ``1e+16``: error 204, then a dropped rule or
    a crash). So integers are written in decimal, within ``ENGINE_INT_LIMIT``; decimals in
    positional notation with a '.', from their shortest round-trip form, which durable's
    ``atof`` (correctly rounded) turns back into the same double. NaN and infinities, which
    JSON cannot hold, are refused.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise UnrepresentableNumber("not a number")
    if isinstance(value, int):
        if abs(value) > ENGINE_INT_LIMIT:
            raise UnrepresentableNumber("an integer larger than 2**53 in size")
        return str(int(value))
    if not math.isfinite(value):
        raise UnrepresentableNumber("a number that is not finite (NaN or infinity)")
    text = repr(float(value))
    if "e" not in text:
        return text  # repr writes 1e-4 <= |x| < 1e16 (and 0) positionally, always with a '.'
    plain = format(Decimal(text), "f")
    return plain if "." in plain else plain + ".0"


def engine_json(tree: Any) -> str:
    """JSON text for durable-rules in which every number is written as ``engine_number`` writes it.

    The one path by which facts and rulesets reach the engine (``engine.run.runtime``).
    ``json.dumps`` (fast, in C) writes the text; where it may hold a number durable would
    misread (an exponent, which Python writes below 1e-4 and from 1e16, or a run of 16 or
    more digits), the tree is written again number by number. Raises UnrepresentableNumber
    naming the field, never the value.
    """
    try:
        text = _ENGINE_ENCODER.encode(tree)
    except ValueError:  # NaN or an infinity: the exact writer names the field
        return "".join(_encode(tree, ""))
    if _has_exponent(text) or _SIXTEEN_DIGITS in text.encode("utf-8").translate(_DIGITS_AS_ZERO):
        return "".join(_encode(tree, ""))
    return text


# json.dumps builds an encoder on every call given any option; these are built once (the same text)
_ENGINE_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
_CANONICAL_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"))
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_SIXTEEN_DIGITS = b"0" * 16


_EXPONENT = re.compile(r"e[-+][0-9]")  # Python's repr always signs its exponent


def _has_exponent(text: str) -> bool:
    """Whether a digit, 'e', a sign and a digit stand together anywhere (in a number, or in text)."""
    return any(match.start() > 0 and text[match.start() - 1].isdigit() for match in _EXPONENT.finditer(text))


def _unreadable(where: str, what: str) -> UnrepresentableNumber:
    return UnrepresentableNumber(f"field '{where}' holds {what}, which the engine cannot read back exactly")


def _encode(tree: Any, where: str) -> list[str]:
    """The reference encoder (slow, every number through ``engine_number``): names the field that fails."""
    if isinstance(tree, dict):
        parts = ["{"]
        for i, (key, value) in enumerate(tree.items()):
            parts.append(("," if i else "") + json.dumps(str(key), ensure_ascii=False) + ":")
            parts.extend(_encode(value, str(key)))
        parts.append("}")
        return parts
    if isinstance(tree, (list, tuple)):
        parts = ["["]
        for i, value in enumerate(tree):
            parts.append("," if i else "")
            parts.extend(_encode(value, where))
        parts.append("]")
        return parts
    if tree is None or isinstance(tree, (str, bool)):
        return [json.dumps(tree, ensure_ascii=False)]
    try:
        return [engine_number(tree)]
    except UnrepresentableNumber as exc:
        raise _unreadable(where, str(exc)) from None


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
        canonical = _CANONICAL_ENCODER.encode([type_name, clean])
        fid = f"{type_name}:{hashlib.sha256(canonical.encode()).hexdigest()[:12]}"
        return Fact(type_name, dict(sorted(clean.items())), fid, origin)

    def engine_dict(self) -> dict[str, Scalar]:
        """The fact as the runtime hands it to durable-rules, through ``engine_json``."""
        return {**self.values, "t": self.type, "fid": self.fid}


# Marker types the compiler and runtime use; never written by authors.
ABSENT_TYPE = "__absent"
SENTINEL_TYPE = "__end"
NEVER_TYPE = "__never"
