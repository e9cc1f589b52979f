"""Load YAML (and JSON, a subset of YAML) keeping the line and column of every node.

PyYAML's parser (its C parser when present) turns the text into events, each with a start
mark; this module composes them into plain data itself, so it sees everything a value was
written with and refuses what would silently change a clinical fact:

* scalars are read by the YAML 1.2 core schema, strictly (``engine.source.scalars``): only
  ``true``/``false`` are booleans, ``1.7e2`` is a number, ``0200`` and ``3:20`` are refused,
  impossible dates are refused;
* explicit tags (``!!float``, ``!!python/object``, any ``!tag``) are refused: a tag changes
  what a value means behind the reader's back;
* duplicate keys are refused (a silently overwritten key is a lost clinical fact);
* anchors and aliases are refused where the limits say so (patient files), and elsewhere
  bounded by how much they expand to (a few hundred bytes of nested aliases can stand for
  billions of values);
* nesting depth and the number of values are bounded, so hostile input fails fast.

Problems in scalars are collected and reported together; structural ones stop at once.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.source.diagnostics import Diagnostic, DiagnosticError, Location
from engine.source.reading import MIB, describe_size, read_text
from engine.source.scalars import ScalarProblem, resolve_plain

# the C parser is several times faster; the Python one gives the same events (only events are used)
_Parser: Any = getattr(yaml, "CSafeLoader", None) or yaml.SafeLoader

PathKey = tuple[str | int, ...]
Position = tuple[int, int]


@dataclass(frozen=True)
class Limits:
    """What one source file may hold; the numbers are named in the errors that enforce them."""

    what: str = "a rule-pack file"
    max_bytes: int = 16 * MIB
    max_values: int = 1_000_000
    max_depth: int = 100
    aliases: bool = True
    max_alias_values: int = 10_000  # values that aliases may stand for, in all, in one file


PACK_LIMITS = Limits()


@dataclass
class SourceDoc:
    """A loaded document with the position of every value and every mapping key."""

    path: str
    data: Any
    values: dict[PathKey, Position] = field(default_factory=dict)
    keys: dict[PathKey, Position] = field(default_factory=dict)

    def locate(self, at: Sequence[str | int], *, key: bool = False) -> Location:
        """The location of the value at ``at`` (or of its key), else of its nearest parent."""
        trail: PathKey = tuple(at)
        if key and trail in self.keys:
            line, col = self.keys[trail]
            return Location(self.path, line, col)
        while True:
            if trail in self.values:
                line, col = self.values[trail]
                return Location(self.path, line, col)
            if not trail:
                return Location(self.path, 1, 1)
            trail = trail[:-1]


def value_at(data: Any, at: Sequence[str | int]) -> Any:
    """The value at path ``at`` inside parsed ``data`` (mappings by key, lists by index); None if absent."""
    for part in at:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def format_field_path(at: Sequence[str | int]) -> str:
    """``("vitals", "blood_pressure", 0, "systolic")`` -> ``vitals.blood_pressure[0].systolic``."""
    text = ""
    for part in at:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


@dataclass
class _Anchor:
    value: Any
    size: int
    positions: list[tuple[bool, PathKey, Position]]  # (is a key, path relative to the anchor, position)


_KEY_HINT = "write a key as a word followed by ':' (a list, a mapping, a number with a point or a date cannot be a key)"


def _position(event: yaml.Event) -> Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Composer:
    """Events -> plain data (dict, list, str, int, float, bool, None, date) with positions."""

    def __init__(self, parser: Any, path: str, limits: Limits) -> None:
        self.parser = parser
        self.doc = SourceDoc(path=path, data=None)
        self.limits = limits
        self.errors: list[Diagnostic] = []
        self.anchors: dict[str, _Anchor] = {}
        self.trail: list[tuple[bool, PathKey, Position]] = []  # every position, in the order recorded
        self.count = 0
        self.alias_values = 0

    # -- failing -----------------------------------------------------------------------------

    def _diagnostic(self, event: yaml.Event, at: PathKey, code: str, message: str,
                    hint: str | None = None) -> Diagnostic:
        line, col = _position(event)
        return Diagnostic(Location(self.doc.path, line, col), code, message, hint=hint,
                          field_path=format_field_path(at) or None)

    def _stop(self, event: yaml.Event, at: PathKey, code: str, message: str,
              hint: str | None = None) -> DiagnosticError:
        return DiagnosticError([*self.errors, self._diagnostic(event, at, code, message, hint)])

    # -- the document ------------------------------------------------------------------------

    def compose(self) -> SourceDoc:
        self.parser.get_event()  # stream start
        if not self.parser.check_event(yaml.StreamEndEvent):
            self.parser.get_event()  # document start
            self.doc.data = self._node((), 0)[0]
            self.parser.get_event()  # document end
            if not self.parser.check_event(yaml.StreamEndEvent):
                event = self.parser.peek_event()
                raise self._stop(event, (), "source.several-documents", "the file holds more than one YAML document",
                                 "a file holds one document: remove the '---' separators")
        if self.errors:
            raise DiagnosticError(self.errors)
        return self.doc

    def _record(self, is_key: bool, at: PathKey, position: Position) -> None:
        (self.doc.keys if is_key else self.doc.values)[at] = position
        if self.limits.aliases:  # what an alias copies from its anchor
            self.trail.append((is_key, at, position))

    def _node(self, at: PathKey, depth: int) -> tuple[Any, int]:
        """The value starting at the next event, and how many values it holds."""
        event: yaml.NodeEvent = self.parser.get_event()
        if isinstance(event, yaml.AliasEvent):
            return self._alias(event, at)
        self._record(False, at, _position(event))
        self._check_node(event, at, depth)
        start = len(self.trail) - 1
        if isinstance(event, yaml.ScalarEvent):
            value, size = self._scalar(event, at), 1
        elif isinstance(event, yaml.SequenceStartEvent):
            value, size = self._sequence(at, depth)
        else:
            value, size = self._mapping(at, depth)
        if event.anchor is not None:
            self._anchor(event.anchor, value, at, size, start)
        return value, size

    def _check_node(self, event: yaml.NodeEvent, at: PathKey, depth: int) -> None:
        self.count += 1
        if self.count > self.limits.max_values:
            raise self._stop(event, at, "source.too-many-values",
                             f"the file holds more than {self.limits.max_values:,} values, the limit for "
                             f"{self.limits.what}", "check that this is the file you meant")
        if depth > self.limits.max_depth:
            raise self._stop(event, at, "source.too-deep",
                             f"values are nested more than {self.limits.max_depth} levels deep, the limit for "
                             f"{self.limits.what}", "check the brackets and the indentation here")
        if getattr(event, "tag", None) is not None:
            self.errors.append(self._diagnostic(
                event, at, "source.tag", "explicit YAML tags (!!float, !!python/..., !name) are not accepted",
                "remove the tag: numbers, true/false, dates and text are recognised as written"))
        if event.anchor is not None and not self.limits.aliases:
            raise self._stop(event, at, "source.anchor", f"anchors and aliases (&name, *name) are not accepted in "
                             f"{self.limits.what}", "write each value out in full")

    # -- the kinds of node -------------------------------------------------------------------

    def _scalar(self, event: yaml.ScalarEvent, at: PathKey) -> Any:
        if event.style or event.tag is not None or not event.implicit[0]:
            return event.value  # quoted, block or tagged (already refused): text as written
        try:
            return resolve_plain(event.value)
        except ScalarProblem as problem:
            self.errors.append(self._diagnostic(event, at, problem.code, problem.message, problem.hint))
            return None

    def _sequence(self, at: PathKey, depth: int) -> tuple[list[Any], int]:
        items: list[Any] = []
        size = 1
        while not self.parser.check_event(yaml.SequenceEndEvent):
            value, held = self._node(at + (len(items),), depth + 1)
            items.append(value)
            size += held
        self.parser.get_event()
        return items, size

    def _mapping(self, at: PathKey, depth: int) -> tuple[dict[str, Any], int]:
        result: dict[str, Any] = {}
        size = 1
        while not self.parser.check_event(yaml.MappingEndEvent):
            key_event = self.parser.get_event()
            key = self._key(key_event, at, depth)
            if key in result:
                raise self._stop(key_event, at + (key,), "source.duplicate-key",
                                 f"key '{key}' appears twice in this mapping",
                                 "a repeated key silently overwrites the first; keep one")
            self._record(True, at + (key,), _position(key_event))
            value, held = self._node(at + (key,), depth + 1)
            result[key] = value
            size += held
        self.parser.get_event()
        return result, size

    def _key(self, event: yaml.Event, at: PathKey, depth: int) -> str:
        if not isinstance(event, yaml.ScalarEvent):
            raise self._stop(event, at, "source.bad-key", "mapping keys must be plain words", _KEY_HINT)
        self._check_node(event, at, depth + 1)
        key = self._scalar(event, at)
        if not isinstance(key, (str, int)) or isinstance(key, bool):
            raise self._stop(event, at, "source.bad-key", "mapping keys must be plain words", _KEY_HINT)
        return str(key)

    # -- anchors and aliases -----------------------------------------------------------------

    def _anchor(self, name: str, value: Any, at: PathKey, size: int, start: int) -> None:
        relative = [(is_key, path[len(at):], pos) for is_key, path, pos in self.trail[start:]]
        self.anchors[name] = _Anchor(value, size, relative)

    def _alias(self, event: yaml.AliasEvent, at: PathKey) -> tuple[Any, int]:
        if not self.limits.aliases:
            raise self._stop(event, at, "source.anchor", f"anchors and aliases (&name, *name) are not accepted in "
                             f"{self.limits.what}", "write each value out in full")
        anchor = self.anchors.get(event.anchor or "")
        if anchor is None:
            raise self._stop(event, at, "source.alias", "this alias names no anchor defined before it",
                             "define the anchor (&name) before the alias (*name) that uses it")
        self.alias_values += anchor.size
        self.count += anchor.size
        if self.alias_values > self.limits.max_alias_values:
            raise self._stop(event, at, "source.alias-expansion",
                             f"aliases stand for more than {self.limits.max_alias_values:,} values in all, the limit "
                             f"for {self.limits.what}", "write the values out, or share less through aliases")
        for is_key, relative, position in anchor.positions:
            self._record(is_key, at + relative, position if relative or is_key else _position(event))
        return copy.deepcopy(anchor.value), anchor.size


_SYNTAX_HINT = "check the indentation, brackets, quotes and colons here and just before"


def parse_text(text: str, path: str, limits: Limits = PACK_LIMITS) -> SourceDoc:
    """Parse one YAML/JSON document; raise DiagnosticError with the location of any problem."""
    if len(text) > limits.max_bytes or len(text.encode("utf-8")) > limits.max_bytes:
        raise DiagnosticError([Diagnostic(Location(path), "source.too-large",
                                          f"the text is larger than {describe_size(limits.max_bytes)}, the limit "
                                          f"for {limits.what}")])
    parser = _Parser(text)
    try:
        return _Composer(parser, path, limits).compose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "not valid YAML"
        raise DiagnosticError([Diagnostic(Location(path, line, col), "source.syntax", str(problem),
                                          hint=_SYNTAX_HINT)]) from None
    except yaml.YAMLError as exc:
        raise DiagnosticError([Diagnostic(Location(path, 1, 1), "source.syntax", str(exc),
                                          hint=_SYNTAX_HINT)]) from None
    finally:
        parser.dispose()


def load_file(path: Path, display: str | None = None, limits: Limits = PACK_LIMITS) -> SourceDoc:
    """Read and parse a file; unreadable, special or oversized files become located diagnostics."""
    shown = display or str(path)
    return parse_text(read_text(path, shown, max_bytes=limits.max_bytes, what=limits.what), shown, limits)
