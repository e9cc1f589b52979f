"""An append-only, hash-chained record of generated plans in one SQLite file.

Each entry's ``entry_hash`` is sha256 over the canonical JSON of its other fields, ``prev_hash``
(the previous entry's hash; 64 zeros for the first) included, so editing, removing or moving any
entry breaks the chain at that entry. Triggers refuse UPDATE and DELETE, which stops casual edits;
``verify`` does not trust them and recomputes every hash.

A chain alone cannot show that entries were cut off its end, nor that someone with write access
rebuilt it with recomputed hashes: keep ``AuditTrail.head()`` somewhere else and pass it to
``verify(expected_head=...)`` to catch both. Entries hold digests and ids only: ``record`` takes no
patient data, so none can be stored or printed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from engine.audit.entry import GENESIS_HASH, AuditEntry, BreakKind, ChainHead, PlanRecord, VerifyReport

ENV_VAR = "CAREPLAN_AUDIT_DB"
# Written to the SQLite header so that a foreign database is refused rather than written into.
APPLICATION_ID = 0x43504154  # "CPAT"
SCHEMA_VERSION = 1
COLUMNS = ("seq", "recorded_at", "pack_name", "pack_version", "pack_digest", "input_digest", "output_digest",
           "output_format", "exit_code", "rules_fired", "prev_hash", "entry_hash")

_DIGEST_CHECK = "GLOB 'sha256:*' AND length({0}) = 71"
_TABLE = f"""CREATE TABLE audit_entries (
    seq INTEGER PRIMARY KEY CHECK (seq >= 1), recorded_at TEXT NOT NULL,
    pack_name TEXT NOT NULL, pack_version TEXT NOT NULL,
    pack_digest TEXT NOT NULL CHECK (pack_digest {_DIGEST_CHECK.format("pack_digest")}),
    input_digest TEXT NOT NULL CHECK (input_digest {_DIGEST_CHECK.format("input_digest")}),
    output_digest TEXT NOT NULL CHECK (output_digest {_DIGEST_CHECK.format("output_digest")}),
    output_format TEXT NOT NULL, exit_code INTEGER NOT NULL CHECK (typeof(exit_code) = 'integer'),
    rules_fired TEXT NOT NULL,
    -- UNIQUE prev_hash: two writers can never both extend the same entry (no forks).
    prev_hash TEXT NOT NULL UNIQUE CHECK (length(prev_hash) = 64),
    entry_hash TEXT NOT NULL UNIQUE CHECK (length(entry_hash) = 64))"""
_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_entries"
    " BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit_entries"
    " BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: DELETE refused'); END",
    # INSERT OR REPLACE would delete a row without firing the DELETE trigger: inserts must extend the head.
    "CREATE TRIGGER IF NOT EXISTS audit_append_at_head BEFORE INSERT ON audit_entries"
    " WHEN NEW.seq IS NOT (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_entries)"
    " OR NEW.prev_hash IS NOT COALESCE("
    f"(SELECT entry_hash FROM audit_entries ORDER BY seq DESC LIMIT 1), '{GENESIS_HASH}')"
    " OR EXISTS (SELECT 1 FROM audit_entries WHERE entry_hash = NEW.entry_hash)"
    " BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: INSERT must extend the chain'); END",
)
_Break = tuple[int, BreakKind, str]  # first broken seq, kind, one-line detail
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM audit_entries"


class AuditError(Exception):
    """The path is missing, not a careplan audit database, or cannot be written."""


def resolve_audit_db(option: str | os.PathLike[str] | None, environ: Mapping[str, str] | None = None) -> str | None:
    """--audit-db if given, else $CAREPLAN_AUDIT_DB; None (auditing off) when neither is set or both are empty."""
    if option:
        return os.fspath(option)
    return (os.environ if environ is None else environ).get(ENV_VAR) or None


class AuditTrail:
    """One writer's connection; any number of processes may hold one on the same file at once."""

    def __init__(self, path: str | os.PathLike[str], *, clock: Callable[[], datetime] | None = None,
                 timeout: float = 30.0) -> None:
        self.path = os.fspath(path)
        self._clock = clock or (lambda: datetime.now(UTC))
        # timeout is SQLite's busy timeout: a writer waits for the lock instead of failing.
        self._conn = _connect(self.path, self.path, timeout)
        try:
            with _sqlite_errors(self.path, "cannot open audit database"):
                _use_wal(self._conn, timeout)
                self._prepare()
        except BaseException:
            self._conn.close()
            raise

    def __enter__(self) -> AuditTrail:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def record(self, plan: PlanRecord) -> AuditEntry:
        """Append one entry for plan, under the write lock, and return it sealed."""
        with _sqlite_errors(self.path, "cannot record audit entry"), self._transaction():
            head = self.head()
            entry = AuditEntry(seq=head.seq + 1 if head else 1, recorded_at=self._now(), **asdict(plan),
                               prev_hash=head.entry_hash if head else GENESIS_HASH, entry_hash="")
            entry = replace(entry, entry_hash=entry.computed_hash())
            values = asdict(entry) | {"rules_fired": json.dumps(list(entry.rules_fired), separators=(",", ":"))}
            self._conn.execute(f"INSERT INTO audit_entries ({', '.join(COLUMNS)}) VALUES"
                               f" ({', '.join('?' * len(COLUMNS))})", [values[c] for c in COLUMNS])
        return entry

    def head(self) -> ChainHead | None:
        row = self._conn.execute("SELECT seq, entry_hash FROM audit_entries ORDER BY seq DESC LIMIT 1").fetchone()
        return ChainHead(row[0], row[1]) if row else None

    def _now(self) -> str:
        # Read inside the write lock, so recorded_at follows seq order (as far as the clock does).
        moment = self._clock()
        if moment.tzinfo is None:
            raise ValueError("the audit clock must return an aware datetime")
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock before reading the head: two writers cannot both read the
        # same head and fork the chain; the second waits (busy timeout) and then sees the first's entry.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _prepare(self) -> None:
        # Under the write lock, so that several workers creating the same new file race safely.
        # Triggers are (re)created on every open: one dropped to edit the file comes back with the next writer.
        with self._transaction():
            if _kind(self._conn) == "empty":
                self._conn.execute(_TABLE)
                self._conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            else:
                _require_audit(self._conn, self.path)
            for statement in _TRIGGERS:
                self._conn.execute(statement)


def verify(path: str | os.PathLike[str], *, expected_head: ChainHead | None = None,
           timeout: float = 30.0) -> VerifyReport:
    """Walk the trail in seq order and report its first break, if any.

    Opens the file read-only (SQLite may still add its -wal and -shm side files) and reads one snapshot.
    """
    name = os.fspath(path)
    if not os.path.isfile(name):
        raise AuditError(f"{name}: no such audit database")
    conn = _connect(Path(name).resolve().as_uri() + "?mode=ro", name, timeout, uri=True)
    try:
        with _sqlite_errors(name, "not a careplan audit database"):
            conn.execute("BEGIN")  # one snapshot, while writers go on appending
            _require_audit(conn, name)
            broken, checked, head = _walk(conn)
            if broken is None and expected_head is not None:
                broken = _check_head(conn, head, expected_head)
    finally:
        conn.close()
    return VerifyReport(name, checked, head, *(broken or (None, None, "")))


def _walk(conn: sqlite3.Connection) -> tuple[_Break | None, int, ChainHead | None]:
    prev, checked = ChainHead(0, GENESIS_HASH), 0
    for row in conn.execute(f"{_SELECT} ORDER BY seq"):
        broken = _check_entry(conn, prev, row)
        if broken is not None:
            return broken, checked, prev if checked else None
        prev, checked = ChainHead(row[0], row[-1]), checked + 1
    return None, checked, prev if checked else None


def _check_entry(conn: sqlite3.Connection, prev: ChainHead, row: tuple[Any, ...]) -> _Break | None:
    seq = row[0]
    entry = _entry_from_row(row)
    if entry is None or entry.computed_hash() != entry.entry_hash:
        return seq, "edited", f"entry {seq}'s fields do not match its hash"
    if seq > prev.seq + 1:
        return prev.seq + 1, "deleted", f"entries {prev.seq + 1} to {seq - 1} are missing"
    if seq != prev.seq + 1:  # only a seq below 1, forged past the CHECK constraint
        return seq, "edited", f"entry {seq} comes before the first entry"
    return None if entry.prev_hash == prev.entry_hash else _link_break(conn, prev, entry)


def _link_break(conn: sqlite3.Connection, prev: ChainHead, entry: AuditEntry) -> _Break:
    seq = entry.seq
    # The entry is intact but does not link to its predecessor. If it links to another entry, or
    # another entry links to the predecessor, entries were moved; else one was rewritten with a new hash.
    moved = conn.execute("SELECT seq FROM audit_entries WHERE seq != ? AND (entry_hash = ? OR prev_hash = ?)",
                         (seq, entry.prev_hash, prev.entry_hash)).fetchone()
    if moved:
        return seq, "reordered", f"entry {seq} does not follow entry {prev.seq}; entry {moved[0]} links to one of them"
    return seq, "edited", f"entry {seq} does not link to entry {prev.seq}: one was rewritten with a new hash"


def _check_head(conn: sqlite3.Connection, head: ChainHead | None, expected: ChainHead) -> _Break | None:
    last = head.seq if head else 0
    if last < expected.seq:
        return last + 1, "truncated", f"the trail ends at entry {last}; entry {expected.seq} was saved as its head"
    row = conn.execute("SELECT entry_hash FROM audit_entries WHERE seq = ?", (expected.seq,)).fetchone()
    if row[0] != expected.entry_hash:
        return expected.seq, "rewritten", f"entry {expected.seq} is not the saved head: the chain was rebuilt"
    return None


def _entry_from_row(row: tuple[Any, ...]) -> AuditEntry | None:
    """The row as an entry, or None if a field has the wrong type (possible only by a forged write)."""
    values = dict(zip(COLUMNS, row, strict=True))
    try:
        rules = json.loads(values["rules_fired"])
    except (TypeError, ValueError):
        return None
    texts = [v for c, v in values.items() if c not in {"seq", "exit_code", "rules_fired"}]
    if not (isinstance(rules, list) and all(isinstance(r, str) for r in rules + texts)):
        return None
    if not isinstance(values["exit_code"], int):
        return None
    return AuditEntry(**(values | {"rules_fired": tuple(rules)}))


def _connect(target: str, path: str, timeout: float, *, uri: bool = False) -> sqlite3.Connection:
    try:
        return sqlite3.connect(target, timeout=timeout, isolation_level=None, uri=uri)
    except sqlite3.Error as error:
        raise AuditError(f"{path}: cannot open audit database: {error}") from error


def _use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    # WAL: readers (verify) never block writers, and the mode persists in the file. Switching needs
    # every other connection out of the way and SQLite does not wait for that (no busy handler),
    # so workers that open a new file together retry. Where WAL is unsupported the pragma keeps the
    # old journal mode, which still serialises writers through the busy timeout.
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


@contextmanager
def _sqlite_errors(path: str, what: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as error:
        raise AuditError(f"{path}: {what}: {error}") from error


def _kind(conn: sqlite3.Connection) -> Literal["empty", "audit", "foreign"]:
    if conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID:
        return "audit"
    return "foreign" if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] else "empty"


def _require_audit(conn: sqlite3.Connection, path: str) -> None:
    if _kind(conn) != "audit":
        raise AuditError(f"{path}: not a careplan audit database")
    if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
        raise AuditError(f"{path}: audit database schema is not version {SCHEMA_VERSION}")
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_entries'").fetchone():
        raise AuditError(f"{path}: audit database has lost its entries table")

