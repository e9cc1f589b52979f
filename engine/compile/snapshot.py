"""A loaded and compiled pack as bytes, and back: the cache's format.

The bytes are a pickle read by an unpickler that builds only the pack's own classes: a class it
is asked for must be defined in the ``engine`` package and be a dataclass, an enum or a pydantic
model (rebuilt from their fields, by their own constructors at most), or be
one of the few standard value types a pack holds (dates, paths). Anything else a pickle may ask
for (``os.system``, ``builtins.open``, ``eval``, any other callable) raises
:class:`SnapshotError`, so a planted entry can at worst be refused and rebuilt. What this leaves
open is a well-formed entry with changed contents; ``engine.compile.cache`` reads only entries
that no one but the user could have written.

Why a restricted pickle rather than a JSON walk: reading the default pack's entry (about 4,600
rules) back through JSON and a Python decoder took about 0.86 s of every ``careplan generate``;
this takes about 0.25 s (``bench/bench_cache.py``). Shared objects (a rule is in its source and in
the compiled pack) stay shared, as pickle's memo writes each object once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import pathlib
import pickle
from enum import Enum
from typing import Any

from pydantic import BaseModel

from engine.compile.compiler import CompiledPack
from engine.pack.load import Pack

FORMAT = "careplan-compiled-pack/2"
_PROTOCOL = 5
_PACKAGE = "engine"
# standard value types a pack holds; each rebuilds a value from plain data
_STANDARD: dict[tuple[str, str], type[Any]] = {
    ("datetime", "date"): dt.date,
    ("datetime", "datetime"): dt.datetime,
    ("datetime", "timezone"): dt.timezone,
    ("datetime", "timedelta"): dt.timedelta,
    ("pathlib", "PosixPath"): pathlib.PosixPath,
    ("pathlib", "PurePosixPath"): pathlib.PurePosixPath,
    ("pathlib", "WindowsPath"): pathlib.WindowsPath,
    ("pathlib", "PureWindowsPath"): pathlib.PureWindowsPath,
}


class SnapshotError(ValueError):
    """A value the snapshot format does not hold, or data it did not write."""


def _pack_class(found: object) -> bool:
    """One of the pack's own data classes: rebuilt from its fields, no code of its own."""
    if not isinstance(found, type):
        return False
    return dataclasses.is_dataclass(found) or issubclass(found, (Enum, BaseModel))


class _PackUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        standard = _STANDARD.get((module, name))
        if standard is not None:
            return standard
        if (module != _PACKAGE and not module.startswith(_PACKAGE + ".")) or "." in name:
            raise SnapshotError(f"{module}.{name} is not one of the pack's classes")
        found = super().find_class(module, name)
        if not _pack_class(found) or found.__module__ != module:
            raise SnapshotError(f"{module}.{name} is not one of the pack's classes")
        return found


def encode(pack: Pack, compiled: CompiledPack) -> bytes:
    """The pack and its compiled form as bytes; SnapshotError if something in it cannot be written."""
    try:
        return pickle.dumps((FORMAT, pack, compiled), protocol=_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise SnapshotError(f"the pack holds a value the cache cannot write: {type(exc).__name__}") from None


def decode(data: bytes) -> tuple[Pack, CompiledPack]:
    """The pack and its compiled form back; SnapshotError for anything but what ``encode`` wrote."""
    try:
        read = _PackUnpickler(io.BytesIO(data)).load()
    except SnapshotError:
        raise
    except Exception as exc:  # a damaged stream raises almost anything: it is simply not an entry
        raise SnapshotError(f"damaged snapshot: {type(exc).__name__}") from None
    if not (isinstance(read, tuple) and len(read) == 3 and read[0] == FORMAT):
        raise SnapshotError("not a compiled-pack snapshot")
    _, pack, compiled = read
    if not isinstance(pack, Pack) or not isinstance(compiled, CompiledPack):
        raise SnapshotError("not a compiled-pack snapshot")
    return pack, compiled
