"""The journal that makes a batch resumable: one line per plan whose every format is on disk.

A line is appended only after all of a patient's documents have been written (each atomically), so
a line means "done". After SIGKILL the journal may end in a torn line (a write cut short): it is
ignored and cut off when the journal is next opened, and that patient is planned again, writing the
same bytes. The first line records what the plans were made with (pack digest, formats, audience):
resuming with anything else would mix plans of two kinds in one directory, so it is refused.
At the end of a run the journal is rewritten in input order, so a resumed run and an uninterrupted
one leave the same journal too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from engine.batch.output import write_atomically
from engine.source.diagnostics import Diagnostic, DiagnosticError, Location

JOURNAL_VERSION = 1
PLANNED = "planned"
URGENT = "urgent"


@dataclass(frozen=True)
class JournalHeader:
    pack_digest: str
    formats: tuple[str, ...]
    audience: str

    def as_json(self) -> dict[str, Any]:
        return {"careplan_batch": JOURNAL_VERSION, "pack": self.pack_digest, "formats": list(self.formats),
                "audience": self.audience}

    def differences(self, other: dict[str, Any]) -> list[str]:
        mine = self.as_json()
        names = {"careplan_batch": "journal version", "pack": "pack", "formats": "formats", "audience": "audience"}
        return [names[key] for key in names if other.get(key) != mine[key]]


def _entry(line: bytes) -> tuple[str, str] | None:
    try:
        data = json.loads(line)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("id"), str) and data.get("outcome") in (PLANNED, URGENT):
        return data["id"], data["outcome"]
    return None


class Journal:
    """Opened once per run: what earlier runs finished, and appends for this one."""

    def __init__(self, path: Path, header: JournalHeader) -> None:
        self.path = path
        self.header = header
        self.done: dict[str, str] = {}  # patient id -> outcome
        self._stream: IO[bytes] | None = None

    def open(self) -> None:
        if self.path.exists():
            self._read()
        else:
            write_atomically(self.path, self._line(self.header.as_json()), durable=True)
        self._stream = open(self.path, "ab")

    def _read(self) -> None:
        data = self.path.read_bytes()
        whole = data[:data.rfind(b"\n") + 1]  # a torn last line (no newline yet) is not a record
        lines = whole.splitlines()
        try:
            header = json.loads(lines[0]) if lines else None
        except ValueError:
            header = None
        if not isinstance(header, dict):
            raise self._refuse("the journal of this directory cannot be read",
                               "give another --out, or remove the directory to start again")
        changed = self.header.differences(header)
        if changed:
            raise self._refuse(f"the plans here were made with another {' and '.join(changed)}",
                               "give another --out, or run with the same pack, --format and --audience")
        for line in lines[1:]:
            entry = _entry(line)
            if entry is not None:
                self.done[entry[0]] = entry[1]
        if len(whole) != len(data):
            with open(self.path, "r+b") as stream:
                stream.truncate(len(whole))

    def _refuse(self, message: str, hint: str) -> DiagnosticError:
        return DiagnosticError([Diagnostic(Location(str(self.path)), "usage.bad-output", f"--out: {message}",
                                           hint=hint)])

    @staticmethod
    def _line(data: dict[str, Any]) -> bytes:
        return (json.dumps(data, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")

    def append(self, patient_id: str, outcome: str) -> None:
        """Record one finished plan (one write, so a kill leaves a whole line or a torn one)."""
        assert self._stream is not None, "open the journal first"
        self._stream.write(self._line({"id": patient_id, "outcome": outcome}))
        self._stream.flush()
        self.done[patient_id] = outcome

    def checkpoint(self) -> None:
        """Flush the appended lines to the disk (after a chunk, not after every line)."""
        if self._stream is not None:
            os.fsync(self._stream.fileno())

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    def compact(self, order: Iterable[str]) -> None:
        """Rewrite the journal with the ids in ``order`` first (input order), then any others by id."""
        self.close()
        ordered = [patient_id for patient_id in order if patient_id in self.done]
        rest = sorted(set(self.done) - set(ordered))
        lines = [self._line(self.header.as_json())]
        lines += [self._line({"id": patient_id, "outcome": self.done[patient_id]}) for patient_id in ordered + rest]
        write_atomically(self.path, b"".join(lines), durable=True)
