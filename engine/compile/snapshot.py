"""A loaded and compiled pack as plain JSON data, and back: the cache's format.

Nothing read back can run code: the decoder builds only the classes named in ``_CLASSES``
(the pack's own dataclasses, enums and pydantic models, each from its declared fields; pydantic
models are validated again), plus tuples, sets, dates and mappings with keys that are not text.
Any other value, in either direction, raises :class:`SnapshotError`: the encoder refuses what it
cannot write faithfully (the pack is then simply not cached), and the decoder refuses a shape it
did not write (the entry is then rebuilt).

A tagged value is a mapping ``{"!": tag, "v": value}``; a mapping that itself has the key ``"!"``
is written as ``{"!": "dict", "v": [[key, value], ...]}``, so tags are never ambiguous. A
dataclass is written as the list of its fields in order; data that is already plain JSON (a
ruleset's definition, a rule file's YAML, a pydantic model's dump) as ``{"!": "json", "v": ...}``,
read back without a walk; the positions of a source document as ``[*path, line, col]`` rows. An
object met again (a rule is both in its source and in the compiled pack) is written once and
then referred to as ``{"!": "@", "v": n}``, and equal pydantic models once per value.

Measured on the default pack (2,863 rules): about a third of the time of loading and compiling
the pack again; see ``bench/bench_cache.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from enum import Enum
from pathlib import Path, PurePath
from typing import Any

from pydantic import BaseModel, ValidationError

from engine.clinical.drug_classes import DrugClasses
from engine.compile.compiler import CompiledPack, CompiledRuleset, Handler, KeyedNegation, Probe
from engine.facts.fields import (
    DateArithmetic,
    Derivation,
    FieldDeclarations,
    FieldSpec,
    ObservationCode,
    SectionSpec,
    ValueType,
)
from engine.facts.schema import FactSchema, FactType, FieldDomain, FieldKind
from engine.lang.model import ActionItem, Evidence, RuleSpec
from engine.lang.patterns import Pattern, Ref, Test
from engine.lang.rule import Rule, RuleSource
from engine.lang.tables import TableRow
from engine.pack.calculators import CalculatorSpec, DeclaredCalculator, InputSpec, OutputSpec
from engine.pack.citations import Citations
from engine.pack.load import Pack, PackMeta
from engine.pack.source_attributes import AttributeInputs
from engine.source.diagnostics import Diagnostic, Location, Severity
from engine.source.document import SourceDoc

FORMAT = "careplan-compiled-pack/1"
_TAG = "!"
_CLASSES: dict[str, type[Any]] = {cls.__name__: cls for cls in (
    Pack, PackMeta, FactSchema, FactType, FieldKind, RuleSource, RuleSpec, SourceDoc, Rule, Pattern, Test, Ref,
    TableRow, Location, Diagnostic, Severity, Evidence, ActionItem, DrugClasses, Citations,
    AttributeInputs, DeclaredCalculator, CalculatorSpec, InputSpec, OutputSpec,
    CompiledPack, CompiledRuleset, Handler, Probe, KeyedNegation,
    FieldDomain, FieldDeclarations, SectionSpec, FieldSpec, ObservationCode, Derivation, DateArithmetic, ValueType,
)}
_FIELDS = {name: tuple(f.name for f in dataclasses.fields(cls) if f.init)
           for name, cls in _CLASSES.items() if dataclasses.is_dataclass(cls)}
_SHARED = (Rule, RuleSource, SourceDoc)  # objects worth writing once (and equal pydantic models)
_PLAIN_FIELDS = {"CompiledRuleset": {"definition"}, "SourceDoc": {"data"}}  # usually plain JSON already


class SnapshotError(ValueError):
    """A value the snapshot format does not hold, or data it did not write."""


def _plain(value: Any) -> bool:
    """Whether the value is JSON as it stands (no tuples, no other types, no key that looks like a tag)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return not isinstance(value, Enum)
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return _TAG not in value and all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _positions(value: dict[Any, Any]) -> bool:
    """A source document's positions: path tuple -> (line, col)."""
    return bool(value) and all(
        isinstance(k, tuple) and all(isinstance(p, (str, int)) for p in k)
        and isinstance(v, tuple) and len(v) == 2 and all(type(n) is int for n in v)
        for k, v in value.items())


class _Encoder:
    def __init__(self) -> None:
        self.seen: dict[int, int] = {}
        self.keep: list[Any] = []  # holds every object numbered, so no id() is reused meanwhile
        self.models: dict[tuple[str, str], int] = {}  # equal pydantic models are written once

    def value(self, value: Any) -> Any:
        if value is None or (isinstance(value, (bool, int, float, str)) and not isinstance(value, Enum)):
            return value
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            if all(isinstance(k, str) for k in value) and _TAG not in value:
                return {k: self.value(v) for k, v in value.items()}
            if _positions(value):
                return {_TAG: "positions", "v": [[*k, *v] for k, v in value.items()]}
            return {_TAG: "dict", "v": [[self.value(k), self.value(v)] for k, v in value.items()]}
        return self.builtin(value) or self.instance(value)

    def plain(self, value: Any) -> Any:
        return {_TAG: "json", "v": value} if _plain(value) else self.value(value)

    def builtin(self, value: Any) -> dict[str, Any] | None:
        if isinstance(value, tuple):
            return {_TAG: "tuple", "v": [self.value(v) for v in value]}
        if isinstance(value, (set, frozenset)):
            return {_TAG: type(value).__name__, "v": [self.value(v) for v in sorted(value, key=repr)]}
        if isinstance(value, dt.datetime | dt.date):
            return {_TAG: type(value).__name__, "v": value.isoformat()}
        if isinstance(value, PurePath):
            return {_TAG: "path", "v": str(value)}
        return None

    def number(self, value: Any) -> dict[str, Any] | None:
        """A reference to the object if it was written before; else number it."""
        if id(value) in self.seen:
            return {_TAG: "@", "v": self.seen[id(value)]}
        self.seen[id(value)] = len(self.seen)
        self.keep.append(value)
        return None

    def instance(self, value: Any) -> Any:
        name = type(value).__name__
        if _CLASSES.get(name) is not type(value):
            raise SnapshotError(f"a {type(value).__module__}.{name} cannot be written")
        if isinstance(value, Enum):
            return {_TAG: name, "v": value.value}
        if isinstance(value, BaseModel):
            dump = value.model_dump(by_alias=True, round_trip=True)
            key = (name, json.dumps(dump, sort_keys=True, default=repr))
            if key in self.models:
                return {_TAG: "@", "v": self.models[key]}
            self.models[key] = len(self.seen)
            self.seen[id(value)] = len(self.seen)
            self.keep.append(value)
            return {_TAG: name, "v": self.plain(dump)}
        if isinstance(value, _SHARED) and (earlier := self.number(value)) is not None:
            return earlier
        fields = [getattr(value, f) for f in _FIELDS[name]]
        if name in _PLAIN_FIELDS:
            return {_TAG: name, "v": [self.plain(v) if f in _PLAIN_FIELDS[name] else self.value(v)
                                      for f, v in zip(_FIELDS[name], fields, strict=True)]}
        return {_TAG: name, "v": [self.value(v) for v in fields]}


class _Decoder:
    def __init__(self) -> None:
        self.shared: list[Any] = []

    def value(self, data: Any) -> Any:
        if data is None or isinstance(data, (bool, int, float, str)):
            return data
        if isinstance(data, list):
            return [self.value(v) for v in data]
        if not isinstance(data, dict):
            raise SnapshotError("not a snapshot")
        if _TAG not in data:
            return {k: self.value(v) for k, v in data.items()}
        return self.tagged(data[_TAG], data["v"])

    def earlier(self, number: Any) -> Any:
        found = self.shared[number] if isinstance(number, int) and 0 <= number < len(self.shared) else None
        if found is None:
            raise SnapshotError("a reference to nothing written before")
        return found

    def tagged(self, tag: str, data: Any) -> Any:
        builtin = _BUILTINS.get(tag)
        if builtin is not None:
            return builtin(self, data)
        cls = _CLASSES.get(tag)
        if cls is None:
            raise SnapshotError(f"unknown tag {tag!r}")
        if issubclass(cls, Enum):
            return cls(data)
        slot = len(self.shared)
        if issubclass(cls, (*_SHARED, BaseModel)):
            self.shared.append(None)  # numbered in the order the encoder met them
        if issubclass(cls, BaseModel):
            made: Any = cls.model_validate(self.value(data))
        else:
            if not isinstance(data, list) or len(data) != len(_FIELDS[tag]):
                raise SnapshotError(f"{tag} with the wrong fields")
            made = cls(*[self.value(v) for v in data])
        if issubclass(cls, (*_SHARED, BaseModel)):
            self.shared[slot] = made
        return made


_BUILTINS: dict[str, Callable[[_Decoder, Any], Any]] = {
    "dict": lambda d, data: {d.value(k): d.value(v) for k, v in data},
    "tuple": lambda d, data: tuple(d.value(v) for v in data),
    "set": lambda d, data: {d.value(v) for v in data},
    "frozenset": lambda d, data: frozenset(d.value(v) for v in data),
    "date": lambda d, data: dt.date.fromisoformat(data),
    "datetime": lambda d, data: dt.datetime.fromisoformat(data),
    "path": lambda d, data: Path(data),
    "json": lambda d, data: data,
    "positions": lambda d, data: {tuple(row[:-2]): (row[-2], row[-1]) for row in data},
    "@": lambda d, data: d.earlier(data),
}


def encode(pack: Pack, compiled: CompiledPack) -> dict[str, Any]:
    """The pack and its compiled form as JSON-ready data; SnapshotError if something cannot be written."""
    return {"format": FORMAT, "pack": _Encoder().value((pack, compiled))}


def decode(data: Any) -> tuple[Pack, CompiledPack]:
    """The pack and its compiled form back; SnapshotError for anything but what ``encode`` wrote."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SnapshotError("not a compiled-pack snapshot")
    try:
        pack, compiled = _Decoder().value(data["pack"])
    except (KeyError, TypeError, ValueError, IndexError, ValidationError) as exc:
        raise SnapshotError(f"damaged snapshot: {type(exc).__name__}") from None
    if not isinstance(pack, Pack) or not isinstance(compiled, CompiledPack):
        raise SnapshotError("not a compiled-pack snapshot")
    return pack, compiled
