"""A cohort of patients for ``careplan diff``: a directory of patient files or an NDJSON file.

A patient that cannot be read is skipped and reported (its file, or the NDJSON line number, and what
is wrong with which field, never a value), so one bad record does not hide the effect of an edit on
the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.patient.loader import load_patient, parse_patient
from engine.patient.model import Patient
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location

PATIENT_SUFFIXES = (".yaml", ".yml", ".json")
NDJSON_SUFFIXES = (".ndjson", ".jsonl")


@dataclass(frozen=True)
class CohortPatient:
    source: str  # the file, or file:line for an NDJSON record
    patient: Patient


@dataclass(frozen=True)
class Skipped:
    source: str
    problem: str  # one located line, as the other commands report bad input


@dataclass
class Cohort:
    patients: list[CohortPatient]
    skipped: list[Skipped]


def read_cohort(path: Path) -> Cohort:
    """Every patient at ``path``; raises DiagnosticError when ``path`` is not a cohort at all."""
    if path.is_dir():
        return _directory(path)
    if path.is_file() and path.suffix in NDJSON_SUFFIXES:
        return _ndjson(path)
    if path.is_file() and path.suffix in PATIENT_SUFFIXES:
        return _files([path])
    raise DiagnosticError([Diagnostic(Location(str(path)), "usage.bad-cohort",
                                      "--cohort: not a directory of patient files or an NDJSON file",
                                      hint="give a directory of .yaml/.json patient files, or a .ndjson file "
                                           "with one patient a line")])


def _directory(folder: Path) -> Cohort:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in PATIENT_SUFFIXES)
    if not files:
        raise DiagnosticError([Diagnostic(Location(str(folder)), "usage.bad-cohort",
                                          "--cohort: the directory holds no .yaml or .json patient file")])
    return _files(files)


def _files(files: list[Path]) -> Cohort:
    cohort = Cohort([], [])
    for path in files:
        try:
            cohort.patients.append(CohortPatient(str(path), load_patient(path, str(path))))
        except DiagnosticError as exc:
            cohort.skipped.append(Skipped(str(path), _first_problem(exc.diagnostics)))
    return cohort


def _ndjson(path: Path) -> Cohort:
    cohort = Cohort([], [])
    with path.open(encoding="utf-8", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue  # a blank line (often the last) is no record
            source = f"{path}:{number}"
            try:
                cohort.patients.append(CohortPatient(source, parse_patient(line, str(path))))
            except DiagnosticError as exc:
                cohort.skipped.append(Skipped(source, _first_problem(exc.diagnostics, line=number)))
    return cohort


def _first_problem(diagnostics: list[Diagnostic], line: int | None = None) -> str:
    """The first problem as one line; for an NDJSON record the location is the file's line and column."""
    first = min(diagnostics, key=lambda d: d.sort_key())
    if line is not None:
        first = Diagnostic(Location(first.location.path, line, first.location.col), first.code, first.message,
                           first.severity, first.rule_id, None, first.field_path)
    count = len(diagnostics)
    more = f" (and {count - 1} more)" if count > 1 else ""
    return first.format() + more
