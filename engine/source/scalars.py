"""What an unquoted YAML scalar means: the YAML 1.2 core schema, read strictly.

PyYAML resolves plain scalars by YAML 1.1, which silently changes clinical values:
``010`` is octal 8, ``1:30`` is sexagesimal 90, ``yes``/``no``/``on``/``off`` are
booleans, and ``1.7e2`` is text. Here:

* ``null``, ``~`` and an empty value are null; only ``true``/``false`` are booleans;
* ``-12``, ``1.5``, ``.5``, ``1.7e2``, ``1E-5`` are numbers (the YAML 1.2 core and JSON forms);
* ``YYYY-MM-DD`` is a date and must be a real one;
* forms that YAML 1.1 and 1.2 read differently (a leading zero, ``3:20``, ``0x1F``, ``0o17``,
  ``0b101``, ``1_000``) are refused with a hint, never guessed at: quote text, write numbers
  in plain decimal;
* a number the machine cannot hold as written (an integer of more than 4,300 digits, a
  decimal that overflows to infinity or underflows to zero) is refused, never rounded.

Messages never repeat the value: it may be a patient's.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

MAX_INTEGER_DIGITS = 4300  # CPython refuses to convert longer decimal strings (sys.get_int_max_str_digits)

_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLEANS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_INFINITY = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-9]+)+(?:\.[0-9_]*)?")
_OTHER_BASE = re.compile(r"[-+]?0(?:[xX][0-9a-fA-F_]+|[oO][0-7_]+|[bB][01_]+)")
_SEPARATED = re.compile(r"[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9_]+)?")

_QUOTE_TEXT = "quote it if it is text (a code, an identifier)"


@dataclass(frozen=True)
class ScalarProblem(Exception):
    """A plain scalar that must not be guessed at: a stable code, a message and a hint."""

    code: str
    message: str
    hint: str


def resolve_plain(text: str) -> object:
    """The value of an unquoted scalar (see the module docstring); raises ScalarProblem."""
    if text in _NULL:
        return None
    if text in _BOOLEANS:
        return _BOOLEANS[text]
    if not text or text[0] not in "+-.0123456789":
        return text  # cannot be a number or a date: text, quickly
    for pattern, read in _READERS:
        if pattern.fullmatch(text):
            return read(text)
    _refuse_ambiguous(text)
    return text


def _infinity(text: str) -> float:
    return -math.inf if text.startswith("-") else math.inf


def _integer(text: str) -> int:
    if len(text.lstrip("+-")) > MAX_INTEGER_DIGITS:
        raise ScalarProblem("source.number-too-long",
                            f"an integer of more than {MAX_INTEGER_DIGITS} digits cannot be read",
                            "no value in a patient file or a rule needs that many digits")
    return int(text)


def _decimal(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ScalarProblem("source.number-overflow", "the number is too large to be represented (it overflows)",
                            "numbers must be below about 1.8e308 in size")
    mantissa = re.split(r"[eE]", text)[0]
    if value == 0 and any(c in "123456789" for c in mantissa):
        raise ScalarProblem("source.number-underflow",
                            "the number is too small to be represented (it would be read as 0)",
                            "write 0 if zero is meant")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ScalarProblem("source.bad-date", "not a real calendar date",
                            "dates are written YYYY-MM-DD with a month 01-12 and a day that month has") from None


_READERS: tuple[tuple[re.Pattern[str], Callable[[str], object]], ...] = (
    (_INT, _integer),
    (_FLOAT, _decimal),
    (_INFINITY, _infinity),
    (_NAN, lambda _text: math.nan),
    (_DATE, _date),
)


def _refuse_ambiguous(text: str) -> None:
    """Raise for number-like forms that YAML 1.1 reads as numbers and YAML 1.2 as text."""
    if _LEADING_ZERO.fullmatch(text):
        raise ScalarProblem("source.leading-zero",
                            "a number with a leading zero is ambiguous (YAML 1.1 reads 010 as octal 8)",
                            "write the number without the leading zero (10, not 010), or " + _QUOTE_TEXT)
    if _SEXAGESIMAL.fullmatch(text):
        raise ScalarProblem("source.sexagesimal",
                            "a value written with ':' is ambiguous (YAML 1.1 reads 1:30 as the number 90)",
                            "write a number in plain decimal, or quote a time or a code as text ('1:30')")
    if _OTHER_BASE.fullmatch(text):
        raise ScalarProblem("source.number-base", "numbers in hexadecimal, octal or binary are not accepted",
                            "write the number in plain decimal, or " + _QUOTE_TEXT)
    if "_" in text and any(c.isdigit() for c in text) and _SEPARATED.fullmatch(text):
        raise ScalarProblem("source.digit-separator", "numbers may not contain '_' digit separators",
                            "write 1000, not 1_000, or " + _QUOTE_TEXT)
