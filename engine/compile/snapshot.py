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
this took about 0.25 s (``bench/bench_cache.py``). Since format 3 each compiled rule is written
apart and built back on first use (``engine.compile.rule_table``), and the rule files only when
asked for: reading the entry takes about 45 ms, and a plan builds the few dozen rules it fires. A
rule stays one object: the rest of the pack and the rule files name it by its id.
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
from engine.compile.rule_table import RuleTable
from engine.lang.rule import Rule, RuleSource
from engine.pack.load import Pack

FORMAT = "careplan-compiled-pack/3"
_PROTOCOL = 5
_PACKAGE = "engine"
# persistent ids: what the body names instead of writing it (``encode``)
_RULES, _SOURCES, _RULE = "rules", "sources", "rule"
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


class _PackPickler(pickle.Pickler):
    """Writes the compiled rules and the rule files by reference: ``encode`` writes them apart."""

    def __init__(self, file: io.BytesIO, references: dict[int, tuple[object, Any]]) -> None:
        super().__init__(file, protocol=_PROTOCOL)
        self._references = references  # id(obj) -> (obj, its persistent id)

    def persistent_id(self, obj: Any) -> Any:
        found = self._references.get(id(obj))
        return found[1] if found is not None and found[0] is obj else None


class _BodyUnpickler(_PackUnpickler):
    def __init__(self, data: bytes, rules: RuleTable) -> None:
        super().__init__(io.BytesIO(data))
        self._rules = rules

    def persistent_load(self, pid: Any) -> Any:
        if pid == _RULES:
            return self._rules
        if pid == _SOURCES:
            return _SOURCES  # the rule files: read when first asked for (Pack.defer_sources)
        if isinstance(pid, tuple) and len(pid) == 2 and pid[0] == _RULE and isinstance(pid[1], str):
            return self._rules[pid[1]]
        raise SnapshotError("not a compiled-pack snapshot")


def _dumps(obj: object, references: dict[int, tuple[object, Any]]) -> bytes:
    buffer = io.BytesIO()
    _PackPickler(buffer, references).dump(obj)
    return buffer.getvalue()


def encode(pack: Pack, compiled: CompiledPack) -> bytes:
    """The pack and its compiled form as bytes; SnapshotError if something in it cannot be written.

    Four parts: the pack and the compiled pack without their rules (the body), each compiled
    rule's bytes by id, and the pack's rule files. The body names a rule by its id, so a rule is
    written once and read back only when it is used (``engine.compile.rule_table``); the rule files
    are read back only when asked for (authoring commands; ``generate`` never reads them)."""
    rule_refs: dict[int, tuple[object, Any]] = {id(rule): (rule, (_RULE, rule_id))
                                                for rule_id, rule in compiled.rules.items()}
    body_refs = {**rule_refs, id(compiled.rules): (compiled.rules, _RULES), id(pack.sources): (pack.sources, _SOURCES)}
    try:
        rules = {rule_id: pickle.dumps(rule, protocol=_PROTOCOL) for rule_id, rule in compiled.rules.items()}
        parts = (FORMAT, _dumps((pack, compiled), body_refs), rules, _dumps(pack.sources, rule_refs))
        return pickle.dumps(parts, protocol=_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise SnapshotError(f"the pack holds a value the cache cannot write: {type(exc).__name__}") from None


def _load(unpickler: pickle.Unpickler) -> Any:
    try:
        return unpickler.load()
    except SnapshotError:
        raise
    except Exception as exc:  # a damaged stream raises almost anything: it is simply not an entry
        raise SnapshotError(f"damaged snapshot: {type(exc).__name__}") from None


def _rule(data: bytes) -> Rule:
    rule = _load(_PackUnpickler(io.BytesIO(data)))
    if not isinstance(rule, Rule):
        raise SnapshotError("not a compiled-pack snapshot")
    return rule


def _sources(data: bytes, rules: RuleTable) -> list[RuleSource]:
    sources = _load(_BodyUnpickler(data, rules))
    if not (isinstance(sources, list) and all(isinstance(s, RuleSource) for s in sources)):
        raise SnapshotError("not a compiled-pack snapshot")
    return sources


def decode(data: bytes) -> tuple[Pack, CompiledPack]:
    """The pack and its compiled form back; SnapshotError for anything but what ``encode`` wrote."""
    parts = _load(_PackUnpickler(io.BytesIO(data)))
    if not (isinstance(parts, tuple) and len(parts) == 4 and parts[0] == FORMAT):
        raise SnapshotError("not a compiled-pack snapshot")
    _, body, encoded, sources = parts
    if not (isinstance(body, bytes) and isinstance(sources, bytes) and isinstance(encoded, dict)
            and all(isinstance(k, str) and isinstance(v, bytes) for k, v in encoded.items())):
        raise SnapshotError("not a compiled-pack snapshot")
    rules = RuleTable(encoded, _rule)
    read = _load(_BodyUnpickler(body, rules))
    if not (isinstance(read, tuple) and len(read) == 2):
        raise SnapshotError("not a compiled-pack snapshot")
    pack, compiled = read
    if not (isinstance(pack, Pack) and isinstance(compiled, CompiledPack) and vars(pack).get("sources") is _SOURCES):
        raise SnapshotError("not a compiled-pack snapshot")
    pack.defer_sources(lambda: _sources(sources, rules))
    return pack, compiled
