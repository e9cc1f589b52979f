"""Write documents as YAML (block or flow) or JSON text, token by token.

Unlike ``yaml.safe_dump`` these writers can put any token anywhere: a ``Raw`` value is written
as it is (``0200``, ``3:20``, ``!!float 1``, ``&a 120``, ``*a``), and ``Pairs`` is a mapping
that may repeat a key. Strings are written double-quoted with JSON escapes (valid YAML too),
floats in plain decimal (``0.00001``, never ``1e-05``), dates as ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

Style = Literal["block", "flow", "json"]
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RESERVED = frozenset({"null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "y", "Y", "n", "N",
                       "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"})


@dataclass(frozen=True)
class Raw:
    """A token written exactly as given."""

    text: str


@dataclass(frozen=True)
class Pairs:
    """A mapping written pair by pair: keys may repeat."""

    items: tuple[tuple[Any, Any], ...]


def plain_number(value: float | int) -> str:
    """``1e-05`` -> ``0.00001``; ``150.0`` -> ``150.0``; ints as they are."""
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text if "." in text else text + ".0"


def _items(value: Any) -> list[tuple[Any, Any]]:
    return list(value.items) if isinstance(value, Pairs) else list(value.items())


def _is_mapping(value: Any) -> bool:
    return isinstance(value, (dict, Pairs))


def scalar(value: Any, style: Style) -> str:
    """One scalar as a token."""
    if isinstance(value, Raw):
        return value.text
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return plain_number(value)
    if isinstance(value, dt.date):
        return quote(value.isoformat()) if style == "json" else value.isoformat()
    return quote(str(value))


def _printable(char: str) -> bool:
    """A character YAML lets stand in a double-quoted scalar as it is (and JSON too)."""
    code = ord(char)
    if char in '"\\' or code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029, 0xFEFF):
        return False
    return not (0xD800 <= code <= 0xDFFF or code in (0xFFFE, 0xFFFF))


def quote(text: str) -> str:
    """A double-quoted string both YAML and JSON read back as ``text``: astral characters raw
    (YAML refuses JSON's surrogate-pair escapes), the rest of what must be escaped as ``\\uXXXX``."""
    out = []
    for char in text:
        if _printable(char):
            out.append(char)
        elif char in '"\\':
            out.append("\\" + char)
        else:
            out.append(f"\\u{ord(char):04x}")
    return '"' + "".join(out) + '"'


def _key(key: Any, style: Style) -> str:
    if isinstance(key, Raw):
        return key.text
    text = str(key)
    if style != "json" and _PLAIN_KEY.fullmatch(text) and text not in _RESERVED:
        return text
    return quote(text)


def _flow(value: Any, style: Style) -> str:
    if _is_mapping(value):
        inner = ", ".join(f"{_key(k, style)}: {_flow(v, style)}" for k, v in _items(value))
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v, style) for v in value) + "]"
    return scalar(value, style)


def _empty(value: Any) -> bool:
    return (_is_mapping(value) or isinstance(value, list)) and not (_items(value) if _is_mapping(value) else value)


def _block(value: Any, indent: int) -> list[str]:
    pad = " " * indent
    if _is_mapping(value):
        lines: list[str] = []
        for key, child in _items(value):
            head = f"{pad}{_key(key, 'block')}:"
            if (_is_mapping(child) or isinstance(child, list)) and not _empty(child):
                lines.append(head)
                lines.extend(_block(child, indent + 2))
            else:
                lines.append(f"{head} {_flow(child, 'block')}")
        return lines or [pad + "{}"]
    if isinstance(value, list):
        lines = []
        for child in value:
            if (_is_mapping(child) or isinstance(child, list)) and not _empty(child):
                sub = _block(child, indent + 2)
                lines.append(pad + "- " + sub[0][indent + 2:])
                lines.extend(sub[1:])
            else:
                lines.append(f"{pad}- {_flow(child, 'block')}")
        return lines or [pad + "[]"]
    return [pad + scalar(value, "block")]


def dump(value: Any, style: Style = "block") -> str:
    """The document as text, ending in a newline."""
    if style == "block":
        return "\n".join(_block(value, 0)) + "\n"
    return _flow(value, style) + "\n"
