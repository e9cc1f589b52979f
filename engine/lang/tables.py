"""Decision tables: a CSV or YAML table in knowledge/ compiled into one rule per row.

The rule file that names the table is a template: wherever it says ``{column: name}``
the row's cell is put in (typed by the table's declared columns), and in text
``{row.name}`` is replaced by the cell. Informaticists edit rows, not code.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.facts.fact import Scalar
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location, did_you_mean
from engine.source.document import load_file

_ROW_TEXT = re.compile(r"\{row\.([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class TableRow:
    number: int  # 1-based data row number
    location: Location
    cells: dict[str, Scalar]

    def key(self, columns: list[str]) -> str:
        return ",".join(str(self.cells[c]) for c in columns)


_INTEGER = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _convert(text: str, kind: str) -> Scalar | None:
    """A cell typed by its column; numbers are read strictly (no ``nan``, ``inf``, ``1_000``)."""
    text = text.strip()
    if kind == "text":
        return text
    if text == "":
        return None
    if kind == "integer":
        if not _INTEGER.fullmatch(text):
            raise ValueError(text)
        return int(text)
    if kind == "number":
        if not _NUMBER.fullmatch(text) or not math.isfinite(number := float(text)):
            raise ValueError(text)
        return number
    if text.lower() in {"true", "false"}:
        return text.lower() == "true"
    raise ValueError(text)


def _decode(data: bytes, display: str) -> str:
    """UTF-8 text; bytes that are not UTF-8 are a located error (line and column of the first one)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DiagnosticError([Diagnostic(Location(display, line, col), "table.encoding",
                                          "the table is not UTF-8 text", hint="save the file as UTF-8")]) from None


def _read(path: Path, display: str) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        missing = Diagnostic(Location(display), "ref.unknown-table", "table file not found")
        raise DiagnosticError([missing]) from None
    return _decode(data, display)


def _check_header(header: list[str], display: str, columns: Mapping[str, str],
                  diagnostics: list[Diagnostic]) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            diagnostics.append(Diagnostic(Location(display, 1, 1), "table.duplicate-column",
                                          f"column '{name}' appears twice in the header"))
        seen.add(name)
        if name not in columns:
            diagnostics.append(Diagnostic(Location(display, 1, 1), "table.unknown-column",
                                          f"column '{name}' is not declared by the rule",
                                          hint=did_you_mean(name, columns)))
    for name in columns:
        if name not in header:
            diagnostics.append(Diagnostic(Location(display, 1, 1), "table.missing-column",
                                          f"declared column '{name}' is missing"))


def _csv_rows(path: Path, display: str, columns: Mapping[str, str],
              diagnostics: list[Diagnostic]) -> list[tuple[Location, dict[str, Any]]]:
    """The data rows of a CSV table, each with its line; a row with too few or too many cells, or
    one the csv module cannot read (e.g. a field over its 128 KiB limit), is a located error."""
    reader = csv.reader(io.StringIO(_read(path, display)))
    rows: list[tuple[Location, dict[str, Any]]] = []
    header: list[str] | None = None
    try:
        for cells in reader:
            if header is None:
                header = cells
                _check_header(header, display, columns, diagnostics)
            elif not cells:
                continue  # a blank line
            elif len(cells) != len(header):
                diagnostics.append(Diagnostic(Location(display, reader.line_num, 1), "table.ragged-row",
                                              f"the row has {len(cells)} cells; the header has {len(header)}",
                                              hint="quote a cell that contains a comma"))
            else:
                rows.append((Location(display, reader.line_num), dict(zip(header, cells, strict=True))))
    except csv.Error as exc:
        diagnostics.append(Diagnostic(Location(display, reader.line_num, 1), "table.syntax", str(exc)))
    if header is None:
        _check_header([], display, columns, diagnostics)
    return rows


def _yaml_rows(path: Path, display: str, columns: Mapping[str, str],
               diagnostics: list[Diagnostic]) -> list[tuple[Location, dict[str, Any]]]:
    doc = load_file(path, display)
    if not isinstance(doc.data, list):
        raise DiagnosticError([Diagnostic(Location(display, 1, 1), "table.bad-shape",
                                          "a YAML table is a list of rows (mappings)")])
    rows: list[tuple[Location, dict[str, Any]]] = []
    for i, row in enumerate(doc.data):
        if not isinstance(row, dict):
            diagnostics.append(Diagnostic(doc.locate([i]), "table.bad-shape", "each row is a mapping"))
            continue
        for name in row:
            if name not in columns:
                diagnostics.append(Diagnostic(doc.locate([i, name], key=True), "table.unknown-column",
                                              f"column '{name}' is not declared by the rule",
                                              hint=did_you_mean(name, columns)))
        text_cells = {k: "" if v is None else str(v) for k, v in row.items()}
        rows.append((Location(display, doc.locate([i]).line), text_cells))
    return rows


def _typed(number: int, location: Location, raw: dict[str, Any], columns: Mapping[str, str],
           diagnostics: list[Diagnostic]) -> TableRow:
    cells: dict[str, Scalar] = {}
    for name, kind in columns.items():
        cell = raw.get(name)
        if cell is None:
            continue
        try:
            value = _convert(cell, kind)
        except ValueError:
            diagnostics.append(Diagnostic(location, "table.wrong-type",
                                          f"row {number}, column '{name}': expected {kind}"))
            continue
        if value is not None:
            cells[name] = value
    return TableRow(number, location, cells)


def load_table(path: Path, display: str, columns: Mapping[str, str]) -> list[TableRow]:
    """Read and type every row; every problem is a located diagnostic, all at once."""
    diagnostics: list[Diagnostic] = []
    read = _csv_rows if path.suffix == ".csv" else _yaml_rows
    raw_rows = read(path, display, columns, diagnostics)
    rows = [_typed(number, location, raw, columns, diagnostics)
            for number, (location, raw) in enumerate(raw_rows, start=1)]
    if diagnostics:
        raise DiagnosticError(diagnostics)
    return rows


def fill_row(template: Any, row: TableRow, declared: Collection[str] = ()) -> Any:
    """The rule template with the row's cells put in.

    A declared column whose cell is empty becomes None (the value is left out); an
    undeclared column is left as it is, for the checker to report.
    """
    if isinstance(template, dict):
        if set(template) == {"column"} and isinstance(template["column"], str):
            name = template["column"]
            if name in row.cells:
                return row.cells[name]
            return None if name in declared else template
        return {k: fill_row(v, row, declared) for k, v in template.items()}
    if isinstance(template, list):
        return [fill_row(v, row, declared) for v in template]
    if isinstance(template, str):
        return _ROW_TEXT.sub(lambda m: str(row.cells.get(m.group(1), m.group(0))), template)
    return template


def column_references(template: Any) -> list[str]:
    """Every column named in a template, to check them against the declared columns."""
    found: list[str] = []
    if isinstance(template, dict):
        if set(template) == {"column"} and isinstance(template["column"], str):
            return [template["column"]]
        for value in template.values():
            found.extend(column_references(value))
    elif isinstance(template, list):
        for value in template:
            found.extend(column_references(value))
    elif isinstance(template, str):
        found.extend(_ROW_TEXT.findall(template))
    return found
