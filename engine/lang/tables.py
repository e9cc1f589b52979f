"""Decision tables: a CSV or YAML table in knowledge/ compiled into one rule per row.

The rule file that names the table is a template: wherever it says ``{column: name}``
the row's cell is put in (typed by the table's declared columns), and in text
``{row.name}`` is replaced by the cell. Informaticists edit rows, not code.
"""

from __future__ import annotations

import csv
import io
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


def _convert(text: str, kind: str) -> Scalar | None:
    text = text.strip()
    if kind == "text":
        return text
    if text == "":
        return None
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text)
    if text.lower() in {"true", "false"}:
        return text.lower() == "true"
    raise ValueError(text)


def load_table(path: Path, display: str, columns: Mapping[str, str]) -> list[TableRow]:
    """Read and type every row; every problem is a located diagnostic, all at once."""
    diagnostics: list[Diagnostic] = []
    raw_rows: list[tuple[Location, dict[str, Any]]] = []
    if path.suffix == ".csv":
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            missing = Diagnostic(Location(display), "ref.unknown-table", "table file not found")
            raise DiagnosticError([missing]) from None
        reader = csv.DictReader(io.StringIO(text))
        header = reader.fieldnames or []
        for name in header:
            if name not in columns:
                diagnostics.append(Diagnostic(Location(display, 1, 1), "table.unknown-column",
                                              f"column '{name}' is not declared by the rule",
                                              hint=did_you_mean(name, columns)))
        for name in columns:
            if name not in header:
                diagnostics.append(Diagnostic(Location(display, 1, 1), "table.missing-column",
                                              f"declared column '{name}' is missing"))
        for row in reader:
            raw_rows.append((Location(display, reader.line_num), dict(row)))
    else:
        doc = load_file(path, display)
        if not isinstance(doc.data, list):
            raise DiagnosticError([Diagnostic(Location(display, 1, 1), "table.bad-shape",
                                              "a YAML table is a list of rows (mappings)")])
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
            raw_rows.append((Location(display, doc.locate([i]).line), text_cells))
    rows: list[TableRow] = []
    for number, (location, raw) in enumerate(raw_rows, start=1):
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
        rows.append(TableRow(number, location, cells))
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
