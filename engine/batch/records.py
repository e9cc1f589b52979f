"""The records of a batch input: a directory of patient files, an NDJSON file, or standard input.

A record is checked exactly as ``careplan generate`` checks a file, so a bad record's message is the
one ``generate`` would print. An NDJSON line is located at its own line number: a diagnostic at
column 17 of line 1 of the record's text is reported at ``cohort.ndjson:<line>:17``.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from engine.intake.records import load_record as load_any_record
from engine.intake.records import parse_record
from engine.patient.model import Patient
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location

PATIENT_SUFFIXES = (".yaml", ".yml", ".json", ".ndjson", ".tsv")  # .ndjson: one patient's FHIR resources
STDIN = "-"
STDIN_SHOWN = "<stdin>"
_NDJSON_HINT = "each line of an NDJSON file is one JSON object: one patient"


@dataclass(frozen=True)
class Record:
    """One patient record of the input, in input order (``index`` counts from 0)."""

    index: int
    source: str  # the file as it is named in messages
    line: int | None  # the NDJSON line (1-based); None for a patient file of its own
    text: str | None = None  # the line's text (NDJSON)
    path: Path | None = None  # the file (directory input)
    undecodable_at: int | None = None  # column of the first byte that is not UTF-8

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source


@dataclass(frozen=True)
class BatchInput:
    """What INPUT names: how many records it holds (None for standard input) and how to read them."""

    shown: str
    total: int | None
    kind: str  # "directory", "ndjson" or "stdin"
    files: tuple[Path, ...] = ()

    def records(self) -> Iterator[Record]:
        if self.kind == "directory":
            for index, path in enumerate(self.files):
                yield Record(index, str(path), None, path=path)
        elif self.kind == "stdin":
            yield from _ndjson_records(sys.stdin.buffer, STDIN_SHOWN)
        else:
            with open(self.shown, "rb") as stream:
                yield from _ndjson_records(stream, self.shown)


def _bad_input(shown: str, message: str, hint: str) -> DiagnosticError:
    return DiagnosticError([Diagnostic(Location(shown), "usage.bad-input", f"INPUT: {message}", hint=hint)])


def open_input(spec: str) -> BatchInput:
    """INPUT checked before any work: exit 2 (a DiagnosticError) when it cannot be read."""
    if spec == STDIN:
        return BatchInput(STDIN_SHOWN, None, "stdin")
    path = Path(spec)
    if path.is_dir():
        files = tuple(sorted((p for p in path.iterdir() if p.suffix in PATIENT_SUFFIXES and p.is_file()),
                             key=lambda p: p.name))
        return BatchInput(spec, len(files), "directory", files)
    if not path.exists():
        raise _bad_input(spec, "no such file or directory",
                         "give a directory of patient files, an NDJSON file (one patient a line) or - for stdin")
    if not path.is_file():
        raise _bad_input(spec, "not a regular file or a directory", "give a directory or an NDJSON file")
    try:
        with path.open("rb") as stream:
            total = sum(1 for raw in stream if raw.strip())
    except OSError as exc:
        raise _bad_input(spec, exc.strerror or "cannot be read", "check the file's permissions") from None
    return BatchInput(spec, total, "ndjson")


def _ndjson_records(stream: BinaryIO, shown: str) -> Iterator[Record]:
    index = 0
    for number, raw in enumerate(stream, start=1):
        if not raw.strip():
            continue  # a blank line (often the last) is not a record
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
            yield Record(index, shown, number, text=text)
        except UnicodeDecodeError as exc:
            yield Record(index, shown, number, undecodable_at=exc.start + 1)
        index += 1


def _on_line(diagnostic: Diagnostic, line: int) -> Diagnostic:
    """A diagnostic about a record's own text, moved to the record's line of the NDJSON file."""
    col = diagnostic.location.col if diagnostic.location.line > 0 else 0
    return dataclasses.replace(diagnostic, location=Location(diagnostic.location.path, line, col))


def _json_problem(record: Record, text: str) -> DiagnosticError | None:
    """NDJSON holds JSON: a line that is YAML but not JSON is refused, not guessed at."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:  # exc.msg names the expected token, never the text
        return DiagnosticError([Diagnostic(Location(record.source, record.line or 0, exc.colno), "source.syntax",
                                           f"not JSON: {exc.msg}", hint=_NDJSON_HINT)])
    except RecursionError:
        return DiagnosticError([Diagnostic(Location(record.source, record.line or 0, 1), "source.too-deep",
                                           "the record is nested too deeply", hint=_NDJSON_HINT)])
    return None


def load_record(record: Record, model: type[Patient] | None = None) -> Patient:
    """The record's patient, checked as ``generate`` checks a file against the pack's patient ``model``;
    DiagnosticError names line and field."""
    if record.path is not None:
        return load_any_record(record.path, record.source, model)
    line = record.line or 0
    if record.undecodable_at is not None:
        raise DiagnosticError([Diagnostic(Location(record.source, line, record.undecodable_at), "source.encoding",
                                          "the line is not UTF-8 text from here on", hint="save the file as UTF-8")])
    text = record.text or ""
    problem = _json_problem(record, text)
    if problem is not None:
        raise problem
    try:
        return parse_record(text, record.source, model)
    except DiagnosticError as exc:
        raise DiagnosticError([_on_line(d, line) for d in exc.diagnostics]) from None
