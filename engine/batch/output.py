"""The output tree of a batch: ``DIR/plans/<id>.<fmt>``, ``DIR/errors.ndjson``, the journal and a lock.

Every file is written atomically: to a temporary file in the same directory, then ``os.replace``,
so a reader (or a batch killed part way) sees a whole document or none, never half of one. The
temporaries of a killed run are removed when the next run starts. One batch at a time may write to
a directory: the lock is an ``flock`` on ``DIR/.lock``, which the kernel releases when its holder
dies, even by SIGKILL.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engine.source.diagnostics import Diagnostic, DiagnosticError, Location

PLANS = "plans"
ERRORS = "errors.ndjson"
JOURNAL = "journal.ndjson"
LOCK = ".lock"
_TEMP_SUFFIX = ".tmp"


def _usage(out: Path, message: str, hint: str) -> DiagnosticError:
    return DiagnosticError([Diagnostic(Location(str(out)), "usage.bad-output", f"--out: {message}", hint=hint)])


def write_atomically(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Replace ``path`` with ``data`` in one step; ``durable`` also flushes it to the disk first."""
    temp = path.with_name(f".{path.name}.{os.getpid()}{_TEMP_SUFFIX}")
    with open(temp, "wb") as stream:
        stream.write(data)
        if durable:
            stream.flush()
            os.fsync(stream.fileno())
    os.replace(temp, path)


class OutputTree:
    """The directory a batch writes; opened (and locked) for one run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.plans = root / PLANS
        self.errors = root / ERRORS
        self.journal = root / JOURNAL
        self._lock: int | None = None

    def open(self) -> None:
        """Create the directory if need be, take the lock, drop a killed run's temporaries."""
        if self.root.exists() and not self.root.is_dir():
            raise _usage(self.root, "this is a file, not a directory", "give a directory to write the plans into")
        if not self.root.parent.is_dir():
            raise _usage(self.root, "the directory to create it in does not exist", "create the parent first")
        self.plans.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise _usage(self.root, "another careplan batch is writing to this directory",
                         "wait for it to finish, or give another --out") from None
        self._lock = fd
        for folder in (self.root, self.plans):
            for temp in folder.glob(f".*{_TEMP_SUFFIX}"):
                temp.unlink(missing_ok=True)

    def close(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor releases the flock
            self._lock = None

    def plan_path(self, patient_id: str, fmt: str) -> Path:
        # ids are letters, digits, '.', '_' and '-' (the patient schema): never a path separator
        return self.plans / f"{patient_id}.{fmt}"

    def has_plans(self, patient_id: str, formats: Iterable[str]) -> bool:
        """Every format of this patient's plan is on disk (and not empty)."""
        for fmt in formats:
            try:
                if self.plan_path(patient_id, fmt).stat().st_size == 0:
                    return False
            except FileNotFoundError:
                return False
        return True

    def write_plans(self, patient_id: str, documents: dict[str, str]) -> None:
        for fmt in sorted(documents):
            write_atomically(self.plan_path(patient_id, fmt), documents[fmt].encode("utf-8"))

    def write_errors(self, entries: Iterable[dict[str, Any]]) -> None:
        lines = [json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n" for entry in entries]
        write_atomically(self.errors, "".join(lines).encode("utf-8"), durable=True)
