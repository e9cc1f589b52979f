"""Load YAML (and JSON, a subset of YAML) keeping the line and column of every node.

PyYAML's composer gives each node a start mark, so locations need no second YAML library.
Duplicate keys are refused (a silently overwritten key is a lost clinical fact), and only
``true``/``false`` are booleans: YAML 1.1's ``yes``/``no``/``on``/``off`` stay strings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.source.diagnostics import Diagnostic, DiagnosticError, Location

try:  # the C parser is several times faster; the Python one gives the same nodes
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]


class _Loader(_BaseLoader):
    """SafeLoader whose booleans are only true/false."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag != "tag:yaml.org,2002:bool"
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass
class SourceDoc:
    """A loaded document with the position of every value and every mapping key."""

    path: str
    data: Any
    values: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

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


def format_field_path(at: Sequence[str | int]) -> str:
    """``("vitals", "blood_pressure", 0, "systolic")`` -> ``vitals.blood_pressure[0].systolic``."""
    text = ""
    for part in at:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


def _construct(doc: SourceDoc, node: yaml.Node, at: PathKey, loader: _Loader) -> Any:
    doc.values[at] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise DiagnosticError([Diagnostic(
                    Location(doc.path, key_node.start_mark.line + 1, key_node.start_mark.column + 1),
                    "source.bad-key", "mapping keys must be plain words",
                )])
            key = str(key)
            if key in result:
                raise DiagnosticError([Diagnostic(
                    Location(doc.path, key_node.start_mark.line + 1, key_node.start_mark.column + 1),
                    "source.duplicate-key", f"key '{key}' appears twice in this mapping",
                    field_path=format_field_path(at + (key,)),
                    hint="a repeated key silently overwrites the first; keep one",
                )])
            doc.keys[at + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _construct(doc, value_node, at + (key,), loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(doc, item, at + (i,), loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def parse_text(text: str, path: str) -> SourceDoc:
    """Parse one YAML/JSON document; raise DiagnosticError with the location of a syntax error."""
    loader = _Loader(text)
    doc = SourceDoc(path=path, data=None)
    try:
        node = loader.get_single_node()
        if node is not None:
            doc.data = _construct(doc, node, (), loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "not valid YAML"
        raise DiagnosticError([Diagnostic(Location(path, line, col), "source.syntax", str(problem))]) from None
    except yaml.YAMLError as exc:
        raise DiagnosticError([Diagnostic(Location(path, 1, 1), "source.syntax", str(exc))]) from None
    finally:
        loader.dispose()
    return doc


def load_file(path: Path, display: str | None = None) -> SourceDoc:
    """Read and parse a file; unreadable files become located diagnostics, not tracebacks."""
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DiagnosticError([Diagnostic(Location(shown), "source.not-found", "no such file")]) from None
    except UnicodeDecodeError:
        raise DiagnosticError([Diagnostic(Location(shown), "source.encoding", "the file is not UTF-8 text")]) from None
    except OSError as exc:
        reason = exc.strerror or "cannot be read"
        raise DiagnosticError([Diagnostic(Location(shown), "source.unreadable", reason)]) from None
    return parse_text(text, shown)
