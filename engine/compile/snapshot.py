"""A loaded and compiled pack as bytes, and back: the cache's format.

The bytes are a pickle read by an unpickler that builds only the pack's own classes: a class it
is asked for must be defined in the ``engine`` package and be a dataclass, an enum or a pydantic
model (rebuilt from their fields, by their own constructors at most), or be
one of the few standard value types a pack holds (dates, paths). Anything else a pickle may ask
for (``os.system``, ``builtins.open``, ``eval``, any other callable) raises
:class:`SnapshotError`, so a planted entry can at worst be refused: rebuilt when it is read, and
for a rule or the rule files, which are read later, refused then, having run nothing. What this leaves
open is a well-formed entry with changed contents; ``engine.compile.cache`` reads only entries
that no one but the user could have written.

Why a restricted pickle rather than a JSON walk: reading the default pack's entry (about 4,600
rules) back through JSON and a Python decoder took about 0.86 s of every ``careplan generate``;
this took about 0.25 s (``bench/bench_cache.py``). Since format 3 each compiled rule is written
apart and built back on first use (``engine.compile.rule_table``), and the rule files only when
asked for: reading the entry takes about 33 ms, and a plan builds the few dozen rules it fires. A
rule stays one object: the rule files name each compiled rule by its id.
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
    """The pack and its compiled form as bytes; SnapshotError if something in it cannot be written.

    Four parts: the pack and the compiled pack without their rules (the body), each compiled
    rule's bytes by id, and the pack's rule files with each compiled rule named by its id. A rule
    is written once and read back only when it is used (``engine.compile.rule_table``); the rule
    files are read back only when asked for (authoring commands; ``generate`` never reads them).
    Every part is a plain pickle of copies without the rules: naming them through a pickler's
    ``persistent_id`` calls Python for each of the pack's half a million objects (twice the time)."""
    try:
        rules = {rule_id: pickle.dumps(rule, protocol=_PROTOCOL) for rule_id, rule in compiled.rules.items()}
        files = [(dataclasses.replace(source, rules=[]),
                  [rule.id if compiled.rules.get(rule.id) is rule else rule for rule in source.rules])
                 for source in pack.sources]
        body = pickle.dumps((dataclasses.replace(pack, sources=[]), dataclasses.replace(compiled, rules={})),
                            protocol=_PROTOCOL)
        return pickle.dumps((FORMAT, body, rules, pickle.dumps(files, protocol=_PROTOCOL)), protocol=_PROTOCOL)
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
    """The rule files back, each with its rules: the compiled ones from ``rules`` (the same objects)."""
    files = _load(_PackUnpickler(io.BytesIO(data)))
    if not (isinstance(files, list) and all(isinstance(f, tuple) and len(f) == 2 and isinstance(f[0], RuleSource)
                                            and isinstance(f[1], list) for f in files)):
        raise SnapshotError("not a compiled-pack snapshot")
    sources = []
    for source, members in files:
        if not all(isinstance(m, Rule) or (isinstance(m, str) and m in rules) for m in members):
            raise SnapshotError("not a compiled-pack snapshot")
        source.rules = [rules[m] if isinstance(m, str) else m for m in members]
        sources.append(source)
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
    read = _load(_PackUnpickler(io.BytesIO(body)))
    if not (isinstance(read, tuple) and len(read) == 2 and isinstance(read[0], Pack)
            and isinstance(read[1], CompiledPack) and read[0].sources == [] and read[1].rules == {}):
        raise SnapshotError("not a compiled-pack snapshot")
    pack, shell = read
    pack.defer_sources(lambda: _sources(sources, rules))
    return pack, dataclasses.replace(shell, rules=rules)
