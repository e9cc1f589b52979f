"""A one-line JSON text read by the standard JSON parser, when that reads it as the located reader would.

Every record of an NDJSON cohort is one line of JSON, and reading it through ``engine.source.document``
(PyYAML's events composed in Python, with the position of every value) took 0.45 ms of a batch
record's 0.6 ms of checking, twice over: once in the batch's main process and once in its worker.
``json.loads`` reads the same line in a tenth of that, but without positions, which only an error
message needs, and with a few readings of its own that the located reader refuses: a repeated key
(the last one silently wins), ``NaN`` and ``Infinity``, a number that overflows or underflows, a
lone surrogate in an escape, nesting deeper than the limit.

So ``plain_json`` answers only where both readers are known to agree, and otherwise says "ask the
located reader" (None), which then gives the answer and, for a refusal, the located message:

* one line of plain printable text: no escapes (no backslash), no tab, no line break of any kind
  (YAML also breaks lines at U+0085, U+2028 and U+2029), none of the characters YAML's reader
  refuses, no run of blanks long enough to stretch a key past YAML's 1,024-character limit;
* a mapping at the top, no key repeated in any mapping, no key of more than 900 characters;
* every number finite and held as written, as ``engine.source.scalars`` reads them: an integer of
  fewer than 4,300 digits, a decimal that neither overflows nor is 0 (an underflow reads as 0.0);
* well inside the limits: fewer values than half the limit, nesting shallower than the limit.

JSON's strings are YAML's double-quoted scalars (text, never a date or a number), and JSON's
numbers, ``true``, ``false`` and ``null`` are YAML 1.2 core plain scalars, so on what passes these
checks the two readers give the same data (``tests/test_plain_json.py`` compares them on random
texts and on every record of a synthetic cohort).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from engine.source.document import Limits
from engine.source.scalars import MAX_INTEGER_DIGITS

# printable text without the backslash (so no escapes) or any line break or tab; YAML's reader also
# refuses U+FEFF inside the text, and U+FFFE and U+FFFF
_PLAIN_LINE = re.compile(r"[\x20-\x5B\x5D-\x7E\xA0-\u2027\u202A-\uD7FF\uE000-\uFEFE\uFF00-\uFFFD"
                         r"\U00010000-\U0010FFFF]*")
_LONG_BLANKS = re.compile(r" {64,}")
# an integer of at most this many bits has fewer digits than the located reader allows; longer ones go to it
_MAX_INTEGER_BITS = int(MAX_INTEGER_DIGITS / math.log10(2)) - 8
MAX_KEY_CHARS = 900  # YAML reads a key only when its ':' comes within 1,024 characters of its start


class _Unsure(Exception):
    """The located reader must decide this text."""


def _constant(_name: str) -> float:
    raise _Unsure  # NaN, Infinity, -Infinity: not JSON, and never read as numbers by the located reader


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs) or any(len(key) > MAX_KEY_CHARS for key in result):
        raise _Unsure
    return result


def _unsure_number(value: object) -> bool:
    """A number that may not be held as written: an overflow reads as infinity, an underflow as 0.0 (the
    located reader refuses both; a decimal zero goes to it too, as the two cannot be told apart here), and
    a very long integer."""
    if isinstance(value, float):
        return math.isinf(value) or value == 0
    return isinstance(value, int) and value.bit_length() > _MAX_INTEGER_BITS


def _check(container: dict[str, Any] | list[Any], depth: int, budget: list[int], max_depth: int) -> None:
    """Spend ``budget`` on the container's values and keys; _Unsure when it runs out, nesting gets deep, or
    a number may not be held as written. (Scalars are checked in the loop: a call each was half the time.)"""
    items = container.values() if isinstance(container, dict) else container
    budget[0] -= 1 + len(container) * (2 if isinstance(container, dict) else 1)
    if budget[0] < 0 or depth >= max_depth:
        raise _Unsure
    for item in items:
        if isinstance(item, (dict, list)):
            _check(item, depth + 1, budget, max_depth)
        elif _unsure_number(item):
            raise _Unsure


def plain_json(text: str, limits: Limits) -> dict[str, Any] | None:
    """The mapping ``text`` holds, as ``engine.source.document.parse_text`` would read it, or None
    when only that reader can say (it then reads the text, or refuses it with a located message)."""
    if len(text) > limits.max_bytes // 8 or not _PLAIN_LINE.fullmatch(text) or _LONG_BLANKS.search(text):
        return None
    try:
        data = json.loads(text, object_pairs_hook=_mapping, parse_constant=_constant)
        if not isinstance(data, dict):
            return None
        _check(data, 0, [limits.max_values // 2], limits.max_depth - 2)
    except (_Unsure, ValueError, RecursionError):  # ValueError: not JSON (json.JSONDecodeError is one)
        return None
    return data
